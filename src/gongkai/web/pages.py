"""What a report page shows, built from the library's objects: grids, marks, findings, source views.

The tables are the grids of `render/grid.py` (the official layout, built from the form
definitions); this module only decides each data cell's marks. The PDF page image is rendered
here with pypdfium2 and the cells' boxes drawn on it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from ..forms import FORMS
from ..forms.narrative import FIGURES_BY_KEY
from ..model import Cell, Finding, Report
from ..quality import DIMENSIONS
from ..render.grid import table_grid
from ..review import Review, cell_name, deadline_verdict, finding_key

_MARK = "\x00"  # a data cell's text, as the grid formatter returns it: marker + table.row.col
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class ViewCell:
    text: str
    rowspan: int
    colspan: int
    header: bool
    key: str | None = None
    classes: list[str] = field(default_factory=list)
    title: str = ""
    before: str | None = None  # the printed value a correction replaced


@dataclass
class ViewTable:
    key: str
    title: str
    rows: list[list[ViewCell]]


def _marks(findings: list[Finding], review: Review) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings:
        state = review.findings.get(finding_key(f))
        if state is not None and state.state == "dismissed":
            continue
        mark = "p1" if f.rule == "P-1" else {"error": "err", "warning": "warn"}.get(f.severity)
        if mark is None:
            continue
        for c in f.cells:
            out.setdefault(c, []).append(mark)
    return out


def tables(report: Report, shown: Report, review: Review) -> list[ViewTable]:
    """The three tables of `shown` (the corrected report when there is one) in the official grids."""
    form = FORMS.get(shown.template)
    if form is None:
        return []
    marks = _marks(shown.findings, review)
    out = []
    for table in form.tables:
        cells = shown.tables.get(table.key)
        if not cells:
            continue
        values = {r: {c: cell.value for c, cell in cols.items()} for r, cols in cells.items()}
        grid = table_grid(form, table.key, values, lambda t, r, c, v: f"{_MARK}{t}.{r}.{c}")
        rows = []
        for grid_row in grid:
            row = []
            for g in grid_row:
                if not g.text.startswith(_MARK):
                    row.append(ViewCell(g.text, g.rowspan, g.colspan, g.header))
                    continue
                key = g.text[1:]
                t, r, c = key.split(".")
                cell = cells.get(r, {}).get(c)
                vc = ViewCell(_shown(cell), g.rowspan, g.colspan, False, key)
                vc.classes = sorted(set(marks.get(key, [])))
                if cell is None or cell.printed is None:
                    vc.classes.append("unread")
                elif cell.value is None:
                    vc.classes.append("blank")
                fix = review.corrections.get(key)
                if fix is not None:
                    vc.classes.append("fixed")
                    vc.before = fix.old_value or "空"
                vc.title = cell_name(shown.template, key)
                row.append(vc)
            rows.append(row)
        out.append(ViewTable(table.key, f"表{table.number} {table.title}", rows))
    return out


def _shown(cell: Cell | None) -> str:
    if cell is None or cell.printed is None:
        return "?"
    if cell.value is None:
        return ""
    v = cell.value
    return str(int(v)) if float(v).is_integer() else str(v)


def findings(shown: Report, review: Review) -> list[dict[str, Any]]:
    """The findings grouped by severity (errors first), each with its cells named and its state."""
    out = []
    for severity in ("error", "warning", "info"):
        items = []
        for f in shown.findings:
            if f.severity != severity:
                continue
            key = finding_key(f)
            state = review.findings.get(key)
            items.append({"key": key, "rule": f.rule, "message": f.message, "severity": severity,
                          "cells": [(c, cell_name(shown.template, c)) for c in f.cells],
                          "state": state.state if state else None, "note": state.note if state else None,
                          "who": state.who if state else None})
        if items:
            out.append({"severity": severity, "label": SEVERITY[severity], "entries": items})
    return out


def header(report: Report, shown: Report, body: tuple | None, review: Review) -> dict[str, Any]:
    region = "·".join(x for x in (body[1], body[2], body[3]) if x) if body else ""
    quality = shown.quality or {}
    scores = [(name, (quality.get(key) or {}).get("score")) for key, name in DIMENSIONS.items()]
    return {"organization": shown.organization, "region": region, "year": shown.year, "template": shown.template,
            "published": shown.published, "published_by_user": review.published is not None,
            "on_time": deadline_verdict(shown), "scores": scores, "overall": quality.get("overall"),
            "errors": sum(f.severity == "error" for f in shown.findings),
            "warnings": sum(f.severity == "warning" for f in shown.findings)}


def narrative(report: Report) -> list[tuple[str, Any]]:
    return [(FIGURES_BY_KEY[k].name, v) for k, v in report.narrative.items() if k in FIGURES_BY_KEY]


def source_view(report: Report, keys: list[str], context: int = 6) -> dict[str, Any]:
    """Where the cells `keys` came from: PDF page and boxes, the source lines around them, and the
    row label and column header that placed each (what `gongkai explain` prints)."""
    cells = []
    page = None
    lines: set[int] = set()
    for key in keys:
        parts = key.split(".")
        if len(parts) != 3:
            continue
        cell = report.tables.get(parts[0], {}).get(parts[1], {}).get(parts[2])
        if cell is None:
            continue
        prov = cell.provenance()
        if page is None and "page" in prov:
            page = prov["page"]
        if cell.line:
            lines.add(cell.line)
        if cell.row_line:
            lines.add(cell.row_line)
        cells.append({"key": key, "name": cell_name(report.template, key), "printed": cell.printed,
                      "value": cell.value, "line": cell.line, "row_label": cell.row_label,
                      "row_line": cell.row_line, "column_label": cell.column_label,
                      "page": prov.get("page"), "bbox": prov.get("bbox"), "grid": prov.get("table")})
    excerpt = []
    if lines and report.lines:
        first, last = max(1, min(lines) - context), min(len(report.lines), max(lines) + context)
        if last - first > 60:  # cells far apart: just the lines themselves
            wanted = sorted(lines)
        else:
            wanted = list(range(first, last + 1))
        excerpt = [(n, report.lines[n - 1], n in lines) for n in wanted if 0 < n <= len(report.lines)]
    return {"cells": cells, "page": page, "lines": excerpt}


PAGE_SCALE = 1.6


def page_png(data: bytes, page: int, boxes: list[list[float]]) -> bytes:
    """Page `page` (1-based) of a PDF as a PNG with `boxes` ([x0, y0, x1, y1] in PDF points from
    the top-left, as the reader records them) drawn in red."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError("没有这一页")
        image = pdf[page - 1].render(scale=PAGE_SCALE).to_pil().convert("RGB")
    finally:
        pdf.close()
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in boxes:
        box = [x0 * PAGE_SCALE - 3, y0 * PAGE_SCALE - 3, x1 * PAGE_SCALE + 3, y1 * PAGE_SCALE + 3]
        draw.rectangle(box, outline=(220, 0, 0), width=4)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def page_boxes(report: Report, keys: list[str]) -> tuple[int | None, list[list[float]]]:
    """The page of the first of `keys` printed on a PDF page, and the boxes of those on it."""
    page, boxes = None, []
    for key in keys:
        parts = key.split(".")
        cell = report.tables.get(parts[0], {}).get(parts[1], {}).get(parts[2]) if len(parts) == 3 else None
        if cell is None or cell.where is None or len(cell.where) != 5:
            continue
        if page is None:
            page = cell.where[0]
        if cell.where[0] == page:
            boxes.append(list(cell.where[1:]))
    return page, boxes


def crossyear(rows: list[tuple], review: Review) -> list[dict[str, Any]]:
    """The stored cross-year findings, with their review state (the same actions as the others)."""
    out = []
    for rule, severity, message, cells, related, year in rows:
        key = finding_key(Finding(rule, severity, message, list(cells or [])))
        state = review.findings.get(key)
        out.append({"key": key, "rule": rule, "severity": severity, "label": SEVERITY.get(severity, severity),
                    "message": message, "related": related, "year": year, "cells": list(cells or []),
                    "state": state.state if state else None, "note": state.note if state else None})
    return out
