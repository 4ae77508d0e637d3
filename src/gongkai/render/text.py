"""Write a report back as the text a scraper gets from a published page.

The layouts seen in the wild: `paragraph` (one cell per paragraph, blank lines between), `pipe`
(one cell per line ending in ` |`, then a line of one pipe per grid column the row did not start a
cell in, as `|||`), and a browser's copy of the page, one table row per line with its cells
separated by tabs (`tabs`) or by spaces (`spaces`). Tables are the official grids (`render.grid`), read row by row,
each merged cell once — which is what a scraper makes of the published HTML. Used by the property
tests, the synthetic corpus and the benchmark.
"""

from __future__ import annotations

from .document import Document, outline, plain_cell
from .grid import CellFormatter, Grid, expand

__all__ = ["Document", "plain_cell", "render_text"]


def _grid_lines(grid: Grid, layout: str) -> list[str]:
    _, width = expand(grid)
    lines: list[str] = []
    for row in grid:
        if layout in ("tabs", "spaces"):  # a browser's copy of the page: one line per table row
            lines.append(("\t" if layout == "tabs" else "  ").join(c.text for c in row))
        elif layout == "pipe":
            lines.extend(f"{c.text} |" for c in row)
            if width - len(row) >= 2:  # pages print padding as runs of pipes, never a lone one
                lines.append("|" * (width - len(row)))
        else:
            for c in row:
                lines.extend([c.text, ""])
    return lines


def render_text(doc: Document, layout: str = "paragraph", cell: CellFormatter = plain_cell) -> str:
    """The report as scraped text in `layout` ("paragraph", "pipe", "tabs" or "spaces")."""
    lines: list[str] = []
    for kind, item in outline(doc, cell):
        if kind == "table":
            lines.extend(_grid_lines(item, layout))  # type: ignore[arg-type]
        elif kind in ("title", "signature"):
            lines.append(item)  # type: ignore[arg-type]
        else:
            lines.extend([item, ""])  # type: ignore[list-item]
    return "\n".join(lines) + "\n"
