"""Write a report as a PDF the way Word/WPS export prints it: ruled tables that break across pages.

Drawn with PyMuPDF and its built-in CJK font (no system fonts needed). Rows that do not fit go
to the next page; a merged cell cut by the page break is drawn on both pages, its text on the
first, as exported reports do. Each page gets a `- n -` page number in its footer.

`rules` draws only part of the ruling, as many real reports do: `three_line` (the 三线表: top rule,
header rule, bottom rule), `horizontal` (row rules only), `frame` (the outer frame only),
`header_frame` (frame and row rules, column rules only in the header) or `missing` (the full grid
with a few inner borders dropped at random, as some WPS exports do); `RULES` lists them.

`ruled=False` prints the tables as Word does with borders turned off, and sets Latin letters and
digits in a Latin font (Helvetica, a little larger) beside the CJK font, as Word's default fonts
do: the Latin glyphs' tops stand ~2 pt higher than the CJK labels' on the same baseline, the case that puts a
value into the row above when rows are banded by glyph tops. `valign` sets where text stands in
a table cell (Word's default is the top).

PyMuPDF (AGPL-3.0) is needed only here, to write test and example PDFs: `pip install
'gongkai[pdf-write]'`. Reading PDFs never uses it.
"""

from __future__ import annotations

import random
from functools import lru_cache

from .document import Document, outline, plain_cell
from .grid import CellFormatter, Grid, expand

PAGE_W, PAGE_H = 595.0, 842.0
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 72.0, 72.0, 72.0
TEXT_SIZE, CELL_SIZE = 11.0, 8.5
LINE = 1.45  # line height, in font sizes
PAD = 2.5
RULES = ("all", "three_line", "horizontal", "frame", "header_frame", "missing")
"""Which ruling lines a table draws (see the module docstring)."""
MISSING_SHARE = 0.08
"""`missing`: the share of inner border pieces (one cell side each) left undrawn."""
LATIN_SCALE = 1.15
"""Latin runs are set this much larger than the CJK text around them (Word's 小四 digits beside 五号
labels, or a Latin font with a taller em): with Helvetica's ascent their tops stand ~2 pt higher."""


def _pymupdf():  # type: ignore[no-untyped-def]
    try:
        import pymupdf
    except ImportError:
        from ..errors import InputError

        raise InputError("写出 PDF 需要 PyMuPDF：请安装 pip install 'gongkai[pdf-write]'") from None
    return pymupdf


@lru_cache(maxsize=1)
def _font():  # type: ignore[no-untyped-def]
    return _pymupdf().Font("cjk")


@lru_cache(maxsize=1)
def _latin():  # type: ignore[no-untyped-def]
    return _pymupdf().Font("helv")


def _runs(s: str) -> list[tuple[str, bool]]:
    """`s` cut into runs of Latin (ASCII) and other characters: (text, is_latin)."""
    out: list[tuple[str, bool]] = []
    for ch in s:
        latin = ch.isascii()
        if out and out[-1][1] == latin:
            out[-1] = (out[-1][0] + ch, latin)
        else:
            out.append((ch, latin))
    return out


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Break `text` into lines no wider than `width` (character by character, as CJK text wraps)."""
    font = _font()
    lines, current, used = [], "", 0.0
    for ch in text:
        w = font.text_length(ch, fontsize=size)
        if current and used + w > width:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += w
    if current or not lines:
        lines.append(current)
    return lines


class _Pages:
    """Pages as lists of drawing operations (drawn at the end), and the cursor on the last one."""

    def __init__(self, latin: bool = False, valign: str = "center", rules: str = "all", seed: int = 0,
                 narrow: bool = False) -> None:
        self.latin = latin
        self.narrow = narrow
        self.valign = valign
        self.rules = rules
        self.rng = random.Random(seed)
        self.rects: list[list[tuple[float, float, float, float]]] = []
        self.lines: list[list[tuple[float, float, float, float]]] = []
        self.texts: list[list[tuple[float, float, str, float]]] = []
        self.y = 0.0
        self.new_page()

    @property
    def current(self) -> int:
        return len(self.rects) - 1

    def new_page(self) -> None:
        self.rects.append([])
        self.lines.append([])
        self.texts.append([])
        number = f"- {len(self.rects)} -"
        self.text(PAGE_W / 2 - _font().text_length(number, fontsize=9) / 2, PAGE_H - 40, number, 9)
        self.y = MARGIN_TOP

    def width(self, s: str, size: float) -> float:
        """Printed width of `s` in the fonts it is set in."""
        if not self.latin:
            return _font().text_length(s, fontsize=size)
        return sum(_latin().text_length(run, fontsize=size * LATIN_SCALE) if latin
                   else _font().text_length(run, fontsize=size) for run, latin in _runs(s))

    def text(self, x: float, y: float, s: str, size: float, page: int | None = None) -> None:
        self.texts[self.current if page is None else page].append((x, y, s, size))

    def room(self, height: float) -> bool:
        return self.y + height <= PAGE_H - MARGIN_BOTTOM

    def paragraph(self, text: str, size: float = TEXT_SIZE) -> None:
        for line in _wrap(text, PAGE_W - 2 * MARGIN_X, size):
            if not self.room(size * LINE):
                self.new_page()
            self.text(MARGIN_X, self.y + size, line, size)
            self.y += size * LINE

    def finish(self) -> bytes:
        pymupdf = _pymupdf()
        doc = pymupdf.open()
        for rects, lines, texts in zip(self.rects, self.lines, self.texts):
            page = doc.new_page(width=PAGE_W, height=PAGE_H)
            shape = page.new_shape()
            for rect in rects:
                shape.draw_rect(rect)
            for x0, y0, x1, y1 in lines:
                shape.draw_line((x0, y0), (x1, y1))
            shape.finish(color=(0, 0, 0), width=0.5)
            shape.commit()
            writer = pymupdf.TextWriter(page.rect)
            for x, y, s, size in texts:
                if not self.latin:
                    writer.append((x, y), s, font=_font(), fontsize=size)
                    continue
                for run, latin in _runs(s):
                    font, run_size = (_latin(), size * LATIN_SCALE) if latin else (_font(), size)
                    writer.append((x, y), run, font=font, fontsize=run_size)
                    x += font.text_length(run, fontsize=run_size)
            writer.write_text(page)
        doc.subset_fonts()
        return doc.tobytes(garbage=3, deflate=True)


def _column_widths(placed: list, width: int, pages: _Pages) -> list[float]:
    """Widths proportional to the longest single-column text in each column (at least 2 chars);
    with Latin fonts or partial ruling a value's printed width (plus padding) counts, so numbers
    rarely wrap (a number wrapped in a table without column rules is not read: see the README)."""
    need = [2.0] * width
    if pages.narrow:
        return _narrow_widths(placed, width, pages)
    for _, c, cell in placed:
        if cell.colspan == 1:
            if (pages.latin or pages.rules != "all") and not cell.header:
                size = pages.width(cell.text, CELL_SIZE) / CELL_SIZE + 0.8
            else:
                size = min(len(cell.text), 14) * (0.6 if cell.header else 1.0)
            need[c] = max(need[c], size, 2.0)
    total = sum(need)
    return [(PAGE_W - 2 * MARGIN_X) * n / total for n in need]


def _narrow_widths(placed: list, width: int, pages: _Pages) -> list[float]:
    """`narrow`: value columns only two digits wide (plus padding), so longer numbers wrap onto a
    second line inside their cell (`16` over `6` for 166), as tight exported tables print them; the
    label columns share the rest of the width."""
    value_cols = {c for _, c, cell in placed if cell.colspan == 1 and not cell.header}
    value_w = pages.width("00", CELL_SIZE) + 2 * PAD + 2.0
    need = [2.0] * width
    for _, c, cell in placed:
        if cell.colspan == 1 and c not in value_cols:
            need[c] = max(need[c], min(len(cell.text), 14) * (0.6 if cell.header else 1.0), 2.0)
    rest = PAGE_W - 2 * MARGIN_X - value_w * len(value_cols)
    label_total = sum(n for c, n in enumerate(need) if c not in value_cols) or 1.0
    return [value_w if c in value_cols else rest * need[c] / label_total for c in range(width)]


def _table(pages: _Pages, grid: Grid) -> None:
    placed, width = expand(grid)
    widths = _column_widths(placed, width, pages)
    xs = [MARGIN_X]
    for w in widths:
        xs.append(xs[-1] + w)
    heights = [CELL_SIZE * LINE + 2 * PAD] * len(grid)
    for r, c, cell in placed:
        if cell.rowspan == 1:
            lines = _wrap(cell.text, xs[c + cell.colspan] - xs[c] - 2 * PAD, CELL_SIZE)
            heights[r] = max(heights[r], len(lines) * CELL_SIZE * LINE + 2 * PAD)
    # rows onto pages: (page index, top y) per row
    tops: list[tuple[int, float]] = []
    for r in range(len(grid)):
        if not pages.room(heights[r]):
            pages.new_page()
        tops.append((pages.current, pages.y))
        pages.y += heights[r]
    pages.y += 8
    if pages.rules != "all":
        _partial_rules(pages, placed, width, xs, tops, heights)
    for r, c, cell in placed:
        rows = range(r, r + cell.rowspan)
        for n, page in enumerate(sorted({tops[i][0] for i in rows})):
            seg = [i for i in rows if tops[i][0] == page]
            y0, y1 = tops[seg[0]][1], tops[seg[-1]][1] + heights[seg[-1]]
            if pages.rules == "all":
                pages.rects[page].append((xs[c], y0, xs[c + cell.colspan], y1))
            if n == 0 and cell.text:  # the text goes on the first page the cell is drawn on
                lines = _wrap(cell.text, xs[c + cell.colspan] - xs[c] - 2 * PAD, CELL_SIZE)
                free = y1 - y0 - len(lines) * CELL_SIZE * LINE
                y = y0 + (PAD if pages.valign == "top" else max(PAD, free / 2))
                for line in lines:
                    x = (xs[c] + xs[c + cell.colspan]) / 2 - pages.width(line, CELL_SIZE) / 2
                    pages.text(x, y + CELL_SIZE, line, CELL_SIZE, page)
                    y += CELL_SIZE * LINE


def _partial_rules(pages: _Pages, placed: list, width: int, xs: list[float], tops: list[tuple[int, float]],
                   heights: list[float]) -> None:
    """The table's ruling as single cell sides, only those `pages.rules` keeps.

    A side is drawn where two different cells meet (or at the table's edge on a page); the styles
    then keep the outer frame, the row rules, the header rule, or all but a random few.
    """
    owner: dict[tuple[int, int], int] = {}
    header_cell: dict[int, bool] = {}
    for k, (r, c, cell) in enumerate(placed):
        header_cell[k] = cell.header
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                owner[(r + dr, c + dc)] = k
    n = len(tops)
    header_row = [all(header_cell[owner[(r, c)]] for c in range(width) if (r, c) in owner) for r in range(n)]
    style, keep = pages.rules, pages.lines
    for r in range(n + 1):  # the rule above row r (r == n: below the last row)
        if r == 0:
            rules = [(tops[0][0], tops[0][1], True)]
        elif r == n or tops[r - 1][0] != tops[r][0]:  # the table's end, or a page break
            rules = [(tops[r - 1][0], tops[r - 1][1] + heights[r - 1], True)]
            if r < n:
                rules.append((tops[r][0], tops[r][1], True))
        else:
            rules = [(tops[r][0], tops[r][1], False)]
        header_rule = 0 < r < n and header_row[r - 1] and not header_row[r]
        for page, y, outer in rules:
            for c in range(width):
                if not outer and owner.get((r - 1, c)) == owner.get((r, c)):
                    continue  # inside one cell spanning rows
                if style == "three_line" and not (outer or header_rule):
                    continue
                if style == "frame" and not outer:
                    continue
                if style == "missing" and not outer and pages.rng.random() < MISSING_SHARE:
                    continue
                keep[page].append((xs[c], y, xs[c + 1], y))
    if style in ("three_line", "horizontal"):
        return
    for r in range(n):
        page, y0 = tops[r]
        y1 = y0 + heights[r]
        for c in range(width + 1):
            outer = c == 0 or c == width
            if not outer and owner.get((r, c - 1)) == owner.get((r, c)):
                continue
            if style == "frame" and not outer:
                continue
            if style == "header_frame" and not outer and not header_row[r]:
                continue
            if style == "missing" and not outer and pages.rng.random() < MISSING_SHARE:
                continue
            keep[page].append((xs[c], y0, xs[c], y1))


def render_pdf(doc: Document, cell: CellFormatter = plain_cell, ruled: bool = True, latin: bool | None = None,
               valign: str = "center", rules: str = "all", seed: int = 0, narrow: bool = False) -> bytes:
    """The report as PDF bytes; `ruled=False` prints the tables without their lines (and, unless
    `latin` says otherwise, Latin characters in a Latin font); `valign` is "center" or "top";
    `rules` draws only part of the ruling (one of `RULES`; `seed` picks the borders `missing` drops);
    `narrow` makes value columns two digits wide, so longer numbers wrap inside their cells."""
    if rules not in RULES:
        raise ValueError(f"rules must be one of {RULES}")
    pages = _Pages(latin=not ruled if latin is None else latin, valign=valign, rules=rules, seed=seed,
                   narrow=narrow)
    for kind, item in outline(doc, cell):
        if kind == "table":
            _table(pages, item)  # type: ignore[arg-type]
        else:
            pages.paragraph(item, 16 if kind == "title" else TEXT_SIZE)  # type: ignore[arg-type]
    if not ruled:
        pages.rects = [[] for _ in pages.rects]
        pages.lines = [[] for _ in pages.lines]
    return pages.finish()
