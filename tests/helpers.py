"""Small shared helpers for the tests: seed truths, rendering a table set, parsing text."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import gongkai
from gongkai.model import Finding, Report
from gongkai.render.text import Document, render_text

CORPUS = Path(__file__).parent / "fixtures" / "corpus"

# seed name → (form, organization, year) of a clean table set to start from
V2021 = ("seed-huitong-2022", "v2021", "会同县人民政府", 2022)
V2019 = ("seed-jiangyou-2020", "v2019", "江油市人民政府", 2020)


def truth(name: str) -> dict:
    """The seed's truth.json."""
    return json.loads((CORPUS / name / "truth.json").read_text(encoding="utf-8"))


def seed_input(name: str) -> Path:
    return CORPUS / name / "input.txt"


def seed_tables(seed: tuple = V2021) -> dict:
    """A deep copy of the seed's truth tables, ready to alter."""
    return copy.deepcopy(truth(seed[0])["tables"])


def dash_blank(table: str, row: str, col: str, value) -> str:
    """Cell formatter printing a blank as `—` (as many reports do)."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(int(value))


def render(tables: dict, seed: tuple = V2021, layout: str = "paragraph", *, form: str | None = None,
           year: int | None = None, cell=None) -> str:
    """Tables printed as scraped text on the seed's form (or `form`), for the seed's body and year."""
    _, seed_form, org, seed_year = seed
    doc = Document(form=form or seed_form, organization=org, year=year or seed_year, tables=tables)
    return render_text(doc, layout) if cell is None else render_text(doc, layout, cell=cell)


def parse_text(text: str) -> Report:
    return gongkai.parse_bytes(text.encode("utf-8"))


def by_rule(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


def rules(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


def cells(table: str, row: str, cols) -> list[str]:
    """Dotted paths `table.row.col` for `cols`, in the order given."""
    return [f"{table}.{row}.{c}" for c in cols]


REQUEST_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
REQUEST_PARTS = REQUEST_COLS[:-1]
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")
