"""The cross-year pass over the corpus: `check_pair` for every linked pair of a changed body.

A body is marked dirty in the same transaction that stores one of its reports. The pass first
drops the cross-year findings of every dirty body, then streams the bodies' current reports
(ordered by body and ingest order), pairs them and writes the findings, clearing each body in the
transaction that writes its findings. Killed halfway, the next run redoes exactly the bodies
still marked, so the result never depends on where a run stopped.

Pairs, for each body: every report with the first-ingested report of its year when it is not
that report (X-4), and every report with the first-ingested report of the nearest earlier year
present (X-1, T2-3, T2-4 when that year is the one before; Q-DUP-2 identical tables and Q-DUP-1 copied text at
any distance).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

import json

from ..check.copying import compare_text
from ..check.crossyear import check_pair
from ..extract.sections import Found
from ..forms import SECTIONS
from ..model import Cell, Report
from .records import finding_rows, report_from_rows

BODIES_PER_COMMIT = 200
# Bodies are streamed in groups of about this many reports: the cells query sorts its whole group,
# and a sort of every dirty body's cells at once outgrew the store's bounded buffer pool (20,000
# reports: ~4M cells, out of memory at 128 MB).
REPORTS_PER_PASS = 2000

# the dirty bodies' current reports, in the order the pairs are made
_REPORTS = """
SELECT r.body_id, r.sha256, s.path, s.format, s.encoding, r.organization, r.year, r.template, r.published,
       t.lines, t.sections
FROM current_reports r JOIN sources s USING (sha256)
LEFT JOIN report_texts t USING (sha256)
WHERE r.year IS NOT NULL AND r.body_id IN (SELECT unnest($1::VARCHAR[])) ORDER BY r.body_id, s.seq"""

# their cells in the same order; only whether a cell was read (printed) matters here, not the text
_CELLS = """
SELECT c.sha256, c.tbl, c.row, c.col, c.value, c.printed IS NOT NULL
FROM cells c JOIN (SELECT r.sha256, r.body_id, s.seq FROM current_reports r JOIN sources s USING (sha256)
                   WHERE r.year IS NOT NULL AND r.body_id IN (SELECT unnest($1::VARCHAR[]))) k USING (sha256)
ORDER BY k.body_id, k.seq"""


def pair_findings(reports: list[Report]) -> list[tuple]:
    """Finding rows for one body's reports, given in ingest order."""
    by_year: dict[int, list[Report]] = {}
    for report in reports:
        by_year.setdefault(report.year, []).append(report)  # type: ignore[arg-type]
    rows: list[tuple] = []
    years = sorted(by_year)
    for n, year in enumerate(years):
        first = by_year[year][0]
        earlier = by_year[years[n - 1]][0] if n else None
        for report in by_year[year]:
            findings = check_pair(report, first) if report is not first else []
            if findings:
                rows += finding_rows(report.sha256, "crossyear", findings, related=first.sha256)
            if earlier is not None:
                offset = len(findings)
                # what `check --previous` runs: the tables, then the text-copying measure
                found = check_pair(report, earlier) + compare_text(report, earlier)
                rows += [(*r[:2], r[2] + offset, *r[3:])
                         for r in finding_rows(report.sha256, "crossyear", found, related=earlier.sha256)]
    return rows


_SECTION = {s.number: s for s in SECTIONS}


def restore_text(report: Report, lines: str | None, sections: str | None) -> None:
    """Give a Report rebuilt from rows its stored text and section headings (for compare_text)."""
    report.lines = lines.split("\n") if lines else []
    report.sections = [Found(_SECTION[n], line, end, heading) for n, line, end, heading in json.loads(sections or "[]")
                       if n in _SECTION]


def _groups(con: duckdb.DuckDBPyConnection) -> Iterator[list[str]]:
    """The dirty bodies that have dated current reports, in body order, in groups of about
    REPORTS_PER_PASS reports (a body is never split)."""
    rows = con.execute("""SELECT r.body_id, count(*) FROM current_reports r JOIN dirty_bodies USING (body_id)
                          WHERE r.year IS NOT NULL GROUP BY 1 ORDER BY 1""").fetchall()
    group: list[str] = []
    size = 0
    for body_id, n in rows:
        if group and size + n > REPORTS_PER_PASS:
            yield group
            group, size = [], 0
        group.append(body_id)
        size += n
    if group:
        yield group


def _stream(con: duckdb.DuckDBPyConnection, bodies: list[str]) -> Iterator[tuple[str, list[Report]]]:
    """(body_id, its current dated reports in ingest order) for each of `bodies`, one body in memory
    at a time: the report list is small, the cells are streamed in the same order alongside."""
    reports = con.cursor().execute(_REPORTS, [bodies])
    cells = con.cursor().execute(_CELLS, [bodies])
    def next_cells() -> Iterator[tuple]:
        while chunk := cells.fetchmany(20000):
            yield from chunk

    cell_rows = next_cells()
    carried: tuple | None = None
    current: list[Report] = []
    body: str | None = None
    while True:
        row = reports.fetchone()
        if row is None or row[0] != body:
            if body is not None:
                yield body, current
            if row is None:
                return
            body, current = row[0], []
        body_id, sha, path, fmt, encoding, organization, year, template, published, lines, sections = row
        report = report_from_rows((sha, path, fmt, encoding), (organization, year, template, published), [])
        restore_text(report, lines, sections)
        tables = report.tables
        while True:
            cell = carried if carried is not None else next(cell_rows, None)
            carried = None
            if cell is None or cell[0] != sha:
                carried = cell
                break
            _, t, r, c, value, read = cell
            tables.setdefault(t, {}).setdefault(r, {})[c] = Cell(value, "" if read else None)
        current.append(report)


def recheck_bodies(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute the cross-year findings of every dirty body; returns how many were written."""
    if not con.execute("SELECT count(*) FROM dirty_bodies").fetchone()[0]:
        return 0
    con.execute("BEGIN")
    con.execute("""DELETE FROM findings WHERE origin = 'crossyear' AND sha256 IN
                   (SELECT sha256 FROM reports JOIN dirty_bodies USING (body_id))""")
    con.execute("COMMIT")
    written = 0
    pending_bodies: list[str] = []
    pending_rows: list[tuple] = []

    def commit() -> None:
        nonlocal written
        con.execute("BEGIN")
        if pending_rows:
            appender = con.appender("findings")
            appender.append_rows(pending_rows)
            appender.flush()
        con.execute("DELETE FROM dirty_bodies WHERE body_id IN (SELECT unnest($1::VARCHAR[]))", [pending_bodies])
        con.execute("COMMIT")
        written += len(pending_rows)
        pending_bodies.clear()
        pending_rows.clear()

    for group in _groups(con):
        for body_id, reports in _stream(con, group):
            pending_rows.extend(pair_findings(reports))
            pending_bodies.append(body_id)
            if len(pending_bodies) >= BODIES_PER_COMMIT:
                commit()
    # and the bodies left, which have no dated current report: nothing to pair
    pending_bodies.extend(r[0] for r in con.execute("SELECT body_id FROM dirty_bodies").fetchall())
    commit()
    return written
