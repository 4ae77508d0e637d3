"""`pdftotext -layout` text: tables read by character columns, not by counting tokens.

A PDF converted with poppler's `pdftotext -layout` keeps each printed line, with runs of spaces
standing where the page had horizontal room. A table row is then one line of values (its label on
the same line, or wrapped onto lines above and below it, centred in its cell); a blank cell is a
wider gap; a multi-line header prints each column's words stacked over several lines, mixed with
the labels of spanning groups.

This reader turns such text into the usual piece stream:

- a row's label is the text on its value line plus the label fragments between it and the row
  above, ordered column by column (fragments that overlap horizontally are one column, read top
  to bottom), so a group label printed beside a wrapped row label does not end the row's label;
- a header is read column by column: each header word goes to the value column under it, and a
  column's words are joined top to bottom (`自然` over `人` → `自然人`);
- value tokens are matched to the columns of their table block by position (an order-keeping
  assignment with one clear best); a column with no token is an empty cell only when the
  assignment is unambiguous, otherwise no blank is emitted and the table reader decides (null +
  P-1 where it cannot).

Nothing here knows a form's labels; it only says what is printed where.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import combinations

from .document import _IS_VALUE, EMPTY_CELL, NOT_BLANK, UNREADABLE_CELL, Piece

_TOKEN = re.compile(r"\S+")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+[部章])")
_ENUMERATED = re.compile(r"^(?:\d+[.、]|[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)")
_UNIT = re.compile(r"^(?:万元|元|件|条|项|个)$")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")


def _width(text: str) -> float:
    """A word's width on the page in grid columns: pdftotext puts a word at the column of its x
    position but writes its characters one per column, and a CJK glyph is wider than one column
    (how much wider depends on the font size against the page's grid; 1.5 is a middle estimate)."""
    return sum(1.5 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Tok:
    __slots__ = ("start", "end", "text", "line", "joined")

    def __init__(self, start: int, text: str, line: int, joined: bool = False) -> None:
        self.start = start  # the grid column pdftotext placed the word at
        self.end = start + _width(text)
        self.text = text
        self.line = line
        self.joined = joined  # words one space apart run together (maybe of several columns)

    @property
    def center(self) -> float:
        """The middle of the word; for a value, of its number alone (a unit printed after the
        number, `149条`, leaves the number where the column's other numbers stand)."""
        core = self.text.rstrip("万元件条项个")
        if core and core != self.text and core[-1:].isdigit():
            return self.start + _width(core) / 2
        return (self.start + self.end) / 2


def _tokens(line: str, number: int) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(line):
        text = m.group()
        prev = out[-1] if out else None
        if prev is not None and m.start() == prev.start + len(prev.text) + 1 \
                and not _IS_VALUE.match(text) and not _IS_VALUE.match(prev.text) and not _ENUMERATED.match(text):
            out[-1] = _Tok(prev.start, prev.text + text, number, True)  # words one space apart: one label
            continue
        out.append(_Tok(m.start(), text, number))
    return out


def _split_values(toks: list[_Tok], line: str) -> tuple[list[_Tok], list[_Tok]] | None:
    """(label tokens, value tokens) of a line that prints a table row's values, else None.

    The values are the line's trailing tokens that are numbers or blank marks. One value alone
    counts only after a wide gap (prose never ends that way); a line of values alone always does.
    """
    k = len(toks)
    while k > 0 and _IS_VALUE.match(toks[k - 1].text):
        k -= 1
    label, values = toks[:k], toks[k:]
    if not values:
        return None
    if label:
        gap = values[0].start - label[-1].end
        if gap < 2 and len(values) < 2:
            return None
        if len(values) == 1 and gap < 3:
            return None
        if _width("".join(t.text for t in label)) > 60:  # a sentence ending in numbers
            return None
    return label, values


def looks_like_layout(lines: list[str]) -> bool:
    """Text laid out by `pdftotext -layout`: indented value lines with columns of spaces.

    Scraped pages that separate cells by two spaces start their rows at the margin; layout text
    indents labels and values as they stood on the page, and puts pages apart with form feeds.
    """
    indented = spaced = 0
    for number, line in enumerate(lines, 1):
        if "   " not in line:
            continue
        toks = _tokens(line, number)
        split = _split_values(toks, line)
        if split is None:
            continue
        label, values = split
        if len(values) >= 2 and any(b.start - a.end >= 3 for a, b in zip(values, values[1:])):
            spaced += 1
            if line.startswith("   ") or not label:
                indented += 1
    return spaced >= 4 and indented >= 3 and ("\f" in "".join(lines) or indented * 2 >= spaced)


# ------------------------------------------------------------------------------------- columns

def _columns(rows: list[list[_Tok]]) -> list[tuple[float, float]] | None:
    """Each column of a block as the span of its values' centres over the rows that print the
    most values (in such a row the k-th value is in the k-th column, so no guess is made).

    Positions drift between rows (a unit after a number, CJK against Latin widths, the grid
    pdftotext lays words on), so a column is the range its values were seen at, not one point;
    the columns must stay apart, else which value stands where is not known and None is returned.
    """
    k = max(len(r) for r in rows)
    full = [r for r in rows if len(r) == k]
    spans = [(min(r[i].center for r in full), max(r[i].center for r in full)) for i in range(k)]
    if any(b[0] - a[1] < 2 for a, b in zip(spans, spans[1:])):
        return None
    return spans


def _distance(t: _Tok, span: tuple[float, float]) -> float:
    return max(0.0, span[0] - t.center, t.center - span[1])


def _assign(values: list[_Tok], spans: list[tuple[float, float]]) -> list[int] | None:
    """The column of each value token: the order-keeping assignment nearest the columns' spans,
    when it is clearly the best (each token nearer its column than any other by a margin, the
    runner-up assignment clearly worse); else None (the cells are not placed by guess)."""
    m, k = len(values), len(spans)
    if m > k:
        return None
    if m == k:
        return list(range(k))
    scored = sorted((sum(_distance(t, spans[c]) for t, c in zip(values, cols)), cols)
                    for cols in combinations(range(k), m))
    if len(scored) > 1 and scored[1][0] - scored[0][0] < 3.0:
        return None
    best = list(scored[0][1])
    for t, c in zip(values, best):
        own = _distance(t, spans[c])
        if any(_distance(t, spans[o]) - own < 3.0 for o in range(k) if o != c):
            return None
    return best


# ------------------------------------------------------------------------------------- blocks

def _chains(frags: list[_Tok]) -> list[list[_Tok]]:
    """Fragments grouped by horizontal overlap (one printed column each), left to right; each
    column's fragments top to bottom."""
    parent = list(range(len(frags)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(frags):
        for j in range(i + 1, len(frags)):
            b = frags[j]
            if a.line != b.line and min(a.end, b.end) - max(a.start, b.start) >= 1:
                parent[find(i)] = find(j)
    groups: dict[int, list[_Tok]] = {}
    for i, f in enumerate(frags):
        groups.setdefault(find(i), []).append(f)
    chains = [sorted(g, key=lambda t: (t.line, t.start)) for g in groups.values()]
    return sorted(chains, key=lambda g: min(t.start for t in g))


def _label_pieces(frags: list[_Tok]) -> list[Piece]:
    """A row's label fragments as pieces, column by column.

    Fragments on lines above the first numbered label (`(六)其他处理`, `5.要求…`) are the end
    of the row above, wrapped below its values: they go first, in line order, whatever column
    they stand in, so they do not come between this row's label and its values."""
    numbered = [t.line for t in frags if _ENUMERATED.match(t.text)]
    out = []
    if numbered:
        first = min(numbered)
        out = [Piece(t.text, t.line, NOT_BLANK) for t in sorted(frags, key=lambda t: (t.line, t.start)) if t.line < first]
        frags = [t for t in frags if t.line >= first]
    for chain in _chains(frags):
        for t in chain:
            out.append(Piece(t.text, t.line, NOT_BLANK))
    return out


def _header_pieces(toks: list[_Tok], centers: list[float], value_start: float) -> list[Piece]:
    """Header words stacked by the value column under them; words left of the values first."""
    left = [t for t in toks if t.end < value_start]
    out = [Piece(t.text, t.line, NOT_BLANK) for t in sorted(left, key=lambda t: (t.line, t.start))]
    stacks: dict[int, list[_Tok]] = {}
    for t in toks:
        if t.end < value_start:
            continue
        col = min(range(len(centers)), key=lambda i: abs(centers[i] - t.center))
        stacks.setdefault(col, []).append(t)
    if any(len({t.line for t in words}) < len(words) for words in stacks.values()):
        # two words of one header line under one value column: the values do not stand under
        # their headers, so stacking would join words of different columns. Keep only the
        # lines of one or two words (spanning group labels); the table reader falls back on
        # the official column order, which it does for any header it cannot read.
        by_line: dict[int, list[_Tok]] = {}
        for t in toks:
            if t.end >= value_start:
                by_line.setdefault(t.line, []).append(t)
        gaps = [b - a for a, b in zip(centers, centers[1:])] or [8.0]
        apart = 2 * min(gaps)
        for line in sorted(by_line):
            words = sorted(by_line[line], key=lambda t: t.start)
            if len(words) <= 2:
                out.extend(Piece(t.text, t.line, NOT_BLANK) for t in words)
                continue
            # a longer line mixes leaf words with group labels: a group label is one word
            # (not words run together) standing alone, far from its neighbours on both sides
            for k, t in enumerate(words):
                left = t.start - words[k - 1].end if k else apart
                right = words[k + 1].start - t.end if k + 1 < len(words) else apart
                if not t.joined and len(t.text) >= 4 and left >= apart and right >= apart:
                    out.append(Piece(t.text, t.line, NOT_BLANK))
        return out
    for col in sorted(stacks):
        words = sorted(stacks[col], key=lambda t: (t.line, t.start))
        out.append(Piece("".join(t.text for t in words), words[0].line, NOT_BLANK))
    return out


def layout_pieces(lines: list[str]) -> list[Piece]:
    """The piece stream of layout text (see the module docstring)."""
    parsed: list[tuple[list[_Tok], tuple[list[_Tok], list[_Tok]] | None]] = []
    for number, line in enumerate(lines, 1):
        toks = _tokens(line.replace("\f", " "), number)
        parsed.append((toks, _split_values(toks, line) if toks else None))
    pieces: list[Piece] = []
    i = 0
    n = len(lines)
    while i < n:
        toks, split = parsed[i]
        if split is None:
            # a plain line, unless it begins a table block's header (text lines right above values)
            j = i
            while j < n and parsed[j][1] is None and not _PAGE_NUMBER.match(lines[j]) \
                    and not (j > i and _HEADING.match(lines[j])) and "\f" not in lines[j] and j - i <= 12:
                j += 1
            if toks and j < n and j > i and parsed[j][1] is not None and not _HEADING.match(lines[i]) \
                    and _block_end(parsed, lines, j) > j:
                i = _emit_block(parsed, lines, i, j, pieces)
                continue
            if toks:
                pieces.append(Piece(lines[i].replace("\f", " ").strip(), i + 1, NOT_BLANK))
            i += 1
            continue
        i = _emit_block(parsed, lines, i, i, pieces)
    return pieces


def _without_unit_tails(toks: list[_Tok], value_start: float) -> list[_Tok]:
    """A line's words less the units standing among the values: a narrow cell wraps `0件` into
    `0` over `件`, and the unit on a line of its own is neither a label nor a value."""
    return [t for t in toks if not (_UNIT.match(t.text) and t.start >= value_start - 1)]


def _block_end(parsed: list, lines: list[str], first: int) -> int:
    """One past the last line of the block of value lines starting at `first`: it runs on while
    text lines stay left of the values (wrapped labels) and no page break or heading comes."""
    value_start = min(v.start for v in parsed[first][1][1])
    end = first + 1
    j = first + 1
    n = len(lines)
    while j < n:
        toks, split = parsed[j]
        if "\f" in lines[j] or _PAGE_NUMBER.match(lines[j]):
            break
        if split is not None:
            value_start = min(value_start, split[1][0].start)
            end = j + 1
        elif toks:
            toks = _without_unit_tails(toks, value_start)
            if not toks:  # units wrapped below their numbers
                end = j + 1
                j += 1
                continue
            # a heading or prose, not a wrapped label: it runs into the values' columns. Measured
            # in characters as printed (one a column), not by estimated page width: a wrapped label
            # fills its cell up to the values, and CJK glyphs are narrower than 1.5 columns at
            # small sizes
            if max(t.start + len(t.text) for t in toks) > value_start + 1:
                break
            if not _touches_values(parsed, j):  # a heading set apart by empty lines
                break
        j += 1
    return end


def _touches_values(parsed: list, j: int) -> bool:
    """Whether line j belongs to a run of non-empty lines that holds a value line: a wrapped
    label touches its row; a heading stands apart, between empty lines."""
    for step in (-1, 1):
        k = j + step
        while 0 <= k < len(parsed) and parsed[k][0]:
            if parsed[k][1] is not None:
                return True
            k += step
    return False


def _emit_block(parsed: list, lines: list[str], head: int, first: int, pieces: list[Piece]) -> int:
    """Emit the header lines [head, first) and the value block starting at `first`."""
    end = _block_end(parsed, lines, first)
    value_rows = [parsed[j][1][1] for j in range(first, end) if parsed[j][1] is not None]
    spans = _columns(value_rows)
    centers = [(lo + hi) / 2 for lo, hi in spans] if spans is not None else None
    value_start = min(r[0].start for r in value_rows)
    if head < first:
        header = [t for j in range(head, first) for t in parsed[j][0]]
        if centers is not None:
            pieces.extend(_header_pieces(header, centers, value_start))
        else:
            # word by word, as a table's cells: a whole header line read as one text would be
            # taken for a row label (`自然人 … 总计` for the 总计 row)
            pieces.extend(Piece(t.text, t.line, NOT_BLANK) for j in range(head, first) for t in parsed[j][0])
    raised = _raised_values(parsed, first, end)
    frags: list[_Tok] = []
    for j in range(first, end):
        toks, split = parsed[j]
        if j in raised:
            frags.extend(split[0])  # a label beside a raised value is a fragment of a label
            continue
        if split is None:
            frags.extend(_without_unit_tails(toks, value_start))
            continue
        label, values = split
        if j in raised.values():
            pieces.extend(_label_pieces(frags + label))
            frags = []
            extra = [v for k, to in raised.items() if to == j for v in parsed[k][1][1]]
            pieces.extend(_merged(values, extra))
            continue
        pieces.extend(_label_pieces(frags + label))
        frags = []
        cols = _assign(values, spans) if spans is not None else None
        if cols is None:
            pieces.extend(Piece(v.text, v.line, NOT_BLANK) for v in values)
            continue
        at = dict(zip(cols, values))
        for c in range(len(centers)):
            v = at.get(c)
            pieces.append(Piece(v.text, v.line, NOT_BLANK) if v else Piece("", j + 1, EMPTY_CELL))
    if frags:
        pieces.extend(_label_pieces(frags))
    return end


MAX_RAISED = 2
"""A line of at most this many values alone, right against a row, is part of that row."""


def _raised_values(parsed: list, first: int, end: int) -> dict[int, int]:
    """Lines holding only a value or two printed a line above or below their row (a different
    baseline, as a cell with leading spaces or a unit comes out): line → the row's line."""
    out: dict[int, int] = {}
    for j in range(first, end):
        split = parsed[j][1]
        if split is None or len(split[1]) > MAX_RAISED:
            continue
        for k in (j + 1, j - 1):
            if first <= k < end and k not in out and parsed[k][1] is not None \
                    and len(parsed[k][1][1]) > len(split[1]):
                if split[0] and any(abs(v.center - w.center) < 4 for v in split[1] for w in parsed[k][1][1]):
                    continue  # a labelled line whose values stand in the row's own columns: a row of its own
                out[j] = k
                break
    return out


def _merged(values: list[_Tok], extra: list[_Tok]) -> list[Piece]:
    """A row's values with its raised ones put in by position; where a raised value stands
    within reach of one of the row's, their order is unsure and both are unreadable cells."""
    unsure = set()
    for e in extra:
        for v in values:
            if abs(e.center - v.center) < 4:
                unsure.update((id(e), id(v)))
    halves: dict[int, list[_Tok]] = {}  # a wrapped cell's top part → its parts, top to bottom
    absorbed: set[int] = set()
    for e in sorted(extra, key=lambda t: t.line):
        for f in extra:
            # values above and below the row in one column: a number wrapped over lines
            # (`５４` over `０`) is one cell whose digits cannot be put back together with
            # certainty: one unreadable cell, not two
            if f.line > e.line and id(e) not in absorbed and id(f) not in absorbed \
                    and abs(e.center - f.center) < 4:
                halves.setdefault(id(e), [e]).append(f)
                absorbed.add(id(f))
                unsure.add(id(e))
    out = []
    for t in sorted(values + extra, key=lambda t: t.center):
        if id(t) in absorbed:
            continue
        if id(t) in unsure:
            text = "".join(h.text for h in halves.get(id(t), [t]))
            out.append(Piece(f"0:{text}", t.line, UNREADABLE_CELL))
        else:
            out.append(Piece(t.text, t.line, NOT_BLANK))
    return out
