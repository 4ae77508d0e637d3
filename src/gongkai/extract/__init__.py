"""document → report: metadata, the form used, and the three tables read by their labels."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..errors import InputError, NotAReport
from ..forms import LEGACY, Form, Table, form_for_year
from ..model import Cell, Finding, Report
from ..read import Document, Piece
from .meta import read_meta
from .narrative import read_narrative
from .sections import Found, find_sections
from .tables import TableRead, read_table
from .values import is_unit_only
from .template import detect_form, squeeze

__all__ = ["extract"]

_REPORT_WORDS = ("政府信息公开", "政务公开", "信息公开")


_PREAMBLE = re.compile(r"本(?:年度)?报告.{0,120}?(?:根据|依据|按照).{0,120}?条例.{0,300}?编制")
_STAT_PERIOD = re.compile(r"统计(?:期限|时限|时间|区间)[^。\n]{0,12}?(?:自|从|为)?\s*\d{4}\s*年\s*1\s*月\s*1\s*日")
_INDEX_BOX = re.compile(r"索\s*引\s*号")
_PUBLISHER_BOX = re.compile(r"(?:发布|公开)\s*(?:机构|单位|主体)")
_ANNUAL_REPORT = re.compile(r"政府信息公开(?:工作)?年度?报告")


def report_signs(text: str) -> list[str]:
    """The signs by which a page says it is the annual report even when it holds no table: the
    preamble (本年度报告根据《条例》…编制), the statistics period, the 索引号/发布机构 box under a title
    naming the annual report. An opening of the page, or one whose tables are an attachment or an
    image, still carries them."""
    signs = []
    if _PREAMBLE.search(text):
        signs.append("preamble")
    if _STAT_PERIOD.search(text):
        signs.append("period")
    if _ANNUAL_REPORT.search(text) and _INDEX_BOX.search(text) and _PUBLISHER_BOX.search(text):
        signs.append("box")
    return signs


def _looks_like_report(text: str) -> bool:
    """Cheap first test: an annual disclosure report speaks of 信息公开 and of its statutory topics."""
    if not any(w in text for w in _REPORT_WORDS):
        return False
    if report_signs(text):
        return True
    topics = ("主动公开", "依申请", "申请", "行政复议", "年度报告", "存在的主要问题", "收费")
    return sum(1 for t in topics if t in text) >= 2


def _has_report_structure(lines: list[str], sections: list[Found], title_found: bool) -> bool:
    """A report has a title naming itself an annual report, or the statutory section headings.

    A news item about 政务公开 work mentions the same topics but has neither.
    """
    return title_found or len(sections) >= 3 or bool(report_signs("\n".join(lines)))


def _scope(table: Table, sections: list[Found], pieces: list[Piece], lines: list[int] | None = None) -> list[Piece]:
    """The pieces of the section that holds `table`; the whole document if its heading is missing.

    `lines` is each piece's line, if the caller has worked it out already."""
    for found in sections:
        if found.section.table == table.key:
            if lines is None:
                lines = [p.line for p in pieces]
            return pieces[bisect_right(lines, found.line):bisect_left(lines, found.end)]
    return pieces


def _complete(table: Table, read: TableRead, findings: list[Finding]) -> dict[str, dict[str, Cell]]:
    """Rows and cells in form order; rows the form has but the report does not show become null
    cells with a P-1 finding, except official rows the report printed differently (instead_of)."""
    printed_instead = {k for r in table.rows if r.instead_of and r.key in read.cells for k in r.instead_of}
    out: dict[str, dict[str, Cell]] = {}
    missing: list[str] = []
    for row in table.rows:
        if row.key in read.cells:
            cells = read.cells[row.key]
            out[row.key] = {c: cells[c] for c in table.row_columns(row) if c in cells}
        elif row.instead_of or row.key in printed_instead:
            continue
        else:
            out[row.key] = {c: Cell(None) for c in table.row_columns(row)}
            missing.append(row.key)
    for row_key in missing:
        row = table.row(row_key)
        findings.append(Finding(
            "P-1", "warning",
            f"表{table.number}未找到「{row.name}」行（或其后没有数值），该行各格留空",
            [f"{table.key}.{row_key}.{c}" for c in table.row_columns(row)]))
    for path, reason in read.unplaced:
        row_key, col = path.split(".")
        row, column = table.row(row_key), table.column(col)
        findings.append(Finding("P-1", "warning",
                                f"表{table.number}「{row.name}」行「{column.name}」列：{reason}，该格留空",
                                [f"{table.key}.{path}"]))
    return out


MIN_LEGACY_ROWS = 2
"""A pre-2019 statistics table is taken when this many of its indicators were read."""


def _read_legacy_table(doc: Document, report: Report) -> None:
    """The 附表 of a pre-2019 report (指标名称 | 计量单位 | 本年 | 历年累计), when it prints one.

    The unit column (条, 件, 个…) stands between a label and its values; it is dropped so the
    label ends where the row's values begin. Only the rows printed are output."""
    if not any(w in doc.text for w in LEGACY.signatures):
        return
    table = LEGACY.tables[0]
    pieces = [p for p in doc.pieces if not (p.text and is_unit_only(p.text))]
    read = read_table(table, pieces)
    if len(read.cells) < MIN_LEGACY_ROWS:
        return
    report.tables[table.key] = {row.key: {c: read.cells[row.key][c] for c in table.row_columns(row)
                                          if c in read.cells[row.key]}
                                for row in table.rows if row.key in read.cells}
    for path, reason in read.unplaced:
        row_key, col = path.split(".")
        report.findings.append(Finding(
            "P-1", "warning", f"附表「{table.row(row_key).name}」行「{table.column(col).name}」列：{reason}，该格留空",
            [f"{table.key}.{path}"]))


def extract(doc: Document, path: str, sha256: str) -> Report:
    """Read a Document into a Report (tables, fields and reading problems; no checks yet)."""
    text = doc.text
    if not _looks_like_report(text):
        raise NotAReport("不是政府信息公开工作年度报告（未找到“政府信息公开”及年度报告的主要内容）")
    meta = read_meta(doc.lines)
    report = Report(path=path, sha256=sha256, source_format=doc.source_format, encoding=doc.encoding,
                    organization=meta.organization, year=meta.year, published=meta.published,
                    meta_sources=meta.sources)
    form: Form | None = detect_form(squeeze(text), meta.year)
    sections = find_sections(doc.lines)
    report.sections, report.lines = sections, doc.lines
    read_narrative(doc.lines, report, text)
    if form is None and meta.year is not None:
        form = form_for_year(meta.year)
    reads: dict[str, TableRead] = {}
    if form is not None:
        piece_lines = [p.line for p in doc.pieces] if sections else None
        for table in form.tables:
            reads[table.key] = read_table(table, _scope(table, sections, doc.pieces, piece_lines))
    if not any(r.rows_seen for r in reads.values()):
        if not _has_report_structure(doc.lines, sections, "year" in meta.sources
                                     and meta.sources["year"].startswith("标题")):
            raise NotAReport("不是政府信息公开工作年度报告（没有年度报告标题、法定章节或统计表）")
        report.template = "legacy" if meta.year is None or meta.year < 2019 else "unknown"
        if report.template == "legacy":
            _read_legacy_table(doc, report)
        if meta.year is not None and meta.year >= 2019:
            report.findings.append(Finding(
                "Q-TPL-3", "warning", "报告中未找到可读取的统计表（表格可能缺失或以图片发布）", []))
        return report
    assert form is not None
    report.template = form.key
    for table in form.tables:
        report.tables[table.key] = _complete(table, reads[table.key], report.findings)
    return report
