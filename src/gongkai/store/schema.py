"""The corpus database's tables, generated from the form definitions.

The table, row and column vocabulary of `cells` is three ENUM types built from `gongkai.forms`,
and `form_cells` lists every (template, table, row, column) the forms define with its labels: a
cell the forms do not know cannot be stored, and a form change shows up as a different schema
fingerprint (the database then asks to be rebuilt instead of silently mixing vocabularies).

Everything ingest stores is a function of the ingested files and their order: report identity
is the source's sha256 and there are no timestamps, so an interrupted-and-resumed ingest gives
exactly the database an uninterrupted one gives. The only timestamps are a download's fetch time
and a reviewer's actions (`review_actions`, kept beside the parse, never over it).

Version 2 (the review workspace) added what the web pages show: the original bytes (`originals`,
so a page can re-read the report and draw its PDF pages), the narrative figures, quality scores,
section headings and normalised text (`report_texts`), each cell's PDF page and box or source
table position, the source URL and fetch time, and the reviewers' actions. A version-1 database
is refused with a message saying how to rebuild it (its reports lack the bytes and texts).
"""

from __future__ import annotations

import hashlib
import json

from ..forms import ALL_FORMS, FORMS, TABLE_KEYS
from .metrics import views as metric_views

SCHEMA_VERSION = "2"

# Templates a report can have: the forms, plus the reader's verdicts for reports without one.
TEMPLATES: tuple[str, ...] = (*FORMS, "legacy", "unknown")


def _enum(values: list[str]) -> str:
    return "ENUM (" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def form_cells() -> list[tuple]:
    """(template, table, row, column, position, table label, row label, row name, column label,
    column name, kind, unit) for every cell the forms define, in printed order."""
    out = []
    for form in ALL_FORMS.values():  # the legacy 附表 too: its cells are stored like any other
        position = 0
        for table in form.tables:
            for row in table.rows:
                for col_key in table.row_columns(row):
                    col = table.column(col_key)
                    position += 1
                    out.append((form.key, table.key, row.key, col.key, position, f"表{table.number} {table.title}",
                                row.label, row.name, col.label, col.name, col.kind, col.unit))
    return out


def vocabulary() -> tuple[list[str], list[str], list[str]]:
    """(tables, rows, columns) in first-defined order across the forms."""
    cells = form_cells()
    tables = list(dict.fromkeys([*TABLE_KEYS, *(c[1] for c in cells)]))
    rows = list(dict.fromkeys(c[2] for c in cells))
    cols = list(dict.fromkeys(c[3] for c in cells))
    return tables, rows, cols


def ddl() -> list[str]:
    tables, rows, cols = vocabulary()
    return [
        f"CREATE TYPE template_key AS {_enum(list(TEMPLATES))}",
        f"CREATE TYPE table_key AS {_enum(tables)}",
        f"CREATE TYPE row_key AS {_enum(rows)}",
        f"CREATE TYPE col_key AS {_enum(cols)}",
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE form_cells (template template_key, tbl table_key, row row_key, col col_key,
            position INTEGER, table_label VARCHAR, row_label VARCHAR, row_name VARCHAR, column_label VARCHAR,
            column_name VARCHAR, kind VARCHAR, unit VARCHAR, PRIMARY KEY (template, tbl, row, col))""",
        """CREATE TABLE sources (sha256 VARCHAR PRIMARY KEY, seq BIGINT NOT NULL, path VARCHAR NOT NULL,
            format VARCHAR, size BIGINT, encoding VARCHAR, url VARCHAR, fetched_at TIMESTAMP)""",
        # every path a source was found at; a path whose bytes changed has a new version
        "CREATE TABLE source_paths (path VARCHAR, sha256 VARCHAR, version INTEGER, PRIMARY KEY (path, sha256))",
        """CREATE TABLE bodies (body_id VARCHAR PRIMARY KEY, name VARCHAR, province VARCHAR, city VARCHAR,
            county VARCHAR, code VARCHAR, level VARCHAR, kind VARCHAR)""",
        """CREATE TABLE reports (sha256 VARCHAR PRIMARY KEY, organization VARCHAR, body_id VARCHAR,
            year INTEGER, template template_key, published DATE, errors INTEGER, warnings INTEGER,
            infos INTEGER, meta_sources VARCHAR, quality DOUBLE)""",
        """CREATE TABLE cells (sha256 VARCHAR, tbl table_key, row row_key, col col_key, value DOUBLE,
            printed VARCHAR, line INTEGER, row_label VARCHAR, row_line INTEGER, column_label VARCHAR,
            page INTEGER, bbox DOUBLE[], grid INTEGER[])""",
        # JSON texts: narrative = {"figures", "provenance", "other"}; quality = the four scores;
        # sections = [[number, line, end, heading]]; lines = the normalised text, one line per line
        """CREATE TABLE report_texts (sha256 VARCHAR PRIMARY KEY, narrative JSON, quality JSON,
            sections JSON, lines VARCHAR)""",
        # the file as received (capped by the reader's input cap), for re-reading and page images
        "CREATE TABLE originals (sha256 VARCHAR PRIMARY KEY, data BLOB)",
        # a reviewer's actions, appended only: kind finding (state confirmed/dismissed, target = finding
        # key), cell (state corrected, target = table.row.col, old → new), published (a date the user
        # supplies), undo (undoes = the id undone)
        """CREATE TABLE review_actions (id BIGINT PRIMARY KEY, sha256 VARCHAR, kind VARCHAR, target VARCHAR,
            state VARCHAR, note VARCHAR, old_value VARCHAR, new_value VARCHAR, who VARCHAR, acted_at TIMESTAMP,
            undoes BIGINT)""",
        # origin: 'report' (the report's own checks) or 'crossyear' (against related_sha256)
        """CREATE TABLE findings (sha256 VARCHAR, origin VARCHAR, ordinal INTEGER, rule VARCHAR,
            severity VARCHAR, message VARCHAR, cells VARCHAR[], related_sha256 VARCHAR)""",
        """CREATE TABLE failures (path VARCHAR PRIMARY KEY, sha256 VARCHAR, size BIGINT, kind VARCHAR,
            reason VARCHAR)""",
        # bodies whose cross-year findings must be recomputed (set in the same transaction as a report)
        "CREATE TABLE dirty_bodies (body_id VARCHAR PRIMARY KEY)",
        # current = the latest version at some path (an older version of a changed file is not)
        """CREATE VIEW current_reports AS SELECT r.* FROM reports r WHERE EXISTS (
            SELECT 1 FROM source_paths p WHERE p.sha256 = r.sha256
            AND p.version = (SELECT max(q.version) FROM source_paths q WHERE q.path = p.path))""",
        # the narrative figures one per row (a pre-2019 report's only data), for SQL and stats
        """CREATE VIEW narrative_figures AS SELECT t.sha256, j.key AS figure, TRY_CAST(j.value AS DOUBLE) AS value
            FROM report_texts t, json_each(t.narrative -> 'figures') j
            WHERE json_type(j.value) IN ('UBIGINT', 'BIGINT', 'DOUBLE')""",
        # the corrections in force: each cell's latest correction not undone (`export --values corrected`)
        """CREATE VIEW cell_corrections AS SELECT a.sha256, split_part(a.target, '.', 1) AS tbl,
            split_part(a.target, '.', 2) AS row, split_part(a.target, '.', 3) AS col,
            TRY_CAST(nullif(a.new_value, '') AS DOUBLE) AS value, a.old_value, a.new_value, a.note, a.who, a.acted_at
            FROM review_actions a WHERE a.kind = 'cell'
            AND NOT EXISTS (SELECT 1 FROM review_actions u WHERE u.kind = 'undo' AND u.undoes = a.id)
            QUALIFY row_number() OVER (PARTITION BY a.sha256, a.target ORDER BY a.id DESC) = 1""",
        *metric_views(),
    ]


def fingerprint() -> str:
    """Changes whenever the generated schema or the form vocabulary does."""
    text = json.dumps([SCHEMA_VERSION, ddl(), form_cells()], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
