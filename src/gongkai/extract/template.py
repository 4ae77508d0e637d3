"""Tell the form a report uses from the labels it prints, not from its year."""

from __future__ import annotations

from ..forms import FORMS, Form, label_key


def signature_hits(text_key: str) -> dict[str, int]:
    """How many of each form's signature labels appear in the report."""
    return {f.key: sum(1 for s in f.signatures if label_key(s) in text_key) for f in FORMS.values()}


def detect_form(text_key: str, year: int | None) -> Form | None:
    """The form whose signature labels the report prints most; the year's form breaks a tie.

    None when no form's labels appear at all (a legacy or table-less report).
    """
    hits = signature_hits(text_key)
    best = max(hits.values())
    if best == 0:
        return None
    leaders = [k for k, v in hits.items() if v == best]
    if len(leaders) == 1:
        return FORMS[leaders[0]]
    if year is not None:
        for key in leaders:
            if FORMS[key].applies_to(year):
                return FORMS[key]
    return FORMS[leaders[-1]]
