"""Identities with unknown cells: counts are ≥ 0, so known parts above a known total are an error
whatever the unknown cells hold; a reading that is an identity's unique completion is confirmed."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import parse_bytes
from gongkai.check import check_identities, run_checks, settle_uncertain
from gongkai.check.bounds import bounds_state, judge_reading
from gongkai.forms import FORMS
from gongkai.model import Cell, Report
from gongkai.quality import assess
from gongkai.synth import random_tables
from helpers import seed_input

FORM = FORMS["v2021"]


def huitong() -> Report:
    """The 会同 2022 seed, read without checks: every cell read and every identity holding.

    Its 表三 总计 column: results_total 2 = granted 1 + deny_internal_affairs 1 (all else 0).
    """
    return parse_bytes(seed_input("seed-huitong-2022").read_bytes(), checks=False)


def unread(report: Report, path: str) -> None:
    t, r, c = path.split(".")
    report.tables[t][r][c] = Cell(None)


def put(report: Report, path: str, value: int, confidence: float | None = None) -> None:
    t, r, c = path.split(".")
    report.tables[t][r][c] = Cell(value, str(value), confidence=confidence)


@pytest.mark.parametrize(("lhs", "rhs", "state"), [
    ([6], [3, 3], "holds"),
    ([6], [3, 4], "fails"),
    ([6], [9, None], "fails"),  # a known part above the known total: no count ≥ 0 fixes it
    ([6], [3, None], "open"),
    ([None], [3, 4], "open"),
    ([3, None], [2], "fails"),  # the unknown side is already larger
    ([None, 0], [None, 5], "open"),
])
def test_bounds_state(lhs, rhs, state):
    assert bounds_state(lhs, rhs) == state


def test_the_read_seed_has_no_identity_finding():
    assert check_identities(huitong(), FORM) == []


def test_known_parts_above_a_known_total_are_an_error_despite_unread_cells():
    report = huitong()
    unread(report, "requests.granted.total")
    put(report, "requests.deny_internal_affairs.total", 9)
    t32 = [f for f in check_identities(report, FORM) if f.rule == "T3-2"]
    assert len(t32) == 1 and t32[0].severity == "error"
    assert "requests.deny_internal_affairs.total" in t32[0].cells
    assert "requests.results_total.total" in t32[0].cells
    assert "requests.granted.total" not in t32[0].cells  # null: nothing to blame it for
    assert "1 格未能读取" in t32[0].message and "无论是多少都不能使其成立" in t32[0].message


def test_an_identity_unread_cells_could_complete_says_nothing():
    report = huitong()
    unread(report, "requests.granted.total")
    assert check_identities(report, FORM) == []
    # 总计 column: 2 = unread + 2 still holds if the unread cell is 0; only the row (all read) fails
    put(report, "requests.deny_internal_affairs.total", 2)
    assert [(f.rule, f.severity) for f in check_identities(report, FORM)] == [("T3-3", "error")]


def test_judge_reading_confirms_the_unique_completion_and_rejects_others():
    report = huitong()
    path = "requests.deny_internal_affairs.total"
    assert judge_reading(report, FORM, path, 1) == "confirmed"
    assert judge_reading(report, FORM, path, 9) == "contradicted"
    assert judge_reading(report, FORM, path, 2) == "contradicted"
    # With its row's parts and its column's other parts unknown, nothing decides a small value …
    for p in ("requests.deny_internal_affairs.natural_person", "requests.granted.total"):
        unread(report, p)
    assert judge_reading(report, FORM, path, 1) == "open"
    assert judge_reading(report, FORM, path, 2) == "open"
    # … but a value above the column's known total is impossible whatever the unknown cells hold.
    assert judge_reading(report, FORM, path, 3) == "contradicted"


def test_an_ocr_reading_above_its_known_total_is_withdrawn():
    """The 淮安 scan: 9 read where 6 is printed, with other cells unknown, must not stand."""
    report = huitong()
    unread(report, "requests.granted.total")
    put(report, "requests.deny_internal_affairs.total", 9, confidence=0.7)
    findings = settle_uncertain(report, FORM)
    assert report.tables["requests"]["deny_internal_affairs"]["total"].value is None
    assert [f.rule for f in findings] == ["P-1"]
    assert findings[0].cells == ["requests.deny_internal_affairs.total"] and "与勾稽关系不符" in findings[0].message


def test_ocr_readings_confirmed_in_turn_are_kept():
    report = huitong()
    put(report, "requests.deny_internal_affairs.natural_person", 1, confidence=0.7)
    put(report, "requests.deny_internal_affairs.total", 1, confidence=0.7)
    assert settle_uncertain(report, FORM) == []
    assert report.value("requests", "deny_internal_affairs", "total") == 1
    assert report.value("requests", "deny_internal_affairs", "natural_person") == 1


def test_an_ocr_reading_nothing_can_confirm_is_withdrawn():
    report = huitong()
    for p in ("requests.deny_internal_affairs.natural_person", "requests.granted.total"):
        unread(report, p)
    put(report, "requests.deny_internal_affairs.total", 1, confidence=0.7)
    findings = settle_uncertain(report, FORM)
    assert report.value("requests", "deny_internal_affairs", "total") is None
    assert "没有其他各格均已读出的勾稽关系可以核实" in findings[0].message


def test_an_unread_cell_is_a_p1_warning_and_accuracy_is_not_100():
    report = huitong()
    unread(report, "requests.granted.total")
    findings = run_checks(report)
    p1 = [f for f in findings if f.rule == "P-1"]
    assert p1 and p1[0].severity == "warning" and p1[0].cells == ["requests.granted.total"]
    assert not any("requests.granted.total" in f.cells for f in findings if f.rule == "Q-FMT-2")
    report.findings.extend(findings)
    accuracy = assess(report)["accuracy"]
    assert accuracy["score"] == 99 and accuracy["unread_cells"] == 1 and "1 格未能读取" in accuracy["note"]


def test_accuracy_falls_with_the_share_of_unread_cells():
    report = huitong()
    cells = [f"requests.{r}.{c}" for r, cols in report.tables["requests"].items() for c in cols]
    total = sum(len(c) for rows in report.tables.values() for c in rows.values())
    for p in cells[:100]:
        unread(report, p)
    report.findings.extend(run_checks(report))
    assert assess(report)["accuracy"]["score"] == 100 * (total - 100) // total


# ------------------------------------------------------------------------------ soundness property


def _report(form_key: str, seed: int, unread_share: float) -> tuple[Report, dict]:
    """A report of random valid tables with a random share of its cells unread, and the truth."""
    rng = random.Random(seed)
    form = FORMS[form_key]
    truth = random_tables(form, rng, other_as_one=form_key == "v2021" and rng.random() < 0.3)
    tables = {t: {r: {c: (Cell(None) if rng.random() < unread_share else Cell(v, str(v)))
                      for c, v in cols.items()} for r, cols in rows.items()} for t, rows in truth.items()}
    return Report(path="x", sha256="", template=form_key, tables=tables), truth


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form_key=st.sampled_from(sorted(FORMS)), seed=st.integers(0, 2**32), share=st.sampled_from([0.0, 0.1, 0.4, 0.8]),
       delta=st.sampled_from([-3, -1, 1, 2, 10]))
def test_the_bounds_never_reject_the_truth_and_confirm_nothing_else(form_key, seed, share, delta):
    """Whatever cells are unknown: the true value of any cell is never contradicted and no
    identity reports an error on true values; a confirmed value is the true one."""
    report, truth = _report(form_key, seed, share)
    form = FORMS[form_key]
    assert [f for f in check_identities(report, form) if f.severity == "error"] == []
    rng = random.Random(seed)
    for t in ("requests", "review_litigation"):
        r = rng.choice(sorted(truth[t]))
        c = rng.choice(sorted(truth[t][r]))
        path, true = f"{t}.{r}.{c}", truth[t][r][c]
        assert judge_reading(report, form, path, true) != "contradicted"
        wrong = true + delta
        if wrong >= 0:
            assert judge_reading(report, form, path, wrong) != "confirmed"
