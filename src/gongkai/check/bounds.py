"""What the identities say when some of their cells are unknown.

An identity Σ lhs = Σ rhs over counts still constrains the cells that are known when others are
not: every count is ≥ 0, so an unknown cell can only add to its side. Known parts summing above a
fully known total are wrong whatever the unknown cells hold; a cell whose every partner in an
identity is known has exactly one value that makes it hold (a unique completion), so a reading
equal to that value is confirmed by the identity, and any other is contradicted.

This is the one place the bounds are worked out: the identity checks (`check_identities`), the
settling of OCR readings (`settle_uncertain`) and any reader that wants to accept or reject a
reading (`judge_reading`) all use it. The identities confirm or reject a reading; they never
supply a value.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass
from typing import Literal

from ..forms import Form, Identity, Table
from ..model import Cell, Report

__all__ = ["Instance", "State", "Verdict", "bounds_state", "identity_instances", "judge_reading", "is_certain",
           "is_unread"]

State = Literal["holds", "fails", "open"]
"""`holds`: every cell known and the sides equal; `fails`: false whatever the unknown cells hold
(each ≥ 0); `open`: unknown cells could still make it hold."""
Verdict = Literal["confirmed", "contradicted", "open"]


@dataclass(frozen=True, slots=True)
class Instance:
    """One identity applied to one column (axis rows) or one row (axis columns) of a report."""

    identity: Identity
    table: Table
    lhs: tuple[tuple[str, str], ...]  # (row, col) cells
    rhs: tuple[tuple[str, str], ...]
    where: str  # 「总计」列 / 「予以公开」行, for messages

    @property
    def cells(self) -> tuple[tuple[str, str], ...]:
        return self.lhs + self.rhs

    def path(self, rc: tuple[str, str]) -> str:
        return f"{self.table.key}.{rc[0]}.{rc[1]}"


def substitute_rows(table: Table, rows: Container[str], terms: tuple[str, ...]) -> tuple[str, ...]:
    """Replace official rows a report printed as one row (instead_of) by that row; () when a term
    has no row among `rows` (the checker's rows, or the rows a workbook has)."""
    out: list[str] = []
    for term in terms:
        if term in rows:
            out.append(term)
            continue
        alt = next((r.key for r in table.rows if term in r.instead_of and r.key in rows), None)
        if alt is None:
            return ()
        if alt not in out:
            out.append(alt)
    return tuple(out)


def identity_instances(report: Report, form: Form) -> Iterator[Instance]:
    """Every identity of the form applied to every column or row the report has all cells of."""
    for table in form.tables:
        rows = report.tables.get(table.key)
        if not rows:
            continue
        shape = tuple((r, tuple(cells)) for r, cells in rows.items())
        instances = _INSTANCES.get((table, shape))
        if instances is None:
            if len(_INSTANCES) >= MAX_SHAPES:
                _INSTANCES.clear()
            instances = _INSTANCES[(table, shape)] = tuple(_table_instances(table, rows))
        yield from instances


_INSTANCES: dict[tuple[Table, tuple], tuple[Instance, ...]] = {}
"""Instances by table and by the rows and columns a report has: they depend on nothing else, and
nearly every report has one of a few shapes, so each shape's instances are worked out once."""
MAX_SHAPES = 512


def _table_instances(table: Table, rows: dict[str, dict[str, Cell]]) -> Iterator[Instance]:
    for identity in table.identities:
        if identity.axis == "rows":
            lhs_rows = substitute_rows(table, rows, identity.lhs)
            rhs_rows = substitute_rows(table, rows, identity.rhs)
            if not lhs_rows or not rhs_rows:
                continue
            for col in identity.over or tuple(c.key for c in table.columns):
                lhs = tuple((r, col) for r in lhs_rows)
                rhs = tuple((r, col) for r in rhs_rows)
                if all(c in rows[r] for r, c in lhs + rhs):
                    yield Instance(identity, table, lhs, rhs, f"「{table.column(col).name}」列")
        else:
            for row in identity.over or tuple(rows):
                if row not in rows:
                    continue
                lhs = tuple((row, c) for c in identity.lhs)
                rhs = tuple((row, c) for c in identity.rhs)
                if all(c in rows[row] for _, c in lhs + rhs):
                    yield Instance(identity, table, lhs, rhs, f"「{table.row(row).name}」行")


def bounds_state(lhs: list[int | float | None], rhs: list[int | float | None]) -> State:
    """Σ lhs = Σ rhs with None for an unknown count (≥ 0): holds, fails whatever the unknowns, or open."""
    left = sum(v for v in lhs if v is not None)
    right = sum(v for v in rhs if v is not None)
    unknown_left = any(v is None for v in lhs)
    unknown_right = any(v is None for v in rhs)
    if not unknown_left and not unknown_right:
        return "holds" if abs(left - right) < 1e-9 else "fails"
    if (not unknown_left and left < right - 1e-9) or (not unknown_right and right < left - 1e-9):
        return "fails"  # the fully known side is already smaller, and unknowns can only add
    return "open"


def is_unread(cell: Cell) -> bool:
    """A cell the reader could not read (as opposed to one printed blank)."""
    return cell.value is None and cell.printed is None


def is_certain(cell: Cell) -> bool:
    """A value read without doubt (not an OCR reading below full confidence)."""
    return cell.value is not None and cell.confidence is None


def judge_reading(report: Report, form: Form, path: str, value: int | float,
                  trusted: Callable[[str, Cell], bool] | None = None) -> Verdict:
    """What the identities say of reading `value` into the cell at `path` (`table.row.col`).

    Every other cell counts as known when `trusted(path, cell)` says so (default: a value read
    without doubt), else as an unknown count ≥ 0. `contradicted`: some identity fails with this
    value whatever the unknown cells hold; `confirmed`: none fails and in at least one every other
    cell is known, so this value is its unique completion; `open`: nothing decides.
    """
    trust = trusted or (lambda _p, cell: is_certain(cell))
    table_key, row_key, col_key = path.split(".")
    confirmed = False
    for inst in identity_instances(report, form):
        if inst.table.key != table_key or (row_key, col_key) not in inst.cells:
            continue
        rows = report.tables[table_key]

        def known(rc: tuple[str, str]) -> int | float | None:
            if rc == (row_key, col_key):
                return value
            cell = rows[rc[0]][rc[1]]
            return cell.value if trust(inst.path(rc), cell) else None

        state = bounds_state([known(rc) for rc in inst.lhs], [known(rc) for rc in inst.rhs])
        if state == "fails":
            return "contradicted"
        confirmed |= state == "holds"
    return "confirmed" if confirmed else "open"
