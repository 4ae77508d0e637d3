"""Structure, form and dates: Q-TPL-2, Q-S5-1, Q-S6-1, X-2, Q-FMT-3, D-1, D-2 — each once firing
and once quiet, on seed tables printed as scraped text with the wording under test."""

from __future__ import annotations

import pytest

from gongkai import parse_bytes
from gongkai.render.text import Document, render_text
from helpers import V2019, V2021, by_rule, parse_text, seed_input, seed_tables


def report(seed: tuple = V2021, *, organization: str | None = None, year: int | None = None,
           published: str | None = None, drop: str | None = None, tables: dict | None = None, **narrative: str):
    """A seed's tables printed with the given section texts (overall / problems / other), date line
    and body; `drop` removes one section heading."""
    _, form, org, seed_year = seed
    doc = Document(form=form, organization=organization or org, year=year or seed_year,
                   tables=tables or seed_tables(seed), published_line=published, narrative=dict(narrative))
    text = render_text(doc)
    if drop:
        text = "\n".join(line for line in text.split("\n") if not line.startswith(drop))
    return parse_text(text)


def only(rep, rule: str):
    [f] = by_rule(rep, rule)
    return f


# ------------------------------------------------------------------------------------ Q-TPL-2

def test_q_tpl_2_fires_when_a_statutory_section_is_missing():
    f = only(report(drop="五、"), "Q-TPL-2")
    assert f.severity == "warning"
    assert "五、存在的主要问题及改进情况" in f.message
    assert "六、" not in f.message


def test_q_tpl_2_quiet_on_a_complete_report_and_on_every_seed(seed):
    assert by_rule(report(), "Q-TPL-2") == []
    name, data, _ = seed
    assert by_rule(parse_bytes(data, name), "Q-TPL-2") == []


# ------------------------------------------------------------------------------------ Q-S5-1

def test_q_s5_1_fires_when_section_5_does_not_look_back_on_the_2021_form():
    f = only(report(problems="本年度存在公开内容不够深入的问题。下一步将加强培训，提升工作质量。"), "Q-S5-1")
    assert f.severity == "info"


def test_q_s5_1_quiet_when_section_5_speaks_of_last_years_problems():
    assert by_rule(report(problems="针对上年度报告指出的问题，本年度已逐项整改。"), "Q-S5-1") == []
    assert by_rule(report(problems="2021年存在的问题已改进。本年度的主要问题是解读形式单一。"), "Q-S5-1") == []


def test_huitong_2022_section_5_passes_q_s5_1():
    rep = parse_bytes(seed_input("seed-huitong-2022").read_bytes())
    assert rep.template == "v2021"
    assert by_rule(rep, "Q-S5-1") == []


def test_q_s5_1_does_not_apply_to_the_2019_form():
    assert by_rule(report(V2019, problems="本年度存在公开内容不够深入的问题。"), "Q-S5-1") == []


# ------------------------------------------------------------------------------------ Q-S6-1

def test_q_s6_1_fires_when_section_6_is_silent_on_fees():
    rep = report(other="无。")
    assert only(rep, "Q-S6-1").severity == "info"
    huitong = parse_bytes(seed_input("seed-huitong-2022").read_bytes())  # its section 六 is "无"
    assert only(huitong, "Q-S6-1").severity == "info"


def test_q_s6_1_quiet_when_section_6_states_the_fee():
    assert by_rule(report(other="本年度未收取信息处理费。"), "Q-S6-1") == []
    assert by_rule(report(V2019, other="无。"), "Q-S6-1") == []


# ------------------------------------------------------------------------------------

def fee_unpaid_tables(n: int) -> dict:
    tables = seed_tables(V2021)
    for row, delta in (("other_fee_unpaid", n), ("new_received", n), ("results_total", n)):
        for col in ("natural_person", "total"):
            tables["requests"][row][col] += delta
    return tables


def test_x_2_fires_when_fewer_fee_notices_than_requests_dropped_for_an_unpaid_fee():
    rep = report(tables=fee_unpaid_tables(3), other="本年度发出收费通知1件，未收取信息处理费。")
    f = only(rep, "X-2")
    assert f.severity == "warning"
    assert f.cells == ["requests.other_fee_unpaid.total"]
    assert "收费通知 1 件" in f.message and "3 件" in f.message
    assert [x for x in rep.findings if x.severity == "error"] == []


def test_x_2_is_a_hint_when_the_text_gives_no_count_and_quiet_when_enough():
    assert only(report(tables=fee_unpaid_tables(3), other="本年度收取信息处理费300元。"), "X-2").severity == "info"
    assert by_rule(report(tables=fee_unpaid_tables(3), other="本年度发出收费通知3件，收取信息处理费300元。"), "X-2") == []
    assert by_rule(report(other="本年度未发出收费通知。"), "X-2") == []  # nothing dropped for fees


# ------------------------------------------------------------------------------------ Q-FMT-3

def test_q_fmt_3_fires_on_an_empty_number_slot():
    f = only(report(overall="2022年，全县主动公开信息  条，政策解读   篇。"), "Q-FMT-3")
    assert f.severity == "warning"
    assert "主动公开信息  条" in f.message and "政策解读   篇" in f.message
    assert f.message.count("第 ") == 2  # both slots, each with its line


def test_q_fmt_3_quiet_on_printed_numbers_and_on_the_seeds(seed):
    assert by_rule(report(overall="2022年，全县主动公开信息 25 条。"), "Q-FMT-3") == []
    name, data, _ = seed
    assert by_rule(parse_bytes(data, name), "Q-FMT-3") == []


# ------------------------------------------------------------------------------------ D-1

@pytest.mark.parametrize("organization,published", [
    ("会同县财政局", "2023年2月15日"),        # a department: 1月31日
    ("会同县人民政府", "2023年4月2日"),       # a county government: 3月31日
    ("会同县人民政府办公室", "2023年4月1日"),  # its office: held to the government's deadline
])
def test_d_1_fires_after_the_statutory_deadline(organization, published):
    f = only(report(organization=organization, published=f"发布日期：{published}"), "D-1")
    assert f.severity == "warning"
    assert "逾期" in f.message


@pytest.mark.parametrize("organization,published", [
    ("会同县财政局", "2023年1月31日"),
    ("会同县人民政府", "2023年3月31日"),
    ("会同县人民政府办公室", "2023年2月20日"),
    ("某某镇人民政府", "2023年6月1日"),  # township deadlines are set locally: no D-1
])
def test_d_1_quiet_on_time_or_when_the_deadline_is_unknown(organization, published):
    assert by_rule(report(organization=organization, published=f"发布日期：{published}"), "D-1") == []


def test_d_1_before_2019_is_march_31_for_everyone():
    legacy = seed_input("seed-donghu-2016").read_text(encoding="utf-8")  # 东湖区统计局, published 2017-02-27
    assert by_rule(parse_bytes(legacy.encode("utf-8")), "D-1") == []  # a department, but before 2019
    late = parse_bytes(legacy.replace("2017-02-27", "2017-04-05").encode("utf-8"))
    assert "2017-03-31" in only(late, "D-1").message


def test_d_1_quiet_on_every_seed(seed):
    name, data, _ = seed
    assert by_rule(parse_bytes(data, name), "D-1") == []


# ------------------------------------------------------------------------------------ D-2

def test_d_2_fires_on_a_report_published_before_its_year_ended():
    f = only(report(published="发布日期：2022年3月15日"), "D-2")
    assert "2022-03-15" in f.message


def test_d_2_fires_on_a_statistics_period_of_another_year():
    rep = report(overall="本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。")
    f = only(rep, "D-2")
    assert "2021 年 1 月 1 日至 2021 年 12 月 31 日" in f.message and "2022" in f.message


def test_d_2_quiet_on_the_right_period_and_on_the_seeds(seed):
    assert by_rule(report(overall="本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。"), "D-2") == []
    name, data, _ = seed
    assert by_rule(parse_bytes(data, name), "D-2") == []
