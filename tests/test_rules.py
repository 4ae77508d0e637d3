"""Every check rule, once firing and once quiet, on seed tables printed as scraped text.

Each test starts from a seed's exact truth tables, alters a cell or two, prints the report with the
renderer (both scraped layouts where the reading differs), parses it and asserts the findings:
rule, severity, the exact cells and the numbers in the Chinese message.
"""

from __future__ import annotations

import pytest

from helpers import (LAYOUTS, REQUEST_COLS, REQUEST_PARTS, REVIEW_COLS, V2019, V2021, bump, by_rule, marked_blank,
                     parse_text, paths, render, rules, seed_tables)

V2021_OUTCOMES = ("granted", "partial", "deny_state_secret", "deny_law_prohibited", "deny_security_stability",
                  "deny_third_party", "deny_internal_affairs", "deny_process_info", "deny_enforcement_file",
                  "deny_admin_query", "unable_not_held", "unable_needs_creation", "unable_unclear",
                  "noproc_petition", "noproc_repeat", "noproc_publication", "noproc_mass_repeat",
                  "noproc_confirm_reissue", "other_no_fix", "other_fee_unpaid", "other_misc")
V2019_OUTCOMES = V2021_OUTCOMES[:-3] + ("other",)


def parse(tables: dict, seed: tuple, layout: str = "paragraph", **kw):
    return parse_text(render(tables, seed, layout, **kw))


# ------------------------------------------------------------------------------------ baseline

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", [V2021, V2019], ids=["v2021", "v2019"])
def test_clean_seed_tables_read_back_exactly_with_no_findings(seed, layout):
    tables = seed_tables(seed)
    report = parse(tables, seed, layout)
    assert report.template == seed[1]
    assert report.year == seed[3]
    assert report.organization == seed[2]
    assert report.to_json()["tables"] == tables
    assert report.findings == []


# ------------------------------------------------------------------------------------ T3-1

@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_1_fires_per_column_when_carried_out_breaks_the_printed_identity(layout):
    tables = seed_tables(V2021)
    bump(tables, "requests", "carried_out", 1)  # 自然人 and 总计: 2 + 0 ≠ 2 + 1
    report = parse(tables, V2021, layout)

    assert rules(report) == {"T3-1"}
    found = by_rule(report, "T3-1")
    assert [f.severity for f in found] == ["error", "error"]
    for f, col, name in zip(found, ("natural_person", "total"), ("自然人", "总计")):
        assert f.cells == [f"requests.{r}.{col}" for r in ("new_received", "carried_in", "results_total",
                                                           "carried_out")]
        assert f.message.startswith(f"表三「{name}」列：")
        assert "本年新收 2 + 上年结转 0 = 2" in f.message
        assert "办理结果总计 2 + 结转下年度 1 = 3" in f.message
        assert f.message.endswith("相差 1")


def test_t3_1_fires_on_the_2019_form_too():
    tables = seed_tables(V2019)
    tables["requests"]["new_received"]["natural_person"] = 14  # and 总计 14: T3-3 holds
    tables["requests"]["new_received"]["total"] = 14
    report = parse(tables, V2019, "paragraph")
    found = by_rule(report, "T3-1")
    assert [f.cells[0] for f in found] == ["requests.new_received.natural_person", "requests.new_received.total"]
    assert all(f.severity == "error" for f in found)
    assert "本年新收 14 + 上年结转 0 = 14" in found[0].message
    assert "办理结果总计 12 + 结转下年度 0 = 12" in found[0].message
    assert "相差 2" in found[0].message


@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_1_quiet_when_a_new_request_is_granted_consistently(layout):
    tables = seed_tables(V2021)
    for row in ("new_received", "granted", "results_total"):
        bump(tables, "requests", row, 1)
    report = parse(tables, V2021, layout)
    assert report.value("requests", "new_received", "total") == 3
    assert report.value("requests", "results_total", "natural_person") == 3
    assert report.findings == []


# ------------------------------------------------------------------------------------ T3-2

@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_2_fires_when_results_do_not_add_up_to_the_total(layout):
    tables = seed_tables(V2021)
    bump(tables, "requests", "granted", 1)  # 予以公开 2 + 内部事务 1 = 3 ≠ 总计 2
    report = parse(tables, V2021, layout)

    assert rules(report) == {"T3-2"}
    found = by_rule(report, "T3-2")
    assert len(found) == 2
    for f, col, name in zip(found, ("natural_person", "total"), ("自然人", "总计")):
        assert f.severity == "error"
        assert f.cells == [f"requests.results_total.{col}"] + [f"requests.{r}.{col}" for r in V2021_OUTCOMES]
        assert f.message == (f"表三「{name}」列：办理结果总计 2，而各项办理结果之和 予以公开 2 + 不予公开·内部事务 1 = 3"
                             f"（其余为 0 或空），相差 1")


def test_t3_2_on_the_2019_form_sums_the_single_other_row():
    tables = seed_tables(V2019)
    bump(tables, "requests", "other", 3)
    report = parse(tables, V2019, "pipe")
    found = by_rule(report, "T3-2")
    assert len(found) == 2
    assert found[0].cells == ["requests.results_total.natural_person"] + [
        f"requests.{r}.natural_person" for r in V2019_OUTCOMES]
    assert "办理结果总计 12，而各项办理结果之和 予以公开 12 + 其他处理 3 = 15" in found[0].message
    assert "相差 3" in found[0].message


@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_2_quiet_when_a_request_moves_between_result_rows(layout):
    tables = seed_tables(V2021)
    bump(tables, "requests", "granted", -1)
    bump(tables, "requests", "partial", 1)
    report = parse(tables, V2021, layout)
    assert report.value("requests", "granted", "total") == 0
    assert report.value("requests", "partial", "natural_person") == 1
    assert report.findings == []


# ------------------------------------------------------------------------------------ T3-3

@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_3_fires_per_row_when_the_total_column_disagrees(layout):
    tables = seed_tables(V2021)
    # one 商业企业 request carried in and carried out again: T3-1 holds, each row's 总计 (0) does not
    tables["requests"]["carried_in"]["commercial"] = 1
    tables["requests"]["carried_out"]["commercial"] = 1
    report = parse(tables, V2021, layout)

    assert rules(report) == {"T3-3"}
    found = by_rule(report, "T3-3")
    assert [f.cells for f in found] == [paths("requests", row, ("total",) + REQUEST_PARTS)
                                        for row in ("carried_in", "carried_out")]
    assert [f.severity for f in found] == ["error", "error"]
    assert found[0].message == ("表三「上年结转」行：总计 0，而六类申请人之和 自然人 0 + 商业企业 1 + 科研机构 0 + "
                                "社会公益组织 0 + 法律服务机构 0 + 其他（法人或其他组织） 0 = 1，相差 1")
    assert found[1].message.startswith("表三「结转下年度」行：总计 0，")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_3_quiet_when_requests_move_between_applicant_columns(layout):
    tables = seed_tables(V2021)
    for row in ("new_received", "granted", "results_total"):
        tables["requests"][row]["natural_person"] -= 1
        tables["requests"][row]["commercial"] += 1
    report = parse(tables, V2021, layout)
    assert report.value("requests", "new_received", "commercial") == 1
    assert report.value("requests", "new_received", "natural_person") == 1
    assert report.findings == []


# ------------------------------------------------------------------------------------ T3-4

@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_4_fires_on_a_negative_count(layout):
    tables = seed_tables(V2021)
    tables["proactive"]["licensing"]["decisions"] = -5
    report = parse(tables, V2021, layout)
    assert report.value("proactive", "licensing", "decisions") == -5
    assert [f.to_json() for f in report.findings] == [{
        "rule": "T3-4", "severity": "error",
        "message": "表二「行政许可」行「处理决定数」列为 -5，应为不小于 0 的整数",
        "cells": ["proactive.licensing.decisions"]}]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_4_fires_on_a_non_integer_count(layout):
    tables = seed_tables(V2021)
    tables["proactive"]["normative_docs"]["issued"] = 2.5
    report = parse(tables, V2021, layout)
    assert report.value("proactive", "normative_docs", "issued") == 2.5
    assert [(f.rule, f.severity, f.cells, f.message) for f in report.findings] == [
        ("T3-4", "error", ["proactive.normative_docs.issued"], "表二「行政规范性文件」行「本年制发」列为 2.5，应为不小于 0 的整数")]


def test_t3_4_fires_on_a_negative_request_count_among_the_identities():
    tables = seed_tables(V2021)
    tables["requests"]["deny_third_party"]["legal_service"] = -1
    report = parse(tables, V2021, "pipe")
    t34 = by_rule(report, "T3-4")
    assert [(f.severity, f.cells) for f in t34] == [("error", ["requests.deny_third_party.legal_service"])]
    assert "「不予公开·第三方权益」行「法律服务机构」列为 -1" in t34[0].message


@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_4_quiet_on_negative_items_delta_in_the_2019_form(layout):
    tables = seed_tables(V2019)
    assert tables["proactive"]["penalty"]["items_delta"] == -421  # the seed prints signed deltas

    def signed(table, row, col, value):  # "+3" the way reports print growth
        return f"{value:+d}" if col == "items_delta" else marked_blank()(table, row, col, value)

    report = parse(tables, V2019, layout, cell=signed)
    assert report.value("proactive", "penalty", "items_delta") == -421
    assert report.value("proactive", "fees", "items_delta") == 3
    assert report.to_json()["tables"] == tables
    assert report.findings == []


def test_t3_4_signed_column_still_has_to_be_whole():
    tables = seed_tables(V2019)
    tables["proactive"]["coercion"]["items_delta"] = -1.5
    report = parse(tables, V2019, "paragraph")
    assert [(f.rule, f.severity, f.cells, f.message) for f in report.findings] == [
        ("T3-4", "error", ["proactive.coercion.items_delta"], "表二「行政强制」行「本年增减」列为 -1.5，应为整数")]


@pytest.mark.parametrize("seed,row,col,value,message", [
    (V2021, "fees", "amount_wan", -12.5, "表二「行政事业性收费」行「收费金额（万元）」列为 -12.5，金额不应为负数"),
    (V2019, "procurement", "amount_yuan", -100, "表二「政府集中采购」行「采购总金额」列为 -100，金额不应为负数"),
], ids=["v2021-fee", "v2019-procurement"])
def test_t3_4_fires_on_negative_money(seed, row, col, value, message):
    tables = seed_tables(seed)
    tables["proactive"][row][col] = value
    report = parse(tables, seed, "pipe")
    assert [(f.rule, f.severity, f.cells, f.message) for f in report.findings] == [
        ("T3-4", "error", [f"proactive.{row}.{col}"], message)]


def test_t3_4_quiet_on_fractional_money():
    tables = seed_tables(V2021)
    tables["proactive"]["fees"]["amount_wan"] = 0.75
    report = parse(tables, V2021, "paragraph")
    assert report.value("proactive", "fees", "amount_wan") == 0.75
    assert report.findings == []


# ------------------------------------------------------------------------------------ T3-5

def _other_as_one_row(tables: dict, value: int) -> dict:
    """v2021 表三 with （六）其他处理 printed as one row holding `value` 自然人 requests."""
    requests = {}
    for key, row in tables["requests"].items():
        if key in ("other_no_fix", "other_fee_unpaid"):
            continue
        if key == "other_misc":
            requests["other"] = {c: (value if c in ("natural_person", "total") else 0) for c in row}
            continue
        requests[key] = row
    tables["requests"] = requests
    for row in ("new_received", "results_total"):
        bump(tables, "requests", row, value)
    return tables


@pytest.mark.parametrize("layout", LAYOUTS)
def test_t3_5_fires_when_a_2021_report_prints_other_handling_as_one_row(layout):
    tables = _other_as_one_row(seed_tables(V2021), 1)
    report = parse(tables, V2021, layout)

    assert report.template == "v2021"
    assert report.to_json()["tables"] == tables  # `other` present, the three official rows absent
    assert rules(report) == {"T3-5"}  # T3-2 sums the printed row instead of the three
    [f] = by_rule(report, "T3-5")
    assert f.severity == "warning"
    assert f.cells == paths("requests", "other", REQUEST_COLS)
    assert f.message == ("表三按国办公开办函〔2021〕30号格式应分三行填报（其他处理·逾期不补正、其他处理·逾期未缴费、"
                         "其他处理·其他），本报告仅印一行「（六）其他处理」")


def test_t3_2_uses_the_one_row_other_on_the_2021_form():
    tables = _other_as_one_row(seed_tables(V2021), 1)
    tables["requests"]["other"]["natural_person"] = 4  # and 总计 stays 1: T3-2 and T3-3 fire
    report = parse(tables, V2021, "paragraph")
    [t32] = by_rule(report, "T3-2")
    assert t32.cells[-1] == "requests.other.natural_person"
    assert "办理结果总计 3，而各项办理结果之和 予以公开 1 + 不予公开·内部事务 1 + 其他处理 4 = 6" in t32.message


@pytest.mark.parametrize("seed", [V2021, V2019], ids=["v2021-three-rows", "v2019-one-row"])
def test_t3_5_quiet_on_the_rows_each_form_prescribes(seed):
    tables = seed_tables(seed)
    assert ("other" in tables["requests"]) == (seed is V2019)
    report = parse(tables, seed, "pipe")
    assert by_rule(report, "T3-5") == []
    assert report.findings == []


# ------------------------------------------------------------------------------------ T4-1 … T4-3

T4_ROWS = [("T4-1", "review", "行政复议"), ("T4-2", "litigation_direct", "行政诉讼·未经复议直接起诉"),
           ("T4-3", "litigation_after_review", "行政诉讼·复议后起诉")]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("rule,row,name", T4_ROWS, ids=[r[0] for r in T4_ROWS])
def test_t4_fires_when_a_row_total_misses_its_parts(rule, row, name, layout):
    tables = seed_tables(V2021)
    tables["review_litigation"][row]["pending"] = 2  # 总计 stays 0
    report = parse(tables, V2021, layout)
    assert report.value("review_litigation", row, "pending") == 2
    assert [(f.rule, f.severity, f.cells, f.message) for f in report.findings] == [(
        rule, "error", paths("review_litigation", row, ("total", "upheld", "corrected", "other", "pending")),
        f"表四「{name}」行：总计 0，而维持、纠正、其他结果与尚未审结之和 维持 0 + 纠正 0 + 其他结果 0 + 尚未审结 2 = 2，相差 2")]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("rule,row,name", T4_ROWS, ids=[r[0] for r in T4_ROWS])
def test_t4_quiet_when_the_row_total_matches(rule, row, name, layout):
    tables = seed_tables(V2019)
    tables["review_litigation"][row].update(upheld=1, corrected=2, other=3, pending=4, total=10)
    report = parse(tables, V2019, layout)
    assert report.to_json()["tables"]["review_litigation"] == tables["review_litigation"]
    assert report.findings == []


# ------------------------------------------------------------------------------------ Q-TPL-1

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("year", [2021, 2022])
def test_q_tpl_1_fires_for_a_2021_or_later_report_on_the_2019_form(year, layout):
    report = parse(seed_tables(V2019), V2019, layout, year=year)
    assert (report.year, report.template) == (year, "v2019")
    assert [(f.rule, f.severity, f.cells, f.message) for f in report.findings] == [(
        "Q-TPL-1", "warning", [],
        f"{year} 年度报告应使用国办公开办函〔2021〕30号格式（v2021），本报告使用的是国办公开办函〔2019〕60号格式（v2019）")]


def test_q_tpl_1_fires_for_the_reverse_a_2019_report_on_the_2021_form():
    report = parse(seed_tables(V2021), V2021, "pipe", year=2019)
    assert (report.year, report.template) == (2019, "v2021")
    [f] = report.findings
    assert (f.rule, f.severity) == ("Q-TPL-1", "warning")
    assert f.message.startswith("2019 年度报告应使用国办公开办函〔2019〕60号格式（v2019）")


@pytest.mark.parametrize("year", [2019, 2020])
def test_q_tpl_1_quiet_for_a_2019_or_2020_report_on_the_2019_form(year):
    report = parse(seed_tables(V2019), V2019, "paragraph", year=year)
    assert (report.year, report.template) == (year, "v2019")
    assert report.findings == []


# ------------------------------------------------------------------------------------ Q-FMT-2

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("mark", ["—", "/", "无", "-"])
def test_q_fmt_2_lists_the_cells_printed_blank_once_per_table(mark, layout):
    tables = seed_tables(V2021)
    blanks = [("proactive", "rules", "repealed"), ("requests", "deny_state_secret", "commercial"),
              ("requests", "noproc_repeat", "total"), ("review_litigation", "litigation_direct", "other")]
    for t, r, c in blanks:
        assert tables[t][r][c] == 0
        tables[t][r][c] = None
    report = parse(tables, V2021, layout, cell=marked_blank(mark))

    assert report.to_json()["tables"] == tables  # printed blanks are null, never 0
    assert report.tables["proactive"]["rules"]["repealed"].printed == mark
    assert rules(report) == {"Q-FMT-2"}  # read as 0, every identity still holds
    assert [(f.severity, f.message, f.cells) for f in report.findings] == [
        ("info", "表二有 1 个空格（表格应填数字，无数据应填 0）；核对时按 0 计", ["proactive.rules.repealed"]),
        ("info", "表三有 2 个空格（表格应填数字，无数据应填 0）；核对时按 0 计",
         ["requests.deny_state_secret.commercial", "requests.noproc_repeat.total"]),
        ("info", "表四有 1 个空格（表格应填数字，无数据应填 0）；核对时按 0 计", ["review_litigation.litigation_direct.other"]),
    ]


def test_q_fmt_2_on_the_2019_form():
    tables = seed_tables(V2019)
    tables["proactive"]["fees"]["items_delta"] = None
    tables["requests"]["carried_in"]["research"] = None
    report = parse(tables, V2019, "pipe", cell=marked_blank())
    assert [(f.rule, f.cells) for f in report.findings] == [
        ("Q-FMT-2", ["proactive.fees.items_delta"]), ("Q-FMT-2", ["requests.carried_in.research"])]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_blank_that_breaks_an_identity_only_as_zero_is_a_warning_not_an_error(layout):
    tables = seed_tables(V2021)
    tables["review_litigation"]["review"].update(upheld=1, total=None)  # 总计 printed "—"
    report = parse(tables, V2021, layout, cell=marked_blank())

    assert report.value("review_litigation", "review", "total") is None
    assert [f.severity for f in report.findings if f.severity == "error"] == []
    [t41] = by_rule(report, "T4-1")
    assert t41.severity == "warning"
    assert t41.cells == paths("review_litigation", "review", ("total", "upheld", "corrected", "other", "pending"))
    assert t41.message == ("表四「行政复议」行：总计 空，而维持、纠正、其他结果与尚未审结之和 维持 1 + 纠正 0 + 其他结果 0 + "
                           "尚未审结 0 = 1，相差 1（其中 1 格为空，按 0 计；空格若填了数可能成立）")
    [fmt] = by_rule(report, "Q-FMT-2")
    assert (fmt.severity, fmt.cells) == ("info", ["review_litigation.review.total"])


def test_the_same_identity_with_a_printed_zero_is_an_error():
    tables = seed_tables(V2021)
    tables["review_litigation"]["review"].update(upheld=1, total=0)
    [f] = parse(tables, V2021, "pipe").findings
    assert (f.rule, f.severity) == ("T4-1", "error")
    assert "按 0 计" not in f.message


def test_a_blank_results_total_gives_t3_warnings_that_say_so():
    tables = seed_tables(V2021)
    tables["requests"]["results_total"]["natural_person"] = None
    report = parse(tables, V2021, "paragraph", cell=marked_blank())
    assert {(f.rule, f.severity) for f in report.findings} == {
        ("T3-1", "warning"), ("T3-2", "warning"), ("T3-3", "warning"), ("Q-FMT-2", "info")}
    [t31] = by_rule(report, "T3-1")
    assert "办理结果总计 空 + 结转下年度 0 = 0" in t31.message
    assert t31.message.endswith("相差 2（其中 1 格为空，按 0 计；空格若填了数可能成立）")


def test_a_blank_part_cannot_excuse_parts_that_already_exceed_the_total():
    tables = seed_tables(V2021)
    tables["review_litigation"]["review"].update(upheld=3, corrected=None, total=2)  # 3 + blank > 2
    report = parse(tables, V2021, "pipe", cell=marked_blank())
    [t41] = by_rule(report, "T4-1")
    assert t41.severity == "error"  # no non-negative number in the blank makes 3 + x = 2
    assert t41.message.endswith("相差 1（其中 1 格为空，按 0 计；空格填任何非负数也不能成立）")


def test_q_fmt_2_quiet_when_every_cell_is_printed():
    report = parse(seed_tables(V2021), V2021, "pipe", cell=marked_blank())
    assert by_rule(report, "Q-FMT-2") == []


# ------------------------------------------------------------------------------------ P-1

def _drop_values(text: str, label: str, layout: str, which: tuple[int, ...]) -> str:
    """Remove the printed values number `which` (0-based) of the row labelled `label`."""
    lines = text.split("\n")
    suffix = " |" if layout == "pipe" else ""
    start = lines.index(label + suffix)
    step = 1 if layout == "pipe" else 2  # paragraph: a blank line after every cell
    drop = {start + step * (k + 1) for k in which}
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_p_1_row_with_five_values_for_seven_columns_leaves_uncertain_cells_null(layout):
    tables = seed_tables(V2021)
    text = _drop_values(render(tables, V2021, layout), "一、本年新收政府信息公开申请数量", layout, (1, 2))
    report = parse_text(text)

    row = report.to_json()["tables"]["requests"]["new_received"]
    # the 总计 is certain (T3-3 within the row); 自然人 = 2 is the one placement under which T3-1
    # holds down its column; where the two missing cells were is unknowable
    assert row == {**{c: None for c in REQUEST_PARTS}, "natural_person": 2, "total": 2}
    p1 = by_rule(report, "P-1")
    assert [f.cells for f in p1] == [[p] for p in paths("requests", "new_received", REQUEST_PARTS[1:])]
    assert all(f.severity == "warning" for f in p1)
    assert p1[0].message == "表三「本年新收」行「商业企业」列：该行数值少于列数，无法确定空格位置，该格留空"
    assert p1[4].message.startswith("表三「本年新收」行「其他（法人或其他组织）」列：")
    # the other rows are read as printed
    others = {k: v for k, v in report.to_json()["tables"]["requests"].items() if k != "new_received"}
    assert others == {k: v for k, v in tables["requests"].items() if k != "new_received"}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_p_1_missing_row_label(layout):
    tables = seed_tables(V2021)
    suffix = " |" if layout == "pipe" else ""
    text = render(tables, V2021, layout).replace("\n2.重复申请" + suffix + "\n", "\n", 1)
    report = parse_text(text)

    got = report.to_json()["tables"]["requests"]
    assert got["noproc_repeat"] == {c: None for c in REQUEST_COLS}
    # the orphaned values run on after 信访举报投诉's: 14 values for 7 columns are not guessed at
    assert got["noproc_petition"] == {c: None for c in REQUEST_COLS}
    missing = [f for f in by_rule(report, "P-1") if f.cells[0].startswith("requests.noproc_repeat.")]
    assert [(f.severity, f.cells, f.message) for f in missing] == [(
        "warning", paths("requests", "noproc_repeat", REQUEST_COLS),
        "表三未找到「不予处理·重复申请」行（或其后没有数值），该行各格留空")]
    crowded = [f for f in by_rule(report, "P-1") if f.cells[0].startswith("requests.noproc_petition.")]
    assert [f.cells for f in crowded] == [[p] for p in paths("requests", "noproc_petition", REQUEST_COLS)]
    assert "该行印有 14 个数值，多于 7 列" in crowded[0].message


def test_p_1_missing_proactive_row():
    tables = seed_tables(V2021)
    text = render(tables, V2021, "paragraph").replace("\n行政强制\n\n118\n\n", "\n", 1)
    report = parse_text(text)
    assert report.to_json()["tables"]["proactive"]["coercion"] == {"decisions": None}
    assert report.value("proactive", "penalty", "decisions") == 1282
    [f] = by_rule(report, "P-1")
    assert (f.severity, f.cells, f.message) == (
        "warning", ["proactive.coercion.decisions"], "表二未找到「行政强制」行（或其后没有数值），该行各格留空")


def test_p_1_quiet_when_the_blanks_are_visible():
    # pipe layout prints an empty cell as " |": the reader knows exactly where the blanks are
    tables = seed_tables(V2021)
    tables["requests"]["deny_state_secret"].update(commercial=None, research=None)
    report = parse(tables, V2021, "pipe")
    assert by_rule(report, "P-1") == []
    assert report.to_json()["tables"] == tables
    assert [f.rule for f in report.findings] == ["Q-FMT-2"]


def test_p_1_quiet_when_paragraph_blanks_show_as_empty_paragraphs():
    # paragraph layout prints an empty cell as an empty paragraph: two more empty lines than the
    # usual break between cells, so the blanks are located exactly too
    tables = seed_tables(V2021)
    tables["requests"]["deny_state_secret"].update(commercial=None, research=None)
    report = parse(tables, V2021, "paragraph")
    assert by_rule(report, "P-1") == []
    assert report.to_json()["tables"] == tables


def test_p_1_fires_when_the_same_blanks_are_invisible():
    # the same empty cells squeezed out entirely (no trace in the text): they cannot be located
    tables = seed_tables(V2021)
    tables["requests"]["deny_state_secret"].update(commercial=None, research=None)
    text = render(tables, V2021, "paragraph").replace("\n\n\n\n", "\n\n")
    report = parse_text(text)
    # five zeros for seven cells: any two may be the blanks, the 总计 too (reports leave totals
    # blank), so no cell of the row is certain
    assert report.to_json()["tables"]["requests"]["deny_state_secret"] == {c: None for c in REQUEST_COLS}
    assert [f.cells for f in by_rule(report, "P-1")] == [
        [p] for p in paths("requests", "deny_state_secret", REQUEST_COLS)]


def test_q_fmt_2_does_not_blame_the_report_for_cells_the_reader_could_not_place():
    tables = seed_tables(V2021)
    text = render(tables, V2021, "pipe").replace("\n2.重复申请 |\n", "\n", 1)  # every number still printed
    report = parse_text(text)
    assert len(by_rule(report, "P-1")) == 8  # the reader's problem, reported as such
    assert by_rule(report, "Q-FMT-2") == []  # the report printed no blank cell
