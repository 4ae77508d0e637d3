"""The parse result: report fields, cells with where they came from, and findings.

`Report.to_json()` produces the document of `docs/output.md`; the extra `provenance` key records,
for every cell, the printed text, its line, and the row label and column header that placed it;
`narrative` holds the figures the text states as the body's own, `quality` the four scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .extract.sections import Found

Severity = Literal["error", "warning", "info"]


@dataclass(slots=True)
class Cell:
    """One table cell as read: the value (None for a printed blank) and how it was placed."""

    value: int | float | None
    printed: str | None = None
    line: int | None = None
    row_label: str | None = None
    row_line: int | None = None
    column_label: str | None = None
    where: tuple | None = None  # PDF (page, x0, y0, x1, y1), table cell (table, row, col) or (…, sheet)
    confidence: float | None = None  # OCR's, for a value read from a scan below full confidence

    def provenance(self) -> dict[str, Any]:
        out = {k: v for k, v in (("printed", self.printed), ("line", self.line), ("row_label", self.row_label),
                                 ("row_line", self.row_line), ("column_label", self.column_label))
               if v is not None}
        if self.confidence is not None:
            out["ocr_confidence"] = round(self.confidence, 2)
        if self.where is not None:
            if len(self.where) == 5:
                out["page"] = self.where[0]
                out["bbox"] = [round(v, 1) for v in self.where[1:]]
            else:
                out["table"], out["row"], out["col"] = self.where[:3]
                if len(self.where) == 4:  # a spreadsheet cell: (sheet index, row, col, sheet name)
                    out["sheet"] = self.where[3]
        return out


@dataclass(slots=True)
class Finding:
    """A problem found in a report. `cells` are dotted paths `table.row.col`."""

    rule: str
    severity: Severity
    message: str
    cells: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "cells": self.cells}


Tables = dict[str, dict[str, dict[str, Cell]]]

Scope = Literal["own", "unmarked", "region", "part", "uncertain"]


@dataclass(slots=True)
class Statement:
    """A figure the report's text states: what it counts (a key of forms/narrative.py), its value,
    whose figure it is, and the sentence that says it.

    `scope` is `own` when the sentence names the reporting body (我局, 全县 in a county's report),
    `unmarked` when it names nobody, `region` for a wider area or another body (全市 in a city
    department's report), `part` for a part of the body (区政府办 in a district's report), and
    `uncertain` when the markers disagree. Only own and unmarked statements are the body's figures.
    """

    key: str
    value: int | float
    scope: Scope
    line: int
    sentence: str
    approximate: bool = False

    @property
    def counts(self) -> bool:
        """The body's own, exact figure (what `narrative` reports and X-3 compares)."""
        return self.scope in ("own", "unmarked") and not self.approximate

    def provenance(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "line": self.line, "text": self.sentence, "scope": self.scope}
        if self.approximate:
            out["approximate"] = True
        return out


@dataclass
class Report:
    """Everything read from one report."""

    path: str
    sha256: str
    source_format: str = "text"
    organization: str | None = None
    year: int | None = None
    template: str = "unknown"
    published: str | None = None
    tables: Tables = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    encoding: str | None = None
    meta_sources: dict[str, str] = field(default_factory=dict)
    url: str | None = None  # where it was downloaded from, for a report read from the web
    statements: list[Statement] = field(default_factory=list)
    breakdown: dict[str, int] = field(default_factory=dict)  # 主动公开 by kind, as printed after 其中
    period: tuple[int, int, int] | None = None  # 统计期限 (first year, last year, line)
    empty_slots: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of `主动公开信息  条`
    sections: list[Found] = field(default_factory=list)  # the section headings found, in order
    lines: list[str] = field(default_factory=list, repr=False)  # the normalised text, for text checks
    quality: dict[str, Any] | None = None

    @property
    def narrative(self) -> dict[str, Any]:
        """The body's own figures stated in the text: the first exact own-scope statement per key."""
        out: dict[str, Any] = {s.key: s.value for s in self._first_counting()}
        if self.breakdown:
            out["proactive_breakdown"] = dict(self.breakdown)
        return out

    def _first_counting(self) -> list[Statement]:
        seen: dict[str, Statement] = {}
        for s in self.statements:
            if s.counts and s.key not in seen:
                seen[s.key] = s
        return list(seen.values())

    def value(self, table: str, row: str, col: str) -> int | float | None:
        cell = self.tables.get(table, {}).get(row, {}).get(col)
        return None if cell is None else cell.value

    def has_cell(self, table: str, row: str, col: str) -> bool:
        return col in self.tables.get(table, {}).get(row, {})

    def to_json(self, provenance: bool = True) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "source": {"path": self.path, "sha256": self.sha256, "format": self.source_format},
            "report": {"organization": self.organization, "year": self.year, "template": self.template,
                       "published": self.published},
            "tables": {t: {r: {c: cell.value for c, cell in row.items()} for r, row in rows.items()}
                       for t, rows in self.tables.items()},
            "narrative": self.narrative,
            "findings": [f.to_json() for f in self.findings],
        }
        if self.quality is not None:
            doc["quality"] = self.quality
        if self.encoding:
            doc["source"]["encoding"] = self.encoding
        if self.url:
            doc["source"]["url"] = self.url
        if provenance:
            doc["provenance"] = {
                "report": dict(self.meta_sources),
                "cells": {f"{t}.{r}.{c}": cell.provenance()
                          for t, rows in self.tables.items() for r, row in rows.items() for c, cell in row.items()},
                "narrative": {s.key: s.provenance() for s in self._first_counting()},
                "narrative_other": [dict(s.provenance(), key=s.key) for s in self.statements if not s.counts],
                "sections": {f.section.number: {"heading": f.heading, "line": f.line} for f in self.sections},
            }
        return doc
