"""Cross-year rules: each one on a pair built to pass and a pair built to fail, plus a real pair."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from helpers import V2019, V2021, load, pair, render
from typer.testing import CliRunner

from gongkai.check.crossyear import check_pair
from gongkai.cli import app
from gongkai.store.bodies import body_of
from gongkai.store.records import report_from_json

FIXTURES = Path(__file__).parent / "fixtures" / "crossyear"


def findings(doc: dict, earlier: dict, rule: str):
    return [f for f in check_pair(report_from_json(doc), report_from_json(earlier)) if f.rule == rule]


def test_consistent_pairs_give_no_findings():
    for seed in (V2019, V2021):
        doc, earlier = pair(seed)
        assert check_pair(report_from_json(doc), report_from_json(earlier)) == []


def test_x1_carry_over_per_column():
    doc, earlier = pair(V2021)
    doc["tables"]["requests"]["carried_in"]["natural_person"] = 4
    earlier["tables"]["requests"]["carried_out"]["natural_person"] = 3
    (f,) = findings(doc, earlier, "X-1")
    assert f.severity == "warning"
    assert f.cells == ["requests.carried_in.natural_person"]
    assert "本年上年结转 4，上年结转下年度 3" in f.message and "2021 年度报告" in f.message


def test_x1_only_for_the_year_before():
    doc, earlier = pair(V2021, gap=2)
    earlier["tables"]["requests"]["carried_out"]["total"] = 99
    assert findings(doc, earlier, "X-1") == []


def test_t23_v2021_continuity():
    doc, earlier = pair(V2021)
    row = next(r for r, c in doc["tables"]["proactive"].items() if "in_force" in c)
    now = doc["tables"]["proactive"][row]
    assert findings(doc, earlier, "T2-3") == []
    earlier["tables"]["proactive"][row]["in_force"] += 2
    (f,) = findings(doc, earlier, "T2-3")
    assert f.cells == [f"proactive.{row}.in_force", f"proactive.{row}.issued", f"proactive.{row}.repealed"]
    expected = now["in_force"] + 2
    assert f"= {expected}，而本年现行有效 {now['in_force']}" in f.message


def test_t24_v2019_items():
    doc, earlier = pair(V2019)
    assert findings(doc, earlier, "T2-4") == []
    earlier["tables"]["proactive"]["licensing"]["items_delta"] = 6  # one short
    (f,) = findings(doc, earlier, "T2-4")
    assert f.cells == ["proactive.licensing.items_prev"]
    assert "行政许可" in f.message


def test_x4_same_year_different_numbers():
    doc, _ = pair(V2021)
    same = copy.deepcopy(doc)
    assert findings(doc, same, "X-4") == []
    same["tables"]["requests"]["granted"]["natural_person"] += 1
    same["source"]["path"] = "another/copy.html"
    (f,) = findings(doc, same, "X-4")
    assert f.cells == ["requests.granted.natural_person"]
    assert "another/copy.html" in f.message


def test_qdup2_identical_table_with_real_numbers():
    doc, earlier = pair(V2021)
    earlier["tables"]["requests"] = copy.deepcopy(doc["tables"]["requests"])
    nonzero = sum(1 for cells in doc["tables"]["requests"].values() for v in cells.values() if v)
    assert nonzero >= 3
    (f,) = findings(doc, earlier, "Q-DUP-2")
    assert f.message.startswith("表三与 2021 年度报告的表三逐格相同")
    assert len(f.cells) == nonzero
    earlier["tables"]["requests"]["granted"]["total"] += 1
    assert findings(doc, earlier, "Q-DUP-2") == []


def test_qdup2_ignores_tables_of_zeros():
    doc, earlier = pair(V2021)
    zeros = {r: {c: 0 for c in cells} for r, cells in doc["tables"]["review_litigation"].items()}
    doc["tables"]["review_litigation"] = zeros
    earlier["tables"]["review_litigation"] = copy.deepcopy(zeros)
    assert findings(doc, earlier, "Q-DUP-2") == []


def test_pair_in_the_wrong_order_or_without_years():
    doc, earlier = pair(V2021)
    earlier["tables"]["requests"]["carried_out"]["total"] = 99
    assert check_pair(report_from_json(earlier), report_from_json(doc)) == []
    doc["report"]["year"] = None
    assert check_pair(report_from_json(doc), report_from_json(earlier)) == []


def test_real_pair_hongze_links_and_holds():
    """洪泽区 2023 and 2024 (real reports; 2024 signs as 淮安市洪泽区人民政府): one body, rules hold."""
    later, earlier = (load(json.loads((FIXTURES / f"hongze-{y}.json").read_text(encoding="utf-8")))
                      for y in (2024, 2023))
    assert body_of(later["report"]["organization"]).body_id == body_of(earlier["report"]["organization"]).body_id
    assert check_pair(report_from_json(later), report_from_json(earlier)) == []
    later["tables"]["proactive"]["normative_docs"]["in_force"] = 9  # 5 + 3 − 0 = 8 printed
    (f,) = findings(later, earlier, "T2-3")
    assert "上年现行有效 5 + 本年制发 3 − 本年废止 0 = 8，而本年现行有效 9" in f.message


def test_check_previous_cli(tmp_path):
    doc, earlier = pair(V2021)
    earlier["tables"]["requests"]["carried_out"]["natural_person"] += 1
    now_file, before_file = tmp_path / "2022.txt", tmp_path / "2021.txt"
    now_file.write_text(render(doc["tables"], V2021), encoding="utf-8")
    before_file.write_text(render(earlier["tables"], V2021, year=2021), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(now_file), "--previous", str(before_file), "--json"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings if f["rule"] != "Q-DUP-1"] == ["X-1"]
    # both years were rendered with the same default wording: the text comparison rightly calls it a copy
    assert all("文字重复" in f["message"] for f in findings if f["rule"] == "Q-DUP-1")
    missing = CliRunner().invoke(app, ["check", str(now_file), "--previous", str(tmp_path / "none.txt")])
    assert missing.exit_code == 2
