"""The `gongkai` command line: parse, check and explain reports.

Exit status: 0 clean; 1 when `check` finds an error; 2 when an input cannot be read (the message
says why, on one line of stderr). In a directory run one unreadable file never stops the rest.
"""

from __future__ import annotations

import errno
import gc
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from typer._click.exceptions import ClickException
from typer.core import TyperGroup
from rich.markup import escape
from rich.table import Table as RichTable

from .api import Metadata, manifest_key, parse_bytes, parse_path, read_manifest, report_files, skip_reason
from .fetch import fetch, fetch_to, is_url
from .check import suspect_cells
from .commands.zh import install as install_chinese
from .commands.zh import version_callback
from .check.copying import compare_text
from .check.crossyear import check_pair
from .errors import InputError, NotAReport
from .forms.narrative import FIGURES_BY_KEY
from .model import Cell, Report
from .quality import DIMENSIONS, assess

install_chinese()
err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Group(TyperGroup):
    """The command group, with a last net under every command: whatever escapes a command (a full
    disk, a library's exception) becomes one Chinese line and exit status 2, never a traceback."""

    def invoke(self, ctx: object) -> object:  # type: ignore[override]
        try:
            return super().invoke(ctx)  # type: ignore[arg-type]
        except (typer.Exit, typer.Abort, ClickException, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `gongkai … | head`: the reader has had enough; not an error
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as e:  # noqa: BLE001
            err.print(f"[red]{_one_line(_unexpected(e), 500)}[/red]")
            raise typer.Exit(2) from None


def _unexpected(e: Exception) -> str:
    """One Chinese line for an exception no command handled."""
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return f"磁盘已满，无法写入：{e.filename or ''}".rstrip("：")
    if isinstance(e, OSError) and e.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        return f"没有写入权限：{e.filename or ''}".rstrip("：")
    if type(e).__module__.startswith(("duckdb", "_duckdb")):
        from .store.db import describe

        return describe(e, "")
    return f"内部错误：{type(e).__name__}: {e}（请报告此问题）"


app = typer.Typer(add_completion=False, no_args_is_help=True, cls=_Group, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="gongkai（公开）：读取、核对政府信息公开工作年度报告。\n\n"
                       "例：gongkai check 报告.pdf；gongkai parse 报告目录/ --jsonl -o 结果.jsonl；"
                       "每个命令加 -h 查看说明。")


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", "-V", callback=version_callback, is_eager=True,
                                          help="显示版本号并退出")] = False,
) -> None:
    """gongkai（公开）：读取、核对政府信息公开工作年度报告。"""

_SEVERITY = {"error": ("错误", "bold red"), "warning": ("警告", "yellow"), "info": ("提示", "dim")}


ManifestOption = Annotated[Path | None, typer.Option(
    "--manifest", help="清单 CSV（表头：路径或网址、单位、年度、发布日期、网址）：按清单补充或更正报告的单位、年度、发布日期和来源网址")]


def _manifest(path: Path | None) -> dict[str, Metadata] | None:
    """The manifest given with --manifest (exit 2 with the reason if it cannot be read)."""
    if path is None:
        return None
    try:
        return read_manifest(path)
    except InputError as e:
        err.print(f"[red]无法读取清单[/red]：{_one_line(str(e))}")
        raise typer.Exit(2) from None


def _inputs(items: list[str]) -> Iterator[tuple[str, bool]]:
    """Files, the files under directories (flagged True), URLs and `-`, in the order given."""
    for item in items:
        if item != "-" and not is_url(item) and Path(item).is_dir():
            yield from ((str(p), True) for p in report_files(item))
        else:
            yield item, False


def _stdin_bytes() -> bytes:
    """Standard input, read to the same size cap as a file."""
    from .read import MAX_BYTES

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("无法读取标准输入")
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InputError(f"标准输入超过 {MAX_BYTES // 1048576} MB 上限")
    return data


def _parse_one(item: str, keep: Path | None = None, manifest: dict[str, Metadata] | None = None) -> Report:
    """A file, a URL or `-` (standard input) parsed; a URL's bytes are kept in `keep` when given;
    a manifest row for the input overrides its body, year, date and URL."""
    meta = manifest.get(manifest_key(item)) if manifest else None
    if item == "-":
        return parse_bytes(_stdin_bytes(), "<stdin>", meta=meta)
    if not is_url(item):
        return parse_path(item, meta=meta)
    if keep is not None:
        saved, fetched = fetch_to(item, keep)
    else:
        fetched = fetch(item)
    report = parse_bytes(fetched.data, item, meta=meta)
    if meta is None or meta.url is None:
        report.url = fetched.final_url
    return report


def _with_progress(item: str, keep: Path | None = None, manifest: dict[str, Metadata] | None = None) -> Report:
    """`_parse_one`, telling a terminal user which page of a scan OCR has reached (~1–3 s a page)."""
    if not err.is_terminal:
        return _parse_one(item, keep, manifest)
    from .read.ocr import reporting

    seen: list[int] = []
    name = "".join(c if c.isprintable() else "?" for c in item)  # raw terminal output: no control characters

    def page_done(page_no: int) -> None:
        seen.append(page_no)
        err.file.write(f"\r正在识别扫描件 {name}：已完成第 {page_no} 页")
        err.file.flush()

    try:
        with reporting(page_done):
            return _parse_one(item, keep, manifest)
    finally:
        if seen:
            err.file.write("\n")


def _one_line(text: str, limit: int = 300) -> str:
    """`text` safe to print as (part of) one line: control characters (a newline in a file name or
    in a library's message) shown as escapes, and no longer than `limit` characters."""
    out = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text[:limit])
    return escape(out + ("…" if len(text) > limit else ""))


def _problem(item: str, e: Exception) -> None:
    """One line on stderr for an input that could not be read (or broke something inside)."""
    if isinstance(e, InputError):
        err.print(f"[red]无法读取[/red] {_one_line(item)}：{_one_line(str(e))}")
    else:
        err.print(f"[red]内部错误[/red] {_one_line(item)}：{type(e).__name__}: {_one_line(str(e))}（请报告此问题）")


def _parse_each(items: list[str], keep: Path | None = None, skipped: list[tuple[str, str]] | None = None,
                manifest: dict[str, Metadata] | None = None) -> Iterator[tuple[str, Report | None]]:
    """Parse every input; an unreadable one is reported on stderr and yields None.

    A file found in a directory that is clearly not a report (an archive, a program, media, an
    image without text) is not a failure: it is told on stderr as skipped, added to `skipped`
    and not yielded. A file named on the command line is always read, and fails if it cannot be.
    """
    for item, found in _inputs(items):
        reason = skip_reason(item) if found else None
        if reason is None:
            try:
                report = _with_progress(item, keep, manifest)
            except InputError as e:
                if not found or not (isinstance(e, NotAReport) or _is_image(item)):
                    _problem(item, e)
                    yield item, None
                    continue
                reason = str(e) if isinstance(e, NotAReport) else f"图片中没有可读的报告（{e}）"
            except Exception as e:  # noqa: BLE001 - one bad file never stops a batch
                _problem(item, e)
                yield item, None
                continue
            else:
                yield item, report
                continue
        err.print(f"[yellow]跳过[/yellow] {_one_line(item)}：{_one_line(reason)}")
        if skipped is not None:
            skipped.append((item, reason))


_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")


def _is_image(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(8).startswith(_IMAGE_MAGIC)
    except OSError:
        return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def _dump(doc: dict, indent: int | None) -> str:
    """JSON text that is valid UTF-8 whatever it holds: a file name with bytes that are not UTF-8
    (kept by Python as lone surrogates) is written as a JSON \\u escape, not as invalid bytes."""
    text = json.dumps(doc, ensure_ascii=False, indent=indent)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _Sink:
    """Where `parse` writes: standard output, or a file written whole (a temporary file renamed at
    the end, so an interrupted run never leaves half a document under the name asked for)."""

    def __init__(self, out: Path | None) -> None:
        self.path = None if out is None or str(out) == "-" else out
        self.tmp = self.path.with_name(f".{self.path.name}.part") if self.path else None
        try:
            self.file = self.tmp.open("w", encoding="utf-8") if self.tmp else sys.stdout
        except OSError as e:
            err.print(f"[red]无法写入[/red] {_one_line(str(out))}：{escape(e.strerror or str(e))}")
            raise typer.Exit(2) from None

    def write(self, text: str) -> None:
        try:
            self.file.write(text)
        except BrokenPipeError:  # `gongkai parse DIR --jsonl | head`: the reader has had enough
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except OSError as e:  # a full disk: one line, and no half-written file left behind
            if self.tmp is not None:
                self.tmp.unlink(missing_ok=True)
            full = e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
            err.print(f"[red]{'磁盘已满，' if full else ''}无法写入[/red] {_one_line(str(self.path or '标准输出'))}："
                      f"{escape(e.strerror or str(e))}")
            raise typer.Exit(2) from None

    def close(self, keep: bool) -> None:
        if self.tmp is None:
            self.file.flush()
            return
        try:
            self.file.close()
            if keep:
                self.tmp.replace(self.path)  # type: ignore[arg-type]
        except OSError as e:
            err.print(f"[red]无法写入[/red] {_one_line(str(self.path))}：{escape(e.strerror or str(e))}")
            raise typer.Exit(2) from None
        finally:
            self.tmp.unlink(missing_ok=True)


@app.command()
def parse(
    path: Annotated[str, typer.Argument(help="报告文件、包含报告的目录（递归）、网址，或 -（从标准输入读取）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON：一个文件为一个文档，目录为一个 JSON 数组")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="每个报告输出一行 JSON（JSON Lines）")] = False,
    provenance: Annotated[bool, typer.Option("--provenance/--no-provenance", help="附带每格来源（默认附带）")] = True,
    keep: Annotated[Path | None, typer.Option("--keep", help="读取网址时，把下载的原始文件保存到这个目录")] = None,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="输出文件（.json 或 .jsonl 决定格式；- 为标准输出，默认）")] = None,
    manifest: ManifestOption = None,
) -> None:
    """读取报告，输出 JSON（格式见 docs/output.md）。

    例：gongkai parse 报告.pdf --json；gongkai parse 报告目录/ --jsonl -o 结果.jsonl；cat 报告.html | gongkai parse -
    """
    if as_json and jsonl:
        err.print("[red]--json 与 --jsonl 只能选一个[/red]")
        raise typer.Exit(2)
    if not as_json and not jsonl and out is not None and str(out) != "-":
        jsonl = out.suffix.lower() in (".jsonl", ".ndjson")
    directory = path != "-" and not is_url(path) and Path(path).is_dir()
    if directory and not report_files(path):
        err.print(f"[red]没有找到报告文件[/red] {_one_line(path)}")
        raise typer.Exit(2)
    array = directory and not jsonl and (as_json or (out is not None and out.suffix.lower() == ".json"))
    lines = jsonl or (directory and not array)
    rows = _manifest(manifest)
    sink = _Sink(out)
    failed, written = False, 0
    if array:
        sink.write("[")
    for item, report in _parse_each([path], keep, manifest=rows):
        if report is None:
            failed = True
            continue
        try:  # a document that cannot be written is one more failed input, not the end of the run
            text = _dump(report.to_json(provenance=provenance), None if lines else 1)
        except Exception as e:  # noqa: BLE001
            _problem(item, e)
            failed = True
            continue
        sink.write(("," if array and written else "") + ("\n" if array else "") + text + ("" if array else "\n"))
        written += 1
    if array:
        sink.write("\n]\n" if written else "]\n")
    sink.close(keep=written > 0 or not failed)
    if failed:
        raise typer.Exit(2)


def _print_report(console: Console, path: str, report: Report) -> str:
    """One report's check result, for a person; returns its verdict (通过 / 有警告 / 有错误)."""
    errors = sum(f.severity == "error" for f in report.findings)
    warnings = sum(f.severity == "warning" for f in report.findings)
    verdict = "有错误" if errors else "有警告" if warnings else "通过"
    style = "bold red" if errors else "yellow" if warnings else "green"
    cells = sum(len(r) for t in report.tables.values() for r in t.values())
    filled = sum(c.value is not None for t in report.tables.values() for r in t.values() for c in r.values())
    console.rule(escape(path))
    console.print(escape(f"{report.organization or '（单位未识别）'} · {report.year or '（年度未识别）'} 年度 · "
                         f"格式 {report.template} · 发布日期 {report.published or '未印'}"))
    console.print(f"结论：[{style}]{verdict}[/]（错误 {errors}，警告 {warnings}，"
                  f"提示 {len(report.findings) - errors - warnings}）；读取表格 {len(report.tables)} 张，"
                  f"单元格 {cells} 个（有数值 {filled} 个）")
    for f in report.findings:
        label, fstyle = _SEVERITY[f.severity]
        console.print(f"  [{fstyle}]{label}[/] {escape(f.rule)}  {escape(f.message)}")
        if f.cells:
            shown = "、".join(f.cells[:4]) + (f" 等 {len(f.cells)} 格" if len(f.cells) > 4 else "")
            console.print(f"        [dim]单元格：{escape(shown)}[/]")
    for cell, rules in suspect_cells(report.findings):
        console.print(f"  [bold]疑点[/] {escape(cell)} 同时出现在 {len(rules)} 条错误中（{escape('、'.join(rules))}），"
                      f"最可能是这一格填错")
    figures = [f"{FIGURES_BY_KEY[k].name} {v}" for k, v in report.narrative.items() if k in FIGURES_BY_KEY]
    if figures:
        console.print(escape(f"正文数字：{' · '.join(figures)}"))
    if report.quality:
        parts = [f"{name} {q['score']}" if (q := report.quality[key])["score"] is not None else f"{name} —（{q['note']}）"
                 for key, name in DIMENSIONS.items()]
        console.print(escape(f"质量（满分 100）：{' · '.join(parts)} · 综合 {report.quality['overall']}"))
    return verdict


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="报告文件、目录或网址（可多个）")],
    as_json: Annotated[bool, typer.Option("--json", help="每个报告输出一行 JSON（机器读取）")] = False,
    previous: Annotated[str | None, typer.Option("--previous", help="同一单位以前年度的报告文件或网址：加做跨年度核对与雷同文字比对")] = None,
    opinion: Annotated[Path | None, typer.Option("--opinion", help="另写审核意见：.docx（每份报告的问题清单）或 .xlsx（通报表，每份报告一行）")] = None,
    manifest: ManifestOption = None,
) -> None:
    """核对报告：勾稽关系、格式规范、正文与表格、发布期限等，输出中文核对意见。

    例：gongkai check 报告.pdf；gongkai check 2023.txt --previous 2022.txt；gongkai check 目录/ --opinion 通报.xlsx
    """
    if opinion is not None and opinion.suffix.lower() not in (".docx", ".xlsx"):
        err.print(f"[red]--opinion 的文件名应以 .docx 或 .xlsx 结尾[/red]：{escape(str(opinion))}")
        raise typer.Exit(2)
    prior = _previous(previous) if previous else None
    checked: list[Report] = []
    console = Console(highlight=False, soft_wrap=True)
    unreadable = has_error = False
    verdicts: dict[str, int] = {}
    count = 0
    skipped: list[tuple[str, str]] = []
    rows = _manifest(manifest)
    for path, report in _parse_each(paths, skipped=skipped, manifest=rows):
        count += 1
        if report is None:
            unreadable = True
            verdicts["无法读取"] = verdicts.get("无法读取", 0) + 1
            continue
        try:  # one report that breaks the comparison or the printing does not end the run
            mismatch = _different_body(report, prior) if prior is not None else None
            if mismatch:
                err.print(f"[yellow]未做跨年度核对[/yellow] {_one_line(path)}：{_one_line(mismatch)}")
                unreadable = True
            elif prior is not None:
                report.findings.extend(check_pair(report, prior))
                report.findings.extend(compare_text(report, prior))
                report.quality = assess(report)
            if as_json:
                doc = report.to_json(provenance=False)
                print(_dump({"source": doc["source"], "report": doc["report"], "findings": doc["findings"]}, None))
            else:
                verdict = _print_report(console, path, report)
                verdicts[verdict] = verdicts.get(verdict, 0) + 1
        except Exception as e:  # noqa: BLE001
            _problem(path, e)
            unreadable = True
            verdicts["无法读取"] = verdicts.get("无法读取", 0) + 1
            continue
        has_error |= any(f.severity == "error" for f in report.findings)
        if opinion is not None:
            report.lines = []  # the opinion needs the cells and findings, not the text
            checked.append(report)
    if count == 0:
        err.print("[red]没有找到报告文件[/red]" + (f"（跳过 {len(skipped)} 个不是报告的文件）" if skipped else ""))
        raise typer.Exit(2)
    if opinion is not None:
        _write_opinion(opinion, checked)
    if count > 1 and not as_json:
        console.rule()
        parts = "，".join(f"{k} {verdicts[k]}" for k in ("通过", "有警告", "有错误", "无法读取") if k in verdicts)
        console.print(f"共核对 {count} 份报告：{parts}" + (f"；跳过 {len(skipped)} 个不是报告的文件" if skipped else ""))
    raise typer.Exit(2 if unreadable else 1 if has_error else 0)


def _write_opinion(out: Path, reports: list[Report]) -> None:
    """The reviewer's deliverable from the CLI: findings not confirmed by a person, said so."""
    from .review import OpinionEntry, notice_row, notice_xlsx, opinion_docx

    if out.suffix.lower() == ".docx":
        entries = [OpinionEntry(r, [f for f in r.findings if f.severity in ("error", "warning")], reviewed=False)
                   for r in reports]
        data = opinion_docx(entries)
    else:
        data = notice_xlsx([notice_row(r) for r in reports])
    try:
        out.write_bytes(data)
    except OSError as e:
        err.print(f"[red]无法写入[/red] {escape(str(out))}：{escape(e.strerror or str(e))}")
        raise typer.Exit(2) from None
    err.print(f"审核意见已写入 {escape(str(out))}（{len(reports)} 份报告）")


def _different_body(report: Report, previous: Report) -> str | None:
    """Why `previous` cannot be this report's previous year (another body, or not an earlier year);
    None when it can. Comparing two bodies' reports would pass or fail for no reason."""
    from .store.bodies import body_of

    mine, theirs = body_of(report.organization), body_of(previous.organization)
    if mine is not None and theirs is not None and mine.body_id != theirs.body_id:
        return (f"--previous 的报告是另一个单位的（{previous.organization}），"
                f"本报告的单位是 {report.organization}，两者不能比对")
    if report.year and previous.year and previous.year >= report.year:
        return f"--previous 的报告年度 {previous.year} 不早于本报告的年度 {report.year}"
    return None


def _previous(path: str) -> Report:
    """The previous year's report given with --previous; exit 2 if it cannot be read."""
    results = list(_parse_each([path]))
    if len(results) != 1 or results[0][1] is None:
        if len(results) != 1:
            err.print(f"[red]--previous 应为一个报告文件[/red] {escape(path)}")
        raise typer.Exit(2)
    return results[0][1]  # type: ignore[return-value]


@app.command()
def explain(
    path: Annotated[str, typer.Argument(help="报告文件或网址")],
    table: Annotated[str | None, typer.Option(help="只看一张表：proactive / requests / review_litigation")] = None,
) -> None:
    """逐格说明每个数值是由哪一行标签、哪一列表头、原文哪一行读出的。

    例：gongkai explain 报告.pdf --table requests
    """
    from .forms import ALL_FORMS

    tables = list(dict.fromkeys(t.key for f in ALL_FORMS.values() for t in f.tables))
    if table is not None and table not in tables:
        err.print(f"[red]没有这张表[/red]：{_one_line(table)}（可选：{'、'.join(tables)}）")
        raise typer.Exit(2)
    if path != "-" and not is_url(path) and Path(path).is_dir():
        err.print(f"[red]无法读取[/red] {_one_line(path)}：这是一个目录，explain 只读一个报告文件")
        raise typer.Exit(2)
    results = list(_parse_each([path]))
    report = results[0][1] if results else None
    if report is None:
        raise typer.Exit(2)
    console = Console(highlight=False)
    for key, source in report.meta_sources.items():
        console.print(escape(f"{key}: {getattr(report, key)}  ← {source}"))
    console.print(f"template: {report.template}")
    for tkey, rows in report.tables.items():
        if table and tkey != table:
            continue
        out = RichTable(title=tkey, expand=True)
        for name in ("单元格", "值", "原文", "位置", "行标签", "列表头"):
            out.add_column(name, overflow="fold")
        for rkey, cells in rows.items():
            for ckey, cell in cells.items():
                row_label = (cell.row_label or "") + (f"（第 {cell.row_line} 行）" if cell.row_line else "")
                out.add_row(*(escape(x) for x in (
                    f"{rkey}.{ckey}", "空" if cell.value is None else str(cell.value),
                    cell.printed if cell.printed is not None else "（未读到）",
                    _where(cell), row_label, cell.column_label or "（按表格规定顺序）")))
        console.print(out)


def _where(cell: Cell) -> str:
    """Where a cell was printed: a PDF page and box, a table's row and column, or a text line."""
    prov = cell.provenance()
    if "page" in prov:
        x0, y0, x1, y1 = prov["bbox"]
        return f"第 {prov['page']} 页 ({x0:.0f},{y0:.0f})–({x1:.0f},{y1:.0f})"
    if "sheet" in prov:
        return f"工作表「{prov['sheet']}」第 {prov['row'] + 1} 行第 {prov['col'] + 1} 列"
    if "table" in prov:
        return f"表格 {prov['table'] + 1} 第 {prov['row'] + 1} 行第 {prov['col'] + 1} 列"
    return f"第 {cell.line} 行" if cell.line else ""


@app.command("fetch")
def fetch_command(
    urls: Annotated[list[str] | None, typer.Argument(help="报告网址（可多个）")] = None,
    out: Annotated[Path, typer.Option("--out", help="保存目录：原始文件、来源说明（.source.json）、读取结果（.json）和下载记录 fetch-log.jsonl")] = Path("下载"),
    url_list: Annotated[Path | None, typer.Option("--input", "-i", help="网址清单文件：每行一个网址（# 开头为注释；CSV 取第一列）；- 为标准输入")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="同时下载的网址数", min=1, max=32)] = 4,
    again: Annotated[bool, typer.Option("--again", help="重新下载以前已成功下载的网址（默认跳过，便于中断后续跑）")] = False,
) -> None:
    """下载报告并保存原始文件，同时读取、保存结果；格式按文件内容判断，不看扩展名。

    每个网址在标准输出打印一行（制表符分隔：网址、保存的文件、格式、单位、年度）；失败的在标准错误输出说明原因。
    下载记录写在保存目录的 fetch-log.jsonl 中：再次运行时跳过已成功的网址，只重试失败的。

    例：gongkai fetch https://…/nb.html --out 下载/；gongkai fetch -i 网址.txt --out 下载/ -j 8
    """
    from .fetch import check_url, done_urls, fetch_list, read_url_list

    wanted = list(urls or [])
    if url_list is not None:
        try:
            text = sys.stdin.read() if str(url_list) == "-" else url_list.read_text(encoding="utf-8-sig", errors="replace")
        except OSError as e:
            err.print(f"[red]无法读取网址清单[/red] {_one_line(str(url_list))}：{escape(e.strerror or str(e))}")
            raise typer.Exit(2) from None
        wanted += read_url_list(text)
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        err.print("[red]请给出网址，或用 -i 指定网址清单文件[/red]")
        raise typer.Exit(2)
    failed = False
    todo = []
    for url in wanted:
        try:
            check_url(url)
        except InputError as e:
            err.print(f"[red]无法下载[/red] {_one_line(url)}：{_one_line(str(e))}")
            failed = True
            continue
        todo.append(url)
    skip = set() if again else done_urls(out)
    if skip & set(todo):
        err.print(f"跳过 {len(skip & set(todo))} 个以前已下载的网址（--again 重新下载）")
    todo = [u for u in todo if u not in skip]
    counts = {"ok": 0, "unreadable": 0, "failed": 0}
    progress = None
    if err.is_terminal and len(todo) > 1:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        progress = Progress(TextColumn("下载"), BarColumn(), MofNCompleteColumn(), TextColumn("剩余"),
                            TimeRemainingColumn(), console=err, transient=True)
        progress.start()
        task = progress.add_task("下载", total=len(todo))
    try:
        for result in fetch_list(todo, out, jobs=jobs):
            counts[result.status] += 1
            if result.status == "ok":
                print("\t".join(_one_line(str(x), 500) if x is not None else "" for x in (
                    result.url, result.saved, result.template, result.organization, result.year)), flush=True)
            elif result.status == "unreadable":
                failed = True
                err.print(f"[yellow]已下载但无法读取[/yellow] {_one_line(result.url)} → {_one_line(result.saved or '')}："
                          f"{_one_line(result.reason or '')}")
            else:
                failed = True
                err.print(f"[red]无法下载[/red] {_one_line(result.url)}：{_one_line(result.reason or '')}")
            if progress is not None:
                progress.advance(task)
    finally:
        if progress is not None:
            progress.stop()
    if len(wanted) > 1:
        err.print(f"共 {len(wanted)} 个网址：下载并读取 {counts['ok']} 个，已下载但无法读取 {counts['unreadable']} 个，"
                  f"下载失败 {counts['failed']} 个" + (f"，跳过 {len(skip & set(wanted))} 个" if skip & set(wanted) else ""))
    if failed:
        raise typer.Exit(2)


@app.command()
def forms(
    form: Annotated[str | None, typer.Argument(help="v2019 或 v2021；不填则列出全部")] = None,
) -> None:
    """列出表格定义：每张表的行、列、JSON 键、印刷标签及其变体、勾稽关系。

    例：gongkai forms v2021
    """
    from .forms import ALL_FORMS as FORMS  # the legacy 附表 too

    console = Console(highlight=False)
    chosen = [FORMS[form]] if form in FORMS else list(FORMS.values()) if form is None else []
    if not chosen:
        err.print(f"[red]没有这个格式[/red]：{escape(form or '')}（可选：{'、'.join(FORMS)}）")
        raise typer.Exit(2)
    for f in chosen:
        console.rule(f"{f.key}：{f.name}（{f.instrument}，适用于 {f.first_year}–{f.last_year or ''} 年度报告）")
        for table in f.tables:
            out = RichTable(title=f"表{table.number} {table.title}（{table.key}）", expand=True)
            for name in ("键", "印刷标签", "变体", "列"):
                out.add_column(name, overflow="fold")
            for row in table.rows:
                note = f"（代替 {'、'.join(row.instead_of)} 的单行印法）" if row.instead_of else ""
                out.add_row(escape(row.key), escape(row.label + note), escape("；".join(row.variants)),
                            escape(", ".join(table.row_columns(row))))
            console.print(out)
            console.print("列：" + escape("；".join(f"{c.key}＝{c.label}" for c in table.columns)))
            for i in table.identities:
                console.print(escape(f"{i.rule}：{' + '.join(i.lhs)} = {' + '.join(i.rhs)}"
                                     f"（{'每列' if i.axis == 'rows' else '每行'}"
                                     f"{'：' + '、'.join(i.over) if i.over else ''}）"))


@app.command()
def render(
    path: Annotated[str, typer.Argument(help="报告文件（任何可读格式，含 .xlsx）或 gongkai parse --json 输出的 JSON 文档")],
    fmt: Annotated[str, typer.Option("--format", help="输出格式：docx、xlsx、html 或 pdf")] = "docx",
    out: Annotated[Path | None, typer.Option("-o", "--out", help="输出文件（默认：与输入同名，加“-表格”）")] = None,
    corrected: Annotated[bool, typer.Option("--corrected", help="采用 JSON 文档中审核人的更正（review.corrections）")] = False,
) -> None:
    """按官方格式输出三张统计表（表二、表三、表四）：Word 可直接放入报告稿，Excel 为自动核对的工作簿。

    例：gongkai render 报告.pdf --format docx -o 表格.docx
    """
    from .render.output import FORMATS, SUFFIX, load_source, render_document, write_atomically

    if fmt not in FORMATS:
        err.print(f"[red]不支持的输出格式[/red]：{escape(fmt)}（可选：{'、'.join(FORMATS)}）")
        raise typer.Exit(2)
    try:
        source = load_source(path, corrected)
        data = render_document(source.document, fmt)
        target = out or Path(path).with_name(f"{Path(path).stem}-表格{SUFFIX[fmt]}")
        _write_output(target, data, binary=fmt != "html")
    except InputError as e:
        err.print(f"[red]无法输出[/red] {escape(path)}：{escape(str(e))}")
        raise typer.Exit(2) from None
    doc = source.document
    err.print(escape(f"已写入 {'标准输出' if str(target) == '-' else target}（{doc.organization or '单位未识别'} · {doc.year or '年度未识别'} 年度 · 格式 {doc.form}"
                     + (f" · 采用更正 {source.corrected} 处" if corrected else "") + "）"))
    if source.unplaced:
        shown = "、".join(source.unplaced[:6]) + (f" 等 {len(source.unplaced)} 格" if len(source.unplaced) > 6 else "")
        err.print(f"[yellow]注意[/yellow]：{escape(shown)} 读取时无法可靠定位，输出中留空，请核对原文后填写")


@app.command()
def template(
    form: Annotated[str | None, typer.Option("--form", help="v2021 或 v2019（默认按 --year 选择，否则 v2021）")] = None,
    year: Annotated[int | None, typer.Option("--year", help="报告年度，如 2025")] = None,
    previous: Annotated[str | None, typer.Option("--from", help="上年度报告（任何可读格式或 JSON）：预填上年结转，并核对衔接")] = None,
    organization: Annotated[str, typer.Option("--org", help="填报单位名称")] = "",
    fmt: Annotated[str, typer.Option("--format", help="输出格式（目前只有 xlsx）")] = "xlsx",
    out: Annotated[Path | None, typer.Option("-o", "--out", help="输出文件（默认：年度报告表格.xlsx）")] = None,
) -> None:
    """生成填报用的 Excel 工作簿：表二、表三、表四各一页，只有填报格可改，勾稽关系随填随算，核对页列出不成立的关系。

    例：gongkai template --form v2021 --year 2025 -o 表格.xlsx
    """
    from .render.output import template_bytes, write_atomically

    if fmt != "xlsx":
        err.print(f"[red]填报模板只支持 xlsx 格式[/red]：{escape(fmt)}")
        raise typer.Exit(2)
    try:
        data, form_key, year = template_bytes(form, year, previous, organization)
        target = out or Path(f"年度报告表格{year or ''}.xlsx")
        _write_output(target, data)
    except InputError as e:
        err.print(f"[red]无法生成模板[/red]：{escape(str(e))}")
        raise typer.Exit(2) from None
    err.print(escape(f"已写入 {'标准输出' if str(target) == '-' else target}（格式 {form_key}" + (f"，{year} 年度" if year else "")
                     + ("，已按上年报告预填上年结转" if previous else "") + "）"))


def _write_output(target: Path, data: bytes, binary: bool = True) -> None:
    """`data` to the file `target` (whole or not at all), or to standard output for `-o -`; a binary
    format is not sent to a terminal."""
    from .render.output import write_atomically

    if str(target) != "-":
        write_atomically(target, data)
        return
    if binary and sys.stdout.isatty():
        raise InputError("这是二进制格式，不输出到终端；请用 -o 文件名，或把标准输出重定向到文件")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host in _LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    db: Annotated[Path | None, typer.Option("--db", help="数据库文件（默认 $GONGKAI_DB 或当前目录下的 gongkai.duckdb）")] = None,
    host: Annotated[str, typer.Option(help="监听地址；不是本机（127.0.0.1）时必须设 --password")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口", min=1, max=65535)] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="启动后打开浏览器")] = False,
    password: Annotated[str | None, typer.Option(envvar="GONGKAI_PASSWORD", help="审核操作（及未加 --public-read 时的查看）所需的密码；也可用环境变量 GONGKAI_PASSWORD")] = None,
    public_read: Annotated[bool, typer.Option("--public-read", help="设了密码时，查看报告不需要密码（审核操作仍需要）")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="解析上传文件的进程数（默认全部 CPU 核）", min=1)] = None,
) -> None:
    """启动网页审核工作台：上传报告、逐格查看出处、确认或驳回核对意见、更正数字、下载审核意见。

    例：gongkai serve --db 语料.duckdb --open
    """
    if not _is_loopback(host) and not password:
        err.print(f"[red]拒绝启动[/red]：监听 {escape(host)} 会让局域网中的其他人访问审核工作台，"
                  f"请用 --password（或环境变量 GONGKAI_PASSWORD）设置密码")
        raise typer.Exit(2)
    try:
        import uvicorn

        from .web.app import create_app
    except ImportError:
        err.print("[red]缺少网页组件[/red]：请安装 pip install " + escape("'gongkai[web]'"))
        raise typer.Exit(2) from None
    from .store import StoreError, db_path

    path = db_path(db)
    try:
        web = create_app(path, password=password, public_read=public_read, jobs=jobs)
    except StoreError as e:
        err.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2) from None
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    err.print(f"审核工作台：{url}  （数据库 {escape(str(path))}；Ctrl-C 停止）")
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    try:
        uvicorn.run(web, host=host, port=port, log_level="warning")
    except OSError as e:
        err.print(f"[red]无法启动[/red]：{escape(str(e))}")
        raise typer.Exit(2) from None


@app.command()
def schema(
    json_schema: bool = typer.Option(False, "--json-schema",
                                     help="改为打印 gongkai parse --json 输出文档的 JSON Schema（draft 2020-12）"),
) -> None:
    """打印数据库表结构（由表格定义生成的 SQL），供 gongkai sql 查询时参考。

    例：gongkai schema；gongkai schema --json-schema > parse.schema.json
    """
    if json_schema:
        from .forms.json_schema import parse_document_schema

        print(json.dumps(parse_document_schema(), ensure_ascii=False, indent=2))
        return
    from .store.schema import SCHEMA_VERSION, ddl

    print(f"-- gongkai 数据库表结构，版本 {SCHEMA_VERSION}（说明见 README「数据库表结构」）")
    for statement in ddl():
        print(" ".join(statement.split()) + ";")


def main() -> None:
    """Console-script entry: run the app; never show a traceback for bad input."""
    # Everything imported so far lives as long as the process: keep the collector from walking
    # it again and again while a batch allocates and frees millions of small objects.
    gc.freeze()
    try:
        app()
    except KeyboardInterrupt:
        err.print("已中断")
        sys.exit(130)


from .commands.store import register as _register_store  # noqa: E402 - ingest, export, sql, stats

_register_store(app)

if __name__ == "__main__":
    main()
