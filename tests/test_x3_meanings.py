"""X-3 compares a figure of the text with every table quantity its words can mean before it warns,
and finds contradictions in sentences that name two rows together."""

from __future__ import annotations

from gongkai import parse_bytes
from gongkai.render.text import Document, plain_cell, render_text
from helpers import V2021, by_rule, seed_tables


def _report(sentence: str, change=None, cell=plain_cell):
    """The 会同县 2022 tables with one request carried in from 2021 and one carried on to 2023
    (new 2 + carried in 1 = handled 2 + carried out 1), and `sentence` as the overview."""
    tables = seed_tables(V2021)
    requests = tables["requests"]
    for row in ("carried_in", "carried_out"):
        requests[row]["natural_person"] = requests[row]["total"] = 1
    if change:
        change(tables)
    _, form, org, year = V2021
    doc = Document(form=form, organization=org, year=year, tables=tables, narrative={"overall": sentence})
    return parse_bytes(render_text(doc, "paragraph", cell=cell).encode("utf-8"), "x.txt")


def test_received_counting_carried_in_requests_is_no_contradiction():
    # 3 = 本年新收 2 + 上年结转 1
    assert by_rule(_report("2022年，全县共受理政府信息公开申请3件，办结2件，结转下一年1件。"), "X-3") == []


def test_received_counting_handled_and_carried_out_is_no_contradiction():
    # 3 = 办理结果总计 2 + 结转下年度 1: still the same requests
    assert by_rule(_report("2022年，本机关收到政府信息公开申请3件。"), "X-3") == []


def test_received_matching_no_table_quantity_is_a_contradiction():
    found = by_rule(_report("2022年，本机关收到政府信息公开申请7件。"), "X-3")
    assert [f.cells for f in found] == [["requests.new_received.total"]]
    assert "7" in found[0].message and "为 2" in found[0].message


def test_granted_and_partial_together_against_the_sum_of_both_rows():
    assert by_rule(_report("2022年，本机关予以公开及部分公开政府信息1件。"), "X-3") == []  # 1 + 0
    found = by_rule(_report("2022年，本机关予以公开及部分公开政府信息4件。"), "X-3")
    assert [f.cells for f in found] == [["requests.granted.total", "requests.partial.total"]]


def test_unable_to_provide_for_the_whole_group():
    found = by_rule(_report("2022年，本机关无法提供政府信息3件。"), "X-3")
    assert [f.cells for f in found] == [["requests.unable_not_held.total", "requests.unable_needs_creation.total",
                                        "requests.unable_unclear.total"]]
    # a sentence about one reason is not the group's figure
    assert by_rule(_report("2022年，因本机关不掌握相关政府信息无法提供3件。"), "X-3") == []


def test_blank_total_column_is_the_sum_of_the_applicant_columns():
    def blank_total(tables):
        tables["requests"]["granted"]["total"] = None

    def cell(table, row, col, value):
        return "" if value is None else plain_cell(table, row, col, value)

    found = by_rule(_report("2022年，本机关予以公开政府信息5件。", blank_total, cell), "X-3")
    assert len(found) == 1 and "空白，取各列之和" in found[0].message and "为 1" in found[0].message
    assert by_rule(_report("2022年，本机关予以公开政府信息1件。", blank_total, cell), "X-3") == []


def test_counts_in_chinese_numerals_and_the_verbs_reports_use():
    report = _report("2022年，本机关主动公布政府信息一百二十条，收到政府信息公开申请两件。")
    assert report.narrative["proactive_count"] == 120
    assert report.narrative["requests_received"] == 2
    assert by_rule(report, "X-3") == []  # 2 = 本年新收
    wrong = _report("2022年，本机关办理政府信息公开申请五件。")
    assert [f.cells for f in by_rule(wrong, "X-3")] == [["requests.new_received.total"]]
    assert _report("2022年，这是第二件事，收到申请十余件。").narrative.get("requests_received") is None


def test_review_count_in_the_body_own_words_is_read():
    # `本机关` is the body itself, not a 复议机关 (which the figure still leaves out)
    found = by_rule(_report("2022年，本机关本年度发生政府信息公开行政复议5件。"), "X-3")
    assert [f.cells for f in found] == [["review_litigation.review.total"]]
    assert by_rule(_report("2022年，作为复议机关办理行政复议5件。"), "X-3") == []


def test_synthetic_statements_warn_exactly_on_the_injected_contradictions():
    from gongkai.synth import narrative_case

    wrong = 0
    for seed in range(40):
        s = narrative_case(seed * 104729 + 1)
        report = parse_bytes(s.data, "x.txt")
        want = sorted(tuple(f["cells"]) for f in s.truth["expect_findings"])
        got = sorted(tuple(f.cells) for f in by_rule(report, "X-3"))
        assert set(got) <= set(want), (seed, s.truth["case"]["sentences"], got, want)  # never a false warning
        wrong += len(want)
        if "十件" not in "".join(s.truth["case"]["sentences"]):  # a bare 十 is not read (see narrative.arabic_counts)
            assert got == want, (seed, s.truth["case"]["sentences"])
    assert wrong >= 10  # the generator does inject contradictions
