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


def test_emphasised_box_gives_the_date_and_the_body_over_the_parent_in_its_source() -> None:
    # an opening as a Markdown page without tables: the title over two headings, a box whose
    # labels are in emphasis and whose 来源 names the parent government, a footer update time
    text = ("# **南关区民政局**\n\n# **2017年政府信息公开工作年度报告**\n\n"
            "**索引号**：103066634/2018-00327  **发布机构**：南关区民政局  **发布日期**：2018-01-14  **来源**：南关区人民政府\n\n"
            "本年度报告根据《中华人民共和国政府信息公开条例》要求编制。\n\n一、总体情况\n\n"
            "2017年，我局认真贯彻落实政府信息公开工作要求。\n\n更新时间：2019-05-06\n").encode()
    report = gongkai.parse_bytes(text, "t.md")
    assert (report.organization, report.year, report.published) == ("南关区民政局", 2017, "2018-01-14")


def test_title_naming_only_the_place_takes_the_body_from_the_box() -> None:
    text = ("首页 > 政务公开 > 年度报告\n经济开发区2024年政府信息公开工作年度报告\n"
            "索引号：617921422/2025-00416  发布机构：经济开发区管理委员会  来源：平阳县人民政府\n"
            "本年度报告根据《中华人民共和国政府信息公开条例》要求编制。\n一、总体情况\n"
            "2024年，我委认真贯彻落实政府信息公开工作要求。\n更新时间：2026-10-23\n").encode()
    report = gongkai.parse_bytes(text, "t.txt")
    assert (report.organization, report.year, report.published) == ("经济开发区管理委员会", 2024, None)


def test_street_named_alone_is_its_office_and_self_reference_is_no_name() -> None:
    street = gongkai.parse_bytes("新华街道\n2019年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n".encode())
    assert street.organization == "新华街道办事处"
    from gongkai.extract.meta import _body

    assert _body("我局") is None and _body("本机关") is None


@pytest.mark.parametrize("seed", range(12))
def test_generated_opening_gives_body_year_and_date(seed: int) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from gen_cases import opening_case

    data, ext, truth = opening_case(seed * 7919 + 3)
    want = truth["report"]
    report = gongkai.parse_bytes(data, f"input.{ext}")
    assert report.year == want["year"]
    assert want["organization_core"] in (report.organization or "")
    assert report.published == want["published"]


def test_page_time_run_onto_the_title_line_is_the_date_but_not_a_later_line() -> None:
    # pymupdf4llm joined the page header (title, time, 信息来源) into one line
    head = "柳北区交通运输局 2019 年政府信息公开工作年度报告 2020/01/23 09:30 信息来源：政府办\n\n"
    body = "2019 年，柳北区交通运输局认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息 7400 条。\n"
    report = gongkai.parse_bytes((head + body).encode(), "a.md")
    assert (report.organization, report.year, report.published) == ("柳北区交通运输局", 2019, "2020-01-23")
    # a date-time in a sentence that merely mentions a report is no publication date
    late = gongkai.parse_bytes((head.split(" 2020/")[0] + "\n\n" + body + "详见报告 2020/05/01 10:00 更新\n").encode(), "b.md")
    assert late.published is None
