"""Opening the corpus database: where it is, creating its schema, refusing a foreign one."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from .gazetteer import GAZETTEER_SOURCE
from .schema import SCHEMA_VERSION, ddl, fingerprint, form_cells

DEFAULT_DB = "gongkai.duckdb"
ENV_DB = "GONGKAI_DB"
MEMORY_LIMIT = "128MB"


class StoreError(Exception):
    """A database that cannot be used as asked; the message is shown to the user as is."""


_DISK_FULL = ("no space left", "file too large", "disk full", "enospc", "efbig")
_NO_WRITE = ("permission denied", "read-only file system", "read only file system", "erofs", "eacces")
_CORRUPT = ("corrupt", "checksum", "could not read enough bytes", "not a valid duckdb database",
            "invalid database", "serialization", "failed to load", "magic bytes")


def environment_error(e: BaseException) -> bool:
    """True for a failure of the disk or the file (full, read-only, corrupt), not of one report's rows:
    retrying another report would fail the same way, so the run stops instead of blaming files."""
    if isinstance(e, OSError):
        return True
    text = str(e).lower()
    return isinstance(e, (duckdb.IOException, duckdb.FatalException, duckdb.InternalException,
                          duckdb.PermissionException)) or any(k in text for k in _DISK_FULL + _NO_WRITE + _CORRUPT)


def describe(e: BaseException, path: Path | str) -> str:
    """One Chinese line for a database failure: disk full, not writable, corrupt, or what DuckDB said."""
    text = str(e).lower()
    first = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
    if isinstance(e, OSError) and e.errno in (28, 27) or any(k in text for k in _DISK_FULL):
        return (f"磁盘已满（或文件超过系统允许的大小），无法写入数据库 {path}；已提交的报告都已保存，"
                f"腾出空间后重新运行同一命令即可接着导入")
    if isinstance(e, OSError) and e.errno in (13, 30, 1) or any(k in text for k in _NO_WRITE):
        return f"没有写入权限（目录只读或无权限），无法写入数据库 {path}；请用 --db 指定可写的位置"
    if any(k in text for k in _CORRUPT):
        return f"数据库文件 {path} 已损坏，无法读取（{first}）；请从原报告重新导入到新的数据库文件"
    return f"数据库 {path} 出错：{first}"


def db_path(option: Path | None) -> Path:
    """`--db`, else $GONGKAI_DB, else gongkai.duckdb in the current directory."""
    return option or Path(os.environ.get(ENV_DB) or DEFAULT_DB)


def _has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta'").fetchone()[0])


def _check(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if version is not None and version[0] != SCHEMA_VERSION and version[0].isdigit() \
            and int(version[0]) < int(SCHEMA_VERSION):
        raise StoreError(f"数据库 {path} 由旧版 gongkai 建立（表结构版本 {version[0]}，当前为 {SCHEMA_VERSION}），"
                         f"缺少原始文件、正文和审核记录，无法升级；请用 gongkai ingest --db 新文件 重新导入原报告")
    row = con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    if row is None or row[0] != fingerprint():
        raise StoreError(f"数据库 {path} 由其他版本的 gongkai 建立（表格定义或表结构不同），"
                         f"请换一个数据库文件重新导入")


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and, for writing, create) the database at `path`."""
    if read_only and not path.exists():
        raise StoreError(f"数据库不存在：{path}（先用 gongkai ingest 导入报告，或用 --db 指定数据库）")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise StoreError(f"数据库 {path} 正被另一个进程使用（导入，或 gongkai serve 审核服务正在运行）；"
                             f"请等它结束，或在网页上传报告，或用 --db 指定另一个数据库") from None
        raise StoreError(describe(e, path)) from None
    except duckdb.Error as e:
        raise StoreError(describe(e, path)) from None
    try:
        _prepare(con, path, read_only)
    except duckdb.Error as e:
        con.close()
        raise StoreError(describe(e, path)) from None
    except BaseException:
        con.close()
        raise
    return con


def _prepare(con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """Set the memory bound, create the schema in a new file, refuse a foreign or old one."""
    # a bounded buffer pool keeps the writer's memory flat; bigger sorts spill to <db>.tmp
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    except duckdb.InvalidInputException:
        pass  # the same file already open in this process, locked by store.sql.lock_down
    if not _has_schema(con):
        if read_only:
            raise StoreError(f"{path} 不是 gongkai 数据库")
        _create(con)
    _check(con, path)


def _create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("BEGIN")
    for statement in ddl():
        con.execute(statement)
    con.executemany("INSERT INTO form_cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", form_cells())
    con.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("fingerprint", fingerprint()), ("schema_version", SCHEMA_VERSION), ("gazetteer", GAZETTEER_SOURCE)])
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
