"""The corpus database's tables, generated from the form definitions.

The table, row and column vocabulary of `cells` is three ENUM types built from `gongkai.forms`,
and `form_cells` lists every (template, table, row, column) the forms define with its labels: a
cell the forms do not know cannot be stored, and a form change shows up as a different schema
fingerprint (the database then asks to be rebuilt instead of silently mixing vocabularies).

Everything stored is a function of the ingested files and their order: report identity is the
source's sha256 and there are no timestamps, so an interrupted-and-resumed ingest gives exactly
the database an uninterrupted one gives.
"""

from __future__ import annotations

import hashlib
import json

from ..forms import ALL_FORMS, FORMS, TABLE_KEYS
from .metrics import views as metric_views

SCHEMA_VERSION = "1"

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
            format VARCHAR, size BIGINT, encoding VARCHAR)""",
        # every path a source was found at; a path whose bytes changed has a new version
        "CREATE TABLE source_paths (path VARCHAR, sha256 VARCHAR, version INTEGER, PRIMARY KEY (path, sha256))",
        """CREATE TABLE bodies (body_id VARCHAR PRIMARY KEY, name VARCHAR, province VARCHAR, city VARCHAR,
            county VARCHAR, code VARCHAR, level VARCHAR, kind VARCHAR)""",
        """CREATE TABLE reports (sha256 VARCHAR PRIMARY KEY, organization VARCHAR, body_id VARCHAR,
            year INTEGER, template template_key, published DATE, errors INTEGER, warnings INTEGER,
            infos INTEGER, meta_sources VARCHAR)""",
        """CREATE TABLE cells (sha256 VARCHAR, tbl table_key, row row_key, col col_key, value DOUBLE,
            printed VARCHAR, line INTEGER, row_label VARCHAR, row_line INTEGER, column_label VARCHAR)""",
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
        *metric_views(),
    ]


def fingerprint() -> str:
    """Changes whenever the generated schema or the form vocabulary does."""
    text = json.dumps([SCHEMA_VERSION, ddl(), form_cells()], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
