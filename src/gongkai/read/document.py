"""Text → document: numbered lines and the stream of cell pieces a table reader walks.

Scraped pages print one table cell per paragraph, or one per line ending in ` |` (a cell may even
wrap before its pipe). Both become the same stream: every non-empty stripped line part is a piece,
and a cell that is visibly empty (a line of spaces, or nothing between two pipes) is a blank piece,
which a reader uses only when a row is short of values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple


class Piece(NamedTuple):
    """One printed cell or line fragment, with the 1-based line it was printed on.

    `where` locates it in the source for formats with geometry or structure: a PDF page and box
    `(page, x0, y0, x1, y1)`, or a table cell `(table, row, col)` of an HTML or Word document.
    """

    text: str
    line: int
    blank: int = 0  # NOT_BLANK, or MAYBE_CELL (could be grid padding), or EMPTY_CELL (certainly a cell)
    where: tuple | None = None


NOT_BLANK, MAYBE_CELL, EMPTY_CELL, UNREADABLE_CELL = 0, 1, 2, 3
"""Piece kinds. UNREADABLE_CELL: a cell whose content was seen but not read with confidence (OCR);
its text is the confidence. It holds its place in the row and is never used as a value."""
UNREADABLE_MARK = "\x00unreadable"


class Block(NamedTuple):
    """A unit a structured reader emits in reading order: a line of text, or one table cell."""

    text: str
    cell: bool = False
    where: tuple | None = None


@dataclass
class Document:
    """A report as lines of normalised text, plus where it came from."""

    lines: list[str]
    source_format: str = "text"
    encoding: str | None = None
    pieces: list[Piece] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_new = tuple.__new__
_VALUE = r"(?:[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元|件|条|项|个)?|—+|/|-|无)"
_TRAILING_VALUES = re.compile(rf"\S\s+{_VALUE}(?:\s+{_VALUE})*\s*$")
_SPLIT_ROW = re.compile(r"\t|\s{2,}")
_VALUE_ENDS = frozenset("0123456789—/-无元件条项个")  # the last character of a row that ends in values
_IS_VALUE = re.compile(rf"^{_VALUE}$")


MAX_ROW_GAPS = 300
"""A printed table row is a label and a few numbers, so a few dozen gaps at most; a line with more
spaces and tabs than this is prose or an artefact (and splitting it would cost a piece a word)."""


def _too_many_gaps(line: str) -> bool:
    return line.count(" ") + line.count("\t") > MAX_ROW_GAPS


def _row_cells(line: str) -> list[str] | None:
    """The cells of a line that prints a whole table row, or None for an ordinary line.

    Cells are separated by tabs, or by runs of spaces; a label followed by values separated by
    single spaces (`规章 0 0 0`) splits too. Ordinary prose never ends in two spaced numbers.
    """
    stripped = line.strip()
    if _too_many_gaps(stripped):
        return None
    if "\t" in stripped:
        parts = [p.strip(" ?") for p in line.strip(" \r").split("\t")]  # leading tabs are empty cells
    elif "  " in stripped:
        # "?": a space a legacy encoding could not hold, as parse_value treats it
        parts = [p.strip(" ?") for p in _SPLIT_ROW.split(stripped)]
    else:
        head, *tail = stripped.split(" ")
        while tail and not _IS_VALUE.match(tail[0]):  # the label may itself hold spaces (商业 企业)
            head += " " + tail.pop(0)
        parts = [head, *tail]
    values = len(list(filter(_IS_VALUE.match, parts)))
    if len(parts) < 2 or (values < 2 and not (values == 1 and len(stripped) <= 40)):
        return None if "\t" not in stripped else parts
    return parts


def paragraph_gap(lines: list[str]) -> int:
    """The usual number of empty lines between two printed paragraphs (0, 1, …).

    Pages scraped one cell per paragraph put one empty line between cells; an empty cell then
    shows as two more. Knowing the usual gap tells an empty cell from a paragraph break.
    """
    counts: dict[int, int] = {}
    gap = -1
    for line in lines:
        if not line:
            if gap >= 0:
                gap += 1
        elif line.strip():
            if gap >= 0:
                counts[gap] = counts.get(gap, 0) + 1
            gap = 0
    return max(counts, key=lambda g: (counts[g], -g)) if counts else 1


def split_pieces(lines: list[str]) -> list[Piece]:
    """The cell pieces of `lines` (see the module docstring)."""
    pieces: list[Piece] = []
    in_cell = False  # inside a segment opened by a pipe
    cell_has_text = False
    usual = paragraph_gap(lines)
    empty_run = 0
    append = pieces.append
    for number, line in enumerate(lines, start=1):
        if not line:
            empty_run += 1
            continue
        if "|" not in line:
            # (the gap count before the regex: it keeps state per repetition, 280 bytes a word on a long line)
            if ("\t" in line or (" " in line and line.rstrip(" ?")[-1:] in _VALUE_ENDS)) and not _too_many_gaps(line) \
                    and ("\t" in line or "  " in line or _TRAILING_VALUES.search(line)):
                cells = _row_cells(line)
                if cells is not None:  # one table row on one line, as a browser copies a page
                    empty_run = 0
                    pieces.extend(_new(Piece, (c, number, EMPTY_CELL if not c else NOT_BLANK, None)) for c in cells)
                    continue
            text = line.strip()
            if text:
                if not in_cell and empty_run > usual:
                    # empty paragraphs beyond the usual break: printed empty cells
                    for _ in range((empty_run - usual) // (usual + 1)):
                        append(Piece("", number - 1, blank=EMPTY_CELL))
                empty_run = 0
                append(_new(Piece, (text, number, NOT_BLANK, None)))  # Piece(), minus its Python __new__
                cell_has_text = True
            elif not in_cell:
                append(_new(Piece, ("", number, MAYBE_CELL, None)))
                empty_run = 0
            continue
        empty_run = 0
        if line.count("|") > MAX_ROW_GAPS:  # not cells: a rule drawn with pipes, or an artefact
            if text := line.replace("|", " ").strip():
                pieces.append(_new(Piece, (text, number, NOT_BLANK, None)))
            continue
        lone_pipe = line.strip() == "|"  # " |": a cell printed empty; "||" runs are grid padding too
        for index, part in enumerate(line.split("|")):
            if index:
                if in_cell and not cell_has_text:
                    append(_new(Piece, ("", number, EMPTY_CELL if lone_pipe else MAYBE_CELL, None)))
                in_cell, cell_has_text = True, False
            text = part.strip()
            if text:
                append(_new(Piece, (text, number, NOT_BLANK, None)))
                cell_has_text = True
        # a pipe at the end of the line closes the cell; the rest of the line opened a new one
    return pieces


MAX_LINES = 200_000
"""Lines (or blocks) in one report: long reports run to a few thousand. Past this the input is not
a report, and its per-line objects would cost over 100 bytes a line."""


def _check_lines(count: int) -> None:
    if count > MAX_LINES:
        from ..errors import InputError

        raise InputError(f"内容超过 {MAX_LINES} 行（或段），不像是一份年度报告")


def text_document(text: str, source_format: str = "text", encoding: str | None = None) -> Document:
    """A Document from already-normalised text."""
    _check_lines(text.count("\n") + 1)
    lines = text.split("\n")
    from .layout_text import layout_pieces, looks_like_layout  # text converted from PDFs
    from .markdown import clean_line, looks_like_markdown, markdown_pieces

    if looks_like_markdown(lines):
        pieces = markdown_pieces(lines)
        lines = [clean_line(line) for line in lines]
    elif looks_like_layout(lines):
        pieces = layout_pieces(lines)
    else:
        pieces = split_pieces(lines)
    return Document(lines=lines, source_format=source_format, encoding=encoding, pieces=pieces)


def blocks_document(blocks: list[Block], source_format: str, encoding: str | None = None,
                    meta_lines: list[str] | None = None) -> Document:
    """A Document from a structured reader's blocks (PDF, HTML, Word).

    Each block becomes one line, so provenance and line numbers agree; an empty table cell is a
    certain empty cell, since the grid says exactly where it stands. `meta_lines` (a page title,
    CMS tags) go first, where the metadata reader looks.
    """
    from .normalize import normalize_text

    head = [Block(t) for t in (meta_lines or []) if t.strip()]
    _check_lines(len(head) + len(blocks))
    blocks = head + blocks
    texts = [b.text.replace("\r", " ").replace("\n", "") if b.cell else b.text.replace("\r", " ").replace("\n", " ")
             for b in blocks]
    lines = normalize_text("\n".join(texts)).split("\n")
    pieces: list[Piece] = []
    append = pieces.append
    for number, (block, line) in enumerate(zip(blocks, lines), start=1):
        text = line.strip()
        if block.cell and text.startswith(UNREADABLE_MARK):
            append(Piece(text[len(UNREADABLE_MARK):], number, UNREADABLE_CELL, block.where))
        elif text:
            append(_new(Piece, (text, number, NOT_BLANK, block.where)))
        elif block.cell:
            append(_new(Piece, ("", number, EMPTY_CELL, block.where)))
    return Document(lines=lines, source_format=source_format, encoding=encoding, pieces=pieces)
