"""The review workspace's state: the database the server owns, upload batches and worker processes.

Everything the pages and the JSON API do goes through here, and everything here calls the
library: `store` (the ingest writer, SQL), `review` (actions, corrected reports, opinions), `api`
(parsing). The server holds the only connection to the database file (a CLI `ingest` on the same
file is told so in one line); each request works on its own cursor, writes take one lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import threading
import uuid
import zipfile
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from ..api import MAX_BYTES, parse_bytes
from ..errors import InputError
from ..model import Report
from ..review import Review, load_review, reviewed_report
from ..store.db import connect
from ..store.sql import lock_down, run_query
from ..store.records import Failure, Record, to_record
from ..store.uploads import Stored, known, store_results
from ..store.crossyear import recheck_bodies

MAX_FILES = 200  # files per batch (zip members included)
MAX_ZIP_MEMBERS = 500
MAX_UNPACKED = 512 * 1024 * 1024  # all members of the zips of one batch, unpacked
MAX_BATCH_BYTES = 512 * 1024 * 1024  # one upload request


class UploadError(ValueError):
    """An upload refused as a whole (too many files, too large); Chinese message."""


@dataclass
class Entry:
    """One file of a batch and how far it got: 等待 → 解析中 → 已入库 / 已有 / 失败."""

    name: str
    data: bytes | None
    sha256: str
    status: str = "waiting"  # waiting / parsing / stored / exists / failed
    reason: str | None = None
    report: dict[str, Any] | None = None  # organization, year, template, errors, warnings


@dataclass
class Batch:
    id: str
    entries: list[Entry]
    done: bool = False
    started: float = 0.0

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.status] = out.get(e.status, 0) + 1
        return out


def sniff_zip(data: bytes) -> bool:
    """A .zip of reports, not a Word/Excel file (which are zips with [Content_Types].xml)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "[Content_Types].xml" not in z.namelist()
    except zipfile.BadZipFile:
        return False


def expand_uploads(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes | None, str | None]]:
    """(name, bytes or None, reason when refused) for every uploaded file, zips unpacked in memory
    within the member and size caps. Raises UploadError when the batch as a whole is too big."""
    out: list[tuple[str, bytes | None, str | None]] = []
    unpacked = 0
    for name, data in files:
        if not sniff_zip(data):
            out.append((name, data, None))
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                members = [m for m in z.infolist() if not m.is_dir()]
                if len(members) > MAX_ZIP_MEMBERS:
                    out.append((name, None, f"压缩包内文件过多（{len(members)} 个，上限 {MAX_ZIP_MEMBERS}）"))
                    continue
                for m in members:
                    label = f"{name}/{m.filename}"
                    if m.file_size > MAX_BYTES:
                        out.append((label, None, f"文件过大（{m.file_size / 1048576:.1f} MB），超过 64 MB 上限"))
                        continue
                    unpacked += m.file_size
                    if unpacked > MAX_UNPACKED:
                        raise UploadError(f"压缩包解压后超过 {MAX_UNPACKED // 1048576} MB 上限")
                    with z.open(m) as f:
                        body = f.read(MAX_BYTES + 1)  # the header's size can lie
                    if len(body) > MAX_BYTES:
                        out.append((label, None, "文件过大，超过 64 MB 上限"))
                        continue
                    out.append((label, body, None))
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as e:
            out.append((name, None, f"无法解开压缩包（{e}）"))
    if len(out) > MAX_FILES:
        raise UploadError(f"一次最多上传 {MAX_FILES} 个文件（含压缩包内的文件），这次有 {len(out)} 个")
    return out


def _parse_in_worker(name: str, data: bytes) -> Record | Failure:
    from ..store.worker import parse_data

    return parse_data(name, data)


class Workspace:
    """The server's one database connection, its worker pool, its batches and a page cache."""

    def __init__(self, db: Path, jobs: int | None = None) -> None:
        self.db = db
        self.con = connect(db)
        lock_down(self.con)  # /api/sql: no files, no network, no settings changes
        self.write_lock = threading.Lock()
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self.batches: OrderedDict[str, Batch] = OrderedDict()
        self._cache: OrderedDict[tuple[str, tuple], tuple[Report, Report | None]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self.con.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    # --- parsing and storing -------------------------------------------------------------

    def pool(self) -> ProcessPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                import multiprocessing

                from ..store.pipeline import default_jobs
                from ..store.worker import init_worker

                self._pool = ProcessPoolExecutor(max_workers=self.jobs or default_jobs(),
                                                 mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=init_worker)
            return self._pool

    def _reset_pool(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    def new_batch(self, files: list[tuple[str, bytes]], url: str | None = None) -> Batch:
        """A batch of uploaded files (and a pasted URL), not yet parsed."""
        entries = []
        for name, data, reason in expand_uploads(files):
            sha = hashlib.sha256(data).hexdigest() if data is not None else ""
            entry = Entry(name[:200], data, sha)
            if reason:
                entry.status, entry.reason = "failed", reason
            entries.append(entry)
        if url:
            entries.append(Entry(url[:500], None, "", status="waiting"))
        batch = Batch(uuid.uuid4().hex[:12], entries)
        self.batches[batch.id] = batch
        while len(self.batches) > 50:
            self.batches.popitem(last=False)
        return batch

    def run_batch(self, batch: Batch) -> None:
        """Parse every waiting file in worker processes, storing each as it is parsed (as ingest)."""
        futures: list[tuple[Entry, Future]] = []
        for e in batch.entries:
            if e.status != "waiting":
                continue
            if e.data is None:  # a URL: fetched and read here
                self._run_url(e)
                continue
            with self.write_lock:
                stored = known(self.cursor(), e.data)
            if stored:
                self._finish(e, [(e.name, e.sha256, None)])
                continue
            e.status = "parsing"
            futures.append((e, self.pool().submit(_parse_in_worker, e.name, e.data)))
        for e, future in futures:
            try:
                result = future.result()
            except Exception as ex:  # noqa: BLE001 - a dead worker fails its file, not the batch
                result = Failure(e.name, e.sha256, len(e.data or b""), "crash", f"解析进程异常退出：{type(ex).__name__}")
                self._reset_pool()
            self._finish(e, [(e.name, e.sha256, result)])
        with self.write_lock:
            recheck_bodies(self.con)
        for e in batch.entries:
            e.data = None  # the bytes are in the database now (or refused)
        batch.done = True

    def _run_url(self, e: Entry) -> None:
        from ..fetch import fetch

        e.status = "parsing"
        try:
            fetched = fetch(e.name)
            report = parse_bytes(fetched.data, e.name)
            report.url = fetched.final_url
            record: Record | Failure = to_record(report, len(fetched.data), fetched.data)
            record.fetched_at = dt.datetime.now().replace(microsecond=0)  # type: ignore[union-attr]
            e.sha256 = report.sha256
        except InputError as ex:
            record = Failure(e.name, None, None, "input", str(ex))
        self._finish(e, [(e.name, e.sha256, record)])

    def _finish(self, e: Entry, triples: list[tuple[str, str, Record | Failure | None]]) -> None:
        name, sha, result = triples[0]
        with self.write_lock:
            if isinstance(result, Record) and self.cursor().execute(
                    "SELECT 1 FROM sources WHERE sha256 = ?", [result.sha256]).fetchone():
                triples = [(name, result.sha256, None)]  # the same bytes twice in one batch: stored once
            (stored,) = store_results(self.con, triples, crossyear=False)
        e.status, e.reason = stored.status, stored.reason
        if stored.sha256:
            e.sha256 = stored.sha256
        if stored.status in ("stored", "exists"):
            row = self.cursor().execute("SELECT organization, year, CAST(template AS VARCHAR), errors, warnings "
                                        "FROM reports WHERE sha256 = ?", [e.sha256]).fetchone()
            if row is not None:
                e.report = dict(zip(("organization", "year", "template", "errors", "warnings"), row))

    def upload(self, files: list[tuple[str, bytes]], url: str | None = None) -> list[Stored]:
        """Parse and store now (the JSON API): one Stored per file."""
        batch = self.new_batch(files, url)
        self.run_batch(batch)
        return [Stored(e.name, e.sha256, e.status, e.reason) for e in batch.entries]

    def start_batch(self, files: list[tuple[str, bytes]], url: str | None = None) -> Batch:
        """Parse and store in the background (the upload page polls the batch)."""
        batch = self.new_batch(files, url)
        threading.Thread(target=self.run_batch, args=(batch,), daemon=True).start()
        return batch

    # --- reading -------------------------------------------------------------------------

    def source(self, sha: str) -> tuple | None:
        return self.cursor().execute(
            "SELECT s.sha256, s.path, s.format, s.url, s.fetched_at, o.data FROM sources s "
            "LEFT JOIN originals o USING (sha256) WHERE s.sha256 = ?", [sha]).fetchone()

    def review(self, sha: str) -> Review:
        return load_review(self.cursor(), sha)

    def reports(self, sha: str) -> tuple[Report, Report | None, Review, tuple] | None:
        """(as read, as corrected or None, the review, the source row) of a stored report."""
        src = self.source(sha)
        if src is None or src[5] is None:
            return None
        review = self.review(sha)
        key = (sha, review.version)
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
        if hit is None:
            hit = reviewed_report(bytes(src[5]), src[1], review, src[3])
            with self._cache_lock:
                self._cache[key] = hit
                while len(self._cache) > 64:
                    self._cache.popitem(last=False)
        return hit[0], hit[1], review, src

    def crossyear(self, sha: str) -> list[tuple]:
        """Stored cross-year findings of a report: (rule, severity, message, cells, related sha, year)."""
        return self.cursor().execute(
            """SELECT f.rule, f.severity, f.message, f.cells, f.related_sha256, r.year FROM findings f
               LEFT JOIN reports r ON r.sha256 = f.related_sha256
               WHERE f.sha256 = ? AND f.origin = 'crossyear' ORDER BY f.ordinal""", [sha]).fetchall()

    def crossyear_corrected(self, sha: str, report: Report) -> list[tuple]:
        """The cross-year findings of a corrected report, re-run against the same body's report of
        the nearest earlier year (as the ingest pass pairs them), in the stored findings' shape."""
        from ..check.copying import compare_text
        from ..check.crossyear import check_pair

        row = self.cursor().execute(
            """SELECT p.sha256, p.year FROM reports r JOIN current_reports p ON p.body_id = r.body_id
               JOIN sources s ON s.sha256 = p.sha256 WHERE r.sha256 = ? AND p.year < r.year
               ORDER BY p.year DESC, s.seq LIMIT 1""", [sha]).fetchone()
        if row is None:
            return []
        got = self.reports(row[0])
        if got is None:
            return []
        previous = got[1] or got[0]
        return [(f.rule, f.severity, f.message, f.cells, row[0], row[1])
                for f in check_pair(report, previous) + compare_text(report, previous)]

    def body(self, sha: str) -> tuple | None:
        return self.cursor().execute(
            """SELECT b.name, b.province, b.city, b.county, b.level FROM reports r JOIN bodies b USING (body_id)
               WHERE r.sha256 = ?""", [sha]).fetchone()


def list_reports(con: duckdb.DuckDBPyConnection, year: int | None = None, form: str | None = None,
                 province: str | None = None, has_errors: bool | None = None, status: str | None = None,
                 q: str | None = None, sort: str = "errors", limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The current reports matching the filters: {"total", "rows"} (the list page and the API)."""
    where, args = ["TRUE"], []
    if year is not None:
        where.append("r.year = ?")
        args.append(year)
    if form:
        where.append("CAST(r.template AS VARCHAR) = ?")
        args.append(form)
    if province:
        where.append("b.province = ?")
        args.append(province)
    if has_errors is not None:
        where.append("r.errors > 0" if has_errors else "r.errors = 0")
    if status == "error":
        where.append("r.errors > 0")
    elif status == "warning":
        where.append("r.errors = 0 AND r.warnings > 0")
    elif status == "pass":
        where.append("r.errors = 0 AND r.warnings = 0")
    if q:
        where.append("(r.organization ILIKE ? OR b.name ILIKE ? OR s.path ILIKE ?)")
        args += [f"%{q}%"] * 3
    order = {"errors": "r.errors DESC, r.warnings DESC, s.seq", "year": "r.year DESC NULLS LAST, s.seq",
             "recent": "s.seq DESC"}.get(sort, "r.errors DESC, r.warnings DESC, s.seq")
    base = f"""FROM current_reports r JOIN sources s USING (sha256) LEFT JOIN bodies b USING (body_id)
               WHERE {' AND '.join(where)}"""
    (total,) = con.execute(f"SELECT count(*) {base}", args).fetchone()
    rows = con.execute(
        f"""SELECT r.sha256, s.path, r.organization, b.name, b.province, b.city, b.county, r.year,
                   CAST(r.template AS VARCHAR), coalesce(r.published, (
                       SELECT max_by(TRY_CAST(a.new_value AS DATE), a.id) FROM review_actions a
                       WHERE a.sha256 = r.sha256 AND a.kind = 'published' AND NOT EXISTS (
                           SELECT 1 FROM review_actions u WHERE u.kind = 'undo' AND u.undoes = a.id))), r.errors, r.warnings, r.infos, r.quality,
                   EXISTS (SELECT 1 FROM findings f WHERE f.sha256 = r.sha256 AND f.rule = 'D-1') AS late,
                   (SELECT count(*) FROM findings f WHERE f.sha256 = r.sha256 AND f.origin = 'crossyear') AS crossyear
            {base} ORDER BY {order} LIMIT ? OFFSET ?""", [*args, limit, offset]).fetchall()
    keys = ("sha256", "path", "organization", "body", "province", "city", "county", "year", "template", "published",
            "errors", "warnings", "infos", "quality", "late", "crossyear")
    out = []
    for row in rows:
        item = dict(zip(keys, row))
        item["published"] = item["published"].isoformat() if item["published"] else None
        item["status"] = "error" if item["errors"] else "warning" if item["warnings"] else "pass"
        # a date a reviewer supplied is judged on the report page (the stored D-1 knew only the printed one)
        item["on_time"] = None if item["published"] is None or (not item["late"] and item["published"] and
                                                                 not _printed(con, item["sha256"])) else not item["late"]
        out.append(item)
    return {"total": total, "rows": out}


def _printed(con: duckdb.DuckDBPyConnection, sha: str) -> bool:
    return con.execute("SELECT published IS NOT NULL FROM reports WHERE sha256 = ?", [sha]).fetchone()[0]


def provinces(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT b.province FROM current_reports r JOIN bodies b USING (body_id) "
        "WHERE b.province IS NOT NULL ORDER BY 1").fetchall()]


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, limit: int = 1000) -> dict[str, Any]:
    """One sandboxed SELECT (store/sql.py): {"columns", "rows", "truncated"}; ValueError otherwise."""
    result = run_query(con, sql, limit=limit)
    rows = json.loads(json.dumps(result.rows, default=str, ensure_ascii=False))
    return {"columns": result.columns, "rows": rows, "truncated": result.truncated}
