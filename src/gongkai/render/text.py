"""Write a report back as the text a scraper gets from a published page.

Two layouts, the ones seen in the wild: `paragraph` (one cell per paragraph, blank lines between)
and `pipe` (one cell per line ending in ` |`, spacer lines such as `|||` after a row). Tables are
printed the way the official form prints them, from the form definition: 表二 in article blocks,
表三 with its two-level applicant header and group labels, 表四 as one data row under its header
tree. Used by the property tests, the synthetic corpus and the benchmark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..forms import FORMS, SECTIONS, Form, Table
from ..forms.shared import APPLICANT_GROUP

Value = int | float | None
CellFormatter = Callable[[str, str, str, Value], str]
"""(table, row, column, value) → printed cell text."""


def plain_cell(table: str, row: str, col: str, value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(int(value))


@dataclass
class Document:
    """What to print: report fields, cell values ({table: {row: {col: value}}}) and wording."""

    form: str
    organization: str
    year: int
    tables: dict[str, dict[str, dict[str, Value]]]
    published_line: str | None = None
    signature: str | None = None
    narrative: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # printed label overrides, by row/column key


def _cells(lines: list[str], cells: list[str], layout: str, spacer: int = 0) -> None:
    if layout == "pipe":
        lines.extend(f"{c} |" for c in cells)
        if spacer:
            lines.append("|" * max(spacer, 2))  # pages print padding as runs of pipes, never a lone one
    else:
        for c in cells:
            lines.extend([c, ""])


def _label(doc: Document, key: str, default: str) -> str:
    return doc.labels.get(key, default)


def _proactive(doc: Document, table: Table, layout: str, cell: CellFormatter, lines: list[str]) -> None:
    values = doc.tables.get(table.key, {})
    block = None
    for row in table.rows:
        if row.key not in values:
            continue
        cols = table.row_columns(row)
        if row.block != block:
            block = row.block
            _cells(lines, [block or ""], layout, spacer=3)
            _cells(lines, ["信息内容"] + [_label(doc, f"{table.key}.col.{c}", table.column(c).label) for c in cols],
                   layout)
        printed = [cell(table.key, row.key, c, values[row.key].get(c)) for c in cols]
        _cells(lines, [_label(doc, f"{table.key}.{row.key}", row.label)] + printed, layout,
               spacer=max(0, 3 - len(cols)))


def _requests(doc: Document, table: Table, layout: str, cell: CellFormatter, lines: list[str]) -> None:
    values = doc.tables.get(table.key, {})
    _cells(lines, ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"], layout, spacer=8)
    top = [c for c in table.columns if c.group is None]
    _cells(lines, [top[0].label, APPLICANT_GROUP, top[-1].label], layout, spacer=7)
    _cells(lines, [_label(doc, f"requests.col.{c.key}", c.label) for c in table.columns if c.group], layout,
           spacer=5)
    group = None
    cols = [c.key for c in table.columns]
    for row in table.rows:
        if row.key not in values:
            continue
        pre: list[str] = []
        if row.group != group:
            group = row.group
            if group and not (row.group == "三、本年度办理结果" and row.key == "other"):
                pre.append(group)
        printed = [cell(table.key, row.key, c, values[row.key].get(c)) for c in cols]
        _cells(lines, pre + [_label(doc, f"requests.{row.key}", row.label)] + printed, layout, spacer=2)


def _review(doc: Document, table: Table, layout: str, cell: CellFormatter, lines: list[str]) -> None:
    values = doc.tables.get(table.key, {})
    leaves = [c.label for c in table.columns]
    _cells(lines, ["行政复议", "行政诉讼"], layout, spacer=13)
    _cells(lines, leaves + [r.label for r in table.rows[1:]], layout, spacer=8)
    _cells(lines, leaves * 2, layout, spacer=5)
    printed = [cell(table.key, r.key, c.key, values.get(r.key, {}).get(c.key)) for r in table.rows for c in table.columns]
    _cells(lines, printed, layout)


def _default_text(doc: Document, section_key: str) -> str:
    """What a conforming report says where the caller gave no text: section 五 looks back at last
    year's problems, section 六 states the fee notices (as many as 表三 drops for unpaid fees)."""
    if section_key == "problems":
        return "上年度报告所列问题已按计划整改。本年度存在的主要问题是公开内容的深度还需加强，下一步将继续改进。"
    if section_key == "other":
        unpaid = doc.tables.get("requests", {}).get("other_fee_unpaid", {}).get("total")
        if unpaid:
            return f"本年度发出收费通知{plain_cell('requests', 'other_fee_unpaid', 'total', unpaid)}件，未收取信息处理费。"
        return "本年度未发出收费通知，未收取信息处理费。"
    return "无。"


def render_text(doc: Document, layout: str = "paragraph", cell: CellFormatter = plain_cell) -> str:
    """The report as scraped text in `layout` ("paragraph" or "pipe")."""
    form: Form = FORMS[doc.form]
    lines: list[str] = [f"{doc.organization}{doc.year}年政府信息公开工作年度报告"]
    if doc.published_line:
        lines.append(doc.published_line)
    lines.append("")
    writers = {"proactive": _proactive, "requests": _requests, "review_litigation": _review}
    for section in SECTIONS:
        lines.extend([section.heading, ""])
        if section.table:
            writers[section.table](doc, form.table(section.table), layout, cell, lines)
        else:
            lines.extend([doc.narrative.get(section.key) or _default_text(doc, section.key), ""])
    if doc.signature:
        lines.extend(["", doc.organization, doc.signature])
    return "\n".join(lines) + "\n"
