"""Pre-2019 reports' statistics table (附表: 指标名称 | 计量单位 | 本年 | 历年累计) read into the
documented `legacy` table; only printed rows are output, a blank cell is null."""

from __future__ import annotations

from pathlib import Path

import gongkai
from gongkai.forms import ALL_FORMS, FORMS, LEGACY

FIXTURE = Path(__file__).parent / "fixtures" / "legacy-table-2012.txt"


def test_legacy_table_is_read_by_its_labels():
    report = gongkai.parse_path(FIXTURE)
    assert (report.template, report.year) == ("legacy", 2012)
    got = report.to_json()["tables"]["legacy"]
    assert got["proactive"] == {"this_year": 120, "cumulative": 980}
    assert got["proactive_normative"] == {"this_year": 4, "cumulative": 31}
    assert got["requests_in_person"] == {"this_year": 1, "cumulative": None}  # printed blank
    assert got["replies_denied"] == {"this_year": 0, "cumulative": 2}  # not 同意公开答复数
    assert got["replies_granted"] == {"this_year": 2, "cumulative": 18}
    assert "requests_fax" not in got  # not printed: absent, not null
    cell = report.tables["legacy"]["review"]["cumulative"]
    assert (cell.row_label, cell.column_label) == ("行政复议数量", "历年累计")


def test_columns_in_the_order_the_header_prints_them():
    text = FIXTURE.read_text(encoding="utf-8").replace("本年\t历年累计", "历年累计\t本年")
    got = gongkai.parse_bytes(text.encode("utf-8")).to_json()["tables"]["legacy"]
    assert got["proactive"] == {"this_year": 980, "cumulative": 120}


def test_legacy_report_without_the_table_has_no_tables():
    text = "\n".join(line for line in FIXTURE.read_text(encoding="utf-8").split("\n") if "\t" not in line)
    assert gongkai.parse_bytes(text.encode("utf-8")).tables == {}


def test_legacy_form_is_registered_apart_from_the_national_forms():
    assert "legacy" in ALL_FORMS and "legacy" not in FORMS
    assert LEGACY.tables[0].key == "legacy"
