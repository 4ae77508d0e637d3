"""The official tables as grids of merged cells, built from the form definitions.

Each table is laid out the way the national form prints it: 表二 in article blocks under their
heading, 表三 with its three-level stub (三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密) and its
two-level applicant header, 表四 as one data row under a header tree. The HTML, Word and PDF
writers draw these grids; nothing here lists a row — the rows, groups and blocks come from
`gongkai.forms`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..forms import Form, Table
from ..forms.shared import APPLICANT_GROUP

Value = int | float | None
CellFormatter = Callable[[str, str, str, Value], str]

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass
class GridCell:
    """A printed cell: its text and how many rows and columns it spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


Grid = list[list[GridCell]]  # rows; each lists the cells that start in it, left to right


def _label(labels: dict[str, str], key: str, default: str) -> str:
    return labels.get(key, default)


def proactive_grid(table: Table, values: dict, cell: CellFormatter, labels: dict[str, str]) -> Grid:
    width = 1 + max(len(table.row_columns(r)) for r in table.rows)
    grid: Grid = []
    block = None
    for row in table.rows:
        if row.key not in values:
            continue
        cols = table.row_columns(row)
        fill = width - len(cols)  # the last cell spans what the block's columns leave
        if row.block != block:
            block = row.block
            grid.append([GridCell(block or "", colspan=width, header=True)])
            heads = [GridCell(_label(labels, f"{table.key}.col.{c}", table.column(c).label), header=True) for c in cols]
            heads[-1].colspan = fill
            grid.append([GridCell("信息内容", header=True), *heads])
        cells = [GridCell(cell(table.key, row.key, c, values[row.key].get(c))) for c in cols]
        cells[-1].colspan = fill
        grid.append([GridCell(_label(labels, f"{table.key}.{row.key}", row.label), header=True), *cells])
    return grid


def requests_grid(table: Table, values: dict, cell: CellFormatter, labels: dict[str, str]) -> Grid:
    children = [c for c in table.columns if c.group]
    top = [c for c in table.columns if not c.group]
    grid: Grid = [
        [GridCell(NOTE, rowspan=3, colspan=3, header=True),
         GridCell("申请人情况", colspan=len(table.columns), header=True)],
        [GridCell(top[0].label, rowspan=2, header=True), GridCell(APPLICANT_GROUP, colspan=len(children), header=True),
         GridCell(top[-1].label, rowspan=2, header=True)],
        [GridCell(_label(labels, f"requests.col.{c.key}", c.label), header=True) for c in children],
    ]
    rows = [r for r in table.rows if r.key in values]
    in_block = [r for r in rows if r.group]
    outer = in_block[0].group if in_block else None  # 三、本年度办理结果
    for i, row in enumerate(rows):
        out: list[GridCell] = []
        if row.group and row is in_block[0]:
            out.append(GridCell(outer or "", rowspan=len(in_block), header=True))
        if row.group and row.group != outer:
            members = [r for r in rows if r.group == row.group]
            if row is members[0]:
                out.append(GridCell(row.group, rowspan=len(members), header=True))
            span = 1
        else:
            span = 2 if row.group else 3
        out.append(GridCell(_label(labels, f"requests.{row.key}", row.label), colspan=span, header=True))
        out += [GridCell(cell(table.key, row.key, c.key, values[row.key].get(c.key))) for c in table.columns]
        grid.append(out)
    return grid


def review_grid(table: Table, values: dict, cell: CellFormatter, labels: dict[str, str]) -> Grid:
    n = len(table.columns)
    alone = [r for r in table.rows if not r.group]
    grouped = [r for r in table.rows if r.group]
    top = [GridCell(r.label, colspan=n, header=True) for r in alone]
    if grouped:
        top.append(GridCell(grouped[0].group or "", colspan=n * len(grouped), header=True))
    middle = [GridCell(c.label, rowspan=2, header=True) for _ in alone for c in table.columns]
    middle += [GridCell(r.label, colspan=n, header=True) for r in grouped]
    leaves = [GridCell(c.label, header=True) for _ in grouped for c in table.columns]
    data = [GridCell(cell(table.key, r.key, c.key, values.get(r.key, {}).get(c.key)))
            for r in alone + grouped for c in table.columns]
    return [top, middle, leaves, data]


def table_grid(form: Form, key: str, values: dict, cell: CellFormatter, labels: dict[str, str] | None = None) -> Grid:
    """The grid of table `key` of `form` holding `values` ({row: {col: value}})."""
    builders = {"proactive": proactive_grid, "requests": requests_grid, "review_litigation": review_grid}
    return builders[key](form.table(key), values, cell, labels or {})


def expand(grid: Grid) -> tuple[list[tuple[int, int, GridCell]], int]:
    """Each cell's top-left (row, column) once spans are laid out, and the grid's width."""
    taken: set[tuple[int, int]] = set()
    placed = []
    width = 0
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    return placed, width
