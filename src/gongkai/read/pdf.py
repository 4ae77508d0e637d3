"""PDF with a text layer → blocks: text lines and ruled-table cells in reading order.

Per page: the words with their boxes, the ruled tables (`ruling.find_grids`), each word placed in
the cell under its centre, the remaining words grouped into lines. Page numbers and running
headers in the margins are dropped; a table continued on the next page simply continues the
stream (the table reader follows labels, not pages). Lines wrapped by the page width are joined
back into their paragraph. A page with no text layer is left to OCR (`read.ocr`), if installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from .document import Block
from .ruling import Grid, GridCell, find_grids

MAX_PAGES = 300
"""A report has a handful of pages; past this the file is something else."""
MARGIN = 0.08
"""Top and bottom share of the page where page numbers and running heads live."""

_PAGE_NUMBER = re.compile(r"^[-—–_\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–_\s]*$")
_SENTENCE_END = tuple("。；;！!？?：:")


@dataclass
class _Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    block: int


def _open(data: bytes):  # type: ignore[no-untyped-def]
    import pymupdf

    if b"%%EOF" not in data[-4096:]:
        # MuPDF would "repair" a cut-off file and read what is left: half a report, silently
        raise InputError("PDF 文件不完整（缺少文件结尾，可能下载中断），无法可靠读取")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as e:  # noqa: BLE001 - MuPDF raises several types for broken files
        raise InputError(f"PDF 文件已损坏或不完整，无法打开（{type(e).__name__}）") from None
    if doc.needs_pass or doc.is_encrypted:
        raise InputError("PDF 文件已加密，需要密码才能读取")
    if doc.page_count == 0:
        raise InputError("PDF 文件没有页面")
    if doc.page_count > MAX_PAGES:
        raise InputError(f"PDF 有 {doc.page_count} 页，超过 {MAX_PAGES} 页上限，不像是一份年度报告")
    return doc


def _cell_text(words: list[tuple]) -> str:
    """Words of one cell in reading order: by visual line, then left to right."""
    words = sorted(words, key=lambda w: (w[1] + w[3]) / 2)
    lines: list[list[tuple]] = []
    for w in words:
        mid = (w[1] + w[3]) / 2
        if lines and abs(mid - (lines[-1][0][1] + lines[-1][0][3]) / 2) <= (w[3] - w[1]) * 0.5:
            lines[-1].append(w)
        else:
            lines.append([w])
    return "".join(_join_words(sorted(line, key=lambda w: w[0])) for line in lines)


def _join_words(words: list[tuple]) -> str:
    """Words of one visual line, left to right, with a space only where the page leaves a gap.

    MuPDF splits words at spaces by comparing gaps with the font's space width; some CJK fonts
    make it cut after every character (`柳 北 区`), so the gap decides here, not the split.
    """
    out: list[str] = []
    prev = None
    for w in words:
        if prev is not None:
            out.append(" " if w[0] - prev[2] > 0.15 * (w[3] - w[1]) else "")
        out.append(w[4])
        prev = w
    return "".join(out)


def _split_straddlers(page, words: list[tuple], grids: list[Grid]) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Words that run across a cell border, re-cut into characters (only when there are any)."""
    def straddles(w: tuple) -> bool:
        for g in grids:
            if g.box.x0 <= (w[0] + w[2]) / 2 <= g.box.x1 and g.box.y0 <= (w[1] + w[3]) / 2 <= g.box.y1:
                a, b = g.locate(w[0] + 1, (w[1] + w[3]) / 2), g.locate(w[2] - 1, (w[1] + w[3]) / 2)
                return a is not b
        return False

    if not any(straddles(w) for w in words):
        return words
    chars: list[tuple] = []
    for block in page.get_text("rawdict")["blocks"]:
        for bi, line in enumerate(block.get("lines", ())):
            for span in line["spans"]:
                for ch in span["chars"]:
                    if ch["c"].strip():
                        x0, y0, x1, y1 = ch["bbox"]
                        chars.append((x0, y0, x1, y1, ch["c"], block.get("number", 0), bi, 0))
    return chars


@dataclass
class _Table:
    """One grid on one page and its cells' blocks (in `grid.cells` order)."""

    grid: Grid
    blocks: list[Block | None]  # None: a row fragment joined into the table on the page before
    page_height: float


def _page_blocks(page, page_no: int) -> tuple[list[tuple[float, list[Block]]], list[_Line], list[_Table]]:  # type: ignore[no-untyped-def]
    """(positioned block groups, free text lines, tables) of one page."""
    words = page.get_text("words")
    grids = find_grids(page.get_drawings()) if words else []
    if grids:
        words = _split_straddlers(page, words, grids)
    in_cell: dict[int, dict[int, list[tuple]]] = {}
    free: dict[tuple[int, int], list[tuple]] = {}
    for w in words:
        cx, cy = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
        for gi, g in enumerate(grids):
            if g.box.x0 <= cx <= g.box.x1 and g.box.y0 <= cy <= g.box.y1:
                cell = g.locate(cx, cy)
                if cell is not None:
                    in_cell.setdefault(gi, {}).setdefault(id(cell), []).append(w)
                break
        else:
            free.setdefault((w[5], w[6]), []).append(w)
    groups: list[tuple[float, list[Block]]] = []
    tables: list[_Table] = []
    for gi, g in enumerate(grids):
        cells_words = in_cell.get(gi, {})
        blocks = [Block(_cell_text(cells_words.get(id(c), [])), True, _where(page_no, c))
                  for c in g.cells]
        groups.append((g.box.y0, blocks))
        tables.append(_Table(g, blocks, page.rect.height))
    lines = []
    for (block_no, _), ws in free.items():
        ws.sort(key=lambda w: w[0])
        lines.append(_Line(_join_words(ws), min(w[0] for w in ws), min(w[1] for w in ws),
                           max(w[2] for w in ws), max(w[3] for w in ws), block_no))
    return groups, _reading_order(lines), tables


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
                       and ln.y0 - prev.y1 < height * 1.2 and ln.x0 <= prev.x0 + 2.5 * height)
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
    doc = _open(data)
    pages: list[tuple[list[tuple[float, list[Block]]], list[_Line], float]] = []
    previous: _Table | None = None
    for page_no, page in enumerate(doc, start=1):
        groups, lines, tables = _page_blocks(page, page_no)
        if tables and previous is not None:
            _join_split_row(previous, tables[0])
        previous = tables[-1] if tables else (previous if not groups and not lines else None)
        pages.append((groups, lines, page.rect.height))
    # running heads and feet: margin lines repeated on several pages, and page numbers
    margin_texts: dict[str, int] = {}
    for _, lines, height in pages:
        for t in {ln.text for ln in lines if _in_margin(ln, height)}:
            margin_texts[t] = margin_texts.get(t, 0) + 1
    repeated = {t for t, n in margin_texts.items() if n >= 2 and n * 2 >= len(pages)}
    blocks: list[Block] = []
    empty_pages = 0
    for page_no, (groups, lines, height) in enumerate(pages, start=1):
        kept = [ln for ln in lines if not (_in_margin(ln, height) and (ln.text in repeated
                                                                       or _PAGE_NUMBER.match(ln.text)))]
        if not groups and not lines:  # no text layer: a scanned page
            from . import ocr

            if ocr.available() and doc[page_no - 1].get_images():
                blocks.extend(ocr.ocr_blocks(ocr.pdf_page_png(doc[page_no - 1]), page_no))
                continue
            empty_pages += 1
        items = groups + _paragraphs(kept, page_no)
        items.sort(key=lambda it: it[0])
        for _, bs in items:
            blocks.extend(b for b in bs if b is not None)
    # The document-info title is not used: WPS and Word carry it over from last year's file.
    return blocks, [], doc.page_count, empty_pages
