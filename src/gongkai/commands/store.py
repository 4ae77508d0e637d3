"""Corpus commands: ingest, export, sql, stats; `register(app)` adds them to the `gongkai` app.

DuckDB is imported only when one of these runs, so `gongkai parse` starts as fast as before.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="数据库文件（默认 $GONGKAI_DB 或当前目录下的 gongkai.duckdb）")]


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]{escape(_line(message))}[/red]")
    return typer.Exit(2)


def _line(text: str) -> str:
    """One printable line: control characters (a newline in a path) shown as escapes."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


@contextmanager
def _database(db: Path | None, read_only: bool = True) -> Iterator[object]:
    """The store opened for a command; any failure of the file (missing, corrupt, locked, disk full)
    ends the command with one Chinese line and exit status 2."""
    import duckdb

    from ..store import StoreError, connect, db_path
    from ..store.db import describe

    path = db_path(db)
    try:
        con = connect(path, read_only=read_only)
    except StoreError as e:
        raise _fail(str(e)) from None
    try:
        yield con
    except StoreError as e:
        raise _fail(str(e)) from None
    except duckdb.Error as e:
        raise _fail(describe(e, path)) from None
    finally:
        try:
            con.close()
        except duckdb.Error:
            pass


class _Progress:
    """A Rich progress bar with rate and ETA on a terminal; elsewhere (logs, CI) one line a second."""

    def __init__(self) -> None:
        self.live = err.is_terminal
        self.bar = None
        self.task = None
        self.last_line = 0.0
        self.committed = 0

    def __enter__(self) -> _Progress:
        if self.live:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]} 份/秒"), TextColumn("剩余"), TimeRemainingColumn(),
                                TextColumn("已用"), TimeElapsedColumn(), console=err)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "commit":
            self.committed = done
            if not self.live and (self.last_line == 0.0 or time.monotonic() - self.last_line >= 1.0):
                self.last_line = time.monotonic()
                err.print(f"已入库 {done} 份")
            return
        if self.bar is None:
            if stage == "crossyear":
                err.print("跨年度核对……")
            return
        if stage == "files":
            if self.task is None:
                self.task = self.bar.add_task("读取报告", total=total, rate="0")
            speed = self.bar.tasks[0].speed or 0
            self.bar.update(self.task, completed=done, rate=f"{speed:.0f}")
        elif stage == "crossyear" and self.task is not None:
            self.bar.update(self.task, description="跨年度核对")


def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="报告文件或目录（递归）")] = None,
    db: DbOption = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="解析进程数（默认全部 CPU 核）", min=1)] = None,
    failed: Annotated[bool, typer.Option("--failed", help="列出读取失败的文件及原因")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="重新读取以前失败、内容未变的文件")] = False,
    manifest: Annotated[Path | None, typer.Option("--manifest", help="清单 CSV（表头：路径、单位、年度、发布日期、网址）：按清单补充或更正新导入报告的单位、年度、发布日期和来源网址")] = None,
) -> None:
    """把报告导入数据库：并行解析，可中断后续跑，重复导入不重复存储。

    例：gongkai ingest 报告目录/ --db 语料.duckdb；gongkai ingest --failed
    """
    from ..store import StoreError, db_path
    from ..store import ingest as run_ingest

    path = db_path(db)
    if failed:
        with _database(db) as con:
            rows = con.execute("SELECT path, kind, reason FROM failures WHERE kind <> 'not_report' "  # type: ignore[attr-defined]
                               "ORDER BY path").fetchall()
        for p, _, reason in rows:
            print(f"{_line(p)}\t{_line(reason)}")  # tab-separated for scripts
        err.print(f"共 {len(rows)} 个文件读取失败")
        return
    if not paths:
        raise _fail("请给出要导入的报告文件或目录（或用 --failed 查看失败的文件）")
    rows = None
    if manifest is not None:
        from ..api import read_manifest
        from ..errors import InputError

        try:
            rows = read_manifest(manifest)
        except InputError as e:
            raise _fail(f"无法读取清单：{e}") from None
    try:
        with _Progress() as progress:
            summary = run_ingest(paths, path, jobs=jobs, progress=progress, retry_failed=retry_failed, manifest=rows)
    except StoreError as e:
        raise _fail(str(e)) from None
    rate = summary.added / summary.seconds if summary.seconds else 0
    err.print(f"{escape(str(path))}：新增 {summary.added} 份报告（其中新版本 {summary.versions} 份），"
              f"已有 {summary.known} 份，新记录路径 {summary.paths} 个，失败 {summary.failed} 个；"
              f"跨年度核对意见 {summary.crossyear} 条；用时 {summary.seconds:.1f} 秒（{rate:.0f} 份/秒）")
    if summary.skipped:
        err.print(f"跳过 {len(summary.skipped)} 个不是报告的文件：" + escape(_line("；".join(
            f"{Path(p).name}（{r}）" for p, r in summary.skipped[:5]))) + ("……" if len(summary.skipped) > 5 else ""))
    for f in summary.failures[:10]:
        err.print(f"[red]失败[/red] {escape(f.path)}：{escape(f.reason)}")
    if summary.failed:
        err.print("全部失败文件及原因：gongkai ingest --failed")
        raise typer.Exit(2)


def export(
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="csv、parquet 或 xlsx（默认按 -o 文件的扩展名，否则 csv）")] = None,
    wide: Annotated[bool, typer.Option("--wide/--long", help="宽表（每份报告一行、每格一列）或长表（每格一行）")] = True,
    labels: Annotated[str, typer.Option("--labels", help="列名：key（requests.granted.total）或 zh（表三·予以公开·总计，Excel 中层级、级别也用中文）")] = "key",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件；- 为标准输出（默认 gongkai-wide.csv 等）")] = None,
    values: Annotated[str, typer.Option("--values", help="original（报告印出的数值）或 corrected（采用审核人的更正，并标出更正的单元格）")] = "original",
    bom: Annotated[bool | None, typer.Option("--bom/--no-bom", help="CSV 文件开头写 UTF-8 BOM（写入文件时默认写，Excel 才能正确显示中文；给程序读时用 --no-bom；输出到标准输出时默认不写）")] = None,
    db: DbOption = None,
) -> None:
    """导出数据：宽表或长表，CSV / Parquet / Excel。

    例：gongkai export -o 报告.xlsx --labels zh
    """
    import os
    import shutil
    import tempfile

    from ..store.export import FORMATS, format_for
    from ..store.export import export as run_export

    if values not in ("original", "corrected"):
        raise _fail(f"--values 只能是 original 或 corrected，而不是 {values}")
    kind = format_for(output, fmt)
    if kind not in FORMATS:
        raise _fail(f"不支持的导出格式：{kind}（可选：{'、'.join(FORMATS)}）")
    if labels not in ("key", "zh"):
        raise _fail(f"--labels 只能是 key 或 zh，而不是 {labels}")
    to_stdout = output is not None and str(output) == "-"
    if to_stdout and kind != "csv" and sys.stdout.isatty():
        raise _fail(f"{kind} 是二进制格式，不输出到终端；请用 -o 文件名，或把标准输出重定向到文件")
    out = output or Path(f"gongkai-{'wide' if wide else 'long'}.{kind}")
    with _database(db) as con:
        try:
            if to_stdout:
                with tempfile.TemporaryDirectory() as tmp:
                    target = Path(tmp) / f"export.{kind}"
                    n = run_export(con, target, kind, wide=wide, labels=labels,  # type: ignore[arg-type]
                                   corrected=values == "corrected", bom=bool(bom))
                    sys.stdout.flush()
                    with target.open("rb") as f:
                        shutil.copyfileobj(f, sys.stdout.buffer)
                    sys.stdout.buffer.flush()
            else:
                n = run_export(con, out, kind, wide=wide, labels=labels,  # type: ignore[arg-type]
                               corrected=values == "corrected", bom=bom is not False)
        except OSError as e:
            from ..store.db import describe

            message = describe(e, out) if e.errno in (28, 27) else f"无法写入 {out}：{e.strerror or e}"
            raise _fail(message) from None
    err.print(f"已导出 {n} 行到 {escape(_line('标准输出' if to_stdout else str(out)))}")


_SQL_FORMATS = ("json", "nl", "csv", "tsv", "table")


def _jsonable(value: Any) -> Any:
    """A query value as JSON: dates as ISO text, exact decimals as text, lists and structs as such."""
    import datetime
    import decimal

    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return str(value)


def sql(
    query: Annotated[str, typer.Argument(help="一条 SQL 查询（只读，一条 SELECT）")],
    as_csv: Annotated[bool, typer.Option("--csv", help="以 CSV 输出")] = False,
    as_tsv: Annotated[bool, typer.Option("--tsv", help="以制表符分隔输出")] = False,
    as_nl: Annotated[bool, typer.Option("--nl", help="每行结果一个 JSON 对象（JSON Lines）")] = False,
    as_table: Annotated[bool, typer.Option("--table", help="在终端画成表格")] = False,
    max_rows: Annotated[int, typer.Option("--max-rows", help="最多输出的行数（超过时截断，并在标准错误输出说明）", min=1)] = 100_000,
    timeout: Annotated[float, typer.Option(help="查询时间上限（秒）", min=0.1)] = 30.0,
    bom: Annotated[bool, typer.Option("--bom", help="CSV 开头写 UTF-8 BOM（重定向到文件给 Excel 打开时用）")] = False,
    db: DbOption = None,
) -> None:
    """在数据库上执行只读 SQL 查询，默认输出 JSON：{"columns": [...], "rows": [[...], ...], "truncated": false}。

    表：reports、cells、findings、bodies、sources…；视图：report_metrics、current_reports…（gongkai schema 列出全部）。
    与网页的 SQL 页面规则相同：只能一条 SELECT，不能读写文件、联网或查看服务器设置，有时间和行数上限。

    例：gongkai sql "SELECT year, count(*) AS n FROM reports GROUP BY year" --table
    """
    import csv

    from ..store.export import text
    from ..store.sql import SqlError, lock_down, run_query

    chosen = [name for name, on in zip(_SQL_FORMATS[1:], (as_nl, as_csv, as_tsv, as_table)) if on]
    if len(chosen) > 1:
        raise _fail(f"输出格式只能选一种，而不是 {'、'.join('--' + c for c in chosen)}")
    kind = chosen[0] if chosen else "json"
    with _database(db) as con:
        try:
            lock_down(con)  # type: ignore[arg-type]
            result = run_query(con, query, limit=max_rows, timeout=timeout)  # type: ignore[arg-type]
        except SqlError as e:
            raise _fail(str(e)) from None
    if kind == "json":
        print(json.dumps({"columns": result.columns, "rows": [[_jsonable(v) for v in row] for row in result.rows],
                          "truncated": result.truncated}, ensure_ascii=False))
    elif kind == "nl":
        for row in result.rows:
            print(json.dumps(dict(zip(result.columns, (_jsonable(v) for v in row))), ensure_ascii=False))
    elif kind in ("csv", "tsv"):
        if bom:
            sys.stdout.write("\ufeff")
        w = csv.writer(sys.stdout, delimiter="," if kind == "csv" else "\t", lineterminator="\n")
        w.writerow(result.columns)
        try:
            w.writerows([text(v) for v in row] for row in result.rows)
        except Exception as e:  # noqa: BLE001 - StoreError: a value that cannot be written exactly
            raise _fail(str(e)) from None
    else:
        table = RichTable(*(escape(c) for c in result.columns), show_lines=False)
        for row in result.rows:
            table.add_row(*(escape(_line("" if v is None else str(v))) for v in row))
        Console(highlight=False).print(table)
    if result.truncated:
        err.print(f"（结果超过 {max_rows} 行，只输出了前 {max_rows} 行；用 --max-rows 调整）")


def stats(db: DbOption = None) -> None:
    """数据库概况：按年度、格式、省份、层级统计报告数和有错误的比例，最常见的核对意见。

    例：gongkai stats --db 语料.duckdb
    """
    from ..store.stats import breakdowns, overview

    console = Console(highlight=False)
    with _database(db) as con:
        head = "　".join(f"{name} {n}" for name, n in overview(con))  # type: ignore[arg-type]
        tables = []
        for title, header, rows in breakdowns(con):  # type: ignore[arg-type]
            table = RichTable(*header, title=title, title_justify="left")
            for row in rows:
                table.add_row(*(escape(_line("" if v is None else str(v))) for v in row))
            tables.append(table)
    console.print(head)  # printed only once every query has succeeded: a corrupt file prints nothing but why
    for table in tables:
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add the corpus commands to `app` (cli.py calls this; `python -m gongkai.cli` works too)."""
    for command in (ingest, export, sql, stats):
        app.command()(command)
