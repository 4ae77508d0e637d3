"""What an ingest worker process does: parse a chunk of files into rows for the writer.

Workers never touch the database (only the writer does), so a worker that dies takes nothing
with it; the writer records the files it held as failed and carries on.
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time

from ..api import check_size, parse_bytes, read_input_file
from ..errors import InputError, NotAReport
from .gazetteer import divisions
from .records import NOT_A_REPORT, Failure, Record, to_record

Task = tuple  # (path, sha256, size) as the writer saw them, and a manifest row (api.Metadata) when one applies


def _exit_when_orphaned(parent: int) -> None:
    """A worker whose parent was killed (kill -9 of the ingest) would wait for work forever."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def init_worker() -> None:
    """Process initializer: orphan watchdog, gazetteer loaded once, collector kept off the imports."""
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    divisions()
    gc.freeze()


def parse_one(task: Task) -> Record | Failure:
    """Parse one file; every problem becomes a Failure with its reason, never an exception."""
    path, sha, size = task[:3]
    meta = task[3] if len(task) > 3 else None
    try:
        data = read_input_file(path)
        report = parse_bytes(data, path, meta=meta)
    except NotAReport as e:  # read fine, but not a report: skipped, not failed
        return Failure(path, sha, size, NOT_A_REPORT, str(e))
    except InputError as e:
        return Failure(path, sha, size, "input", str(e))
    except Exception as e:  # noqa: BLE001 - one bad file never stops a batch
        return Failure(path, sha, size, "internal", f"内部错误：{type(e).__name__}: {e}"[:500])
    return _record(report, data, path, sha)


def parse_data(name: str, data: bytes) -> Record | Failure:
    """Parse one uploaded file's bytes, as `parse_one` parses a file (the web's upload worker)."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        check_size(len(data))
        report = parse_bytes(data, name)
    except InputError as e:
        return Failure(name, sha, len(data), "input", str(e))
    except Exception as e:  # noqa: BLE001 - one bad file never stops a batch
        return Failure(name, sha, len(data), "internal", f"内部错误：{type(e).__name__}: {e}"[:500])
    return _record(report, data, name, sha)


def _record(report, data: bytes, path: str, sha: str | None) -> Record | Failure:  # type: ignore[no-untyped-def]
    """The report as database rows; a report that cannot become rows fails alone, not the run."""
    try:
        return to_record(report, len(data), data)
    except Exception as e:  # noqa: BLE001
        return Failure(path, sha, len(data), "internal", f"内部错误（转换为数据库记录时）：{type(e).__name__}: {e}"[:500])


def parse_chunk(tasks: list[Task]) -> list[Record | Failure]:
    return [parse_one(t) for t in tasks]
