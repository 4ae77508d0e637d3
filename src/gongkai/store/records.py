"""A parsed report as database rows, and back.

`Record` is what a worker process sends the writer: plain tuples in the column order of the
tables in `schema.py`, so the writer only appends them. `report_from_rows` rebuilds a `Report`
from stored rows (the cross-year checks run on Reports, whether they come from files or the
database); `report_from_json` does the same from a parse document (`docs/output.md`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from ..model import Cell, Finding, Report
from .bodies import Body, body_of


@dataclass(slots=True)
class Record:
    """One parsed report as rows; `seq` is given by the writer."""

    sha256: str
    path: str
    format: str
    size: int | None
    encoding: str | None
    report: tuple
    body: Body | None
    cells: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)
    texts: tuple | None = None  # a report_texts row
    original: bytes | None = None  # the file's bytes, for the review pages
    url: str | None = None
    fetched_at: dt.datetime | None = None

    def source_row(self, seq: int) -> tuple:
        return (self.sha256, seq, self.path, self.format, self.size, self.encoding, self.url, self.fetched_at)


NOT_A_REPORT = "not_report"  # Failure.kind of a file that read fine but is not a report: counted as skipped


@dataclass(slots=True)
class Failure:
    """A file that could not be ingested, and why (in Chinese, for `ingest --failed`)."""

    path: str
    sha256: str | None
    size: int | None
    kind: str  # input (not readable) / not_report (skipped) / internal (a bug) / crash (the worker died)
    reason: str


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _where(cell: Cell) -> tuple[int | None, list[float] | None, list[int] | None]:
    """(PDF page, [x0, y0, x1, y1]) or the source table's (table, row, col), as stored."""
    where = cell.where
    if where is None:
        return None, None, None
    if len(where) == 5:
        return int(where[0]), [float(v) for v in where[1:]], None
    return None, None, [int(v) for v in where[:3]]  # a spreadsheet cell also names its sheet: (…, sheet)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def texts_row(report: Report) -> tuple:
    """The report_texts row: what the review pages show besides the tables."""
    counting = [s for s in report.statements if s.counts]
    first = {}
    for s in counting:
        first.setdefault(s.key, s)
    narrative = {"figures": report.narrative, "provenance": {k: s.provenance() for k, s in first.items()},
                 "other": [dict(s.provenance(), key=s.key) for s in report.statements if not s.counts]}
    sections = [[f.section.number, f.line, f.end, f.heading] for f in report.sections]
    return (report.sha256, _json(narrative), _json(report.quality), _json(sections), "\n".join(report.lines))


def to_record(report: Report, size: int | None, original: bytes | None = None) -> Record:
    """The rows of one parsed report (and its bytes, kept for the review pages)."""
    sha = report.sha256
    body = body_of(report.organization, report.year)
    severities = [f.severity for f in report.findings]
    overall = (report.quality or {}).get("overall")
    row = (sha, report.organization, body.body_id if body else None, report.year, report.template,
           _date(report.published), severities.count("error"), severities.count("warning"),
           severities.count("info"), json.dumps(report.meta_sources, ensure_ascii=False, sort_keys=True),
           None if overall is None else float(overall))
    cells = [(sha, t, r, c, None if cell.value is None else float(cell.value), cell.printed, cell.line,
              cell.row_label, cell.row_line, cell.column_label, *_where(cell))
             for t, rows in report.tables.items() for r, cols in rows.items() for c, cell in cols.items()]
    findings = finding_rows(sha, "report", report.findings)
    return Record(sha, report.path, report.source_format, size, report.encoding, row, body, cells, findings,
                  texts_row(report), original, report.url)


def finding_rows(sha: str, origin: str, findings: list[Finding], related: str | None = None) -> list[tuple]:
    return [(sha, origin, i, f.rule, f.severity, f.message, list(f.cells), related) for i, f in enumerate(findings)]


def _number(value: float | None) -> int | float | None:
    """Stored as DOUBLE; counts come back as the integers they were."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def report_from_rows(source: tuple, report: tuple, cells: list[tuple]) -> Report:
    """A Report from `sources` (sha256, path, format, encoding), `reports` (organization, year,
    template, published) and `cells` (table, row, col, value, printed, line, row_label, row_line,
    column_label) rows."""
    sha, path, fmt, encoding = source
    organization, year, template, published = report
    out = Report(path=path, sha256=sha, source_format=fmt, organization=organization, year=year,
                 template=str(template), published=published.isoformat() if published else None, encoding=encoding)
    for t, r, c, value, printed, line, row_label, row_line, column_label in cells:
        out.tables.setdefault(str(t), {}).setdefault(str(r), {})[str(c)] = Cell(
            _number(value), printed, line, row_label, row_line, column_label)
    return out


def report_from_json(doc: dict[str, Any]) -> Report:
    """A Report from a parse document; a cell without provenance counts as read (its value is)."""
    source, meta = doc.get("source", {}), doc.get("report", {})
    provenance = doc.get("provenance", {}).get("cells", {})
    out = Report(path=source.get("path", ""), sha256=source.get("sha256", ""),
                 source_format=source.get("format", "text"), organization=meta.get("organization"),
                 year=meta.get("year"), template=meta.get("template") or "unknown", published=meta.get("published"))
    for t, rows in doc.get("tables", {}).items():
        for r, cols in rows.items():
            for c, value in cols.items():
                p = provenance.get(f"{t}.{r}.{c}", {})
                out.tables.setdefault(t, {}).setdefault(r, {})[c] = Cell(
                    value, p.get("printed", "" if value is None else str(value)), p.get("line"), p.get("row_label"),
                    p.get("row_line"), p.get("column_label"))
    out.findings = [Finding(f["rule"], f["severity"], f["message"], list(f.get("cells", [])))
                    for f in doc.get("findings", [])]
    return out
