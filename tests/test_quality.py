"""The quality summary: four documented scores with the findings behind them, in the JSON and in
`gongkai check`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from gongkai import parse_bytes
from gongkai.cli import app
from gongkai.quality import assess, dimension_of
from helpers import V2021, bump, render, seed_input, seed_tables


def test_rules_count_against_their_dimension():
    assert [dimension_of(r) for r in ("T3-1", "T4-2", "X-3", "X-2")] == ["accuracy"] * 4
    assert [dimension_of(r) for r in ("Q-TPL-2", "Q-S5-1", "Q-S6-1", "Q-FMT-2", "Q-FMT-3", "P-1")] == ["completeness"] * 6
    assert [dimension_of(r) for r in ("Q-TPL-1", "T3-5", "Q-DUP-1", "Q-DUP-2")] == ["conformity"] * 4
    assert [dimension_of(r) for r in ("D-1", "D-2")] == ["timeliness"] * 2


def test_a_clean_2021_seed_scores_by_its_one_hint():
    quality = parse_bytes(seed_input("seed-huitong-2022").read_bytes()).to_json()["quality"]
    assert quality["completeness"] == {"score": 97, "findings": [
        {"rule": "Q-S6-1", "severity": "info", "deduction": 3}]}
    assert quality["accuracy"] == {"score": 100, "findings": []}
    assert quality["conformity"] == {"score": 100, "findings": []}
    assert quality["timeliness"]["score"] is None and "未印发布日期" in quality["timeliness"]["note"]
    assert quality["overall"] == 99


def test_errors_lower_accuracy_and_lateness_lowers_timeliness():
    tables = seed_tables(V2021)
    bump(tables, "requests", "carried_out", 1)  # two T3-1 errors
    text = render(tables, V2021).replace("会同县人民政府2022年政府信息公开工作年度报告",
                                         "会同县财政局2022年政府信息公开工作年度报告\n发布日期：2023年2月10日")
    report = parse_bytes(text.encode("utf-8"))
    quality = report.quality
    assert quality["accuracy"]["score"] == 50
    assert [f["rule"] for f in quality["accuracy"]["findings"]] == ["T3-1", "T3-1"]
    assert quality["timeliness"] == {"score": 100 - (10 + 10), "findings": [
        {"rule": "D-1", "severity": "warning", "deduction": 20}]}  # 10 days after 1月31日
    assert quality == assess(report)


def test_a_legacy_report_is_judged_on_timeliness_only():
    quality = parse_bytes(seed_input("seed-donghu-2016").read_bytes()).quality
    assert [quality[k]["score"] for k in ("completeness", "accuracy", "conformity", "timeliness")] == [
        None, None, None, 100]
    assert quality["overall"] == 100


def test_check_prints_the_scores_and_the_figures_of_the_text():
    result = CliRunner().invoke(app, ["check", str(seed_input("seed-donghu-2016"))])
    assert "质量（满分 100）：完整性 —" in result.stdout
    assert "及时性 100 · 综合 100" in result.stdout
    assert "正文数字：主动公开信息数 209 · 收到申请数 0" in result.stdout


def test_parse_json_carries_narrative_and_quality():
    result = CliRunner().invoke(app, ["parse", str(seed_input("seed-huitong-2022")), "--json"])
    doc = json.loads(result.stdout)
    assert doc["narrative"]["proactive_count"] == 4308
    assert doc["provenance"]["narrative"]["requests_received"]["line"] == 10
    assert doc["provenance"]["sections"]["五"] == {"heading": "五、存在的主要问题及改进情况", "line": 340}
    assert doc["quality"]["overall"] == 99
