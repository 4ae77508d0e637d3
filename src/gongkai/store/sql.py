"""The read-only SQL sandbox shared by `gongkai sql` and the web's SQL page and API.

A query is one SELECT statement over the store. It may not reach the filesystem or the network
(`read_csv('/etc/passwd')`, `COPY … TO`, `ATTACH`, `INSTALL`/`LOAD` are refused by DuckDB once
external access is off), may not read the server's paths or settings (`duckdb_databases()`,
`current_setting(…)`, `pragma_*`), and runs under a time limit and a row cap. The same rules apply
on every face, so a query that works in the browser works on the command line and the reverse.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import duckdb

__all__ = ["QueryResult", "SqlError", "lock_down", "run_query", "validate",
           "DEFAULT_ROW_CAP", "DEFAULT_TIMEOUT"]

DEFAULT_ROW_CAP = 1000
DEFAULT_TIMEOUT = 10.0  # seconds

# Table functions and scalar functions that reveal the host (paths, settings, environment) or
# run SQL given as a string (which would bypass the single-SELECT rule).
_FORBIDDEN_PREFIXES = ("duckdb_", "pragma_", "read_", "parquet_", "sqlite_", "postgres_", "mysql_")
_FORBIDDEN_NAMES = frozenset({
    "current_setting", "getenv", "query", "query_table", "glob", "sniff_csv", "which_secret",
    "iceberg_scan", "delta_scan", "json_execute_serialized_sql", "load_aws_credentials",
})
# String builders whose output size is a literal argument: DuckDB allocates such a string outside
# its buffer pool (repeat('x', 1e9) took 2 GB), so the size is capped here instead.
_SIZED_BUILDERS = frozenset({"repeat", "lpad", "rpad"})
MAX_BUILT_STRING = 1_000_000


class SqlError(ValueError):
    """A query the sandbox refuses or that fails; the message is Chinese and fit to show."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more rows than the cap: only the first `len(rows)` are here
    seconds: float


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """Turn off file and network access for this database instance and freeze its settings.

    Settings are per database instance in DuckDB, so this also holds for every cursor of `con`.
    The memory limit set at `connect` (a bounded buffer pool) stays; locking the configuration
    keeps a query from raising it.
    """
    locked, external = con.execute("SELECT current_setting('lock_configuration'), "
                                   "current_setting('enable_external_access')").fetchone()
    if locked:  # the same file already open and locked in this process
        if external:
            raise SqlError("数据库已被本进程以可读写文件的方式锁定，无法执行查询")
        return
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def validate(sql: str) -> str:
    """The statement to run, or SqlError: exactly one SELECT that names no forbidden function."""
    if not sql.strip():
        raise SqlError("请给出一条查询（SELECT）")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise SqlError(f"SQL 出错：{_first_line(e)}") from None
    if len(statements) != 1:
        raise SqlError("一次只能执行一条查询")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise SqlError("只能执行只读查询（SELECT）；不能修改数据、读写文件或更改设置")
    tokens = duckdb.tokenize(sql)
    for i, (start, kind) in enumerate(tokens):
        if kind != duckdb.token_type.identifier:
            continue
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(sql)
        name = sql[start:end].strip().strip('"').lower()
        called = sql[end:end + 1] == "(" or (i + 1 < len(tokens) and sql[tokens[i + 1][0]] == "(")
        if called and (name in _FORBIDDEN_NAMES or name.startswith(_FORBIDDEN_PREFIXES)):
            raise SqlError(f"查询不能调用 {name}()：它会读取文件、服务器设置或执行另一条语句")
        if called and name in _SIZED_BUILDERS:
            _check_size_arguments(sql, tokens, i, name)
    return sql


def _check_size_arguments(sql: str, tokens: list[tuple[int, Any]], i: int, name: str) -> None:
    """Refuse repeat/lpad/rpad whose numeric arguments (up to the closing parenthesis) are huge."""
    depth = 0
    for j in range(i + 1, len(tokens)):
        start, kind = tokens[j]
        end = tokens[j + 1][0] if j + 1 < len(tokens) else len(sql)
        text = sql[start:end].strip()
        if text.startswith("("):
            depth += 1
        elif text.startswith(")"):
            depth -= 1
            if depth <= 0:
                return
        elif kind == duckdb.token_type.numeric_const:
            try:
                value = float(text)
            except ValueError:
                continue
            if value > MAX_BUILT_STRING:
                raise SqlError(f"{name}() 生成的字符串太长（上限 {MAX_BUILT_STRING:,} 个字符）")


def run_query(con: duckdb.DuckDBPyConnection, sql: str, *, limit: int = DEFAULT_ROW_CAP,
              timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """Run one sandboxed SELECT on `con` (a locked-down connection or cursor); SqlError otherwise.

    At most `limit` rows are fetched (`truncated` says whether there were more); a query still
    running after `timeout` seconds is interrupted.
    """
    validate(sql)
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        con.interrupt()

    timer = threading.Timer(timeout, stop)
    start = time.perf_counter()
    timer.start()
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchmany(limit + 1)
    except duckdb.InterruptException:
        raise SqlError(f"查询超过 {timeout:g} 秒未完成，已停止；请加条件或 LIMIT 缩小范围") from None
    except duckdb.OutOfMemoryException:
        raise SqlError("查询所需内存超过上限，已停止；请缩小范围") from None
    except duckdb.Error as e:
        if timed_out.is_set():
            raise SqlError(f"查询超过 {timeout:g} 秒未完成，已停止；请加条件或 LIMIT 缩小范围") from None
        raise SqlError(f"SQL 出错：{_first_line(e)}") from None
    finally:
        timer.cancel()
    return QueryResult(columns, rows[:limit], len(rows) > limit, time.perf_counter() - start)


def _first_line(e: BaseException) -> str:
    return (str(e).splitlines() or [type(e).__name__])[0]
