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

from ..api import check_size, parse_bytes, read_input
from ..errors import InputError
from .gazetteer import divisions
from .records import Failure, Record, to_record

Task = tuple[str, str | None, int | None]  # path, sha256 and size as the writer saw them


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
    path, sha, size = task
    try:
        data = read_input(path)
        report = parse_bytes(data, path)
    except InputError as e:
        return Failure(path, sha, size, "input", str(e))
    except Exception as e:  # noqa: BLE001 - one bad file never stops a batch
        return Failure(path, sha, size, "internal", f"内部错误：{type(e).__name__}: {e}")
    return to_record(report, len(data), data)


def parse_data(name: str, data: bytes) -> Record | Failure:
    """Parse one uploaded file's bytes, as `parse_one` parses a file (the web's upload worker)."""
    try:
        check_size(len(data))
        report = parse_bytes(data, name)
    except InputError as e:
        return Failure(name, hashlib.sha256(data).hexdigest(), len(data), "input", str(e))
    except Exception as e:  # noqa: BLE001 - one bad file never stops a batch
        return Failure(name, hashlib.sha256(data).hexdigest(), len(data), "internal",
                       f"内部错误：{type(e).__name__}: {e}")
    return to_record(report, len(data), data)


def parse_chunk(tasks: list[Task]) -> list[Record | Failure]:
    return [parse_one(t) for t in tasks]
