"""Ingest: report files → parsed in worker processes → one writer → the corpus database.

The writer (this process) walks the input files in a fixed order, hashes each one and decides:
already stored (skip), stored under another path or as an older version of this one (record the
path only), or new (send it to a worker). Workers parse in parallel; the writer takes their
results back *in input order* and appends them, committing a small batch of complete reports per
transaction. Because the order is fixed and report identity is the sha256, a run that is killed
at any moment and rerun stores exactly what an uninterrupted run stores: committed reports are
skipped, an uncommitted batch was never there.

After the files, the cross-year pass (`store/crossyear.py`) rechecks every body that gained or
lost a report.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..api import Metadata, report_files, skip_reason
from .crossyear import recheck_bodies
from .db import StoreError, connect, describe, environment_error
from .records import NOT_A_REPORT, Failure, Record
from .worker import Task, init_worker, parse_chunk

CHUNK = 16  # files per worker task: big enough to amortise the round trip, small enough to balance
PLAN_BLOCK = 2000  # files hashed and looked up in the database at a time
BATCH_REPORTS = 200  # reports per transaction at most …
BATCH_SECONDS = 1.0  # … and at least one commit this often


@dataclass
class Summary:
    """What one ingest run did."""

    files: int = 0
    added: int = 0
    versions: int = 0  # of `added`, new versions of files whose bytes changed
    known: int = 0  # already stored (or already failed with these bytes): nothing to do
    paths: int = 0  # stored bytes found at another path: the path was recorded
    failed: int = 0
    crossyear: int = 0  # cross-year findings written by the pass after the files
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): clearly not reports


@dataclass(slots=True)
class _Item:
    """One input file and what to do with it: skip, path (record the path only) or parse."""

    path: str
    sha256: str | None
    size: int | None
    action: str
    revisit: bool = False  # this path had these very bytes before (then other bytes)
    result: Record | Failure | None = None
    meta: Metadata | None = None  # the manifest's row for this file
    skipped: str | None = None  # known from an earlier run not to be a report: why


def _task(item: _Item) -> Task:
    return (item.path, item.sha256, item.size) + ((item.meta,) if item.meta is not None else ())


def input_files(paths: list[Path], skipped: list[tuple[str, str]] | None = None) -> list[str]:
    """Absolute paths of the files named or found under directories, in a stable order.

    A file found in a directory that is clearly not a report (`api.skip_reason`: an archive, a
    program, media) is left out and added to `skipped` with the reason; a file named is always tried.
    """
    out: dict[str, None] = {}
    for p in paths:
        found = report_files(p) if p.is_dir() else [p]
        for f in found:
            reason = skip_reason(f) if p.is_dir() else None
            if reason is not None:
                if skipped is not None:
                    skipped.append((str(f), reason))
                continue
            out.setdefault(str(f.resolve()), None)
    return list(out)


def _hash(path: str) -> tuple[str | None, int | None]:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None, None  # a FIFO would block, /dev/zero never end: the worker's read says why
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest(), os.fstat(f.fileno()).st_size
    except OSError:
        return None, None  # the worker's read gives the reason in words


def _plan(con: duckdb.DuckDBPyConnection, files: list[str], retry_failed: bool) -> Iterator[_Item]:
    for start in range(0, len(files), PLAN_BLOCK):
        block = files[start:start + PLAN_BLOCK]
        hashed = [(p, *_hash(p)) for p in block]
        shas = [s for _, s, _ in hashed if s]
        stored = {r[0] for r in con.execute(
            "SELECT sha256 FROM sources WHERE sha256 IN (SELECT unnest($1::VARCHAR[]))", [shas]).fetchall()}
        versions: dict[str, dict[str, int]] = {}
        for path, sha, version in con.execute(
                "SELECT path, sha256, version FROM source_paths WHERE path IN (SELECT unnest($1::VARCHAR[]))",
                [block]).fetchall():
            versions.setdefault(path, {})[sha] = version
        failed, not_reports = {}, {}
        for path, sha, kind, reason in con.execute(
                "SELECT path, sha256, kind, reason FROM failures WHERE path IN (SELECT unnest($1::VARCHAR[]))",
                [block]).fetchall():
            failed[path] = sha
            if kind == NOT_A_REPORT:
                not_reports[path] = reason
        for path, sha, size in hashed:
            if sha is not None and sha in stored:
                seen = versions.get(path, {})
                latest = seen.get(sha) is not None and seen[sha] == max(seen.values())
                yield _Item(path, sha, size, "skip" if latest else "path", revisit=sha in seen)
            elif sha is not None and failed.get(path) == sha and not retry_failed:
                yield _Item(path, sha, size, "skip", skipped=not_reports.get(path))
            else:
                yield _Item(path, sha, size, "parse")


def default_jobs() -> int:
    """All the cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


Progress = Callable[[str, int, int], None]  # (stage, done, total)


class _Writer:
    """Appends results in order and commits them in batches; the only process writing the database."""

    def __init__(self, con: duckdb.DuckDBPyConnection, summary: Summary, progress: Progress) -> None:
        self.con = con
        self.summary = summary
        self.progress = progress
        self.seq = con.execute("SELECT coalesce(max(seq), 0) FROM sources").fetchone()[0]
        self.bodies = {r[0] for r in con.execute("SELECT body_id FROM bodies").fetchall()}
        self.stored: set[str] = set()  # sha256 committed by this run (a file found twice in one run)
        self.pending: list[_Item] = []
        self.last_commit = time.monotonic()

    def add(self, item: _Item) -> None:
        if item.action == "skip":
            if item.skipped is not None:
                self.summary.skipped.append((item.path, item.skipped))
            else:
                self.summary.known += 1
            return
        self.pending.append(item)
        if len(self.pending) >= BATCH_REPORTS or time.monotonic() - self.last_commit > BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Commit the pending items in one transaction; if that fails, one by one, so that only the
        item that cannot be written becomes a failure."""
        if not self.pending:
            return
        items, self.pending = self.pending, []
        try:
            self._commit(items)
        except (duckdb.Error, ValueError, TypeError, OverflowError) as e:  # a row the database refuses
            if environment_error(e):
                raise  # a full disk or a broken file is no report's fault: stop, blame no file
            self.con.execute("ROLLBACK")
            for item in items:
                try:
                    self._commit([item])
                except (duckdb.Error, ValueError, TypeError, OverflowError) as e:
                    if environment_error(e):
                        raise
                    self.con.execute("ROLLBACK")
                    item.result = Failure(item.path, item.sha256, item.size, "internal", f"写入数据库失败：{e}"[:500])
                    item.action = "parse"
                    self._commit([item])
        self.last_commit = time.monotonic()

    def _commit(self, items: list[_Item]) -> None:
        con = self.con
        con.execute("BEGIN")
        seq, stored, new_bodies = self.seq, set(), set()
        sources, reports, cells, findings, bodies, paths, revisits, failures, done, dirty, moved = (
            [] for _ in range(11))
        texts: list[tuple] = []
        originals: list[tuple] = []
        versions = self._versions([i.path for i in items])
        counts = {"added": 0, "versions": 0, "paths": 0, "failed": 0}
        for item in items:
            result = item.result
            if isinstance(result, Failure):
                failures.append((result.path, result.sha256, result.size, result.kind, result.reason))
                counts["failed"] += result.kind != NOT_A_REPORT
                continue
            sha = result.sha256 if isinstance(result, Record) else item.sha256
            version = versions.get(item.path, 0) + 1
            versions[item.path] = version
            if item.revisit:
                revisits.append((version, item.path, sha))
            else:
                paths.append((item.path, sha, version))
            done.append(item.path)
            if version > 1:
                moved.append(item.path)  # the older version here is no longer current: its body changes
            if isinstance(result, Record) and sha not in self.stored and sha not in stored \
                    and (sha == item.sha256 or not self._in_db(sha)):  # changed since planned: look again
                seq += 1
                stored.add(sha)
                sources.append(result.source_row(seq))
                reports.append(result.report)
                if result.texts is not None:
                    texts.append(result.texts)
                if result.original is not None:
                    originals.append((sha, result.original))
                cells.extend(result.cells)
                findings.extend(result.findings)
                if result.body is not None:
                    dirty.append(result.body.body_id)
                    if result.body.body_id not in self.bodies and result.body.body_id not in new_bodies:
                        new_bodies.add(result.body.body_id)
                        bodies.append(result.body.row())
                counts["added"] += 1
                counts["versions"] += version > 1
            else:
                counts["paths"] += 1
                moved.append(item.path)
        for table, rows in (("sources", sources), ("reports", reports), ("cells", cells),
                            ("findings", findings), ("bodies", bodies), ("report_texts", texts),
                            ("originals", originals)):
            self._append(table, rows)
        self._append("source_paths", paths)
        if revisits:  # a path found again with bytes it had before: that version becomes the latest
            con.executemany("UPDATE source_paths SET version = ? WHERE path = ? AND sha256 = ?", revisits)
        if done:
            con.execute("DELETE FROM failures WHERE path IN (SELECT unnest($1::VARCHAR[]))", [done])
        if failures:
            con.executemany("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?)", failures)
        if moved:  # every body with a report at these paths, before and after
            con.execute("""INSERT OR IGNORE INTO dirty_bodies SELECT DISTINCT r.body_id FROM source_paths p
                           JOIN reports r USING (sha256) WHERE p.path IN (SELECT unnest($1::VARCHAR[]))
                           AND r.body_id IS NOT NULL""", [moved])
        if dirty:
            con.execute("INSERT OR IGNORE INTO dirty_bodies SELECT DISTINCT unnest($1::VARCHAR[])", [dirty])
        con.execute("COMMIT")
        # only now is the batch part of the database
        self.seq = seq
        self.stored |= stored
        self.bodies |= new_bodies
        for key, n in counts.items():
            setattr(self.summary, key, getattr(self.summary, key) + n)
        self.summary.failures += [i.result for i in items if isinstance(i.result, Failure)
                                  and i.result.kind != NOT_A_REPORT]
        self.summary.skipped += [(i.result.path, i.result.reason) for i in items if isinstance(i.result, Failure)
                                 and i.result.kind == NOT_A_REPORT]
        self.progress("commit", self.summary.added, self.summary.files)

    def _append(self, table: str, rows: list[tuple]) -> None:
        if rows:
            appender = self.con.appender(table)
            appender.append_rows(rows)
            appender.flush()

    def _versions(self, paths: list[str]) -> dict[str, int]:
        return dict(self.con.execute(
            "SELECT path, max(version) FROM source_paths WHERE path IN (SELECT unnest($1::VARCHAR[])) GROUP BY path",
            [paths]).fetchall())

    def _in_db(self, sha: str) -> bool:
        return self.con.execute("SELECT count(*) FROM sources WHERE sha256 = ?", [sha]).fetchone()[0] > 0


def _executor(jobs: int) -> ProcessPoolExecutor:
    # spawn, not fork: the writer holds a DuckDB connection and threads that a fork would copy
    # mid-state; and the workers are the writer's own children, so they can tell when it is gone.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=init_worker)


def ingest(paths: list[Path], db: Path, jobs: int | None = None, progress: Progress | None = None,
           retry_failed: bool = False, chunk_fn: Callable[[list[Task]], list] = parse_chunk,
           manifest: dict[str, Metadata] | None = None) -> Summary:
    """Ingest the report files under `paths` into the database at `db`; returns what was done.

    `chunk_fn` parses a list of tasks in a worker (a parameter so that tests can make a worker die).
    """
    try:
        return _ingest(paths, db, jobs, progress, retry_failed, chunk_fn, manifest)
    except (duckdb.Error, OSError) as e:  # the disk filled up, the directory is read-only, the file broke
        raise StoreError(describe(e, db)) from None


def _ingest(paths: list[Path], db: Path, jobs: int | None, progress: Progress | None, retry_failed: bool,
            chunk_fn: Callable[[list[Task]], list], manifest: dict[str, Metadata] | None) -> Summary:
    started = time.monotonic()
    jobs = max(1, jobs or default_jobs())
    skipped: list[tuple[str, str]] = []
    files = input_files(paths, skipped)
    summary = Summary(files=len(files), skipped=skipped)
    report = progress or (lambda stage, done, total: None)
    con = connect(db)
    executor = _executor(jobs)
    try:
        writer = _Writer(con, summary, report)
        done = 0
        window: deque[tuple[list[_Item], Future | None]] = deque()
        plan = _plan(con, files, retry_failed)
        report("files", 0, len(files))

        def submit() -> None:
            """Keep every worker busy: up to 8 chunks each in flight (read in order as they finish)."""
            while sum(f is not None for _, f in window) < jobs * 8:
                items: list[_Item] = []
                for item in plan:
                    items.append(item)
                    if sum(i.action == "parse" for i in items) >= CHUNK or len(items) >= PLAN_BLOCK:
                        break
                if not items:
                    return
                for i in items:
                    i.meta = manifest.get(i.path) if manifest else None
                tasks = [_task(i) for i in items if i.action == "parse"]
                window.append((items, _submit(executor, chunk_fn, tasks) if tasks else None))

        submit()
        while window:
            items, future = window.popleft()
            if future is not None:
                try:
                    results = future.result()
                except BrokenProcessPool:
                    executor, results = _recover(executor, jobs, items, window, chunk_fn)
                except Exception as e:  # noqa: BLE001 - a chunk that raised: its files fail, the run goes on
                    results = [Failure(i.path, i.sha256, i.size, "internal",
                                       f"内部错误：{type(e).__name__}: {e}"[:500]) for i in items if i.action == "parse"]
                parsed = iter(results)
                for item in items:
                    if item.action == "parse":
                        item.result = next(parsed)
            for item in items:
                writer.add(item)
                done += 1
            report("files", done, len(files))
            submit()
        writer.flush()
        report("crossyear", 0, 0)
        summary.crossyear = recheck_bodies(con)
        con.execute("CHECKPOINT")
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        try:
            con.close()
        except duckdb.Error:
            pass  # closing after a failed write: the error that matters is already on its way
    summary.seconds = time.monotonic() - started
    return summary


def _submit(executor: ProcessPoolExecutor, chunk_fn: Callable[[list[Task]], list], tasks: list[Task]) -> Future:
    """Submit, turning a pool that broke meanwhile into a future that says so (handled in order)."""
    try:
        return executor.submit(chunk_fn, tasks)
    except BrokenProcessPool as e:
        future: Future = Future()
        future.set_exception(e)
        return future


def _recover(executor: ProcessPoolExecutor, jobs: int, items: list[_Item],
             window: deque[tuple[list[_Item], Future | None]],
             chunk_fn: Callable[[list[Task]], list]) -> tuple[ProcessPoolExecutor, list]:
    """A worker died (a crash in a C library, the OOM killer): find the file that kills it by parsing
    this chunk one file at a time, record it, and resubmit the chunks that were in flight."""
    executor.shutdown(wait=False, cancel_futures=True)
    executor = _executor(jobs)
    results: list = []
    for item in (i for i in items if i.action == "parse"):
        try:
            results += executor.submit(chunk_fn, [_task(item)]).result()
        except BrokenProcessPool:
            results.append(Failure(item.path, item.sha256, item.size, "crash", "解析进程异常退出（可能是文件触发了底层库崩溃）"))
            executor.shutdown(wait=False, cancel_futures=True)
            executor = _executor(jobs)
    for n, (other, _) in enumerate(window):
        tasks = [_task(i) for i in other if i.action == "parse"]
        window[n] = (other, _submit(executor, chunk_fn, tasks) if tasks else None)
    return executor, results
