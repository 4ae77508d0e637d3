"""The read-only SQL sandbox (store/sql.py) shared by `gongkai sql` and the web's /api/sql."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.store import connect
from gongkai.store.sql import SqlError, lock_down, run_query, validate


@pytest.fixture()
def locked(tmp_path: Path):
    db = tmp_path / "s.duckdb"
    connect(db).close()
    con = connect(db, read_only=True)
    lock_down(con)
    yield con, db
    con.close()


@pytest.mark.parametrize("sql, words", [
    ("SELECT * FROM read_csv('/etc/passwd')", "read_csv"),
    ("SELECT * FROM \"read_text\"('/etc/hostname')", "read_text"),
    ("SELECT path FROM duckdb_databases()", "duckdb_databases"),
    ("SELECT * FROM pragma_database_list()", "pragma_database_list"),
    ("SELECT current_setting('memory_limit')", "current_setting"),
    ("SELECT getenv('HOME')", "getenv"),
    ("SELECT * FROM query('PRAGMA database_list')", "query"),
    ("SELECT repeat('x', 1e9)", "repeat"),
    ("PRAGMA database_list", "只读查询"),
    ("COPY reports TO '/tmp/gongkai-leak.csv'", "只读查询"),
    ("ATTACH '/tmp/other.duckdb'", "只读查询"),
    ("INSTALL httpfs", "只读查询"),
    ("SET memory_limit = '10GB'", "只读查询"),
    ("SELECT 1; SELECT 2", "一条"),
    ("", "请给出"),
])
def test_refused(sql: str, words: str) -> None:
    with pytest.raises(SqlError, match=words):
        validate(sql)


def test_columns_named_like_functions_are_allowed(locked) -> None:
    con, _ = locked
    result = run_query(con, "SELECT q.query FROM (SELECT 'a' AS query, 2 AS repeat) q")
    assert result.columns == ["query"] and result.rows == [("a",)]


def test_row_cap_and_time_limit(locked) -> None:
    con, _ = locked
    capped = run_query(con, "SELECT * FROM range(5000)", limit=10)
    assert len(capped.rows) == 10 and capped.truncated and capped.rows[-1] == (9,)
    whole = run_query(con, "SELECT * FROM range(10)", limit=10)
    assert len(whole.rows) == 10 and not whole.truncated
    start = time.monotonic()
    with pytest.raises(SqlError, match="秒未完成"):
        run_query(con, "SELECT count(*) FROM range(1000000000000)", timeout=0.5)
    assert time.monotonic() - start < 30  # interrupted, not run to the end (which takes hours)


def test_locked_connection_cannot_reach_files_even_past_the_check(locked) -> None:
    con, _ = locked
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(duckdb.Error):
        con.execute("SET enable_external_access = true")


def test_cli_uses_the_same_rules(locked) -> None:
    _, db = locked
    runner = CliRunner()
    refused = runner.invoke(app, ["sql", "SELECT path FROM duckdb_databases()", "--db", str(db)])
    assert refused.exit_code == 2 and "duckdb_databases" in refused.output and "Traceback" not in refused.output
    slow = runner.invoke(app, ["sql", "SELECT count(*) FROM range(1000000000000)", "--timeout", "0.5", "--db", str(db)])
    assert slow.exit_code == 2 and "秒未完成" in slow.output
    capped = runner.invoke(app, ["sql", "SELECT * FROM range(5)", "--csv", "--max-rows", "2", "--db", str(db)])
    assert capped.exit_code == 0 and capped.stdout.splitlines() == ["range", "0", "1"]
