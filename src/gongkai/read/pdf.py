"""PDF with a text layer → blocks: text lines and table cells in reading order.

Per page (read with PDFium, `read.pdfium`): the characters with their boxes and baselines, the
ruled tables (`ruling.find_grids` on the page's path edges), each character placed in the cell
under it, then tables printed without ruling lines (`layout.TableFinder`), and the remaining
characters grouped into lines by baseline. Page numbers and running headers in the margins are
dropped; a table continued on the next page simply continues the stream (the table reader follows
labels, not pages). Lines wrapped by the page width are joined back into their paragraph. A page
with no text layer is rendered and left to OCR (`read.ocr`), if installed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

from .document import Block
from .layout import _VALUE, CJK_SPACE, SPACE, TableFinder, band_lines, join_chars
from .pdfium import MAX_PAGES, Char, Page, open_pdf, read_page, render_page_gray, render_page_png
from .ruling import Grid, GridCell, find_grids

__all__ = ["MAX_PAGES", "pdf_blocks", "render_page_png"]

MARGIN = 0.08
"""Top and bottom share of the page where page numbers and running heads live."""
OCR_DPI = 200
"""Scale image-only pages are rendered at for OCR: small digits in table cells need it."""

PAGE_NUMBER = re.compile(r"^[-—–_\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–_\s]*$")
_SENTENCE_END = tuple("。；;！!？?：:")
LINE_GAP = 3.0
"""A gap wider than this many character heights splits a visual line into separate text lines."""


@dataclass
class _Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def _text_lines(bands: list[list[Char]]) -> list[_Line]:
    """Characters outside tables as text lines: one baseline, split where a wide gap separates them."""
    out: list[_Line] = []
    for band in bands:
        start = 0
        for i in range(1, len(band) + 1):
            if i == len(band) or band[i].x0 - band[i - 1].x1 > LINE_GAP * band[i - 1].height:
                part = band[start:i]
                out.append(_Line(join_chars(part), part[0].x0, min(c.y0 for c in part),
                                 max(c.x1 for c in part), max(c.y1 for c in part)))
                start = i
    return out


@dataclass
class _Table:
    """One grid on one page and its cells' blocks (in `grid.cells` order)."""

    grid: Grid
    blocks: list[Block | None]  # None: a row fragment joined into the table on the page before
    page_height: float


VALUE_GAP = 1.0
"""A number this many character heights away from other text on its line stood in a cell of its own."""


def _is_value(text: str) -> bool:
    return bool(_VALUE.match(unicodedata.normalize("NFKC", text)))


def _scan(band: list[Char]) -> tuple[str, list[str]]:
    """One baseline band of a cell: its text (`layout.join_chars`) and its words split where a gap
    wider than VALUE_GAP heights stands, in one pass (every ruled cell goes through here)."""
    prev = band[0]
    pt = prev.text
    if len(band) == 1:
        return pt, [pt]
    parts, word, words = [pt], [pt], []
    for ch in band[1:]:
        gap = ch.x0 - prev.x1
        ph, h = prev.y1 - prev.y0, ch.y1 - ch.y0
        rel = gap / (ph if ph >= h else h)
        ct = ch.text
        if rel > SPACE and (pt.isascii() or ct.isascii()) or rel > CJK_SPACE:
            parts.append(" ")
        parts.append(ct)
        if gap > VALUE_GAP * ph:
            words.append("".join(word))
            word = [ct]
        else:
            word.append(ct)
        prev, pt = ch, ct
    words.append("".join(word))
    return "".join(parts), words


def _incomplete(grid: Grid, bands: list[list[list[Char]]], words: list[list[list[str]]]) -> bool:
    """True when the grid runs two cells' texts together: a border between them is not drawn.

    A value cell never spans rows, nor columns except to the table's right edge (表二's last cell
    of a row), and holds one number (a narrow cell may wrap it onto two lines: `30` over `0` is one
    number); a cell spanning columns prints one text, not two side by side; a row label stands
    beside its own row's values. So a grid is incomplete when one of its lines holds a number
    beside other text (a label and its values, or two values, run together), when a cell spanning
    columns prints two texts on one line (two headers), when a number spans rows or stops short
    of the right edge while spanning columns, or when a cell spanning rows prints text in two of
    them and beside each of those a different cell that is a value or blank (two row labels, the
    rule between them missing; a stub spanning rows has labels, not values, beside it), when a
    cell spanning columns has text on both sides of a column line with a gap there, or when two
    of a cell's lines stand side by side without overlapping (a wrapped text's lines overlap,
    whether centred or aligned). `words` holds each band's words (`_scan`).
    """
    is_value: list[bool] = []  # per cell: holds a value or nothing
    last_col = len(grid.xs) - 1
    for cell, cell_bands, cell_words in zip(grid.cells, bands, words):
        if not cell_bands:
            is_value.append(True)
            continue
        texts = [w for ws in cell_words for w in ws]
        values = [_is_value(t) for t in texts]
        is_value.append((len(texts) == 1 and values[0]) or
                        (len(cell_bands) > 1 and all(v or t.isdigit() for v, t in zip(values, texts))))
        spans = cell.colspan > 1
        for band, ws in zip(cell_bands, cell_words):
            if len(ws) > 1 and (spans or any(_is_value(w) for w in ws)):
                return True
            if spans and len(band) > 1:
                inner = grid.xs[cell.col + 1:cell.col + cell.colspan]
                for a, b in zip(band, band[1:]):
                    if b.x0 - a.x1 > SPACE * (a.y1 - a.y0):
                        i = bisect_left(inner, a.x1)  # the first column line at or right of a
                        if i < len(inner) and inner[i] <= b.x0:
                            return True  # text on both sides of a column line the cell should have drawn
        if len(cell_bands) > 1:
            for upper, lower in zip(cell_bands, cell_bands[1:]):
                if upper[-1].x1 < lower[0].x0 or lower[-1].x1 < upper[0].x0:
                    return True  # lines side by side, not one text wrapped: two cells' texts
        if all(values) and (cell.rowspan > 1 or (spans and cell.col + cell.colspan < last_col)):
            return True
    for k, (cell, cell_bands) in enumerate(zip(grid.cells, bands)):
        if cell.rowspan < 2 or len(cell_bands) < 2:
            continue
        rows = {bisect_left(grid.ys, band[0].mid) - 1 for band in cell_bands}
        if len(rows) < 2:
            continue
        right = cell.col + cell.colspan
        beside = [grid.index_at(r, right) for r in sorted(rows)]
        if all(b is not None and grid.cells[b].rowspan == 1 and is_value[b] for b in beside) \
                and len(set(beside)) == len(beside):
            return True
    return False


def _page_blocks(page: Page, finder: TableFinder) -> tuple[list[tuple[float, list[Block]]], list[_Line], list[_Table]]:
    """(positioned block groups, free text lines, ruled tables) of one page.

    A grid with a border missing (a WPS export dropping a few, a frame whose column rules stop
    under the header) would run two cells' texts into one (`_incomplete`), or leave text standing
    in no closed cell at all; such a grid is not read as ruled: its characters go to the
    text-position finder with the unruled text around it.
    """
    chars = page.chars
    grids = find_grids(page.edges) if chars and len(page.edges) >= 4 else []
    where = [(g.box.x0, g.box.y0, g.box.x1, g.box.y1, g.xs, g.ys, g.index_at) for g in grids]
    in_cell: list[list[list[Char]]] = [[[] for _ in g.cells] for g in grids]
    in_grid: list[list[Char]] = [[] for _ in grids]
    lost: set[int] = set()  # grids with text in no cell: a hole where borders are missing
    free: list[Char] = []
    for ch in chars:
        x0, y0, x1, y1, _, base = ch
        cx, cy = (x0 + x1) / 2, base - 0.3 * (y1 - y0)  # Char.mid, inlined (hot loop)
        for gi, (bx0, by0, bx1, by1, xs, ys, index_at) in enumerate(where):
            if bx0 <= cx <= bx1 and by0 <= cy <= by1:
                in_grid[gi].append(ch)
                k = index_at(bisect_left(ys, cy) - 1, bisect_left(xs, cx) - 1)
                if k is not None:
                    in_cell[gi][k].append(ch)
                else:
                    lost.add(gi)
                break
        else:
            free.append(ch)
    groups: list[tuple[float, list[Block]]] = []
    tables: list[_Table] = []
    for gi, g in enumerate(grids):
        bands = [band_lines(cc) if cc else [] for cc in in_cell[gi]]
        scanned = [[_scan(band) for band in b] for b in bands]
        words = [[ws for _, ws in sc] for sc in scanned]
        if gi in lost or _incomplete(g, bands, words):
            free.extend(in_grid[gi])
            continue
        blocks = [Block("".join(t for t, _ in sc), True, _where(page.number, c))
                  for c, sc in zip(g.cells, scanned)]
        groups.append((g.box.y0, blocks))
        tables.append(_Table(g, blocks, page.height))

    found, bands = finder.page(band_lines(free), page.number, page.height)
    groups += found
    return groups, _reading_order(_text_lines(bands)), tables


_NUMBER_TEXT = re.compile(r"^[\s\d,.+\-—/]+$")


def _join_split_row(above: _Table, below: _Table, tol: float = 2.5) -> None:
    """Join a table row the page break cut in two (Word and LibreOffice let rows break).

    The row's top part ends the table on one page and its bottom part starts the table on the
    next: same column lines, and the bottom part holds only the rest of wrapped labels (numbers
    never wrap). Its text is appended to the cells above and its cells are dropped.
    """
    if above.grid.box.y1 < above.page_height * 0.75 or below.grid.box.y0 > below.page_height * 0.25:
        return
    last_row = len(above.grid.ys) - 2
    bottom = [(c, b) for c, b in zip(above.grid.cells, above.blocks) if c.row + c.rowspan - 1 == last_row]
    first = [(i, c, b) for i, (c, b) in enumerate(zip(below.grid.cells, below.blocks)) if c.row == 0]
    if any(b is None for _, _, b in first) or any(b is None for _, b in bottom):
        return
    if not first or not any(b.text for _, _, b in first) or any(_NUMBER_TEXT.match(b.text) for _, _, b in first):
        return
    targets = []
    for _, c, b in first:
        match = next(((ac, ab) for ac, ab in bottom if abs(ac.box.x0 - c.box.x0) <= tol
                      and abs(ac.box.x1 - c.box.x1) <= tol), None)
        if match is None:
            return  # different columns: a new table, not the rest of a row
        targets.append((match, b))
    for (cell, block), rest in targets:
        if rest.text:
            index = above.blocks.index(block)
            above.blocks[index] = block._replace(text=block.text + rest.text)
    for i, cell, block in first:
        if cell.rowspan > 1:  # a stub cell running on below the fragment: keep it, its text moved up
            below.blocks[i] = block._replace(text="")
        else:  # dropped; the slot stays so cells and blocks keep their alignment
            below.blocks[i] = None  # type: ignore[call-overload]


def _drop_stub_continuation(above: _Table, below: _Table, tol: float = 2.5) -> None:
    """Drop the empty cells a merged row label leaves at the top of the next page.

    A row label merged over several rows (a stub cell) that runs on past a page break is drawn
    again at the top of the next page as an empty cell. Read as a cell it adds one cell too many
    to the row before the break whenever that row's last cell is blank, and the row can no longer
    be placed. Only empty cells of the next page's first ruled row whose columns are those of a
    stub spanning rows down to the bottom of the table on the page before are dropped: a blank
    value cell never lies under a spanning stub.
    """
    if above.grid.box.y1 < above.page_height * 0.75 or below.grid.box.y0 > below.page_height * 0.25:
        return
    if abs(above.grid.box.x0 - below.grid.box.x0) > tol or abs(above.grid.box.x1 - below.grid.box.x1) > tol:
        return  # not the same table's width: a new table
    last_row = len(above.grid.ys) - 2
    stubs = [c.box for c in above.grid.cells if c.rowspan > 1 and c.row + c.rowspan - 1 == last_row]
    for i, (cell, block) in enumerate(zip(below.grid.cells, below.blocks)):
        if cell.row != 0 or block is None or block.text.strip():
            continue
        if any(abs(s.x0 - cell.box.x0) <= tol and abs(s.x1 - cell.box.x1) <= tol for s in stubs):
            below.blocks[i] = None  # type: ignore[call-overload]


def _reading_order(lines: list[_Line]) -> list[_Line]:
    """Top to bottom; lines sharing most of their height are one visual line, left to right."""
    lines = sorted(lines, key=lambda ln: ln.y0)
    rows: list[list[_Line]] = []
    for ln in lines:
        if rows:
            last = rows[-1][0]
            overlap = min(last.y1, ln.y1) - max(last.y0, ln.y0)
            if overlap > 0.5 * min(last.y1 - last.y0, ln.y1 - ln.y0):
                rows[-1].append(ln)
                continue
        rows.append([ln])
    return [ln for row in rows for ln in sorted(row, key=lambda ln: ln.x0)]


def _where(page_no: int, cell: GridCell) -> tuple:
    b = cell.box
    return (page_no, b.x0, b.y0, b.x1, b.y1)


def _in_margin(line: _Line, height: float) -> bool:
    return line.y1 < height * MARGIN or line.y0 > height * (1 - MARGIN)


def _paragraphs(lines: list[_Line], page_no: int) -> list[tuple[float, list[Block]]]:
    """Join lines the page width wrapped back into paragraphs, each a positioned block."""
    out: list[tuple[float, list[Block]]] = []
    right = max((ln.x1 for ln in lines), default=0)
    left = min((ln.x0 for ln in lines), default=0)
    current: list[_Line] = []
    for ln in lines:
        if current:
            prev = current[-1]
            height = prev.y1 - prev.y0
            # a wrapped line runs the text width, margin to margin; table cells and short lines do not
            full = prev.x0 <= left + 3 * height and prev.x1 - prev.x0 >= 0.6 * (right - left)
            wrapped = (full and prev.x1 >= right - 1.5 * height and not prev.text.endswith(_SENTENCE_END)
                       and ln.y0 - prev.y1 < height * 1.2 and ln.x0 <= prev.x0 + 2.5 * height
                       and abs((ln.y1 - ln.y0) - height) <= 0.2 * height)  # one paragraph, one type size
            if not wrapped:
                out.append(_paragraph(current, page_no))
                current = []
        current.append(ln)
    if current:
        out.append(_paragraph(current, page_no))
    return out


def _paragraph(lines: list[_Line], page_no: int) -> tuple[float, list[Block]]:
    text = "".join(ln.text for ln in lines)
    box = (page_no, min(ln.x0 for ln in lines), lines[0].y0, max(ln.x1 for ln in lines), lines[-1].y1)
    return lines[0].y0, [Block(text, False, box)]


def pdf_blocks(data: bytes) -> tuple[list[Block], list[str], int, int]:
    """(blocks in reading order, metadata lines, pages, pages without a text layer)."""
    doc = open_pdf(data)
    try:
        return _blocks(doc)
    finally:
        doc.close()


def _blocks(doc) -> tuple[list[Block], list[str], int, int]:  # type: ignore[no-untyped-def]
    pages: list[tuple[list[tuple[float, list[Block]]], list[_Line], float, bool]] = []
    previous: _Table | None = None
    finder = TableFinder()
    continued: list[tuple[_Table, _Table]] = []
    count = len(doc)
    for index in range(count):
        page = read_page(doc, index)
        groups, lines, tables = _page_blocks(page, finder)
        if tables and previous is not None:
            _join_split_row(previous, tables[0])
            continued.append((previous, tables[0]))
        previous = tables[-1] if tables else (previous if not groups and not lines else None)
        pages.append((groups, lines, page.height, page.has_images))
    # after every split row is joined: a join needs the stub cells of the table it continues
    for above, below in continued:
        _drop_stub_continuation(above, below)
    # running heads and feet: margin lines repeated on several pages, and page numbers
    margin_texts: dict[str, int] = {}
    for _, lines, height, _ in pages:
        for t in {ln.text for ln in lines if _in_margin(ln, height)}:
            margin_texts[t] = margin_texts.get(t, 0) + 1
    repeated = {t for t, n in margin_texts.items() if n >= 2 and n * 2 >= len(pages)}
    blocks: list[Block] = []
    empty_pages = 0
    for page_no, (groups, lines, height, images) in enumerate(pages, start=1):
        kept = [ln for ln in lines if not (_in_margin(ln, height) and (ln.text in repeated
                                                                       or PAGE_NUMBER.match(ln.text)))]
        if not groups and not lines:  # no text layer: a scanned page
            from . import ocr

            if images and ocr.available():
                gray, scale = render_page_gray(doc, page_no - 1, OCR_DPI)
                blocks.extend(ocr.gray_blocks(gray, page_no, scale))
                continue
            empty_pages += 1
        items = groups + _paragraphs(kept, page_no)
        items.sort(key=lambda it: it[0])
        for _, bs in items:
            blocks.extend(b for b in bs if b is not None)
    # The document-info title is not used: WPS and Word carry it over from last year's file.
    return blocks, [], count, empty_pages
