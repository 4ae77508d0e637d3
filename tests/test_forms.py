"""The form definitions are consistent with themselves and with the OUTPUT.md keys (as the real
seed truths spell them)."""

from __future__ import annotations

import pytest
from conftest import load_case

from gongkai.forms import FORMS, form_for_year, label_key

TRUTH_FOR_FORM = {"v2019": "seed-jiangyou-2020", "v2021": "seed-huitong-2022"}


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_official_rows_and_columns_are_the_output_keys(form_key):
    _, truth = load_case(TRUTH_FOR_FORM[form_key])
    form = FORMS[form_key]
    for table in form.tables:
        printed = {r.key: set(table.row_columns(r)) for r in table.official_rows}
        assert printed == {r: set(cols) for r, cols in truth["tables"][table.key].items()}, table.key


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_identities_name_existing_rows_and_columns(form_key):
    for table in FORMS[form_key].tables:
        rows, cols = {r.key for r in table.rows}, {c.key for c in table.columns}
        for identity in table.identities:
            names = rows if identity.axis == "rows" else cols
            assert set(identity.lhs + identity.rhs) <= names, identity.rule
            assert set(identity.over) <= (cols if identity.axis == "rows" else rows), identity.rule


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_no_label_names_two_rows(form_key):
    for table in FORMS[form_key].tables:
        owner: dict[str, str] = {}
        for row in table.rows:
            for key in row.keys:
                assert owner.setdefault(key, row.key) == row.key, (table.key, key)


def test_instead_of_rows_stand_for_real_rows():
    table = FORMS["v2021"].table("requests")
    other = table.row("other")
    assert other.instead_of == ("other_no_fix", "other_fee_unpaid", "other_misc")
    assert all(table.row(k) for k in other.instead_of)
    assert FORMS["v2019"].table("requests").row("other").instead_of == ()


def test_label_key_ignores_punctuation_spacing_and_width():
    assert label_key("（二）部分公开（区分处理的，只计这一情 形，不计其他情形）") == \
        label_key("(二)部分公开(区分处理的,只计这一情形,不计其它情形)")
    assert label_key("商业 企业") == "商业企业"
    assert label_key("本年增/减") == "本年增减"


@pytest.mark.parametrize("year, form", [(2018, None), (2019, "v2019"), (2020, "v2019"), (2021, "v2021"), (2030, "v2021")])
def test_form_for_year(year, form):
    found = form_for_year(year)
    assert (found.key if found else None) == form
