"""Cross-year checks: one body's report against its report of an earlier (or the same) year.

`check_pair(report, previous)` is the whole logic; the store runs it over every linked pair of a
corpus and `gongkai check FILE --previous FILE2` over two files. Findings go on `report`, the
later one. Which rules apply depends on the gap between the two years:

- 1 year: X-1 carry-over (表三 上年结转(y) = 结转下年度(y−1), per column); T2-3 v2021 continuity
  (现行有效(y−1) + 本年制发(y) − 本年废止(y) = 现行有效(y), per row); T2-4 v2019 items
  (上一年项目数量(y) = 上一年项目数量(y−1) + 本年增/减(y−1), per row).
- 1 year or more: Q-DUP-2, a table identical to the earlier year's (Q-DUP-1 is the text measure,
  `check/copying.py`: the two meanings get separate rule ids so a reviewer can tell them apart).
- 0 (the same year, a second source): X-4, the two sources print different numbers.

All are warnings: bodies are reorganised, counts corrected and applicants re-categorised between
years, so a difference is something to ask about, not proof of an error. A cell the reader could
not place (P-1) is never compared; a printed blank counts as 0 and the message says so.
"""

from __future__ import annotations

from ..forms import FORMS, Form, Table
from ..model import Cell, Finding, Report
from .format import fmt

__all__ = ["check_pair", "MIN_NONZERO_FOR_COPY"]

# A table of zeros (a body that received no requests) is the same every year by nature; an identical
# table is only suspicious when it carries real numbers.
MIN_NONZERO_FOR_COPY = 3


def _cell(report: Report, table: str, row: str, col: str) -> Cell | None:
    """The cell if the report has it and the reader placed it."""
    cell = report.tables.get(table, {}).get(row, {}).get(col)
    return cell if cell is not None and cell.printed is not None else None


def _num(cell: Cell) -> float:
    return float(cell.value or 0)


def _year_name(report: Report) -> str:
    """How a message names the earlier report: ` 2021 年度报告` (spaced like every number in a message)."""
    return f" {report.year} 年度报告" if report.year is not None else "另一份报告"


def _blank_note(cells: list[Cell]) -> str:
    n = sum(c.value is None for c in cells)
    return f"（其中 {n} 格为空，按 0 计）" if n else ""


def _carry_over(report: Report, previous: Report, form: Form) -> list[Finding]:
    """X-1: what the earlier report carried out is what this one carried in, per applicant column."""
    table = form.table("requests")
    parts, cells, seen = [], [], []
    for column in table.columns:
        now = _cell(report, table.key, "carried_in", column.key)
        before = _cell(previous, table.key, "carried_out", column.key)
        if now is None or before is None or _num(now) == _num(before):
            continue
        parts.append(f"{column.name} 本年上年结转 {fmt(now.value)}，上年结转下年度 {fmt(before.value)}")
        cells.append(f"{table.key}.carried_in.{column.key}")
        seen += [now, before]
    if not parts:
        return []
    return [Finding("X-1", "warning",
                    f"表{table.number}「上年结转」与{_year_name(previous)}的「结转下年度」不一致：" + "；".join(parts)
                    + _blank_note(seen), cells)]


def _rows_with(table: Table, report: Report, *columns: str) -> list[str]:
    """Rows of `table` that have all `columns` in the form definition and in the report."""
    return [row.key for row in table.rows
            if all(c in table.row_columns(row) for c in columns) and row.key in report.tables.get(table.key, {})]


def _continuity(report: Report, previous: Report, form: Form) -> list[Finding]:
    """T2-3 (2021 form): 现行有效 carries over, changed only by this year's 制发 and 废止."""
    table = form.table("proactive")
    parts, cells, seen = [], [], []
    for row in _rows_with(table, report, "issued", "repealed", "in_force"):
        now = [_cell(report, table.key, row, c) for c in ("in_force", "issued", "repealed")]
        before = _cell(previous, table.key, row, "in_force")
        if before is None or any(c is None for c in now):
            continue
        in_force, issued, repealed = now  # type: ignore[misc]
        expected = _num(before) + _num(issued) - _num(repealed)
        if expected == _num(in_force):
            continue
        parts.append(f"{table.row(row).name}：上年现行有效 {fmt(before.value)} + 本年制发 {fmt(issued.value)} − "
                     f"本年废止 {fmt(repealed.value)} = {fmt(expected)}，而本年现行有效 {fmt(in_force.value)}")
        cells += [f"{table.key}.{row}.{c}" for c in ("in_force", "issued", "repealed")]
        seen += [before, *now]  # type: ignore[list-item]
    if not parts:
        return []
    return [Finding("T2-3", "warning", f"表{table.number}与{_year_name(previous)}衔接不上：" + "；".join(parts)
                    + _blank_note(seen), cells)]


def _items(report: Report, previous: Report, form: Form) -> list[Finding]:
    """T2-4 (2019 form): this year's 上一年项目数量 is last year's count plus last year's 增/减."""
    table = form.table("proactive")
    parts, cells, seen = [], [], []
    for row in _rows_with(table, report, "items_prev", "items_delta"):
        now = _cell(report, table.key, row, "items_prev")
        before = [_cell(previous, table.key, row, c) for c in ("items_prev", "items_delta")]
        if now is None or any(c is None for c in before):
            continue
        prev_items, prev_delta = before  # type: ignore[misc]
        expected = _num(prev_items) + _num(prev_delta)
        if expected == _num(now):
            continue
        parts.append(f"{table.row(row).name}：上年报告上一年项目数量 {fmt(prev_items.value)} + 本年增/减 "
                     f"{fmt(prev_delta.value)} = {fmt(expected)}，而本年报告上一年项目数量 {fmt(now.value)}")
        cells.append(f"{table.key}.{row}.items_prev")
        seen += [now, *before]  # type: ignore[list-item]
    if not parts:
        return []
    return [Finding("T2-4", "warning", f"表{table.number}项目数量与{_year_name(previous)}衔接不上：" + "；".join(parts)
                    + _blank_note(seen), cells)]


def _cells_in_order(report: Report, table: Table) -> list[tuple[str, str, Cell]]:
    """The report's cells of `table` in the form's printed order (messages and cell lists must not
    depend on the order a reader or a database happened to produce them in)."""
    rows = report.tables.get(table.key, {})
    return [(row.key, col, rows[row.key][col]) for row in table.rows if row.key in rows
            for col in table.row_columns(row) if col in rows[row.key]]


def _values(report: Report, table: Table) -> dict[tuple[str, str], float | int | None]:
    return {(r, c): cell.value for r, c, cell in _cells_in_order(report, table)}


def _identical_tables(report: Report, previous: Report, form: Form) -> list[Finding]:
    """Q-DUP-2: a whole table repeated from an earlier year, real numbers included."""
    findings = []
    for table in form.tables:
        now = _values(report, table)
        if not now or now != _values(previous, table):
            continue
        nonzero = [rc for rc, v in now.items() if v]
        if len(nonzero) < MIN_NONZERO_FOR_COPY:
            continue
        findings.append(Finding(
            "Q-DUP-2", "warning",
            f"表{table.number}与{_year_name(previous)}的表{table.number}逐格相同（{len(now)} 格，其中非零 {len(nonzero)} 格），"
            f"可能照抄了以前年度的数据", [f"{table.key}.{r}.{c}" for r, c in nonzero]))
    return findings


def _same_year(report: Report, previous: Report, form: Form) -> list[Finding]:
    """X-4: a second source for the same body and year that prints different numbers."""
    diffs: list[tuple[str, str, str, Cell, Cell]] = []
    for table in form.tables:
        for row, col, cell in _cells_in_order(report, table):
            other = _cell(previous, table.key, row, col)
            if cell.printed is not None and other is not None and _num(cell) != _num(other):
                diffs.append((table.key, row, col, cell, other))
    if not diffs:
        return []
    shown = []
    for tkey, row, col, cell, other in diffs[:5]:
        table = form.table(tkey)
        shown.append(f"表{table.number}「{table.row(row).name}」「{table.column(col).name}」本报告 {fmt(cell.value)}，"
                     f"另一份 {fmt(other.value)}")
    more = f"等 {len(diffs)} 格" if len(diffs) > len(shown) else ""
    return [Finding("X-4", "warning",
                    f"同一单位同一年度（{report.year}）的另一份报告（{previous.path}）数字不同：" + "；".join(shown) + more,
                    [f"{t}.{r}.{c}" for t, r, c, _, _ in diffs])]


def check_pair(report: Report, previous: Report) -> list[Finding]:
    """Cross-year findings for `report` against the same body's `previous` report.

    `previous` is of an earlier year, or of the same year (a second source of the same report).
    Returns nothing when a year is unknown or `previous` is the later one.
    """
    form = FORMS.get(report.template)
    if form is None or report.year is None or previous.year is None or previous.template not in FORMS:
        return []
    gap = report.year - previous.year
    if gap < 0:
        return []
    if gap == 0:
        return _same_year(report, previous, form)
    findings: list[Finding] = []
    if gap == 1:
        findings += _carry_over(report, previous, form)
        findings += _continuity(report, previous, form)
        findings += _items(report, previous, form)
    if previous.template == report.template:
        findings += _identical_tables(report, previous, form)
    return findings
