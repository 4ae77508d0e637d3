"""Pages that are not the whole report: real page openings (tables not in the text) are still
reports — read with their year and body, never refused — while a page with no sign of being an
annual report is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gongkai
from gongkai.errors import InputError

OPENINGS = sorted((Path(__file__).parent / "fixtures" / "openings").iterdir())


@pytest.mark.parametrize("case", OPENINGS, ids=[c.name for c in OPENINGS])
def test_opening_is_a_report_with_its_year_and_body(case: Path) -> None:
    want = json.loads((case / "truth.json").read_text(encoding="utf-8"))["report"]
    report = gongkai.parse_path(case / "input.txt")
    assert report.year == want["year"]
    assert want["organization_core"] in (report.organization or "")
    assert report.published == want["published"]
    if "template" in want:
        assert report.template == want["template"]


def test_opening_without_tables_warns_q_tpl_3() -> None:
    report = gongkai.parse_path(OPENINGS[0] / "input.txt")  # 阿城区机关后勤服务中心 2021, no table
    assert report.template == "unknown"
    assert [f.rule for f in report.findings if f.rule == "Q-TPL-3"] == ["Q-TPL-3"]


def test_news_item_about_disclosure_is_still_refused() -> None:
    news = ("本周，我县召开政务公开工作推进会，会议强调要做好主动公开和依申请公开工作，"
            "认真办理行政复议案件。").encode()
    with pytest.raises(InputError):
        gongkai.parse_bytes(news, "news.txt")


def test_preamble_alone_marks_a_report() -> None:
    text = ("本报告由某某县人民政府办公室根据《中华人民共和国政府信息公开条例》要求编制。"
            "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。\n一、总体情况\n").encode()
    report = gongkai.parse_bytes(text, "x.txt")
    assert (report.organization, report.year) == ("某某县人民政府办公室", 2023)
