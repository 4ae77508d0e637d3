"""Tell the form a report uses from the labels it prints, not from its year."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..forms import FORMS, Form


def squeeze(text: str) -> str:
    """Text without spaces: labels are printed with stray spaces inside (`商业 企业`)."""
    return text.replace(" ", "").replace("\t", "")


@lru_cache(maxsize=8)
def _signatures(form_key: str) -> tuple[str, ...]:
    return tuple(squeeze(unicodedata.normalize("NFKC", s)) for s in FORMS[form_key].signatures)


def signature_hits(squeezed: str) -> dict[str, int]:
    """How many of each form's signature labels appear in the (normalised, squeezed) report."""
    return {key: sum(1 for s in _signatures(key) if s in squeezed) for key in FORMS}


def detect_form(squeezed: str, year: int | None) -> Form | None:
    """The form whose signature labels the report prints most; the year's form breaks a tie.

    None when no form's labels appear at all (a legacy or table-less report).
    """
    hits = signature_hits(squeezed)
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
