"""The comparison of two reports as a Word document (the compare page's download)."""

from __future__ import annotations

import io
from typing import Any


def _num(value: float | None) -> str:
    if value is None:
        return "空"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def compare_docx(result: dict[str, Any]) -> bytes:
    """`store.query.compare` output as .docx: each table with old, new and change per cell (big
    moves in bold), then each section's share repeated from the older report and its passages."""
    from docx import Document

    old, new = result["old"], result["new"]
    doc = Document()
    doc.add_heading(f"{new['organization'] or '（单位未识别）'}：{old['year'] or '?'} 年与 {new['year'] or '?'} 年报告对比", 1)
    doc.add_paragraph(f"旧：{old['organization'] or '未识别'} {old['year'] or ''}（{old['template']}）　"
                      f"新：{new['organization'] or '未识别'} {new['year'] or ''}（{new['template']}）")
    for table in result["tables"]:
        doc.add_heading(table["title"], 2)
        grid = doc.add_table(rows=1, cols=6)
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, ("行", "列", "旧", "新", "变化", "变化 %")):
            cell.text = text
        for row in table["rows"]:
            for c in row["cells"]:
                if c["old"] is None and c["new"] is None:
                    continue
                cells = grid.add_row().cells
                share = "" if c["share"] is None else f"{100 * c['share']:+.0f}%"
                change = "" if c["change"] is None else f"{c['change']:+g}"
                for cell, text in zip(cells, (row["label"], c["label"], _num(c["old"]), _num(c["new"]), change, share)):
                    cell.text = text
                    if c["big"]:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
    doc.add_heading("正文各部分与上一份报告的重复", 2)
    for s in result["sections"]:
        share = "未比较（过短或缺少）" if s["share"] is None else f"重复 {100 * s['share']:.0f}%"
        doc.add_paragraph(f"{s['number']}、{s['heading']}：{share}")
        for passage in s["passages"][:5]:
            doc.add_paragraph(passage, style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
