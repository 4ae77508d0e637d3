"""Corpus commands: ingest, export, sql, stats; `register(app)` adds them to the `gongkai` app.

DuckDB is imported only when one of these runs, so `gongkai parse` starts as fast as before.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="数据库文件（默认 $GONGKAI_DB 或当前目录下的 gongkai.duckdb）")]


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]{escape(message)}[/red]")
    return typer.Exit(2)


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
) -> None:
    """把报告导入数据库：并行解析，可中断后续跑，重复导入不重复存储。"""
    from ..store import StoreError, connect, db_path
    from ..store import ingest as run_ingest

    path = db_path(db)
    if failed:
        try:
            con = connect(path, read_only=True)
        except StoreError as e:
            raise _fail(str(e)) from None
        rows = con.execute("SELECT path, kind, reason FROM failures ORDER BY path").fetchall()
        con.close()
        for p, _, reason in rows:
            print(f"{p}\t{reason}")  # tab-separated for scripts
        err.print(f"共 {len(rows)} 个文件读取失败")
        return
    if not paths:
        raise _fail("请给出要导入的报告文件或目录（或用 --failed 查看失败的文件）")
    try:
        with _Progress() as progress:
            summary = run_ingest(paths, path, jobs=jobs, progress=progress, retry_failed=retry_failed)
    except StoreError as e:
        raise _fail(str(e)) from None
    rate = summary.added / summary.seconds if summary.seconds else 0
    err.print(f"{escape(str(path))}：新增 {summary.added} 份报告（其中新版本 {summary.versions} 份），"
              f"已有 {summary.known} 份，新记录路径 {summary.paths} 个，失败 {summary.failed} 个；"
              f"跨年度核对意见 {summary.crossyear} 条；用时 {summary.seconds:.1f} 秒（{rate:.0f} 份/秒）")
    for f in summary.failures[:10]:
        err.print(f"[red]失败[/red] {escape(f.path)}：{escape(f.reason)}")
    if summary.failed:
        err.print("全部失败文件及原因：gongkai ingest --failed")
        raise typer.Exit(2)


def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv、parquet 或 xlsx")] = "csv",
    wide: Annotated[bool, typer.Option("--wide/--long", help="宽表（每份报告一行、每格一列）或长表（每格一行）")] = True,
    labels: Annotated[str, typer.Option("--labels", help="列名：key（requests.granted.total）或 zh（表三·予以公开·总计）")] = "key",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件（默认 gongkai-wide.csv 等）")] = None,
    values: Annotated[str, typer.Option("--values", help="original（报告印出的数值）或 corrected（采用审核人的更正，并标出更正的单元格）")] = "original",
    db: DbOption = None,
) -> None:
    """导出数据：宽表或长表，CSV / Parquet / Excel。"""
    if values not in ("original", "corrected"):
        raise _fail(f"--values 只能是 original 或 corrected，而不是 {values}")
    from ..store import StoreError, connect, db_path
    from ..store.export import FORMATS
    from ..store.export import export as run_export

    if fmt not in FORMATS:
        raise _fail(f"不支持的导出格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    if labels not in ("key", "zh"):
        raise _fail(f"--labels 只能是 key 或 zh，而不是 {labels}")
    out = output or Path(f"gongkai-{'wide' if wide else 'long'}.{fmt}")
    try:
        con = connect(db_path(db), read_only=True)
        try:
            n = run_export(con, out, fmt, wide=wide, labels=labels, corrected=values == "corrected")
        finally:
            con.close()
    except StoreError as e:
        raise _fail(str(e)) from None
    except OSError as e:
        raise _fail(f"无法写入 {out}：{e.strerror or e}") from None
    err.print(f"已导出 {n} 行到 {escape(str(out))}")


def sql(
    query: Annotated[str, typer.Argument(help="一条 SQL 查询（只读）")],
    as_csv: Annotated[bool, typer.Option("--csv", help="以 CSV 输出（最多 --max-rows 行）")] = False,
    limit: Annotated[int, typer.Option(help="表格显示的最多行数")] = 100,
    max_rows: Annotated[int, typer.Option("--max-rows", help="CSV 最多输出的行数")] = 1_000_000,
    timeout: Annotated[float, typer.Option(help="查询时间上限（秒）")] = 30.0,
    db: DbOption = None,
) -> None:
    """在数据库上执行只读 SQL 查询（表：reports、cells、findings、bodies、sources…；视图：report_metrics…）。

    与网页的 SQL 页面规则相同：只能一条 SELECT，不能读写文件、联网或查看服务器设置，有时间和行数上限。
    """
    import csv

    from ..store import StoreError, connect, db_path
    from ..store.export import text
    from ..store.sql import SqlError, lock_down, run_query

    try:
        con = connect(db_path(db), read_only=True)
    except StoreError as e:
        raise _fail(str(e)) from None
    try:
        lock_down(con)
        result = run_query(con, query, limit=max_rows if as_csv else limit, timeout=timeout)
    except SqlError as e:
        raise _fail(str(e)) from None
    finally:
        con.close()
    if as_csv:
        w = csv.writer(sys.stdout)
        w.writerow(result.columns)
        w.writerows([text(v) for v in row] for row in result.rows)
        if result.truncated:
            err.print(f"（结果超过 {max_rows} 行，只输出了前 {max_rows} 行；用 --max-rows 调整）")
        return
    table = RichTable(*result.columns, show_lines=False)
    for row in result.rows:
        table.add_row(*(escape(text(v)) for v in row))
    console = Console(highlight=False)
    console.print(table)
    if result.truncated:
        console.print(f"（只显示前 {limit} 行；--csv 输出全部）")


def stats(db: DbOption = None) -> None:
    """数据库概况：按年度、格式、省份、层级统计报告数和有错误的比例，最常见的核对意见。"""
    from ..store import StoreError, connect, db_path
    from ..store.stats import breakdowns, overview

    try:
        con = connect(db_path(db), read_only=True)
    except StoreError as e:
        raise _fail(str(e)) from None
    try:
        console = Console(highlight=False)
        console.print("　".join(f"{name} {n}" for name, n in overview(con)))
        for title, header, rows in breakdowns(con):
            table = RichTable(*header, title=title, title_justify="left")
            for row in rows:
                table.add_row(*(escape("" if v is None else str(v)) for v in row))
            console.print(table)
    finally:
        con.close()


def register(app: typer.Typer) -> None:
    """Add the corpus commands to `app` (cli.py calls this; `python -m gongkai.cli` works too)."""
    for command in (ingest, export, sql, stats):
        app.command()(command)
