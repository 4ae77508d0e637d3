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


def test_title_in_markdown_emphasis_and_traditional_script() -> None:
    text = ("# **西柳镇人民政府2023年政府信息公开工作年度报告**\n\n一、總體情況\n"
            "2023年，西柳鎮人民政府認真貫徹落實《中華人民共和國政府信息公開條例》，主動公開信息12條。\n"
            "二、主動公開政府信息情況\n三、收到和處理政府信息公開申請情況\n").encode()
    report = gongkai.parse_bytes(text, "t.md")
    assert (report.organization, report.year) == ("西柳镇人民政府", 2023)


def test_signature_run_into_the_last_paragraph_gives_the_date_but_a_footer_does_not() -> None:
    head = ("新华街道办事处2023年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n"
            "三、收到和处理政府信息公开申请情况\n六、其他需要报告的事项\n")
    signed = gongkai.parse_bytes((head + "本年度未收取信息处理费。 新华街道办事处 二〇二四年一月十二日\n- 2 -\n").encode())
    assert signed.published == "2024-01-12"
    footer = gongkai.parse_bytes((head + "本年度未收取信息处理费。\n打印时间 2024年3月5日 http://x.gov.cn/2024/03/05/1.html\n"
                                  ).encode())
    assert footer.published is None
