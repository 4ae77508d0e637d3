"""Find ruled tables on a PDF page: edges → intersections → cells → tables → grids.

A chain of small geometric steps, each with explicit tolerances (as in pdfplumber's table
finder, whose design this follows; PyMuPDF's own `find_tables` takes ~250 ms a page, this ~2 ms):

- edges: the stroked lines and thin filled bars a page draws, as horizontal and vertical segments
  (white cell backgrounds are not edges), from `read.pdfium` (or an image, in `read.ocr`);
- `merge_edges`: segments on the same line snapped together and joined where they touch;
- `intersections`: points where a horizontal and a vertical edge cross;
- `find_cells`: the smallest rectangles whose four corners are intersections and whose four sides
  are drawn;
- `group_tables`: cells that share corners, as tables;
- `to_grid`: each table's cells placed on its row and column lines, spans included.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

SNAP = 2.0
"""Points within this distance are the same line (PDF units; 1 pt = 1/72 in)."""
JOIN = 3.0
"""Collinear segments whose ends are this close are one edge."""
MIN_EDGE = 3.0
"""Shorter segments (dots, glyph strokes) are not ruling lines."""
THIN = 2.5
"""A filled rectangle this thin is drawn as a line."""


class Edge(NamedTuple):
    """A horizontal (`h`) edge at y=`pos` from x=`start` to `end`, or a vertical one at x=`pos`."""

    orient: str
    pos: float
    start: float
    end: float


class Box(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float


def _cluster(values: list[float], tol: float) -> dict[float, float]:
    """Map each value to the mean of its cluster (values within `tol` of their neighbour)."""
    mapping: dict[float, float] = {}
    group: list[float] = []
    for v in sorted(set(values)):
        if group and v - group[-1] > tol:
            mean = sum(group) / len(group)
            mapping.update((g, mean) for g in group)
            group = []
        group.append(v)
    if group:
        mean = sum(group) / len(group)
        mapping.update((g, mean) for g in group)
    return mapping


def _snap_to(value: float, lines: list[float], tol: float) -> float:
    """The nearest of the sorted `lines` when within `tol`, else the value itself."""
    i = bisect_left(lines, value)
    best = value
    for j in (i - 1, i):
        if 0 <= j < len(lines) and abs(lines[j] - value) <= tol and abs(lines[j] - value) < abs(best - value) + tol:
            if best == value or abs(lines[j] - value) < abs(best - value):
                best = lines[j]
    return best


def merge_edges(edges: list[Edge], snap: float = SNAP, join: float = JOIN) -> list[Edge]:
    """Snap edges to shared lines (their ends to the crossing lines) and join collinear pieces."""
    at = {o: _cluster([e.pos for e in edges if e.orient == o], snap) for o in ("h", "v")}
    lines = {o: sorted(set(at[o].values())) for o in ("h", "v")}
    out: list[Edge] = []
    for orient, cross in (("h", "v"), ("v", "h")):
        spans_at: dict[float, list[tuple[float, float]]] = {}
        targets, snapped = lines[cross], {}  # ends repeat (a grid's rules share them): snap each once
        for e in edges:
            if e.orient == orient:
                start, end = snapped.get(e.start), snapped.get(e.end)
                if start is None:
                    start = snapped[e.start] = _snap_to(e.start, targets, snap)
                if end is None:
                    end = snapped[e.end] = _snap_to(e.end, targets, snap)
                spans_at.setdefault(at[orient][e.pos], []).append((start, end))
        for pos, spans in spans_at.items():
            spans.sort()
            cur_s, cur_e = spans[0]
            for s, e in spans[1:]:
                if s <= cur_e + join:
                    cur_e = max(cur_e, e)
                else:
                    out.append(Edge(orient, pos, cur_s, cur_e))
                    cur_s, cur_e = s, e
            out.append(Edge(orient, pos, cur_s, cur_e))
    return out


@dataclass
class EdgeIndex:
    """Merged edges by line position, for 'is this side drawn?' questions."""

    h: dict[float, list[tuple[float, float]]] = field(default_factory=dict)
    v: dict[float, list[tuple[float, float]]] = field(default_factory=dict)

    @classmethod
    def of(cls, edges: list[Edge]) -> EdgeIndex:
        index = cls()
        for e in edges:
            (index.h if e.orient == "h" else index.v).setdefault(e.pos, []).append((e.start, e.end))
        return index

    def drawn(self, orient: str, pos: float, a: float, b: float, tol: float = SNAP) -> bool:
        """True when a merged edge on line `pos` covers [a, b]."""
        for start, end in (self.h if orient == "h" else self.v).get(pos, ()):
            if start - tol <= a and end + tol >= b:
                return True
        return False


def intersections(edges: list[Edge], tol: float = SNAP) -> set[tuple[float, float]]:
    """(x, y) where a vertical edge crosses or touches a horizontal one."""
    hs = [e for e in edges if e.orient == "h"]
    vs = [e for e in edges if e.orient == "v"]
    return {(v.pos, h.pos) for h in hs for v in vs
            if h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol}


def find_cells(points: set[tuple[float, float]], index: EdgeIndex) -> list[Box]:
    """The smallest drawn rectangle to the lower right of each intersection."""
    by_x: dict[float, list[float]] = {}
    by_y: dict[float, list[float]] = {}
    for x, y in points:
        by_x.setdefault(x, []).append(y)
        by_y.setdefault(y, []).append(x)
    for v in by_x.values():
        v.sort()
    for v in by_y.values():
        v.sort()
    hs, vs, tol = index.h, index.v, SNAP

    def drawn(spans: list[tuple[float, float]], a: float, b: float) -> bool:  # EdgeIndex.drawn, inlined
        for start, end in spans:
            if start - tol <= a and end + tol >= b:
                return True
        return False

    cells: list[Box] = []
    for x, y in points:
        column, row = by_x[x], by_y[y]
        below = column[bisect_right(column, y):]  # sorted and distinct: the values past y
        right = row[bisect_right(row, x):]
        left_side, top_side = vs.get(x, ()), hs.get(y, ())
        found = False
        for by in below:
            if not drawn(left_side, y, by):
                break  # the left side stops here: no taller cell either
            bottom_side = hs.get(by, ())
            for rx in right:
                if not drawn(top_side, x, rx):
                    break
                if (rx, by) in points and drawn(bottom_side, x, rx) and drawn(vs.get(rx, ()), y, by):
                    cells.append(Box(x, y, rx, by))
                    found = True
                    break
            if found:
                break
    return cells


def group_tables(cells: list[Box]) -> list[list[Box]]:
    """Cells connected through shared corners, as separate tables (top to bottom)."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    corner_owner: dict[tuple[float, float], int] = {}
    for i, c in enumerate(cells):
        for corner in ((c.x0, c.y0), (c.x1, c.y0), (c.x0, c.y1), (c.x1, c.y1)):
            j = corner_owner.setdefault(corner, i)
            if j != i:
                parent[root(i)] = root(j)
    groups: dict[int, list[Box]] = {}
    for i, c in enumerate(cells):
        groups.setdefault(root(i), []).append(c)
    tables = [g for g in groups.values() if len(g) >= 2]
    return sorted(tables, key=lambda g: (min(c.y0 for c in g), min(c.x0 for c in g)))


@dataclass
class GridCell:
    box: Box
    row: int
    col: int
    rowspan: int
    colspan: int


@dataclass
class Grid:
    """A table's cells on its row and column lines."""

    box: Box
    xs: list[float]
    ys: list[float]
    cells: list[GridCell]  # row-major by top-left corner

    def locate(self, x: float, y: float) -> GridCell | None:
        """The cell covering point (x, y), if any."""
        c = bisect_left(self.xs, x) - 1
        r = bisect_left(self.ys, y) - 1
        return self._at.get((r, c))

    def index_at(self, row: int, col: int) -> int | None:
        """The index in `cells` of the cell covering grid position (row, col), if any."""
        return self._index.get((row, col))

    def __post_init__(self) -> None:
        self._at: dict[tuple[int, int], GridCell] = {}
        self._index: dict[tuple[int, int], int] = {}
        for k, cell in enumerate(self.cells):
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    self._at[(r, c)] = cell
                    self._index[(r, c)] = k


def to_grid(cells: list[Box]) -> Grid:
    xs = sorted({c.x0 for c in cells} | {c.x1 for c in cells})
    ys = sorted({c.y0 for c in cells} | {c.y1 for c in cells})
    placed = []
    col_of = {x: i for i, x in enumerate(xs)}
    row_of = {y: i for i, y in enumerate(ys)}
    for c in sorted(cells, key=lambda c: (c.y0, c.x0)):
        r0, r1 = row_of[c.y0], row_of[c.y1]
        c0, c1 = col_of[c.x0], col_of[c.x1]
        placed.append(GridCell(c, r0, c0, r1 - r0, c1 - c0))
    return Grid(Box(xs[0], ys[0], xs[-1], ys[-1]), xs, ys, placed)


def close_open_ends(edges: list[Edge], snap: float = SNAP) -> list[Edge]:
    """Add the border a page break left undrawn.

    A table continued on the next page often has no bottom rule (or, on the next page, no top
    rule): its verticals run on past the last horizontal edge and stop together. Where three or
    more verticals end (or start) at the same height beyond every horizontal edge they cross, the
    missing horizontal edge is implied.
    """
    hs = [e for e in edges if e.orient == "h"]
    vs = [e for e in edges if e.orient == "v"]
    added: list[Edge] = []
    for end_of in (lambda e: e.end, lambda e: e.start):
        ends = _cluster([end_of(v) for v in vs], snap)
        by_end: dict[float, list[Edge]] = {}
        for v in vs:
            by_end.setdefault(ends[end_of(v)], []).append(v)
        for y, group in by_end.items():
            if len(group) < 3:
                continue
            x0, x1 = min(v.pos for v in group), max(v.pos for v in group)
            if not any(abs(h.pos - y) <= snap and h.start <= x0 + snap and h.end >= x1 - snap for h in hs):
                added.append(Edge("h", y, x0, x1))
    return edges + added


def find_grids(edges: list[Edge]) -> list[Grid]:
    """Every ruled table a page draws (its ruling edges, as `read.pdfium` finds them), as grids."""
    edges = close_open_ends(merge_edges(list(dict.fromkeys(edges))))  # cells drawn one by one share sides
    if len(edges) < 4:
        return []
    points = intersections(edges)
    cells = find_cells(points, EdgeIndex.of(edges))
    return [to_grid(t) for t in group_tables(cells)]
