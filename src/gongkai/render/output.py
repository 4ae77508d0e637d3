"""The library behind `gongkai render` and `gongkai template`: a parse (or a parse document, with a
reviewer's corrections) in, the official tables out as Word, Excel, a web page or PDF.

The CLI, the web app and the API all call these functions; a view only chooses the format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..forms import FORMS, form_for_year
from .document import Document
from .grid import Value
from .xlsx import Previous, render_template, render_xlsx

FORMATS = ("docx", "xlsx", "html", "pdf")
SUFFIX = {"docx": ".docx", "xlsx": ".xlsx", "html": ".html", "pdf": ".pdf"}


@dataclass
class Source:
    """A report's tables ready to print, and what the reader could not vouch for."""

    document: Document
    unplaced: list[str] = field(default_factory=list)  # cells left blank because the reader was unsure
    corrected: int = 0


def _is_parse_json(data: bytes) -> dict[str, Any] | None:
    head = data[:64].lstrip()
    if not head.startswith(b"{"):
        return None
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError("JSON 文件无法解析（应为 gongkai parse --json 的输出）") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict) or not isinstance(doc.get("report"), dict):
        raise InputError("JSON 文件不是 gongkai parse --json 的输出（缺少 report 或 tables）")
    return doc


def _corrections(review: Any) -> list[tuple[str, Value]]:
    """(cell, value) pairs from a document's `review`: the web API's shape
    (`{"corrections": {"requests.granted.total": {"new": "3", …}}}`, values as the reviewer typed them)
    or a plain list (`[{"cell": "requests.granted.total", "value": 3}]`)."""
    from ..review import ReviewError, _parse_correction

    items = review.get("corrections") if isinstance(review, dict) else None
    if isinstance(items, dict):
        out: list[tuple[str, Value]] = []
        for path, action in items.items():
            new = action.get("new") if isinstance(action, dict) else action
            try:
                out.append((path, _parse_correction(str(new if new is not None else ""))))
            except ReviewError as e:
                raise InputError(f"更正记录中的数值有误：{path}（{e}）") from None
        return out
    if isinstance(items, list):
        pairs = []
        for item in items:
            if not isinstance(item, dict):
                raise InputError("更正记录格式有误：每条应为 {\"cell\": \"表.行.列\", \"value\": 数值}")
            pairs.append((item.get("cell") or item.get("path"), item.get("value", item.get("new"))))
        return pairs
    raise InputError("JSON 文档中没有审核更正（review.corrections）")


def _apply_corrections(tables: dict[str, dict[str, dict[str, Value]]], form_key: str,
                       corrections: list[tuple[str, Value]]) -> int:
    """A reviewer's corrections applied in order; a cell outside the form or a non-number is refused."""
    form = FORMS[form_key]
    count = 0
    for path, value in corrections:
        parts = path.split(".") if isinstance(path, str) else []
        if len(parts) != 3:
            raise InputError(f"更正记录的单元格写法有误：{path!r}（应为 表.行.列，如 requests.granted.total）")
        t, r, c = parts
        try:
            table = form.table(t)
            row = table.row(r)
        except KeyError:
            raise InputError(f"更正记录中的单元格不在 {form_key} 格式中：{path}") from None
        if c not in table.row_columns(row):
            raise InputError(f"更正记录中的单元格不在 {form_key} 格式中：{path}")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise InputError(f"更正记录中的数值有误：{path} = {value!r}")
        tables.setdefault(t, {}).setdefault(r, {})[c] = value
        count += 1
    return count


def load_source(path: str | Path, corrected: bool = False) -> Source:
    """A report file (any format gongkai reads) or a parse JSON document, as printable tables.

    `corrected`: apply the reviewer's corrections a JSON document carries under
    `review.corrections` (what `GET /api/reports/{sha256}` of `gongkai serve` returns).
    """
    from ..api import parse_bytes, read_input_file

    p = Path(path)
    data = read_input_file(p)
    doc = _is_parse_json(data)
    if doc is None:
        if corrected:
            raise InputError("--corrected 需要带有审核更正的 JSON 文档（含 review.corrections），不是原始报告文件")
        doc = parse_bytes(data, str(path)).to_json(provenance=False)
    report = doc["report"]
    form_key = report.get("template")
    if form_key not in FORMS:
        raise InputError(f"这份报告不是 2019 年或 2021 年格式（识别为 {form_key}），无法按官方格式输出表格")
    tables: dict[str, dict[str, dict[str, Value]]] = {
        t: {r: dict(cells) for r, cells in rows.items()} for t, rows in doc["tables"].items()}
    count = 0
    if corrected:
        count = _apply_corrections(tables, form_key, _corrections(doc.get("review")))
    unplaced = sorted({c for f in doc.get("findings", []) if f.get("rule") == "P-1" for c in f.get("cells", [])
                       if _value(tables, c) is None})
    year = report.get("year") if isinstance(report.get("year"), int) else 0
    document = Document(form_key, report.get("organization") or "", year, tables, tables_only=True)
    return Source(document, unplaced, count)


def _value(tables: dict, path: str) -> Value:
    t, r, c = path.split(".")
    return tables.get(t, {}).get(r, {}).get(c)


def render_document(doc: Document, fmt: str) -> bytes:
    """The tables of `doc` in `fmt` (docx, xlsx, html or pdf)."""
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(doc)
    if fmt == "xlsx":
        return render_xlsx(doc)
    if fmt == "html":
        from .html import render_tables_html

        return render_tables_html(doc).encode("utf-8")
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(doc)
    raise InputError(f"不支持的输出格式：{fmt}（可选：{'、'.join(FORMATS)}）")


def previous_from(path: str | Path) -> Previous:
    """Last year's report (any format, or a parse JSON document): what it fixes for this year."""
    source = load_source(path)
    return Previous.from_tables(source.document.year or None, source.document.tables)


def template_bytes(form_key: str | None, year: int | None = None, previous_path: str | Path | None = None,
                   organization: str = "") -> tuple[bytes, str, int | None]:
    """A fill-in workbook, the form it uses (the year's form, v2021 when no year is given) and its year
    (last year's plus one when only `previous_path` says)."""
    previous = previous_from(previous_path) if previous_path else None
    if year is None and previous is not None and previous.year:
        year = previous.year + 1
    if form_key is None:
        form = form_for_year(year) if year else None
        form_key = form.key if form else "v2021"
    if form_key not in FORMS:
        raise InputError(f"没有这个格式：{form_key}（可选：{'、'.join(FORMS)}）")
    if year is not None and not 2008 <= year <= 2100:
        raise InputError(f"年度有误：{year}")
    return render_template(form_key, year, organization, previous), form_key, year


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` so that `path` is either the old file or the whole new one, never half."""
    tmp = path.with_name(f".{path.name}.part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise InputError(f"无法写入文件：{path}（{e.strerror}）") from None


__all__ = ["FORMATS", "Source", "load_source", "previous_from", "render_document", "template_bytes",
           "write_atomically"]
