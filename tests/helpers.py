"""Small shared helpers for the tests: seed truths, printing a table set as scraped text, parsing."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import gongkai
from gongkai.model import Finding, Report
from gongkai.render.text import Document, plain_cell, render_text

CORPUS = Path(__file__).parent / "fixtures" / "corpus"

# A clean seed to start from: (seed directory, form, organization, year).
V2021 = ("seed-huitong-2022", "v2021", "会同县人民政府", 2022)
V2019 = ("seed-jiangyou-2020", "v2019", "江油市人民政府", 2020)

LAYOUTS = ("paragraph", "pipe")
REQUEST_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
REQUEST_PARTS = REQUEST_COLS[:-1]
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")


def truth(name: str) -> dict:
    """The seed's truth.json."""
    return json.loads((CORPUS / name / "truth.json").read_text(encoding="utf-8"))


def seed_input(name: str) -> Path:
    return CORPUS / name / "input.txt"


def seed_tables(seed: tuple) -> dict:
    """A deep copy of the seed's truth tables, ready to alter."""
    return copy.deepcopy(truth(seed[0])["tables"])


def marked_blank(mark: str = "—"):
    """A cell formatter printing a blank (None) as `mark`, everything else as plain_cell does."""
    def cell(table: str, row: str, col: str, value) -> str:
        return mark if value is None else plain_cell(table, row, col, value)
    return cell


def render(tables: dict, seed: tuple, layout: str = "paragraph", *, year: int | None = None, cell=None) -> str:
    """`tables` printed as scraped text on the seed's form, titled with the seed's body and year."""
    _, form, org, seed_year = seed
    doc = Document(form=form, organization=org, year=year or seed_year, tables=tables)
    return render_text(doc, layout, cell=cell or plain_cell)


def parse_text(text: str) -> Report:
    return gongkai.parse_bytes(text.encode("utf-8"))


def by_rule(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


def rules(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


def paths(table: str, row: str, cols) -> list[str]:
    """Dotted cell paths `table.row.col` for `cols`, in the order given."""
    return [f"{table}.{row}.{c}" for c in cols]


def bump(tables: dict, table: str, row: str, delta, cols=("natural_person", "total")) -> None:
    """Add `delta` to the cells `cols` of one row (default: 自然人 and 总计, so T3-3 keeps holding)."""
    for c in cols:
        tables[table][row][c] += delta


def severe(findings: list[dict]) -> list[dict]:
    """The error and warning findings of a JSON document (info findings are hints)."""
    return [f for f in findings if f["severity"] in ("error", "warning")]


def load(doc: dict) -> dict:
    """A truth file as a parse document (its `source` is the input's path, not the source object)."""
    doc["source"] = {"path": doc["source"]} if isinstance(doc["source"], str) else doc["source"]
    return doc


def pair(seed: tuple, gap: int = 1):
    """(report, previous) of the seed's body: the seed, and a copy of it dated `gap` years earlier
    whose numbers are made consistent with the seed for every cross-year rule."""
    doc = load(truth(seed[0]))
    earlier = copy.deepcopy(doc)
    earlier["report"]["year"] = doc["report"]["year"] - gap
    tables = earlier["tables"]
    tables["requests"]["carried_out"] = dict(doc["tables"]["requests"]["carried_in"])
    # a year apart the numbers differ somewhere in every table (else Q-DUP-2 rightly fires)
    tables["requests"]["new_received"]["total"] += 1
    tables["review_litigation"]["review"]["total"] += 1
    tables["proactive"]["licensing"]["decisions"] += 1
    for row, cells in tables["proactive"].items():
        now = doc["tables"]["proactive"][row]
        if "in_force" in cells:
            cells["in_force"] = now["in_force"] - now["issued"] + now["repealed"]
        if "items_prev" in cells:
            cells["items_delta"] = 7
            cells["items_prev"] = now["items_prev"] - 7
    return doc, earlier
