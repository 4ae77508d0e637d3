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


def wide_sql(labels: str = "key", corrected: bool = False) -> str:
    """One row per current report; `labels` 'key' (requests.granted.total) or 'zh' (表三·予以公开·总计);
    `corrected` applies the reviewers' corrections and lists the corrected cells in a column."""
    pick = 0 if labels == "key" else 1
    heads = [f"{expr} AS {_quote(col[pick])}" for expr, *col in REPORT_COLUMNS]
    flag = ("corrected_cells", "审核更正的单元格")[pick]
    heads.append(f"string_agg(CASE WHEN c.corrected THEN c.tbl || '.' || c.row || '.' || c.col END, ' ') "
                 f"AS {_quote(flag)}")
    cells = [f"max(c.value) FILTER (WHERE c.tbl = '{t}' AND c.row = '{r}' AND c.col = '{k}') AS "
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
    """A value as CSV text: blank for NULL, 12 not 12.0, otherwise the shortest exact form."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def _rows(cursor: duckdb.DuckDBPyConnection, size: int = 2000) -> Iterator[tuple]:
    while True:
        chunk = cursor.fetchmany(size)
        if not chunk:
            return
        yield from chunk


def export(con: duckdb.DuckDBPyConnection, out: Path, fmt: str, wide: bool = True, labels: str = "key",
           corrected: bool = False) -> int:
    """Write the export to `out`; returns the number of rows written. `corrected`: the reviewers'
    corrections in force replace the printed values, and each row says which cells they are."""
    sql = wide_sql(labels, corrected) if wide else long_sql(labels, corrected)
    if fmt == "parquet":
        con.execute(f"COPY ({sql}) TO '{_escape(out)}' (FORMAT parquet)")
        return con.execute(f"SELECT count(*) FROM read_parquet('{_escape(out)}')").fetchone()[0]
    cursor = con.execute(sql)
    header = [d[0] for d in cursor.description]
    if fmt == "csv":
        n = 0
        with out.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for row in _rows(cursor):
                w.writerow([text(v) for v in row])
                n += 1
        return n
    if fmt == "xlsx":
        return _xlsx(con, sql, cursor, header, out)
    raise StoreError(f"不支持的导出格式：{fmt}（可选：{'、'.join(FORMATS)}）")


def _xlsx(con: duckdb.DuckDBPyConnection, sql: str, cursor: duckdb.DuckDBPyConnection, header: list[str],
          out: Path) -> int:
    import xlsxwriter

    total = con.cursor().execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
    if total + 1 > EXCEL_MAX_ROWS:
        raise StoreError(f"共 {total} 行，超过 Excel 一张表 {EXCEL_MAX_ROWS - 1} 行的上限；请改用 --format csv 或 parquet")
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False})
    try:
        sheet = book.add_worksheet("gongkai")
        sheet.write_row(0, 0, header)
        n = 0
        for n, row in enumerate(_rows(cursor), start=1):
            sheet.write_row(n, 0, [v if isinstance(v, (int, float)) or v is None else str(v) for v in row])
    finally:
        book.close()
    return n


def _escape(path: Path) -> str:
    return str(path).replace("'", "''")
