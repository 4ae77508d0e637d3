"""The corpus: many reports in one embedded DuckDB database, linked across years, ready to query.

`ingest` stores reports (parsed in worker processes, written by one writer, resumable);
`connect` opens the database; `export`, `stats` and the SQL views answer questions. Imports are
lazy: the worker processes load `store.worker` and must not pay for (or hold) DuckDB.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {"StoreError": "db", "connect": "db", "db_path": "db", "Summary": "pipeline", "ingest": "pipeline"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(name)
