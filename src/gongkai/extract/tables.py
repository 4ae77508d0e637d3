"""Read a statutory table from the piece stream by its labels, never by the order of numbers.

The chain, one small step each (as in pdfplumber's table finder):

    pieces → runs (alternating label text and values)
           → row anchors (the row label a run ends with)
           → column order (the headers printed before the first row of a block)
           → cells (values assigned to the row's columns; blanks placed only when certain)

A value run belongs to the row whose label ends the text run just before it. Column headers are
scanned in the text before that label; a table printed as one data row under grouped headers
(表四) is read from its header tree. Where a row prints fewer values than it has columns and the
blank cells cannot be located for certain, the uncertain cells are left null and reported (P-1).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from itertools import combinations

from ..forms import Column, Row, Table, label_key
from ..forms.model import compact
from ..model import Cell
from ..read import Piece
from ..read.document import EMPTY_CELL, UNREADABLE_CELL
from .values import Value, is_unit_only, parse_value, to_column_unit, to_json_number

# A header item: a set of candidate column keys, or a spanning group label.
GROUP = "__group__"

_compact_cached = lru_cache(maxsize=1 << 14)(compact)


def _compact(text: str) -> str:
    """compact() of a piece's or run's text: the same labels and cells recur in every report, so
    short texts are remembered (long ones, prose, are not: they would only fill the cache)."""
    return _compact_cached(text) if len(text) <= 80 else compact(text)


class Run:
    """A maximal stretch of label text, or of values, in the piece stream.

    A text run's `text` (pieces joined) and `key` (its label key) are worked out when first
    asked for: only runs followed by values are ever read as labels, and the others (prose) would
    cost a regex pass over every paragraph.
    """

    __slots__ = ("kind", "pieces", "values", "_text", "_key", "_ends")

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "text" | "values"
        self.pieces: list[Piece] = []
        self.values: list[tuple[Piece, Value | None]] = []  # None: a blank piece
        self._text: str | None = None if kind == "text" else ""  # a value run has no label text
        self._key: str | None = None if kind == "text" else ""
        self._ends: list[int] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(p.text for p in self.pieces)
        return self._text

    @property
    def key(self) -> str:
        if self._key is None:
            self._key = _compact(self.text)  # pieces are NFKC-normalised already
        return self._key

    def printed(self, start: int, end: int) -> tuple[str, int]:
        """(printed text, first line) of the pieces holding key characters [start, end).

        Labels are matched on the key (punctuation and spaces dropped); a reviewer wants to see
        them as printed, e.g. `本年增/减` rather than `本年增减`.
        """
        if end >= len(self.key):  # a row label: the run's tail, usually its last piece alone
            out_tail: list[Piece] = []
            need = end - start
            for piece in reversed(self.pieces):
                if need <= 0:
                    break
                length = len(_compact(piece.text))
                if length:
                    out_tail.append(piece)
                    need -= length
            out_tail.reverse()
            return "".join(p.text for p in out_tail), (out_tail[0].line if out_tail else 0)
        if self._ends is None:  # where each piece's key characters end, for the bisection below
            ends, pos = [], 0
            for piece in self.pieces:
                pos += len(_compact(piece.text))
                ends.append(pos)
            self._ends = ends
        ends, pieces = self._ends, self.pieces
        out: list[str] = []
        line = 0
        for k in range(bisect_right(ends, start), len(pieces)):  # the first piece ending past `start`
            pos = ends[k - 1] if k else 0
            if pos < end and ends[k] > pos:
                out.append(pieces[k].text)
                line = line or pieces[k].line
            if ends[k] >= end:
                break
        return "".join(out), line


@dataclass
class TableRead:
    """What a reader found: cells by row and column, and the cells it could not place."""

    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (cell path row.col, reason)
    rows_seen: int = 0


# ---------------------------------------------------------------------------------------- runs

def to_runs(pieces: list[Piece]) -> list[Run]:
    """Group pieces into alternating text and value runs; unit-only pieces are dropped."""
    runs: list[Run] = []
    pending: list[Piece] = []  # blanks right after a label: empty cells if values follow
    last: Run | None = None  # runs[-1]
    for piece in pieces:
        blank = piece.blank
        if blank:
            if blank == UNREADABLE_CELL and (last is None or last.kind != "values"):
                last = Run("values")
                runs.append(last)
                last.values.extend((p, None) for p in pending)
                pending = []
            if last is not None and last.kind == "values":
                last.values.append((piece, None))
            else:
                pending.append(piece)
            continue
        value = parse_value(piece.text)
        if value is None:
            if last is not None and last.kind == "values" and is_unit_only(piece.text):
                continue
            if last is None or last.kind != "text":
                last = Run("text")
                runs.append(last)
            if pending:
                pending = []
            last.pieces.append(piece)
            continue
        if last is None or last.kind != "values":
            last = Run("values")
            runs.append(last)
            if pending:
                last.values.extend((p, None) for p in pending)
        if pending:
            pending = []
        last.pieces.append(piece)
        last.values.append((piece, value))
    return runs


def pairs(runs: list[Run]) -> list[tuple[Run, Run]]:
    """(text run, the value run right after it)."""
    return [(runs[i], runs[i + 1]) for i in range(len(runs) - 1)
            if runs[i].kind == "text" and runs[i + 1].kind == "values"]


# ---------------------------------------------------------------------------------------- rows

_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]?\s*$")


class LabelIndex(list):
    """(label key, owner) pairs sorted longest first, with the lookups the scans need built once.

    Indexes are built from the form definitions once per table (see row_index, column_index), so
    the per-character tables below cost nothing per report.
    """

    __slots__ = ("by_first", "by_last", "prefixes", "longest", "owner_of", "scanner")

    def __init__(self, items: list[tuple[str, str]]) -> None:
        super().__init__(items)
        self.by_first: dict[str, list[tuple[str, str]]] = {}
        self.by_last: dict[str, list[tuple[str, str]]] = {}
        self.prefixes: dict[str, set[str]] = {}  # see _match_cut_label
        for label, owner in self:
            if label:
                self.by_first.setdefault(label[0], []).append((label, owner))
                self.by_last.setdefault(label[-1], []).append((label, owner))
            for k in range(MIN_CUT_LABEL, len(label)):
                self.prefixes.setdefault(label[:k], set()).add(owner)
        self.longest = max((len(label) for label, _ in self), default=0)
        # scan_labels in one regex pass: at each position the labels starting with that character
        # are tried longest first, as an alternation tries its branches in order; a match resumes
        # the scan at its end, and a position where none matches is skipped
        self.owner_of: dict[str, str] = {}
        branches = []
        for first, labels in self.by_first.items():
            for label, owner in labels:
                self.owner_of.setdefault(label, owner)
            rests = "|".join(re.escape(label[1:]) for label, _ in labels)
            branches.append(f"{re.escape(first)}(?:{rests})")
        self.scanner = re.compile("|".join(branches) or "(?!)")


def _label_index(items: list[tuple[str, str]]) -> LabelIndex:
    """(label key, owner) sorted longest first, so the most specific label wins."""
    return LabelIndex(sorted(items, key=lambda kv: len(kv[0]), reverse=True))


def _indexed(index: list[tuple[str, str]]) -> LabelIndex:
    return index if isinstance(index, LabelIndex) else LabelIndex(index)


@lru_cache(maxsize=64)
def row_index(table: Table) -> LabelIndex:
    return _label_index([(k, r.key) for r in table.rows for k in r.keys])


def match_row_at_end(run: Run, index: list[tuple[str, str]]) -> tuple[str, int] | None:
    """The row whose label ends this run, and the length of the run's key before the label.

    Tried on the run as printed, then without a trailing parenthetical note (labels such as
    `（二）部分公开（区分处理的…）` are printed with differently worded notes).
    """
    index = _indexed(index)
    by_last = index.by_last
    key = run.key
    for label, row in by_last.get(key[-1:], ()):
        if key.endswith(label):
            return row, len(key) - len(label)
    if "(" in run.text or "（" in run.text:  # a note, closed or cut off where the line wrapped
        stripped = _TRAILING_NOTE.sub("", run.text)
        if stripped != run.text:
            key = label_key(stripped)
            for label, row in by_last.get(key[-1:], ()):
                if key.endswith(label):
                    return row, len(key) - len(label)
    return _match_cut_label(run.key, index)


MIN_CUT_LABEL = 6
"""A label cut where its cell wrapped is recognised from this many characters on."""


def _match_cut_label(key: str, index: list[tuple[str, str]]) -> tuple[str, int] | None:
    """A row whose label the run ends with the beginning of (`2.其他法律行政法规禁止` | `公开`:
    the rest printed below the values, as unruled PDF tables wrap long labels). Only a long,
    unambiguous beginning counts."""
    index = _indexed(index)
    prefixes = index.prefixes
    for k in range(min(index.longest, len(key)), MIN_CUT_LABEL - 1, -1):
        rows = prefixes.get(key[-k:])
        if rows:
            return (next(iter(rows)), len(key) - k) if len(rows) == 1 else None
    return None


# ---------------------------------------------------------------------------------------- headers

@lru_cache(maxsize=64)
def column_index(table: Table, columns: tuple[str, ...] | None = None) -> LabelIndex:
    """Header label keys → column key ('|'-joined when a label is shared), plus group labels."""
    owners: dict[str, list[str]] = {}
    for col in table.columns:
        if columns is not None and col.key not in columns:
            continue
        for k in col.keys:
            owners.setdefault(k, []).append(col.key)
    items = [(k, "|".join(v)) for k, v in owners.items()]
    items += [(label_key(label), GROUP + group) for label, group in table.groups]
    return _label_index(items)


def scan_labels(key: str, index: list[tuple[str, str]], run: Run | None = None) -> list[tuple[str, str, str]]:
    """Leftmost-longest scan of `key` for the labels in `index`: [(owner, label key, printed)].

    `printed` is the label as printed in `run` (whose key `key` starts), or the key without one.
    """
    index = _indexed(index)
    owner_of = index.owner_of
    return [(owner_of[m[0]], m[0], run.printed(m.start(), m.end())[0] if run else m[0])
            for m in index.scanner.finditer(key)]


def header_order(found: list[tuple[str, str, str]], table: Table) -> list[tuple[list[str], str]]:
    """Leaf column candidates in printed order, spanning group labels expanded.

    A two-level header prints the top level first (自然人 | 法人或其他组织 | 总计) and the group's
    children after it; the leaves sit where their group stands.
    """
    items = [(owner.split("|"), printed) for owner, _, printed in found]
    group_names = {owner[len(GROUP):] for owner, _, _ in found if owner.startswith(GROUP)}
    if not group_names:
        return [(owners, label) for owners, label in items if not owners[0].startswith(GROUP)]
    group_of = {c.key: c.group for c in table.columns}
    children = [(o, lab) for o, lab in items if not o[0].startswith(GROUP) and group_of.get(o[0]) in group_names]
    in_group = [i for i, (o, _) in enumerate(items) if not o[0].startswith(GROUP) and group_of.get(o[0]) in group_names]
    top = [i for i, (o, _) in enumerate(items) if not o[0].startswith(GROUP) and group_of.get(o[0]) not in group_names]
    if in_group and top and max(top) > max(in_group):
        # the children are printed among the top-level columns, not after them all (a converter
        # lifts the spanning label out above the row): the printed order is the column order
        return [(owners, label) for owners, label in items if not owners[0].startswith(GROUP)]
    out: list[tuple[list[str], str]] = []
    for owners, label in items:
        if owners[0].startswith(GROUP):
            out.extend(children)
        elif group_of.get(owners[0]) not in group_names:
            out.append((owners, label))
    return out


def resolve_columns(header: list[tuple[list[str], str]] | None, wanted: tuple[str, ...]
                    ) -> tuple[list[str], list[str | None]]:
    """The row's columns in printed order, and the header label that named each.

    Headers naming exactly the row's columns give their order; a truncated header (`本年新`)
    names a set, resolved in the form's order. Without a usable header the form's printed order
    stands (labels None), which is the order the official table prints.
    """
    if header:
        named = [k for owners, _ in header for k in wanted if owners == [k]]
        if len(named) != len(set(named)) and [k for k in wanted if k in named] != list(dict.fromkeys(named)):
            # a column named twice, in an order the form does not print (a header garbled by a
            # converter: `申请人情况或其他组织` before `自然人`): the header cannot be trusted
            return list(wanted), [None] * len(wanted)
        picked: list[str] = []
        labels: list[str | None] = []
        for owners, label in header:
            for key in [k for k in wanted if k in owners]:
                if key not in picked:
                    picked.append(key)
                    labels.append(label)
                    break
        if sorted(picked) == sorted(wanted):
            return picked, labels
    return list(wanted), [None] * len(wanted)


def accept_header(found: list[tuple[str, str, str]]) -> bool:
    """A real header names two columns, or one by a long specific label (本年处理决定数量)."""
    columns = [f for f in found if not f[0].startswith(GROUP)]
    return len(columns) >= 2 or any(len(label) >= 4 for _, label, _ in columns)


# ---------------------------------------------------------------------------------------- cells

def _cell(piece: Piece, value: Value | None, column: Column, row_label: str, row_label_line: int,
          column_label: str | None, header_unit: str | None) -> Cell:
    plain = None if value is None else value.plain
    if plain is not None and column.kind == "money":
        printed_unit = value.unit if value.unit in ("元", "万元", "万") else (header_unit or column.unit)
        if printed_unit != column.unit:
            plain = to_json_number(to_column_unit(value.number, printed_unit, column.unit))
    return Cell(
        value=plain,
        printed=piece.text if not piece.blank else "",
        line=piece.line,
        row_label=row_label,
        row_line=row_label_line,
        column_label=column_label,
        where=piece.where,
    )


def place_values(values: list[tuple[Piece, Value | None]], n: int
                 ) -> list[list[tuple[Piece, Value | None] | None]]:
    """Every way the printed items can fill `n` cells, as lists of n slots (None: unknown).

    Exactly n values: one way. Fewer: cells printed empty for certain (an empty paragraph, a lone
    ` |`) fill in where they stand; then blanks that may be padding, if they make up the count
    exactly before the last value; otherwise every order-keeping placement is a candidate.
    """
    real = [(p, v) for p, v in values if v is not None]
    if len(real) == n:
        return [list(real)]
    if len(real) > n:
        return []
    certain = [(p, v) for p, v in values if v is not None or p.blank >= EMPTY_CELL]
    if len(certain) == n:
        return [list(certain)]
    last = max((i for i, (p, v) in enumerate(values) if v is not None), default=None)
    if last is not None and len(values[: last + 1]) == n:
        return [list(values[: last + 1])]
    fixed = certain if len(certain) < n else real
    out = []
    for positions in combinations(range(n), len(fixed)):
        slots: list[tuple[Piece, Value | None] | None] = [None] * n
        for pos, item in zip(positions, fixed):
            slots[pos] = item
        out.append(slots)
    return out


def _holds(slots: dict[str, Decimal | None], parts: tuple[str, ...], total: str) -> bool:
    """False only when the identity is refuted: a cell left unknown (None) refutes nothing —
    reports do leave totals and parts blank, so a blank there is no evidence against a placement."""
    if total not in slots or any(p not in slots for p in parts):
        return True  # the identity does not apply to this row
    if slots[total] is None or any(slots[p] is None for p in parts):
        return True
    return sum(slots[p] for p in parts) == slots[total]  # type: ignore[misc]


MAX_CONFIRMED_GAPS = 2
"""Identities confirm a placement only when at most this many cells of the row are unaccounted for."""


def confirm_by_identities(candidates: list[list], cols: list[str], table: Table, row: str) -> list[list]:
    """Keep the placements under which the row's own identities (总计 = Σ parts) hold."""
    if len(candidates) <= 1 or sum(s is None for s in candidates[0]) > MAX_CONFIRMED_GAPS:
        return candidates  # with many cells unaccounted for, a sum that "holds" proves nothing
    checks = [(i.lhs[0], i.rhs) for i in table.identities
              if i.axis == "columns" and len(i.lhs) == 1 and (not i.over or row in i.over)]
    if not checks:
        return candidates
    kept = []
    for slots in candidates:
        numbers = {c: (s[1].number if s and s[1] is not None else None) for c, s in zip(cols, slots)}
        if all(_holds(numbers, parts, total) for total, parts in checks):
            kept.append(slots)
    return kept or candidates


# ---------------------------------------------------------------------------------------- readers

@dataclass(slots=True)
class _RowValues:
    """A row's printed values and the placements still possible for them."""

    row: Row
    cols: list[str]
    labels: list[str | None]
    row_label: str  # the row's label as printed
    row_line: int
    value_run: Run
    units: dict[str, str]
    candidates: list[list]


def _candidates(table: Table, row: Row, cols: list[str], labels: list[str | None], label_run: Run,
                label_start: int, value_run: Run, units: dict[str, str]) -> _RowValues:
    """A row's possible placements; its label is the part of `label_run` from key offset `label_start`."""
    candidates = place_values(value_run.values, len(cols))
    candidates = confirm_by_identities(candidates, cols, table, row.key)
    printed, line = label_run.printed(label_start, len(label_run.key))
    return _RowValues(row, cols, labels, printed or label_run.text, line, value_run, units, candidates)


def confirm_by_column_identities(pending: _RowValues, read: TableRead, table: Table) -> list[list]:
    """Narrow a row's placements with the identities down its columns (T3-1, T3-2), using the
    rows already placed; an identity that needs an unplaced cell is not used."""
    checks = [i for i in table.identities if i.axis == "rows" and pending.row.key in i.lhs + i.rhs]
    if not checks or len(pending.candidates) <= 1 or sum(s is None for s in pending.candidates[0]) > MAX_CONFIRMED_GAPS:
        return pending.candidates

    def known(row: str, col: str) -> Decimal | None | bool:
        cell = read.cells.get(row, {}).get(col)
        if cell is None or cell.printed is None:
            return False
        return Decimal(str(cell.value)) if cell.value is not None else None

    kept = []
    for slots in pending.candidates:
        mine = {c: (s[1].number if s and s[1] is not None else None) for c, s in zip(pending.cols, slots)}
        ok = True
        for identity in checks:
            for col in identity.over or pending.cols:
                if col not in mine:
                    continue
                sides = []
                for terms in (identity.lhs, identity.rhs):
                    total = Decimal(0)
                    for r in terms:
                        # a blank this placement puts in the row counts as 0, as the checks count
                        # it: else a blank landing where an identity fails (a misprinted table)
                        # would "explain" the error and single out a wrong placement
                        v = (mine[col] or Decimal(0)) if r == pending.row.key else known(r, col)
                        if v is False or v is None:  # unplaced or unknown: this column proves nothing
                            break
                        total += v
                    else:
                        sides.append(total)
                        continue
                    break
                if len(sides) == 2 and sides[0] != sides[1]:
                    ok = False
        if ok:
            kept.append(slots)
    return kept or pending.candidates


def _write(read: TableRead, table: Table, p: _RowValues) -> None:
    """Record a row's cells: placed where every remaining placement agrees, else null + P-1."""
    candidates, cols, labels, row_label, row_line = p.candidates, p.cols, p.labels, p.row_label, p.row_line
    cells = read.cells.setdefault(p.row.key, {})
    read.rows_seen += 1
    if not candidates:
        for col in cols:
            cells[col] = Cell(None, row_label=row_label, row_line=row_line)
            read.unplaced.append((f"{p.row.key}.{col}",
                                  f"该行印有 {sum(1 for _, v in p.value_run.values if v)} 个数值，多于 {len(cols)} 列"))
        return
    if len(candidates) == 1 and None not in candidates[0]:  # the common case: nothing to weigh
        for col, slot, label in zip(cols, candidates[0], labels):
            piece, value = slot
            if piece.blank == UNREADABLE_CELL:
                cells[col] = _uncertain(read, p, col, piece, row_label, row_line, label)
            elif value is not None and value.refused:
                cells[col] = _refused(read, p, col, piece, row_label, row_line, label)
            elif value is None or value.unit and table.column(col).kind == "money" or col in p.units:
                cells[col] = _cell(piece, value, table.column(col), row_label, row_line, label, p.units.get(col))
            else:
                cells[col] = Cell(value.plain, piece.text, piece.line, row_label, row_line, label, piece.where)
        return
    single = False
    for i, col in enumerate(cols):
        options = (0,) if single else {id(c[i]) if c[i] is not None else None for c in candidates}
        column = table.column(col)
        if len(options) == 1 and candidates[0][i] is not None and candidates[0][i][0].blank == UNREADABLE_CELL:
            cells[col] = _uncertain(read, p, col, candidates[0][i][0], row_label, row_line, labels[i])
        elif len(options) == 1 and candidates[0][i] is not None and candidates[0][i][1] is not None \
                and candidates[0][i][1].refused:
            cells[col] = _refused(read, p, col, candidates[0][i][0], row_label, row_line, labels[i])
        elif len(options) == 1 and candidates[0][i] is not None:
            piece, value = candidates[0][i]
            cells[col] = _cell(piece, value, column, row_label, row_line, labels[i], p.units.get(col))
        elif len(options) == 1:
            # every placement leaves this cell blank: visibly printed empty
            cells[col] = Cell(None, printed="", row_label=row_label, row_line=row_line, column_label=labels[i])
        else:
            cells[col] = Cell(None, row_label=row_label, row_line=row_line, column_label=labels[i])
            read.unplaced.append((f"{p.row.key}.{col}", "该行数值少于列数，无法确定空格位置"))


def _refused(read: TableRead, p: _RowValues, col: str, piece: Piece, row_label: str, row_line: int,
             label: str | None) -> Cell:
    """A number too long to be any real count (values.MAX_INT_DIGITS): null + P-1, never a value."""
    digits = sum(ch.isdigit() for ch in piece.text)
    shown = piece.text if len(piece.text) <= 20 else piece.text[:12] + "…"
    read.unplaced.append((f"{p.row.key}.{col}", f"印有 {digits} 位数字「{shown}」，超出任何实际件数或金额，不作为数值"))
    return Cell(None, None, piece.line, row_label, row_line, label, piece.where)


def _uncertain(read: TableRead, p: _RowValues, col: str, piece: Piece, row_label: str, row_line: int,
               label: str | None) -> Cell:
    """A cell OCR read below full confidence (`piece.text` is "confidence:text").

    A legible number is kept provisionally, with its confidence: the checks keep it only if the
    identities it takes part in hold (`check.settle_uncertain`). Anything else is null + P-1.
    """
    conf_text, _, text = piece.text.partition(":")
    conf = float(conf_text or 0)
    value = parse_value(text) if conf >= MIN_PROVISIONAL else None
    if value is not None and value.plain is not None:
        return Cell(value.plain, text, piece.line, row_label, row_line, label, piece.where, confidence=conf)
    read.unplaced.append((f"{p.row.key}.{col}", f"识别结果「{text}」置信度低（{conf:.2f}），不采用"))
    return Cell(None, None, piece.line, row_label, row_line, label, piece.where)


MIN_PROVISIONAL = 0.5
"""OCR readings at or above this confidence are kept if the identities confirm them."""


def _units_from_header(header: list[tuple[list[str], str]] | None) -> dict[str, str]:
    units: dict[str, str] = {}
    for owners, label in header or []:
        if "万元" in label:
            for o in owners:
                units[o] = "万元"
        elif label.endswith("元"):
            for o in owners:
                units[o] = "元"
    return units


def read_row_table(table: Table, pieces: list[Piece], rows: tuple[Row, ...] | None = None) -> TableRead:
    """Read a table whose rows carry labels in a stub column (表二, 表三)."""
    read = TableRead()
    rindex = row_index(table)
    if rows:
        allowed = {r.key for r in rows}
        rindex = LabelIndex([(k, r) for k, r in rindex if r in allowed])
    cindex = column_index(table)
    header: list[tuple[list[str], str]] | None = None
    units: dict[str, str] = {}
    resolved: dict[tuple[str, ...], tuple[list[str], list[str | None]]] = {}
    ambiguous: list[_RowValues] = []
    for text_run, value_run in pairs(to_runs(pieces)):
        match = match_row_at_end(text_run, rindex)
        if match is None:
            continue
        row_key, prefix_len = match
        if prefix_len:
            found = scan_labels(text_run.key[:prefix_len], cindex, text_run)
            if found and accept_header(found):
                header = header_order(found, table)
                units, resolved = _units_from_header(header), {}
        if row_key in read.cells:
            continue  # a row is read once: the first time its label is followed by values
        row = table.row(row_key)
        wanted = table.row_columns(row)
        if wanted not in resolved:
            resolved[wanted] = resolve_columns(header, wanted)
        cols, labels = resolved[wanted]
        rv = _candidates(table, row, cols, labels, text_run, prefix_len, value_run, units)
        if len(rv.candidates) > 1:
            read.cells[row_key] = {}  # claimed: placed once every other row is known
            ambiguous.append(rv)
        else:
            _write(read, table, rv)
    for rv in ambiguous:
        del read.cells[rv.row.key]
    for rv in ambiguous:
        rv.candidates = confirm_by_column_identities(rv, read, table)
        _write(read, table, rv)
    return read


@lru_cache(maxsize=64)
def _header_tree_index(table: Table) -> LabelIndex:
    """Row labels, column headers, then group labels of a one-row table (one scan finds them all)."""
    cindex = column_index(table)
    return _label_index(row_index(table) + [(k, o) for k, o in cindex if not o.startswith(GROUP)]
                        + [(k, o) for k, o in cindex if o.startswith(GROUP)])


def read_one_row_table(table: Table, pieces: list[Piece]) -> TableRead:
    """Read a table printed as one data row under a header tree (表四).

    The header names the row groups (行政复议, 未经复议直接起诉, 复议后起诉) and under each the
    result columns; the values follow in that order. A report that prints each group as its own
    row (label, then its values) is read row by row instead.
    """
    read = TableRead()
    rindex = row_index(table)
    both = _header_tree_index(table)
    row_keys = {r.key for r in table.rows}
    leaf_order: list[tuple[list[str], str]] | None = None
    all_cols = tuple(c.key for c in table.columns)
    for text_run, value_run in pairs(to_runs(pieces)):
        found = scan_labels(text_run.key, both, text_run)
        groups = [o for o, _, _ in found if o in row_keys]
        leaves = [(o.split("|"), printed) for o, _, printed in found if o not in row_keys and not o.startswith(GROUP)]
        end = match_row_at_end(text_run, rindex)
        n_values = sum(1 for _, v in value_run.values if v is not None)
        if end is not None and n_values <= len(all_cols) and (len(groups) <= 1 or n_values < len(all_cols) * 2):
            # row-wise printing: "行政复议 | v v v v v"
            if leaves:
                leaf_order = leaves[: len(all_cols)]
            row = table.row(end[0])
            if row.key in read.cells:
                continue
            cols, labels = resolve_columns(leaf_order, all_cols)
            _write(read, table, _candidates(table, row, cols, labels, text_run, end[1], value_run, {}))
            continue
        ordered = list(dict.fromkeys(groups))
        if len(ordered) < 2 and len(leaves) >= len(all_cols) and n_values == len(table.rows) * len(all_cols):
            # group labels cut apart by a converter (`行|政复议`) but the leaf headers read and
            # every cell printed: the groups stand in the form's printed order
            ordered, leaves = [r.key for r in table.rows], []
        if len(ordered) < 2 or not leaves and len(ordered) < len(table.rows):
            continue
        per_group = len(leaves) // len(ordered) if len(leaves) % len(ordered) == 0 else 0
        if per_group == 0 and len(leaves) == len(all_cols):
            per_group, chunks = len(all_cols), [leaves] * len(ordered)
        elif per_group:
            chunks = [leaves[i * per_group:(i + 1) * per_group] for i in range(len(ordered))]
        elif len(ordered) == len(table.rows) and 0 <= len(ordered) * len(all_cols) - n_values <= 2:
            # a header whose leaf words came out garbled (text converted from a PDF stacks wrapped
            # header words imperfectly), groups named in order: the official column order stands,
            # as for a row table without a usable header; a blank or two are placed only where
            # the 总计 identities single one placement out
            chunks = [[] for _ in ordered]
        else:
            continue
        slots: list[tuple[str, str, str | None]] = []
        for group, chunk in zip(ordered, chunks):
            cols, labels = resolve_columns(chunk, all_cols)
            slots += [(group, c, lab) for c, lab in zip(cols, labels)]
        _assign_slots(read, table, slots, text_run, value_run)
        break
    return read


def _assign_slots(read: TableRead, table: Table, slots: list[tuple[str, str, str | None]],
                  header_run: Run, value_run: Run) -> None:
    """Assign one run of values to (row, column) slots named by a header tree."""
    candidates = place_values(value_run.values, len(slots))
    if len(candidates) > 1:
        # confirm per row group with the 总计 identities
        kept = []
        for cand in candidates:
            ok = True
            for row in {s[0] for s in slots}:
                idx = [i for i, s in enumerate(slots) if s[0] == row]
                if sum(cand[i] is None for i in idx) > MAX_CONFIRMED_GAPS:
                    continue  # too many cells unaccounted for: a sum that holds proves nothing
                # a blank this placement puts in the row counts as 0, as the checks count it
                # (as in the row-wise reader): else a blank landing in a misprinted row's total
                # "explains" the misprint and singles out a wrong placement
                numbers = {slots[i][1]: (Decimal(0) if cand[i] is None else
                                         cand[i][1].number if cand[i][1] is not None else None)
                           for i in idx}
                checks = [(i.lhs[0], i.rhs) for i in table.identities
                          if i.axis == "columns" and len(i.lhs) == 1 and (not i.over or row in i.over)]
                if not all(_holds(numbers, parts, total) for total, parts in checks):
                    ok = False
            kept.append(cand) if ok else None
        candidates = kept or candidates
    header_line = next((p.line for p in reversed(header_run.pieces) if not p.blank), 0)
    for i, (row, col, label) in enumerate(slots):
        cells = read.cells.setdefault(row, {})
        column = table.column(col)
        row_label = table.row(row).label
        if not candidates:
            cells[col] = Cell(None, row_label=row_label, row_line=header_line, column_label=label)
            read.unplaced.append((f"{row}.{col}", f"表头下印有的数值多于 {len(slots)} 格"))
            continue
        options = {id(c[i]) if c[i] is not None else None for c in candidates}
        if len(options) == 1 and candidates[0][i] is not None:
            piece, value = candidates[0][i]
            cells[col] = _cell(piece, value, column, row_label, header_line, label, None)
        else:
            cells[col] = Cell(None, row_label=row_label, row_line=header_line, column_label=label)
            if len(options) > 1:
                read.unplaced.append((f"{row}.{col}", "数值少于表头格数，无法确定空格位置"))
    read.rows_seen += len({s[0] for s in slots})


def read_table(table: Table, pieces: list[Piece]) -> TableRead:
    """Read `table` from `pieces` with the reader its printed layout needs."""
    if table.layout == "one_row":
        return read_one_row_table(table, pieces)
    return read_row_table(table, pieces)
