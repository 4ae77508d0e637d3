"""Storing uploaded files exactly as `gongkai ingest` stores files found on disk.

The web server receives bytes, not paths: each upload is parsed by `worker.parse_data` (in worker
processes) and the results go through the ingest writer (`pipeline._Writer`) under the virtual
path `上传/<name>`, so identity (sha256), versions, failures and the cross-year pass are the
ingest's own. Nothing is written to the filesystem.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb

from .crossyear import recheck_bodies
from .pipeline import Summary, _Item, _Writer
from .records import Failure, Record

UPLOAD_PREFIX = "上传/"


@dataclass(slots=True)
class Stored:
    """What became of one uploaded file (the JSON API's entry)."""

    name: str
    sha256: str
    status: str  # stored / exists / failed
    reason: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"name": self.name, "sha256": self.sha256, "status": self.status, "reason": self.reason}


def upload_path(name: str) -> str:
    return UPLOAD_PREFIX + name


def known(con: duckdb.DuckDBPyConnection, data: bytes) -> str | None:
    """The sha256 of `data` when it is already stored."""
    sha = hashlib.sha256(data).hexdigest()
    hit = con.execute("SELECT 1 FROM sources WHERE sha256 = ?", [sha]).fetchone()
    return sha if hit else None


def store_results(con: duckdb.DuckDBPyConnection, results: list[tuple[str, str, Record | Failure | None]],
                  crossyear: bool = True) -> list[Stored]:
    """Store (name, sha256, result) triples in one ingest writer run; a None result means the bytes
    were already stored. Returns one Stored per triple, in order. `crossyear=False` leaves the
    cross-year pass to a later call (`recheck_bodies`), as a batch stored file by file does."""
    summary = Summary(files=len(results))
    writer = _Writer(con, summary, lambda *_: None)
    out: list[Stored] = []
    seen: set[str] = set()
    for name, sha, result in results:
        path = upload_path(name)
        if result is None or sha in seen:
            out.append(Stored(name, sha, "exists"))
            continue
        seen.add(sha)
        if isinstance(result, Failure):
            result.path = path
            out.append(Stored(name, sha, "failed", result.reason))
        else:
            result.path = path  # sources.path: the virtual upload path
            out.append(Stored(name, result.sha256, "stored"))
        size = result.size
        writer.add(_Item(path, sha, size, "parse", result=result))
    writer.flush()
    if crossyear:
        recheck_bodies(con)
    return out
