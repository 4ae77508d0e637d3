"""Tables printed without ruling lines, found from where the text stands.

Word and WPS export tables with their borders turned off as bare text: nothing says where a cell
begins. The geometry still does:

- rows are banded by *baseline* (never by glyph tops: a Latin digit font's tops sit higher than a
  CJK label font's, and top-banding moves a value into the row above);
- a *value line* ends in a run of numbers (`0`, `1,234`, `12件`, `—`), each its own word;
- *columns* are the x-extents of value words across a section's rows, joined where they overlap
  (numbers are centred, right- or left-aligned in their column: any of these overlap); a column
  left blank in every row is recovered from a header word standing in the gap;
- *header lines* are the lines above a section's first value line that print text over the value
  columns; their words are joined into cells by geometry (same columns, consecutive lines) and
  emitted in column order, so a group header comes before its children;
- *label lines* (text left of the value columns) go to the value row they belong to: each group of
  label lines between two value rows is split at its widest baseline gap (cell padding widens the
  gap between cells beyond the line spacing inside a cell);
- a section without a header (a table continued on the next page) keeps the columns of the section
  before it when its values fit them.

The result is the same stream of cell Blocks a ruled grid gives (header cells, then per row the
label and one cell per column, empty where nothing is printed), read by the same table reader.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from operator import itemgetter
from statistics import median

from .document import UNREADABLE_MARK, Block
from .pdfium import Char

_VALUE = re.compile(r"^(?:[+\-]?\d(?:[\d,]*\d)?(?:\.\d+)?(?:万元|萬元|元|件|条|條|项|項|个|個)?|[—–\-－]+|/|无|無)$")
_VALUE_END = frozenset("0123456789０１２３４５６７８９—–-－/无無元件条條项項个個")
"""Characters a value line can end with (a quick test before a line is looked at closely)."""
_FRAGMENT = re.compile(r"^(?:[+\-]?[\d０-９,，.．]+(?:万元|萬元|元|件|条|條|项|項|个|個)?|万元|萬元|元|件|条|條|项|項|个|個)$")
"""A piece of a number its narrow cell wrapped (`45` / `1`, `12` / `件`)."""
SPACE = 0.15
"""A gap wider than this share of the character height is a space between words."""
LABEL_SPACE = 0.33
"""Inside one cell, words are this close at most (a space); cells stand further apart."""
CJK_SPACE = 0.6
"""Between two CJK characters, a gap must be this wide to be a space."""
WRAP_PITCH = 1.25
"""Baselines of two lines inside one cell are at most this many character heights apart."""
MARGIN = 0.08
"""Top and bottom share of the page where page numbers and running heads live: never a table."""


@dataclass
class Word:
    x0: float
    x1: float
    top: float
    bottom: float
    base: float
    text: str
    chars: list[Char]
    wrapped: bool = False  # pieces of a number its narrow cell wrapped, joined (`_join_wrapped`)

    @property
    def value(self) -> bool:
        return bool(_VALUE.match(unicodedata.normalize("NFKC", self.text)))


@dataclass
class Line:
    base: float
    words: list[Word]
    height: float

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


def join_chars(chars: list[Char]) -> str:
    """Characters of one visual line, left to right, with a space only where the page leaves a gap."""
    out: list[str] = []
    prev: Char | None = None
    for ch in chars:
        if prev is not None:
            gap = (ch.x0 - prev.x1) / max(prev.y1 - prev.y0, ch.y1 - ch.y0)
            # justified CJK text spreads its characters: only a wide gap between them is a space
            if gap > SPACE and (prev.text.isascii() or ch.text.isascii()) or gap > CJK_SPACE:
                out.append(" ")
        out.append(ch.text)
        prev = ch
    return "".join(out)


_x0, _base = itemgetter(0), itemgetter(5)
"""A character's left edge (Char.x0) and baseline (Char.base), as sort keys."""


def band_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped by baseline (top to bottom), each group left to right."""
    if len(chars) < 2:
        return [list(chars)] if chars else []
    first = chars[0].base
    for c in chars:
        if c.base != first:
            break
    else:  # one baseline (most table cells)
        return [sorted(chars, key=_x0)]
    ordered = sorted(chars, key=_base)
    bands: list[list[Char]] = [[ordered[0]]]
    for ch in ordered[1:]:
        first = bands[-1][0]
        if ch.base - first.base <= max(1.0, 0.2 * min(first.y1 - first.y0, ch.y1 - ch.y0)):
            bands[-1].append(ch)
        else:
            bands.append([ch])
    for band in bands:
        band.sort(key=_x0)
    return bands


def _words(chars: list[Char]) -> list[Word]:
    words: list[list[Char]] = []
    for ch in chars:
        if words:
            prev = words[-1][-1]
            if ch.x0 - prev.x1 <= SPACE * max(prev.y1 - prev.y0, ch.y1 - ch.y0):
                words[-1].append(ch)
                continue
        words.append([ch])
    return [Word(w[0].x0, max(c.x1 for c in w), min(c.y0 for c in w), max(c.y1 for c in w),
                 median(c.base for c in w), "".join(c.text for c in w), w) for w in words]


def _line(chars: list[Char]) -> Line:
    return Line(median(c.base for c in chars), _words(chars), median(c.y1 - c.y0 for c in chars))


@dataclass
class _Section:
    rows: list[tuple[Line, list[Word]]] = field(default_factory=list)  # value line, its value words
    header: list[Line] = field(default_factory=list)
    labels: list[tuple[float, list[Word]]] = field(default_factory=list)  # (baseline, label words)
    columns: list[tuple[float, float]] = field(default_factory=list)  # value column extents
    bounds: list[float] = field(default_factory=list)  # column boundaries, len(columns) + 1


def _trailing_values(line: Line) -> int:
    """Index of the first word of the line's trailing run of value words (len(words) if none)."""
    k = len(line.words)
    while k > 0 and line.words[k - 1].value:
        k -= 1
    return k


def _is_value_line(line: Line) -> bool:
    k = _trailing_values(line)
    values = line.words[k:]
    if not values:
        return False
    h = line.height
    if any(b.x0 - a.x1 < 0.5 * h and not (a.wrapped or b.wrapped) for a, b in zip(values, values[1:])):
        return False  # numbers in one phrase, not in separate cells
    if k == 0:
        return len(values) >= 3  # a row printed without its label (表四's data row)
    gap = values[0].x0 - line.words[k - 1].x1
    return len(values) >= 2 and gap >= 0.5 * h or gap >= 1.5 * h


def _phrases(line: Line) -> list[Word]:
    """The line's words joined across a space (`科研 机构` is one header); a wider gap is the padding
    between two cells. (PDFium's flag for generated spaces is not reliable enough to tell.)"""
    out: list[Word] = []
    for w in line.words:
        if out and w.x0 - out[-1].x1 < LABEL_SPACE * line.height:
            last = out[-1]
            out[-1] = Word(last.x0, w.x1, min(last.top, w.top), max(last.bottom, w.bottom), last.base,
                           last.text + " " + w.text, last.chars + w.chars)
        else:
            out.append(w)
    return out


def _label_text(lines: list[tuple[float, list[Word]]]) -> str:
    """A row's label lines read cell by cell: words overlapping in x (or touching on one line) are
    one cell's lines, read top to bottom; the cells (a stub beside the row's own label) left to right."""
    groups: list[list[tuple[float, Word]]] = []
    boxes: list[list[float]] = []
    for base, words in sorted(lines, key=lambda lw: lw[0]):
        for w in words:
            for g, box in zip(groups, boxes):
                near = box[0] - w.x1 if w.x1 < box[0] else w.x0 - box[1]
                # a space inside a label (`3.危及“三安全一 稳定`) is narrower than the padding between cells
                spaced = near < LABEL_SPACE * (w.bottom - w.top)
                if near <= 0 or (spaced and any(abs(b - base) < 0.5 for b, _ in g)):
                    g.append((base, w))
                    box[0], box[1] = min(box[0], w.x0), max(box[1], w.x1)
                    break
            else:
                groups.append([(base, w)])
                boxes.append([w.x0, w.x1])
    order = sorted(range(len(groups)), key=lambda i: boxes[i][0])
    out = []
    for i in order:
        cell = sorted(groups[i], key=lambda bw: (round(bw[0], 1), bw[1].x0))
        out.append(join_chars([c for _, w in cell for c in w.chars]))
    return "".join(out)


def _cluster(extents: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Intervals joined where they overlap, left to right."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(extents):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _bounds(columns: list[tuple[float, float]], left: float) -> list[float]:
    inner = [(a[1] + b[0]) / 2 for a, b in zip(columns, columns[1:])]
    return [left, *inner, columns[-1][1] + (columns[-1][1] - columns[-1][0]) + 50]


def _column_of(x0: float, x1: float, bounds: list[float]) -> int:
    """The value column under the word's centre (-1: the label column, left of the values)."""
    mid = (x0 + x1) / 2
    if mid < bounds[0]:
        return -1
    for i in range(len(bounds) - 1):
        if mid < bounds[i + 1]:
            return i
    return len(bounds) - 2


def _span(x0: float, x1: float, bounds: list[float]) -> tuple[int, int]:
    """The columns a header word overlaps (first, last), -1 for the label column."""
    cols = [i for i in range(-1, len(bounds) - 1)
            if min(x1, bounds[i + 1]) - max(x0, bounds[i] if i >= 0 else -1e9) > 0.25 * min(x1 - x0, 20)]
    if not cols:
        c = _column_of(x0, x1, bounds)
        return c, c
    return cols[0], cols[-1]


def _piece(w: Word, left: float) -> bool:
    """A word in the value columns that can be part of a wrapped number."""
    return w.x0 >= left and bool(_FRAGMENT.match(unicodedata.normalize("NFKC", w.text)))


def _line_pitch(lines: list[Line], h: float) -> float:
    """How far apart two lines of one cell may stand: a little more than the commonest baseline
    gap between lines of short words (a header written down a narrow column, a number's pieces),
    never more than `WRAP_PITCH` character heights. Prose lines (long words) do not count: their
    spacing is not the table's."""
    gaps = [round(b.base - a.base, 1) for a, b in zip(lines, lines[1:])
            if 0.8 * h < b.base - a.base < 1.6 * h and all(len(w.text) <= 2 for w in a.words + b.words)]
    if not gaps:
        return 1.1 * h
    common = max(set(gaps), key=lambda g: (gaps.count(g), -g))
    return min(1.12 * common, WRAP_PITCH * h)


def _join_wrapped(lines: list[Line]) -> list[Line]:
    """Numbers a narrow cell wrapped (`16` over `6`, `1,2` over `34`) joined back into one word,
    standing on the line of the row they belong to.

    A piece continues the piece above it when both stand in the value columns, overlap in x, sit
    on consecutive lines no further apart than the line spacing inside a cell (`WRAP_PITCH`: rows
    stand further apart, by the cells' padding), and the upper piece fills its column (a
    number wraps only where its line is full: it is as wide as the widest word of the column).
    Anything else is left as it is printed; a piece that is no number on its own (`1,`) is then not
    read as a value, and the table reader leaves that cell empty rather than guessing.
    """
    value_idx = [i for i, ln in enumerate(lines) if _is_value_line(ln)]
    if not value_idx:
        return lines
    h = median(lines[i].height for i in value_idx)
    reach = _line_pitch(lines, h)
    left = min(min(w.x0 for w in lines[i].words[_trailing_values(lines[i]):]) for i in value_idx) - 0.5 * h
    # a line of pieces only (the tops of numbers wrapped in a row without a label) may start left
    # of every one-line number (表四's first column)
    alone = [ln.words[0].x0 for ln in lines if all(_piece(w, float("-inf")) for w in ln.words)]
    left = min([left] + alone)
    pieces = [[w for w in ln.words if _piece(w, left)] for ln in lines]

    def widest(j: int, u: Word) -> float:
        """The widest number in u's column on the lines around (tables side by side differ)."""
        return max(w.x1 - w.x0 for ws in pieces[max(0, j - 8):j + 9] for w in ws
                   if min(u.x1, w.x1) - max(u.x0, w.x0) > 0 and w.text[-1:].isdigit())

    chains: dict[int, list[tuple[int, Word]]] = {}  # id(last piece) -> the chain ending there
    done: list[list[tuple[int, Word]]] = []
    for j in range(1, len(lines)):
        for w in pieces[j]:
            # the line above in w's column: a centred label line may stand between the two pieces
            k = j - 1
            while k >= 0 and lines[j].base - lines[k].base <= reach and \
                    not any(min(v.x1, w.x1) - max(v.x0, w.x0) > 0 for v in lines[k].words):
                k -= 1
            if k < 0 or lines[j].base - lines[k].base > reach:
                continue
            ups = [u for u in pieces[k] if min(u.x1, w.x1) - max(u.x0, w.x0) > 0]
            if len(ups) != 1:
                continue
            u = ups[0]
            text = unicodedata.normalize("NFKC", u.text)
            if not text[-1:].isdigit() and text[-1:] != ",":
                continue  # a unit ends a number: nothing continues it
            unit = not any(ch.isdigit() for ch in unicodedata.normalize("NFKC", w.text))
            if unit and lines[j].base - lines[k].base <= reach:
                pass  # a unit wrapped under its number (`0` over `件`): a CJK unit is wider than a digit
            elif w.x1 - w.x0 > u.x1 - u.x0 + 0.5 or u.x1 - u.x0 < 0.75 * widest(k, u):
                continue  # the upper piece did not fill its line: it is a number of its own
            chain = chains.pop(id(u), None) or [(k, u)]
            if len(chain) == 1:
                done.append(chain)
            chain.append((j, w))
            chains[id(w)] = chain
    out = [list(ln.words) for ln in lines]
    in_chain = {id(w) for chain in done for _, w in chain}
    # a number under a blank first line of its cell (a space wrapped before it) stands alone on
    # the row's next line, with nothing above it in its column: it is that row's
    for j in range(1, len(lines)):
        if not pieces[j] or len(pieces[j]) != len(lines[j].words):
            continue  # a line with a label of its own is a row of its own
        k = j - 1
        while k >= 0 and len(pieces[k]) == len(lines[k].words) and lines[j].base - lines[k].base <= reach:
            k -= 1
        if k < 0 or lines[j].base - lines[k].base > reach or not _is_value_line(lines[k]):
            continue
        for w in pieces[j]:
            if id(w) in in_chain or any(min(v.x1, w.x1) - max(v.x0, w.x0) > 0 for v in out[k]):
                continue
            if not any(ch.isdigit() for ch in unicodedata.normalize("NFKC", w.text)):
                continue
            out[j] = [v for v in out[j] if v is not w]
            out[k] = sorted(out[k] + [w], key=lambda v: v.x0)
            in_chain.add(id(w))
            done.append([])
    if not done:
        return lines
    for chain in done:
        if not chain:
            continue
        first, last = chain[0][0], chain[-1][0]
        whole = [w for _, w in chain]
        # the row's label starts on the line the number stands beside: the topmost label line in
        # the number's span (a label may be centred on it), else a line of the row's one-line
        # numbers, else the number's first line
        span = range(first, last + 1)
        labelled = [i for i in span if any(not _piece(w, float("-inf")) for w in lines[i].words)]
        # a row without a label (表四's data row): its one-line numbers stand centred among the pieces
        beside = [i for i in span if any(id(w) not in in_chain for w in pieces[i])]
        anchor = labelled[0] if labelled else beside[0] if beside else first
        if not labelled:
            # a number whose cell left its first line blank starts a line below its row's
            k = first - 1
            while k >= 0 and len(pieces[k]) == len(lines[k].words) and lines[first].base - lines[k].base <= reach:
                k -= 1
            if k >= 0 and lines[first].base - lines[k].base <= reach and _is_value_line(lines[k]) and \
                    any(not _piece(w, float("-inf")) for w in lines[k].words) and \
                    not any(min(v.x1, whole[0].x1) - max(v.x0, whole[0].x0) > 0 for v in out[k]):
                anchor = k
        for i, w in chain:
            out[i] = [v for v in out[i] if v is not w]
        base = lines[anchor].base
        top = base - (whole[0].base - whole[0].top)
        merged = Word(min(w.x0 for w in whole), max(w.x1 for w in whole), top,
                      top + (whole[0].bottom - whole[0].top), base, "".join(w.text for w in whole),
                      [c for w in whole for c in w.chars], wrapped=True)
        out[anchor] = sorted(out[anchor] + [merged], key=lambda w: w.x0)
    return [Line(ln.base, ws, ln.height) for ln, ws in zip(lines, out) if ws]


class TableFinder:
    """Unruled tables across the pages of one document (column geometry carries over pages)."""

    def __init__(self) -> None:
        self.previous: _Section | None = None
        self.absorbed: list[Line] = []
        self.fragments: dict[int, list[Word]] = {}

    def page(self, bands: list[list[Char]], page_no: int, height: float
             ) -> tuple[list[tuple[float, list[Block]]], list[list[Char]]]:
        """(positioned block groups of the tables found, the baseline bands left for text lines)."""
        self.absorbed = []
        if not any(b[-1].text in _VALUE_END for b in bands):
            if sum(len(b) for b in bands) > 40:
                self.previous = None  # prose between: a later table is not this one continued
            return [], bands
        lines = [_line(b) for b in bands]
        body = [ln for ln in lines if height * MARGIN <= ln.base and ln.top <= height * (1 - MARGIN)]
        sections = self._sections(body)
        if not sections:
            if any(ln.words for ln in body):
                self.previous = None if self._has_paragraph_text(body) else self.previous
            return [], bands
        used: set[int] = set()
        groups: list[tuple[float, list[Block]]] = []
        for ln in self.absorbed:
            used.update(id(c) for w in ln.words for c in w.chars)
        for section in sections:
            blocks = self._emit(section, page_no)
            for ln, _ in section.rows:
                used.update(id(c) for w in ln.words for c in w.chars)
            for ln in section.header:
                used.update(id(c) for w in ln.words for c in w.chars)
            for _, words in section.labels:
                used.update(id(c) for w in words for c in w.chars)
            top = min([ln.top for ln in section.header] + [min(w.top for w in ws) for _, ws in section.labels]
                      + [section.rows[0][0].top])
            groups.append((top, blocks))
        rest = [[c for c in band if id(c) not in used] for band in bands]
        return groups, [b for b in rest if b]

    @staticmethod
    def _has_paragraph_text(lines: list[Line]) -> bool:
        return sum(len(w.text) for ln in lines for w in ln.words) > 40

    def _sections(self, lines: list[Line]) -> list[_Section]:
        lines[:] = _join_wrapped(lines)
        value_idx = [i for i, ln in enumerate(lines) if _is_value_line(ln)]
        if not value_idx:
            return []
        # a number its narrow cell wrapped: the pieces above and below the row's baseline belong to it
        self.fragments = {}
        moved: set[int] = set()
        reach = _line_pitch(lines, median(lines[i].height for i in value_idx)) + 0.5
        for j, ln in enumerate(lines):
            if j in value_idx:
                continue
            # no further than a cell's own line pitch: a piece a row pitch away is no piece of this row
            near = [i for i in value_idx if abs(lines[i].base - ln.base) < min(1.6 * lines[i].height, reach)]
            if not near:
                continue
            i = min(near, key=lambda i: abs(lines[i].base - ln.base))
            row = lines[i]
            left = min(w.x0 for w in row.words[_trailing_values(row):]) - 0.5 * row.height
            pieces = [w for w in ln.words if w.x0 >= left and _FRAGMENT.match(unicodedata.normalize("NFKC", w.text))]
            if not pieces:
                continue
            self.fragments.setdefault(id(row), []).extend(pieces)
            self.absorbed.append(Line(ln.base, pieces, ln.height))
            lines[j] = Line(ln.base, [w for w in ln.words if w not in pieces], ln.height)
            moved.add(j)
        if moved:
            lines[:] = [ln for ln in lines if ln.words]
            value_idx = [i for i, ln in enumerate(lines) if _is_value_line(ln)]
        sections: list[_Section] = []
        runs: list[list[int]] = [[value_idx[0]]]
        for a, b in zip(value_idx, value_idx[1:]):
            left = min(min(w.x0 for w in lines[i].words[_trailing_values(lines[i]):]) for i in (a, b))
            between = lines[a + 1:b]
            breaking = any(max(w.x1 for w in ln.words) > left - 0.5 * ln.height for ln in between)
            if breaking or lines[b].base - lines[a].base > 12 * lines[a].height:
                runs.append([b])
            else:
                runs[-1].append(b)
        taken: set[int] = set(value_idx)
        for run in runs:
            if len(run) < 2 and len(lines[run[0]].words) - _trailing_values(lines[run[0]]) < 3:
                # a lone row of one or two numbers: a table only under a header that names columns
                if not self._header_above(lines, run[0], taken):
                    continue
            section = _Section(rows=[(lines[i], lines[i].words[_trailing_values(lines[i]):]) for i in run])
            extents = _cluster([(w.x0, w.x1) for _, ws in section.rows for w in ws])
            header_idx = self._header_above(lines, run[0], taken)
            section.header = [lines[i] for i in header_idx]
            taken.update(header_idx)
            label_max = max((w.x1 for ln, _ in section.rows for w in ln.words[:_trailing_values(ln)]), default=None)
            extents = self._header_columns(section, extents, label_max)
            bound0 = extents[0][0] - 0.5
            if label_max is not None:
                bound0 = min((label_max + extents[0][0]) / 2, bound0)
            if not section.header and self.previous is not None and not sections:
                extents, bound0 = self._continued(extents, bound0)
            section.columns = extents
            section.bounds = _bounds(extents, bound0)
            self._attach_labels(section, lines, run, taken)
            sections.append(section)
            self.previous = section
        return sections

    def _header_above(self, lines: list[Line], first: int, taken: set[int]) -> list[int]:
        """Indices of the header lines above value line `first` (top to bottom)."""
        row = lines[first]
        k = _trailing_values(row)
        values = row.words[k:]
        left_values = min(w.x0 for w in values)
        span_left = min(w.x0 for w in row.words)
        span_right = max(w.x1 for w in values)
        label_right = max((w.x1 for w in row.words[:k]), default=span_left)
        out: list[int] = []
        crossing_seen = False
        prev_top = row.top
        for i in range(first - 1, -1, -1):
            ln = lines[i]
            if i in taken or _is_value_line(ln) or prev_top - ln.bottom > 3 * ln.height:
                break
            right = max(w.x1 for w in ln.words)
            crosses = right > left_values - 0.5 * ln.height
            if crosses:
                if ln.height > 1.15 * row.height:
                    break  # set larger than the table's text: a heading
                first_word = ln.words[0]
                if len(ln.words) == 1 and first_word.x0 <= min(span_left, label_right) + ln.height \
                        and first_word.x1 - first_word.x0 > 0.45 * (span_right - span_left):
                    break  # a paragraph running from the left margin over the columns
                crossing_seen = True
            out.append(i)
            prev_top = ln.top
        if not crossing_seen:
            return []
        # label-column lines above the topmost crossing line are not the header's
        while out and max(w.x1 for w in lines[out[-1]].words) <= left_values - 0.5 * lines[out[-1]].height:
            out.pop()
        return sorted(out)

    @staticmethod
    def _header_columns(section: _Section, extents: list[tuple[float, float]], label_max: float | None
                        ) -> list[tuple[float, float]]:
        """Columns blank in every row, recovered from header words standing between value columns."""
        if not section.header:
            return extents
        extra: list[tuple[float, float]] = []
        left = min([extents[0][0]] + [w.x0 for ln, _ in section.rows for w in ln.words])
        centre, width = (left + extents[-1][1]) / 2, extents[-1][1] - left
        for ln in section.header:
            phrases = _phrases(ln)
            if len(phrases) == 1 and abs((phrases[0].x0 + phrases[0].x1) / 2 - centre) < 0.08 * width:
                continue  # a title over the whole table (第二十条第（一）项) names no column
            for w in phrases:
                if label_max is not None and w.x0 <= label_max + 0.5 * ln.height:
                    continue  # the label column's own header (信息内容)
                if any(w.x0 <= b and a <= w.x1 for a, b in extents):
                    continue
                if any(v is not w and min(abs(v.x1 - w.x0), abs(w.x1 - v.x0)) < LABEL_SPACE * ln.height
                       and any(v.x0 <= b and a <= v.x1 for a, b in extents) for v in phrases):
                    continue  # the rest of a header beside it (`科研 机构`), not a column of its own
                below = [v for low in section.header if low.base > ln.base + 0.5 for v in _phrases(low)
                         if min(v.x1, w.x1) - max(v.x0, w.x0) > 0]
                if len(below) >= 2 and len({round(v.base) for v in below}) < len(below):
                    continue  # a group header over several columns (复议后起诉), not a leaf
                gaps = [(extents[i][1], extents[i + 1][0]) for i in range(len(extents) - 1)]
                gaps.append((float("-inf") if label_max is None else label_max, extents[0][0]))
                gaps.append((extents[-1][1], float("inf")))
                if any(a < w.x0 and w.x1 < b for a, b in gaps):
                    extra.append((w.x0, w.x1))
        if not extra:
            return extents
        extra = _cluster(extra)
        return sorted(extents + extra)

    def _continued(self, extents: list[tuple[float, float]], bound0: float
                   ) -> tuple[list[tuple[float, float]], float]:
        """A section without a header keeps the columns above (or on the page before) when its values fit."""
        prev = self.previous
        assert prev is not None
        if len(prev.columns) <= len(extents):
            return extents, bound0
        cols = [_column_of(a, b, prev.bounds) for a, b in extents]
        if len(set(cols)) != len(cols) or min(cols) < 0:
            return extents, bound0
        for (a, b), c in zip(extents, cols):
            pa, pb = prev.columns[c]
            if min(b, pb) - max(a, pa) < 0:  # in the old column's band but not where its values stood
                return extents, bound0
        return list(prev.columns), prev.bounds[0]

    def _attach_labels(self, section: _Section, lines: list[Line], run: list[int], taken: set[int]) -> None:
        """Label words of the section's rows: on the value lines, and on label-only lines between and after."""
        bound0 = section.bounds[0]
        first, last = run[0], run[-1]
        header_bottom = section.header[-1].bottom if section.header else None
        start = first
        while start - 1 >= 0 and start - 1 not in taken:
            ln = lines[start - 1]
            if max(w.x1 for w in ln.words) > bound0 or _is_value_line(ln):
                break
            if header_bottom is None and lines[start].top - ln.bottom > 1.5 * ln.height:
                break
            start -= 1
        end = last
        while end + 1 < len(lines) and end + 1 not in taken:
            ln = lines[end + 1]
            if max(w.x1 for w in ln.words) > bound0 or _is_value_line(ln):
                break
            if ln.base - lines[end].base > 1.5 * ln.height or ln.height > 1.15 * lines[last].height:
                break  # a heading or paragraph after the table, not the rest of a wrapped label
            end += 1
        for i in range(start, end + 1):
            ln = lines[i]
            if i in run:
                k = _trailing_values(ln)
                words = ln.words[:k]
            elif i in taken:
                continue
            else:
                words = list(ln.words)
                taken.add(i)
            if words:
                section.labels.append((ln.base, words))
        if header_bottom is not None:
            # label-column lines level with the header are header cells (the note over the stub)
            keep = []
            for base, words in section.labels:
                if base <= header_bottom + 0.5 and base < section.rows[0][0].base:
                    section.header.append(Line(base, words, median(c.y1 - c.y0 for w in words for c in w.chars)))
                else:
                    keep.append((base, words))
            section.labels = keep
            section.header.sort(key=lambda ln: ln.base)

    def _row_labels(self, section: _Section) -> list[list[tuple[float, list[Word]]]]:
        """Each value row's label lines: lines between two rows split at their widest gap."""
        rows = [ln.base for ln, _ in section.rows]
        tol = 0.5
        out: list[list[tuple[float, list[Word]]]] = [[] for _ in rows]
        pending: list[tuple[float, list[Word]]] = []  # lines between row i-1 and row i
        labels = sorted(section.labels, key=lambda lw: lw[0])
        i = 0
        for base, words in labels + [(float("inf"), [])]:
            while i < len(rows) and base > rows[i] + tol:
                self._split(out, i, pending, rows)
                pending = []
                i += 1
            if base == float("inf"):
                break
            if i < len(rows) and abs(base - rows[i]) <= tol:
                self._split(out, i, pending, rows)
                pending = []
                out[i].append((base, words))
                i += 1
                continue
            pending.append((base, words))
        if pending and rows:
            out[-1].extend(pending)
        return out

    @staticmethod
    def _split(out: list, i: int, pending: list, rows: list[float]) -> None:
        """Lines strictly between row i-1 and row i: the top part ends row i-1, the rest begins row i."""
        if not pending:
            return
        if i == 0:
            out[0][:0] = pending
            return
        bases = [max([rows[i - 1]] + [b for b, _ in out[i - 1]])] + [b for b, _ in pending] + [rows[i]]
        gaps = [b - a for a, b in zip(bases, bases[1:])]
        widest = max(gaps)
        cut = gaps.index(widest)  # pending[:cut] go up, pending[cut:] go down
        if sum(1 for g in gaps if g >= widest * 0.9) > 1:
            # evenly spaced: the row boundary is not visible; split at the middle between the rows
            mid = (rows[i - 1] + rows[i]) / 2
            cut = sum(1 for b, _ in pending if b < mid)
        out[i - 1].extend(pending[:cut])
        out[i][:0] = pending[cut:]

    def _emit(self, section: _Section, page_no: int) -> list[Block]:
        bounds = section.bounds
        blocks: list[Block] = []
        # header cells: words joined by columns spanned and consecutive lines, in column order
        cells: list[tuple[tuple[int, int], float, float, list[str], list[float]]] = []
        for ln in section.header:
            for w in ln.words:
                span = _span(w.x0, w.x1, bounds)
                for cell in cells:
                    same_line = abs(ln.base - cell[2]) < 0.5 and w.x0 - cell[4][2] < 1.5 * ln.height
                    below = 0 < ln.base - cell[2] <= 1.8 * ln.height and min(w.x1, cell[4][2]) - max(w.x0, cell[4][0]) > 0
                    if cell[0] == span and (same_line or below):
                        cell[3].append(w.text)
                        cells[cells.index(cell)] = (span, cell[1], ln.base, cell[3],
                                                    [min(cell[4][0], w.x0), cell[4][1], max(cell[4][2], w.x1),
                                                     max(cell[4][3], w.bottom)])
                        break
                else:
                    cells.append((span, ln.base, ln.base, [w.text], [w.x0, w.top, w.x1, w.bottom]))
        cells.sort(key=lambda c: (c[0][0], c[1], c[4][0]))
        for span, _, _, texts, box in cells:
            blocks.append(Block("".join(texts), True, (page_no, *box)))
        for (line, values), labels in zip(section.rows, self._row_labels(section)):
            label_words = [w for _, ws in labels for w in ws]
            if label_words:
                text = _label_text(labels)
                box = (page_no, min(w.x0 for w in label_words), min(w.top for w in label_words),
                       max(w.x1 for w in label_words), max(w.bottom for w in label_words))
                blocks.append(Block(text, True, box))
            by_col: dict[int, list[Word]] = {}
            for w in values:
                by_col.setdefault(_column_of(w.x0, w.x1, bounds), []).append(w)
            pieces: dict[int, list[Word]] = {}
            for w in self.fragments.get(id(line), []):
                pieces.setdefault(_column_of(w.x0, w.x1, bounds), []).append(w)
            for c, ws in pieces.items():  # the number read top to bottom, as it wrapped
                whole = sorted(by_col.get(c, []) + ws, key=lambda w: (w.base, w.x0))
                text = "".join(w.text for w in whole)
                by_col[c] = [Word(min(w.x0 for w in whole), max(w.x1 for w in whole), min(w.top for w in whole),
                                  max(w.bottom for w in whole), line.base, text, [ch for w in whole for ch in w.chars])]
            for c in range(len(section.columns)):
                ws = by_col.get(c, [])
                x0, x1 = section.columns[c]
                where = (page_no, min([x0] + [w.x0 for w in ws]), line.top, max([x1] + [w.x1 for w in ws]), line.bottom)
                if len(ws) > 1:  # two numbers where one column stands: not read
                    blocks.append(Block(f"{UNREADABLE_MARK}0.00:" + " ".join(w.text for w in ws), True, where))
                elif ws and c in pieces and not ws[0].value:  # pieces that make no number together
                    blocks.append(Block(f"{UNREADABLE_MARK}0.00:" + ws[0].text, True, where))
                else:
                    blocks.append(Block(ws[0].text if ws else "", True, where))
            if -1 in by_col:
                blocks.append(Block(f"{UNREADABLE_MARK}0.00:" + " ".join(w.text for w in by_col[-1]), True,
                                    (page_no, line.words[0].x0, line.top, line.words[-1].x1, line.bottom)))
        return blocks
