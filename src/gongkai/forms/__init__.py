"""The form definitions: one declarative description per template version.

Everything that needs to know a row, a column, a label or an identity reads it from here.
"""

from __future__ import annotations

from functools import lru_cache

from . import legacy, v2019, v2021
from .model import Column, Form, Identity, Row, Section, Table, compact, label_key
from .shared import SECTIONS

FORMS: dict[str, Form] = {f.key: f for f in (v2019.FORM, v2021.FORM)}
"""The national forms (2019 on): the statutory tables 二, 三, 四 and their identities."""

LEGACY: Form = legacy.FORM
"""The pre-2019 statistics table (附表), read where a legacy report prints one; not a national
form, so it is not in FORMS (no checks, no template detection): `ALL_FORMS` lists it for the
places that enumerate every table a report's output can hold (schema, docs)."""

ALL_FORMS: dict[str, Form] = {**FORMS, LEGACY.key: LEGACY}

TABLE_KEYS: tuple[str, ...] = ("proactive", "requests", "review_litigation")


def form_for_year(year: int) -> Form | None:
    """The form a report on `year` should use (None before 2019: legacy, free-form reports)."""
    for form in FORMS.values():
        if form.applies_to(year):
            return form
    return None


@lru_cache(maxsize=1)
def printed_labels() -> frozenset[str]:
    """The label keys (forms.model.compact) of everything a form prints in its tables: titles,
    row and column labels with their variants, row groups and blocks, spanning headers.

    A line of a report whose key is one of these is a table label, not a sentence of its own.
    """
    texts: set[str] = set()
    for form in FORMS.values():
        for table in form.tables:
            texts.add(table.title)
            texts.update(label for label, _ in table.groups)
            for row in table.rows:
                texts.update((row.label, *row.variants))
                texts.update(x for x in (row.group, row.block) if x)
            for column in table.columns:
                texts.update((column.label, *column.variants))
    return frozenset(compact(t) for t in texts)


__all__ = ["ALL_FORMS", "FORMS", "LEGACY", "SECTIONS", "TABLE_KEYS", "Column", "Form", "Identity", "Row", "Section", "Table",
           "form_for_year", "label_key", "printed_labels"]
