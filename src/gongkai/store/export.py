"""Exports of the corpus: wide (one row per report, one column per cell) or long (one row per cell).

Both cover the current reports (the latest version of each file) in ingest order. Cell columns of
the wide table are every cell the form definitions know, named `table.row.column` or, with Chinese
labels, `表三·予以公开·自然人`; a report without that cell (another template) leaves it empty, as
does a cell printed blank. CSV writes whole numbers without a decimal point and every other value
in the shortest text that reads back as the same double, so the CSV reproduces the stored values.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import duckdb

from ..forms import FORMS
from .db import StoreError
from .metrics import RATES

FORMATS = ("csv", "parquet", "xlsx")
EXCEL_MAX_ROWS = 1_048_576

# (SQL expression, key, Chinese label) of the report columns that lead each row
REPORT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("r.sha256", "sha256", "来源SHA256"),
    ("s.path", "path", "文件路径"),
    ("r.organization", "organization", "单位（原文）"),
    ("r.body_id", "body_id", "单位标识"),
    ("b.name", "body_name", "单位"),
    ("b.province", "province", "省"),
    ("b.city", "city", "市"),
    ("b.county", "county", "县（区）"),
    ("b.level", "level", "层级"),
    ("r.year", "year", "年度"),
    ("r.template", "template", "格式"),
    ("r.published", "published", "发布日期"),
    ("r.errors", "errors", "错误数"),
    ("r.warnings", "warnings", "警告数"),
    ("r.infos", "infos", "提示数"),
    *((f"m.{name}", name, zh) for name, zh, _ in RATES),
)


def cell_columns() -> list[tuple[str, str, str, str, str]]:
    """(table, row, column, key, Chinese label) of every cell any form defines, in printed order;
    a cell both forms have takes the newer form's label."""
    labels: dict[tuple[str, str, str], str] = {}  # insertion order = first definition, value = last
    for form in FORMS.values():
        for table in form.tables:
            for row in table.rows:
                for col in table.row_columns(row):
                    labels[(table.key, row.key, col)] = f"表{table.number}·{row.name}·{table.column(col).name}"
    return [(t, r, c, f"{t}.{r}.{c}", zh) for (t, r, c), zh in labels.items()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# the cells with a reviewer's corrections in force applied, flagged (`--values corrected`)
CORRECTED_CELLS = """(SELECT c.* REPLACE (CASE WHEN k.sha256 IS NULL THEN c.value ELSE k.value END AS value),
    k.sha256 IS NOT NULL AS corrected FROM cells c LEFT JOIN cell_corrections k
    ON k.sha256 = c.sha256 AND k.tbl = CAST(c.tbl AS VARCHAR) AND k.row = CAST(c.row AS VARCHAR)
    AND k.col = CAST(c.col AS VARCHAR))"""
ORIGINAL_CELLS = "(SELECT c.*, FALSE AS corrected FROM cells c)"


def wide_sql(labels: str = "key", corrected: bool = False, integers: set[tuple[str, str, str]] | None = None) -> str:
    """One row per current report; `labels` 'key' (requests.granted.total) or 'zh' (表三·予以公开·总计);
    `corrected` applies the reviewers' corrections and lists the corrected cells in a column;
    cells in `integers` (see `integer_columns`) are typed BIGINT."""
    integers = integers or set()
    pick = 0 if labels == "key" else 1
    heads = [f"{expr} AS {_quote(col[pick])}" for expr, *col in REPORT_COLUMNS]
    flag = ("corrected_cells", "审核更正的单元格")[pick]
    heads.append(f"string_agg(CASE WHEN c.corrected THEN c.tbl || '.' || c.row || '.' || c.col END, ' ') "
                 f"AS {_quote(flag)}")
    cells = [f"{'CAST(' if (t, r, k) in integers else ''}max(c.value) FILTER (WHERE c.tbl = '{t}' AND c.row = '{r}' "
             f"AND c.col = '{k}'){' AS BIGINT)' if (t, r, k) in integers else ''} AS "
             f"{_quote(key if labels == 'key' else zh)}" for t, r, k, key, zh in cell_columns()]
    return (f"SELECT {', '.join(heads + cells)}\nFROM current_reports r JOIN sources s USING (sha256)\n"
            f"LEFT JOIN bodies b USING (body_id) LEFT JOIN report_metrics m USING (sha256)\n"
            f"LEFT JOIN {CORRECTED_CELLS if corrected else ORIGINAL_CELLS} c USING (sha256)\n"
            f"GROUP BY ALL ORDER BY min(s.seq)")


def long_sql(labels: str = "key", corrected: bool = False) -> str:
    """One row per stored cell of a current report, with its printed text and provenance."""
    zh = labels == "zh"
    names = (("sha256", "来源SHA256"), ("path", "文件路径"), ("organization", "单位（原文）"), ("body_id", "单位标识"),
             ("year", "年度"), ("template", "格式"), ("tbl", "表"), ("row", "行"), ("col", "列"),
             ("table_label", "表名"), ("row_name", "行名"), ("column_name", "列名"), ("value", "数值"),
             ("printed", "原文"), ("line", "行号"), ("row_label", "行标签"), ("row_line", "行标签行号"),
             ("column_label", "列表头"), ("corrected", "审核更正"))
    exprs = ("r.sha256", "s.path", "r.organization", "r.body_id", "r.year", "r.template", "c.tbl", "c.row", "c.col",
             "f.table_label", "f.row_name", "f.column_name", "c.value", "c.printed", "c.line", "c.row_label",
             "c.row_line", "c.column_label", "c.corrected")
    select = ", ".join(f"{e} AS {_quote(n[1] if zh else n[0])}" for e, n in zip(exprs, names))
    cells = CORRECTED_CELLS if corrected else ORIGINAL_CELLS
    return (f"SELECT {select}\nFROM current_reports r JOIN sources s USING (sha256) JOIN {cells} c USING (sha256)\n"
            f"LEFT JOIN form_cells f ON f.template = r.template AND f.tbl = c.tbl AND f.row = c.row AND f.col = c.col\n"
            f"ORDER BY s.seq, f.position")


def text(value: object) -> str:
    """A value as CSV text: blank for NULL, 12 not 12.0, otherwise the shortest exact form.

    A whole number at or beyond 2^53 in a double may already have lost digits, so it is refused
    rather than written as a number that looks exact."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) >= 2**53:
                raise StoreError(f"数值 {value:.0f} 超过 2^53，双精度无法保证每一位准确，拒绝导出（请核对该格）")
            return str(int(value))
        return repr(value)
    return str(value)


def _rows(cursor: duckdb.DuckDBPyConnection, size: int = 2000) -> Iterator[tuple]:
    while True:
        chunk = cursor.fetchmany(size)
        if not chunk:
            return
        yield from chunk


def format_for(out: Path | None, fmt: str | None) -> str:
    """The export format: `--format` if given, else the output file's extension, else CSV."""
    if fmt:
        return fmt.lower()
    suffix = out.suffix.lower().lstrip(".") if out is not None and str(out) != "-" else ""
    return {"xls": "xlsx", "pq": "parquet", "tsv": "csv"}.get(suffix, suffix) if suffix in (*FORMATS, "xls", "pq") \
        else "csv"


def integer_columns(con: duckdb.DuckDBPyConnection, corrected: bool = False) -> set[tuple[str, str, str]]:
    """(table, row, column) cells holding counts that are whole numbers in every stored report: these
    are written as integers (a count of 3 is 3, not 3.0); one fractional value keeps the column exact
    as a decimal instead of rounding it."""
    kinds = {}
    for form in FORMS.values():
        for table in form.tables:
            for row in table.rows:
                for col in table.row_columns(row):
                    kinds[(table.key, row.key, col)] = table.column(col).kind
    fractional = {tuple(r) for r in con.execute(
        "SELECT DISTINCT CAST(tbl AS VARCHAR), CAST(row AS VARCHAR), CAST(col AS VARCHAR) FROM "
        f"{CORRECTED_CELLS if corrected else ORIGINAL_CELLS} c "
        "WHERE value IS NOT NULL AND (value <> trunc(value) OR abs(value) >= 9007199254740992)").fetchall()}
    return {k for k, kind in kinds.items() if kind in ("count", "signed") and k not in fractional}


def export(con: duckdb.DuckDBPyConnection, out: Path, fmt: str, wide: bool = True, labels: str = "key",
           corrected: bool = False, bom: bool = True) -> int:
    """Write the export to `out` (whole or not at all: a temporary file renamed at the end); returns
    the number of rows written. `corrected`: the reviewers' corrections in force replace the printed
    values, and each row says which cells they are. `bom`: a UTF-8 byte-order mark starts a CSV, so
    that Excel on Chinese Windows does not read it as GBK."""
    if fmt not in FORMATS:
        raise StoreError(f"不支持的导出格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    ints = integer_columns(con, corrected)
    sql = wide_sql(labels, corrected, ints) if wide else long_sql(labels, corrected)
    tmp = out.with_name(f".{out.name}.part")
    try:
        if fmt == "parquet":
            n = _parquet(con, sql, tmp)
        elif fmt == "csv":
            n = _csv(con.execute(sql), tmp, bom)
        else:
            n = _xlsx(con, sql, tmp, labels)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def _csv(cursor: duckdb.DuckDBPyConnection, out: Path, bom: bool) -> int:
    header = [d[0] for d in cursor.description]
    n = 0
    with out.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for row in _rows(cursor):
            w.writerow([text(v) for v in row])
            n += 1
    return n


def _parquet(con: duckdb.DuckDBPyConnection, sql: str, out: Path) -> int:
    con.execute(f"COPY ({sql}) TO '{_escape(out)}' (FORMAT parquet)")
    return con.execute(f"SELECT count(*) FROM read_parquet('{_escape(out)}')").fetchone()[0]


LEVEL_NAMES = {"province": "省级", "city": "地市级", "county": "县级", "township": "乡镇级", "central": "中央"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def _xlsx(con: duckdb.DuckDBPyConnection, sql: str, out: Path, labels: str) -> int:
    """An Excel workbook made for people: the data sheet with a frozen, filtered header, rates as
    percentages, dates as dates, counts as integers; with `labels` zh Chinese headers and level names;
    and a findings sheet beside it (every finding of the exported reports)."""
    import datetime

    import xlsxwriter

    total = con.cursor().execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
    if total + 1 > EXCEL_MAX_ROWS:
        raise StoreError(f"共 {total} 行，超过 Excel 一张表 {EXCEL_MAX_ROWS - 1} 行的上限；请改用 --format csv 或 parquet")
    zh = labels == "zh"
    cursor = con.execute(sql)
    header = [d[0] for d in cursor.description]
    rate_names = {name for name, _, _ in RATES} | {label for _, label, _ in RATES}
    level_col = header.index("层级" if zh else "level") if ("层级" if zh else "level") in header else None
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
    try:
        bold = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
        percent = book.add_format({"num_format": "0.0%"})
        whole = book.add_format({"num_format": "0"})
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet = book.add_worksheet("数据" if zh else "data")
        sheet.write_row(0, 0, header, bold)
        sheet.freeze_panes(1, 0)
        n = 0
        for n, row in enumerate(_rows(cursor), start=1):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, bool):
                    sheet.write_boolean(n, j, v)
                elif isinstance(v, (int, float)):
                    if header[j] in rate_names:
                        sheet.write_number(n, j, v, percent)
                    elif isinstance(v, int) or float(v).is_integer():
                        if abs(v) >= 2**53:
                            raise StoreError(f"数值 {v} 超过 2^53，Excel 无法准确保存，拒绝导出")
                        sheet.write_number(n, j, v, whole)
                    else:
                        sheet.write_number(n, j, v)
                elif isinstance(v, datetime.date):
                    sheet.write_datetime(n, j, datetime.datetime(v.year, v.month, v.day), date)
                else:
                    shown = LEVEL_NAMES.get(v, v) if zh and j == level_col else str(v)
                    sheet.write_string(n, j, shown)
        sheet.autofilter(0, 0, max(n, 1), len(header) - 1)
        _findings_sheet(con, book, bold, zh)
    finally:
        book.close()
    return n


def _findings_sheet(con: duckdb.DuckDBPyConnection, book: object, bold: object, zh: bool) -> None:
    """Every finding of the current reports, one a row, for filtering beside the data."""
    rows = con.execute("""SELECT r.sha256, s.path, r.organization, r.year, f.rule, f.severity, f.message,
                              array_to_string(f.cells, ' ') FROM findings f JOIN current_reports r USING (sha256)
                              JOIN sources s USING (sha256) ORDER BY s.seq, f.origin, f.ordinal""").fetchall()
    sheet = book.add_worksheet("核对意见" if zh else "findings")  # type: ignore[attr-defined]
    header = ["来源SHA256", "文件路径", "单位（原文）", "年度", "规则", "级别", "意见", "单元格"] if zh else \
        ["sha256", "path", "organization", "year", "rule", "severity", "message", "cells"]
    sheet.write_row(0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    for i, row in enumerate(rows, start=1):
        row = list(row)
        if zh:
            row[5] = SEVERITY_NAMES.get(row[5], row[5])
        sheet.write_row(i, 0, ["" if v is None else v for v in row])
    sheet.autofilter(0, 0, max(len(rows), 1), len(header) - 1)


def _escape(path: Path) -> str:
    return str(path).replace("'", "''")
