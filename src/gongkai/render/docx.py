"""Write a report as a Word document, the official tables with their merged cells."""

from __future__ import annotations

import io

from .document import Document, outline, plain_cell
from .grid import CellFormatter, Grid, expand


def _add_table(word, grid: Grid) -> None:  # type: ignore[no-untyped-def]
    placed, width = expand(grid)
    table = word.add_table(rows=len(grid), cols=width)
    table.style = "Table Grid"
    for r, c, cell in placed:
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = cell.text


def render_docx(doc: Document, cell: CellFormatter = plain_cell) -> bytes:
    """The report as `.docx` bytes (python-docx)."""
    from docx import Document as WordDocument

    word = WordDocument()
    for kind, item in outline(doc, cell):
        if kind == "table":
            _add_table(word, item)  # type: ignore[arg-type]
        else:
            word.add_paragraph(item)  # type: ignore[arg-type]
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
