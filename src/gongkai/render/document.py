"""What a writer prints: report fields, cell values and wording, in the order a report has them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..forms import FORMS, SECTIONS, Form
from .grid import CellFormatter, Grid, Value, table_grid


def plain_cell(table: str, row: str, col: str, value: Value) -> str:
    """A value as a report prints it plainly: `12`, `3351.29`, blank for null."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4f}".rstrip("0").rstrip(".")
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
    tables_only: bool = False  # print the title and the three table sections only (`gongkai render`)

    @property
    def title(self) -> str:
        return f"{self.organization}{f'{self.year}年' if self.year else ''}政府信息公开工作年度报告"


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


def outline(doc: Document, cell: CellFormatter = plain_cell) -> Iterator[tuple[str, str | Grid]]:
    """The report in order, as ("title" | "dateline" | "heading" | "text" | "signature", text) and
    ("table", grid) items; every writer prints this sequence in its own medium."""
    form: Form = FORMS[doc.form]
    yield "title", doc.title
    if doc.published_line:
        yield "dateline", doc.published_line
    for section in SECTIONS:
        if doc.tables_only and not section.table:
            continue
        yield "heading", section.heading
        if section.table:
            yield "table", table_grid(form, section.table, doc.tables.get(section.table, {}), cell, doc.labels)
        else:
            yield "text", doc.narrative.get(section.key) or _default_text(doc, section.key)
    if doc.signature and not doc.tables_only:
        yield "signature", doc.organization
        yield "signature", doc.signature
