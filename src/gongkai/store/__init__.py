"""The corpus: many reports in one embedded DuckDB database, linked across years, ready to query.

`ingest` stores reports (parsed in worker processes, written by one writer, resumable);
`db.connect` opens the database; `export`, `stats` and the SQL views answer questions.
"""

from __future__ import annotations

from .db import StoreError, connect, db_path
from .ingest import Summary, ingest

__all__ = ["StoreError", "Summary", "connect", "db_path", "ingest"]
