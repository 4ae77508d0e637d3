"""The form definitions: one declarative description per template version.

Everything that needs to know a row, a column, a label or an identity reads it from here.
"""

from __future__ import annotations

from . import v2019, v2021
from .model import Column, Form, Identity, Row, Section, Table, label_key
from .shared import SECTIONS

FORMS: dict[str, Form] = {f.key: f for f in (v2019.FORM, v2021.FORM)}

TABLE_KEYS: tuple[str, ...] = ("proactive", "requests", "review_litigation")


def form_for_year(year: int) -> Form | None:
    """The form a report on `year` should use (None before 2019: legacy, free-form reports)."""
    for form in FORMS.values():
        if form.applies_to(year):
            return form
    return None


__all__ = ["FORMS", "SECTIONS", "TABLE_KEYS", "Column", "Form", "Identity", "Row", "Section", "Table",
           "form_for_year", "label_key"]
