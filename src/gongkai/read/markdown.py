"""Markdown made from PDFs (pymupdf4llm, marker and the like): pipe tables read cell by cell.

Converters print each table as pipe rows under a `|---|` separator; a cell's wrapped lines are
joined by `<br>`; merged cells come out as empty cells; a table cut by a page break starts again
with its own separator; a label wrapped over several rows prints its values on one of them.
Headings carry `#` marks and emphasis (`# **…年度报告**`).

Pieces are emitted so that the table reader sees what it sees in any other format: a row's label
cells, then its value cells, an empty value cell being a certain empty cell. Which cells hold
values is decided per table from its full rows (the columns left of the first value are the
label columns), never by counting a row's numbers. `<br>` inside a label joins its lines; between
numbers (two cells merged by the converter) it separates them.
"""

from __future__ import annotations

import re
from collections import Counter

from .document import _IS_VALUE, EMPTY_CELL, NOT_BLANK, Piece

_SEPARATOR = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")
_BR = re.compile(r"<br\s*/?>", re.I)
_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")
_NUMBER_TAIL = re.compile(r"^[,.]\d")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def looks_like_markdown(lines: list[str]) -> bool:
    """Two or more pipe-table separators, or one with `<br>` in its rows."""
    separators = sum(1 for line in lines if line.startswith("|") and _SEPARATOR.match(line))
    return separators >= 2 or (separators == 1 and any("<br>" in line for line in lines))


def clean_line(line: str) -> str:
    """A line as prose readers want it: no heading marks, emphasis, separators or `<br>`."""
    if line.startswith("|") and _SEPARATOR.match(line):
        return ""
    line = _HEADING_MARK.sub("", line)
    line = _EMPHASIS.sub(r"\2", line)
    return _BR.sub("", line)


def _cells(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    cells = [c.strip() for c in text.split("|")]
    out: list[str] = []
    for c in cells:
        if out and _NUMBER_TAIL.match(c) and _IS_VALUE.match(out[-1]) and out[-1][-1:].isdigit():
            out[-1] += c  # `67|,077,257`: a number the converter cut at a thousands separator
            continue
        out.append(c)
    return out


def _cell_values(cell: str) -> list[str] | None:
    """The values a cell prints (several when `<br>` joins cells the converter merged), or None
    for a text cell."""
    parts = [p.strip() for p in _BR.split(cell) if p.strip()]
    if parts and all(_IS_VALUE.match(p) for p in parts):
        return parts
    return None


def _label_width(rows: list[list[str]]) -> int | None:
    """How many leading cells of the table's rows are labels: the usual index of the first
    value among rows whose cells from there on are all values."""
    counts: Counter[int] = Counter()
    for cells in rows:
        first = next((i for i, c in enumerate(cells) if _cell_values(c)), None)
        if first is None or first == 0:
            continue
        if all(_cell_values(c) for c in cells[first:]):
            counts[first] += 1
    return counts.most_common(1)[0][0] if counts else None


def markdown_pieces(lines: list[str]) -> list[Piece]:
    """The piece stream of converter Markdown (see the module docstring)."""
    pieces: list[Piece] = []
    i, n = 0, len(lines)
    while i < n:
        if not lines[i].lstrip().startswith("|"):
            text = clean_line(lines[i]).strip()
            words = text.split()
            if sum(1 for w in words if _IS_VALUE.match(w) and any(ch.isdigit() for ch in w)) >= 3 \
                    and any(not _IS_VALUE.match(w) for w in words):
                # an unruled table the converter ran into one line of text: each word a cell
                pieces.extend(Piece(w, i + 1, NOT_BLANK) for w in words)
            elif text:
                pieces.append(Piece(text, i + 1, NOT_BLANK))
            i += 1
            continue
        j = i
        while j < n and lines[j].lstrip().startswith("|"):
            j += 1
        rows = [(k, _cells(lines[k])) for k in range(i, j) if not _SEPARATOR.match(lines[k])]
        width = _label_width([c for _, c in rows])
        header = 0
        while header < len(rows) and not any(_cell_values(c) for c in rows[header][1]):
            header += 1
        if 1 < header < len(rows) and width is not None:
            _header_pieces(rows[:header], width, pieces)
            rows = rows[header:]
        for k, cells in rows:
            _row_pieces(cells, k + 1, width, pieces)
        i = j
    return pieces


def _header_pieces(rows: list[tuple[int, list[str]]], width: int, pieces: list[Piece]) -> None:
    """Header rows above a table's first values, read column by column: a converter prints a
    cell merged over several rows in the last of them (`自然人` two rows below `申请人情况`), so
    reading row by row would put a spanning group before the columns printed beside it."""
    columns = max(len(c) for _, c in rows)
    for col in range(columns):
        words = [(k, _BR.sub("", cells[col])) for k, cells in rows if col < len(cells) and cells[col]]
        if not words:
            continue
        if col < width:
            pieces.extend(Piece(t, k + 1, NOT_BLANK) for k, t in words)
        else:
            pieces.append(Piece("".join(t for _, t in words), words[0][0] + 1, NOT_BLANK))


def _row_pieces(cells: list[str], line: int, width: int | None, pieces: list[Piece]) -> None:
    first = next((i for i, c in enumerate(cells) if _cell_values(c)), None)
    if first is None:  # a header row or a label fragment
        pieces.extend(Piece(t, line, NOT_BLANK) for c in cells if (t := _BR.sub("", c)))
        return
    if width is not None and first < width < len(cells):
        # a number in the label columns is part of a label the converter cut (`5|.要求…`):
        # the label cells are one label, and a bare number there is no value of this row
        label = "".join(_BR.sub("", c) for c in cells[:width])
        if label and not _IS_VALUE.match(label):
            pieces.append(Piece(label, line, NOT_BLANK))
        start = width
    else:
        start = width if width is not None and first >= width and \
            all(not _cell_values(c) for c in cells[:width]) else first
        for c in cells[:start]:
            if t := _BR.sub("", c):
                pieces.append(Piece(t, line, NOT_BLANK))
    for c in cells[start:]:
        values = _cell_values(c)
        if values:
            pieces.extend(Piece(v, line, NOT_BLANK) for v in values)
        elif not c:
            pieces.append(Piece("", line, EMPTY_CELL))
        else:
            pieces.append(Piece(_BR.sub("", c), line, NOT_BLANK))
