"""Property tests: random valid tables for both forms, printed in both scraped-text layouts with
real-world noise, read back to the same values; and any one-cell change is caught by a check
that names that cell."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import parse_bytes
from gongkai.forms import FORMS
from gongkai.render.text import Document, render_text
from gongkai.synth import NOISES, random_tables, synthesize

FORM_KEYS = sorted(FORMS)
LAYOUTS = ["paragraph", "pipe", "tabs", "spaces"]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), form=st.sampled_from(FORM_KEYS), layout=st.sampled_from(LAYOUTS),
       noise=st.sets(st.sampled_from(NOISES), max_size=6))
def test_noisy_report_reads_back_exactly(seed, form, layout, noise):
    s = synthesize(seed, form, layout, sorted(noise))
    out = parse_bytes(s.data).to_json(provenance=False)
    assert out["tables"] == s.truth["tables"]
    for key in ("year", "template", "published"):
        assert out["report"][key] == s.truth["report"][key], key
    assert s.truth["report"]["organization_core"] in out["report"]["organization"]
    assert [f for f in out["findings"] if f["severity"] == "error"] == []


@st.composite
def one_cell_change(draw):
    form = FORMS[draw(st.sampled_from(FORM_KEYS))]
    seed = draw(st.integers(0, 2**31 - 1))
    tables = random_tables(form, random.Random(seed), other_as_one=draw(st.booleans()) and form.key == "v2021")
    table = draw(st.sampled_from(["requests", "review_litigation"]))
    row = draw(st.sampled_from(sorted(tables[table])))
    col = draw(st.sampled_from(sorted(tables[table][row])))
    delta = draw(st.integers(-50, 50).filter(lambda d: d != 0 and tables[table][row][col] + d >= 0))
    return form.key, tables, table, row, col, delta


@SETTINGS
@given(change=one_cell_change(), layout=st.sampled_from(LAYOUTS))
def test_any_one_cell_change_is_found_naming_that_cell(change, layout):
    form, tables, table, row, col, delta = change
    tables[table][row][col] += delta
    text = render_text(Document(form, "会同县人民政府", 2022 if form == "v2021" else 2020, tables), layout)
    report = parse_bytes(text.encode("utf-8"))
    assert report.value(table, row, col) == tables[table][row][col]  # read as printed, never "repaired"
    path = f"{table}.{row}.{col}"
    naming = [f for f in report.findings if f.severity == "error" and path in f.cells]
    assert naming, f"no error finding names {path}: {[f.rule for f in report.findings]}"
    assert all(f.rule.startswith(("T3-", "T4-")) for f in naming)
