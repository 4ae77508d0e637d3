"""Q-DUP-1 (text): a report that copies its previous year's sections is reported with the share
repeated and the longest repeated passage; independent reports and the form's own text are not."""

from __future__ import annotations

import itertools

from gongkai import parse_bytes
from gongkai.check.copying import compare_text, section_similarity
from gongkai.render.text import Document, render_text
from helpers import V2021, seed_input, seed_tables

HUITONG = seed_input("seed-huitong-2022").read_text(encoding="utf-8")


def next_year(text: str) -> str:
    """Last year's report with the year moved on and the main counts changed: a lazy copy."""
    return (text.replace("2022", "2023").replace("2021", "2022").replace("4308", "5120")
            .replace("1723809", "1900233").replace("发布政策解读信息60条", "发布政策解读信息71条"))


def parse(text: str):
    return parse_bytes(text.encode("utf-8"))


def test_a_copied_report_is_reported_per_section_with_its_share():
    previous, copy = parse(HUITONG), parse(next_year(HUITONG))
    findings = compare_text(copy, previous)
    assert [f.rule for f in findings] == ["Q-DUP-1", "Q-DUP-1"]
    one, five = findings
    assert one.message.startswith("第一部分「总体情况」与会同县人民政府 2022 年度报告雷同")
    assert five.message.startswith("第五部分「存在的主要问题及改进情况」")
    assert {one.severity, five.severity} == {"warning"}
    sims = {s.number: s for s in section_similarity(copy, previous)}
    assert sims["一"].share > 0.9 and sims["五"].share > 0.9
    assert f"{sims['五'].share:.0%} 的文字重复（{sims['五'].repeated}/{sims['五'].chars} 字" in five.message
    # the longest repeated passage is quoted as printed, with the new year in it
    assert sims["五"].passages[0].startswith("针对上年度存在“政策解读方式较为单一")
    assert "最长的重复段落" in five.message and "「针对上年度存在" in five.message


def test_a_partly_rewritten_section_gets_a_lower_share():
    rewritten = next_year(HUITONG).replace(
        "一是重大会议公开不全面,未能及时公开全体会议信息。", "一是基层政务公开标准目录更新不及时,群众查询不便。").replace(
        "二是依申请公开答复文书存在不规范情况。。", "二是政务新媒体内容更新频率偏低,互动回应不够。")
    full = {s.number: s for s in section_similarity(parse(next_year(HUITONG)), parse(HUITONG))}["五"]
    part = {s.number: s for s in section_similarity(parse(rewritten), parse(HUITONG))}["五"]
    assert part.share < full.share
    assert part.repeated < full.repeated


def test_independent_reports_are_not_reported():
    reports = {name: parse_bytes(seed_input(name).read_bytes()) for name in (
        "seed-chuanhui-2019", "seed-donghu-2016", "seed-huitong-2022", "seed-jiangyou-2020",
        "seed-liubei-culture-2019")}
    for a, b in itertools.permutations(reports, 2):
        assert compare_text(reports[a], reports[b]) == [], (a, b)
        assert all(s.share < 0.1 for s in section_similarity(reports[a], reports[b])), (a, b)


def test_the_forms_own_text_does_not_count():
    # two reports that share nothing but the form: headings, table labels, the 勾稽 note
    tables = seed_tables(V2021)
    texts = [render_text(Document("v2021", "会同县人民政府", year, tables, narrative={
        "overall": overall, "problems": problems, "other": "本年度未发出收费通知。"}))
        for year, overall, problems in (
            (2021, "本年度坚持以公开为常态、不公开为例外，全县主动公开政府信息1200条，依法办理群众申请。",
             "上年度问题已整改。存在的问题是网站栏目更新慢，下一步将建立巡查制度，按月通报各单位更新情况。"),
            (2022, "全年围绕优化营商环境推进重点领域公开，县政府门户网站发布各类信息1500条，开展政策解读40次。",
             "针对上年度指出的问题已完成整改。本年度发现解读材料形式单一，明年将增加图解和视频解读的比重。"))]
    first, second = (parse(t) for t in texts)
    assert compare_text(second, first) == []
    sims = {s.number: s for s in section_similarity(second, first)}
    # the tables' labels, group headers and printed identity note are the form's: no text of their own
    assert sims["二"].chars == sims["三"].chars == sims["四"].chars == 0
    assert sims["一"].repeated == sims["五"].repeated == 0


def test_the_check_command_reports_a_copy_with_previous(tmp_path):
    from typer.testing import CliRunner

    from gongkai.cli import app

    previous, current = tmp_path / "2022.txt", tmp_path / "2023.txt"
    previous.write_text(HUITONG, encoding="utf-8")
    current.write_text(next_year(HUITONG), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(current), "--previous", str(previous)])
    assert result.exit_code == 0  # warnings only
    lines = [line for line in result.stdout.splitlines() if "Q-DUP-1" in line]
    text = [line for line in lines if "文字重复" in line]
    # the data part (check.crossyear) sees the same copy, under its own rule id
    tables = [line for line in result.stdout.splitlines() if "Q-DUP-2" in line]
    assert len(text) == 2 and "第一部分" in text[0] and "第五部分" in text[1] and len(lines) == 2
    assert len(tables) == 2 and all("逐格相同" in line for line in tables)
    alone = CliRunner().invoke(app, ["check", str(current)])
    assert "Q-DUP-1" not in alone.stdout


def test_an_unreadable_previous_report_exits_2(tmp_path):
    from typer.testing import CliRunner

    from gongkai.cli import app

    current = tmp_path / "2023.txt"
    current.write_text(next_year(HUITONG), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(current), "--previous", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    assert "找不到文件" in result.stderr
