"""One row per current report with everything the corpus lists and aggregates filter on.

`REPORTS_SQL` joins the current reports with their source, body, per-report rates
(report_metrics) and the two flags the lists need (has_error: an error of its own or from the
cross-year checks; late: a D-1 finding). `reports_source(con)` answers with a table holding
exactly that query's result, materialised once per store state in an in-memory database
attached to the connection (`gk_cache`), so a 100,000-report list page is a scan of one small
table instead of the views' joins and the metrics' aggregation over every cell. The cache is
rebuilt whenever the store's sources or findings change; where it cannot be attached the query
itself is used, so both ways give the same rows.
"""

from __future__ import annotations

import threading

import duckdb

from .metrics import RATES

REPORTS_SQL = f"""
SELECT r.sha256, r.organization, r.body_id, r.year, CAST(r.template AS VARCHAR) AS template, r.published,
       r.errors, r.warnings, s.seq, s.path, b.name, b.province, b.city, b.county, b.level, b.kind,
       r.errors > 0 OR EXISTS (SELECT 1 FROM findings f WHERE f.sha256 = r.sha256 AND f.origin = 'crossyear'
                               AND f.severity = 'error') AS has_error,
       EXISTS (SELECT 1 FROM findings f WHERE f.sha256 = r.sha256 AND f.rule = 'D-1') AS late,
       {", ".join(f"m.{name}" for name, _, _ in RATES)}
FROM current_reports r JOIN sources s ON s.sha256 = r.sha256 LEFT JOIN bodies b ON b.body_id = r.body_id
LEFT JOIN report_metrics m ON m.sha256 = r.sha256"""

# the store's state (a cache built at another state is stale), whether the cache database is
# attached, and which database instance this is
_STATE = """SELECT (SELECT count(*) FROM sources), (SELECT max(seq) FROM sources), (SELECT count(*) FROM findings),
    (SELECT coalesce(sum(ordinal), 0) FROM findings), (SELECT count(*) FROM source_paths), (SELECT count(*) FROM bodies),
    (SELECT count(*) FROM duckdb_databases() WHERE database_name = 'gk_cache'),
    (SELECT path FROM duckdb_databases() WHERE database_name = current_database())"""
_lock = threading.Lock()
_built: dict[int, tuple] = {}  # the database file → the state its cache was built at


def reports_source(con: duckdb.DuckDBPyConnection) -> str:
    """A table expression (for `FROM … r`) with REPORTS_SQL's rows for the store as it is now."""
    try:
        *state, attached, path = con.execute(_STATE).fetchone()
        key = hash(path)
        with _lock:
            if not attached or _built.get(key) != tuple(state):
                if not attached:
                    con.execute("ATTACH ':memory:' AS gk_cache")
                con.execute(f"CREATE OR REPLACE TABLE gk_cache.reports AS {REPORTS_SQL}")
                _built[key] = tuple(state)
        return "gk_cache.reports"
    except duckdb.Error:
        return f"({REPORTS_SQL})"
