"""The cross-year pass over the corpus: `check_pair` for every linked pair of a changed body.

A body is marked dirty in the same transaction that stores one of its reports. The pass first
drops the cross-year findings of every dirty body, then streams the bodies' current reports
(ordered by body and ingest order), pairs them and writes the findings, clearing each body in the
transaction that writes its findings. Killed halfway, the next run redoes exactly the bodies
still marked, so the result never depends on where a run stopped.

Pairs, for each body: every report with the first-ingested report of its year when it is not
that report (X-4), and every report with the first-ingested report of the nearest earlier year
present (X-1, T2-3, T2-4 when that year is the one before; Q-DUP-1 at any distance).
"""

from __future__ import annotations

from itertools import groupby

import duckdb

from ..check.crossyear import check_pair
from ..model import Report
from .records import finding_rows, report_from_rows

BODIES_PER_COMMIT = 200

_STREAM = """
SELECT r.body_id, s.seq, r.sha256, s.path, s.format, s.encoding, r.organization, r.year, r.template, r.published,
       c.tbl, c.row, c.col, c.value, c.printed, c.line, c.row_label, c.row_line, c.column_label
FROM current_reports r JOIN dirty_bodies d USING (body_id) JOIN sources s USING (sha256)
LEFT JOIN cells c USING (sha256)
WHERE r.year IS NOT NULL
ORDER BY r.body_id, s.seq"""


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
                found = check_pair(report, earlier)
                rows += [(*r[:2], r[2] + offset, *r[3:])
                         for r in finding_rows(report.sha256, "crossyear", found, related=earlier.sha256)]
    return rows


def _reports(rows: list[tuple]) -> list[Report]:
    out = []
    for _, group in groupby(rows, key=lambda r: r[2]):
        group = list(group)
        _, _, sha, path, fmt, encoding, organization, year, template, published = group[0][:10]
        cells = [r[10:] for r in group if r[10] is not None]
        out.append(report_from_rows((sha, path, fmt, encoding), (organization, year, template, published), cells))
    return out


def recheck_bodies(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute the cross-year findings of every dirty body; returns how many were written."""
    if not con.execute("SELECT count(*) FROM dirty_bodies").fetchone()[0]:
        return 0
    con.execute("BEGIN")
    con.execute("""DELETE FROM findings WHERE origin = 'crossyear' AND sha256 IN
                   (SELECT sha256 FROM reports JOIN dirty_bodies USING (body_id))""")
    con.execute("COMMIT")
    reader = con.cursor()
    reader.execute(_STREAM)
    written = 0
    pending_bodies: list[str] = []
    pending_rows: list[tuple] = []
    carry: list[tuple] = []

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

    while True:
        chunk = reader.fetchmany(20000)
        rows = carry + chunk
        if not rows:
            break
        # the last body of a chunk may continue in the next one
        last = rows[-1][0]
        complete = [r for r in rows if r[0] != last] if chunk else rows
        carry = [r for r in rows if r[0] == last] if chunk else []
        for body_id, group in groupby(complete, key=lambda r: r[0]):
            pending_rows.extend(pair_findings(_reports(list(group))))
            pending_bodies.append(body_id)
            if len(pending_bodies) >= BODIES_PER_COMMIT:
                commit()
    reader.close()
    # and the bodies left, which have no dated current report: nothing to pair
    pending_bodies.extend(r[0] for r in con.execute("SELECT body_id FROM dirty_bodies").fetchall())
    commit()
    return written
