"""Write a report as a Word document: the official tables with their merged cells, fonts and widths.

What a drafting office pastes into its report: the title in 宋体, section headings in 黑体, text in
仿宋_GB2312 (三号, first line indented two characters), and the tables in 宋体 五号, centred, with the
form's merged headers and stub hierarchy (`render.grid`) and column widths fitted to the labels.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from .document import Document, outline, plain_cell
from .grid import CellFormatter, Grid, expand

TITLE_FONT, HEADING_FONT, TEXT_FONT, TABLE_FONT = "宋体", "黑体", "仿宋_GB2312", "宋体"
TEXT_WIDTH_CM = 15.6  # A4 less the 2.7 cm side margins official documents use


def _font(run, name: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Set a run's Latin and East Asian fonts (Word picks the CJK font from w:eastAsia)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _styles(word) -> dict:  # type: ignore[no-untyped-def]
    """Paragraph styles for each kind of line (cheaper than formatting every run, and editable in Word)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    out = {}
    for key, font, size, bold, align, indent in (
            ("title", TITLE_FONT, 22, True, WD_ALIGN_PARAGRAPH.CENTER, 0),
            ("heading", HEADING_FONT, 16, False, None, 32),
            ("text", TEXT_FONT, 16, False, None, 32),
            ("dateline", TEXT_FONT, 16, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
            ("signature", TEXT_FONT, 16, False, WD_ALIGN_PARAGRAPH.RIGHT, 0),
            ("cell", TABLE_FONT, 10.5, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
            ("note", TABLE_FONT, 9, False, WD_ALIGN_PARAGRAPH.LEFT, 0)):
        style = word.styles.add_style(f"年报{key}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = word.styles["Normal"]
        _font(style, font, size, bold)
        fmt = style.paragraph_format
        if align is not None:
            fmt.alignment = align
        fmt.first_line_indent = Pt(indent) if indent else None
        fmt.space_before = Pt(8 if key == "heading" else 0)
        fmt.space_after = Pt({"title": 16, "heading": 6}.get(key, 0))
        out[key] = style
    return out


def _widths(grid: Grid) -> list[float]:
    """Column widths in cm: a label column as wide as its label (up to eight characters, then it
    wraps), a number column wide enough for six digits; scaled to the text width."""
    placed, width = expand(grid)
    need = [2.0] * width
    for _, c, cell in placed:
        if cell.colspan == 1:
            need[c] = max(need[c], min(len(cell.text), 8) * 0.9 if cell.header else 3.6)
    total = sum(need)
    return [TEXT_WIDTH_CM * n / total for n in need]


def _add_table(word, grid: Grid, styles: dict) -> None:  # type: ignore[no-untyped-def]
    """Append the grid as a Word table: merged cells as `w:gridSpan` and `w:vMerge`, fixed widths.

    Written as WordprocessingML directly: python-docx's cell merging re-walks the whole table for
    every merge, which made a three-table document take a third of a second.
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    placed, width = expand(grid)
    twips = [round(w / 2.54 * 1440) for w in _widths(grid)]
    starts = {(r, c): cell for r, c, cell in placed}
    below = {(r + dr, c): cell for r, c, cell in placed for dr in range(1, cell.rowspan)}
    cell_style, note_style = styles["cell"].style_id, styles["note"].style_id
    rows = []
    for r in range(len(grid)):
        tcs, c = [], 0
        while c < width:
            cell = starts.get((r, c)) or below.get((r, c))
            if cell is None:  # not reachable for a grid from render.grid; keeps the table rectangular
                tcs.append(f'<w:tc><w:tcPr><w:tcW w:w="{twips[c]}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
                c += 1
                continue
            span = cell.colspan
            props = [f'<w:tcW w:w="{sum(twips[c:c + span])}" w:type="dxa"/>']
            if span > 1:
                props.append(f'<w:gridSpan w:val="{span}"/>')
            first = (r, c) in starts
            if cell.rowspan > 1:
                props.append('<w:vMerge w:val="restart"/>' if first else "<w:vMerge/>")
            props.append('<w:vAlign w:val="center"/>')
            style = note_style if cell.text.startswith("（本列") else cell_style
            run = f"<w:r><w:t xml:space=\"preserve\">{escape(cell.text)}</w:t></w:r>" if first and cell.text else ""
            tcs.append(f'<w:tc><w:tcPr>{"".join(props)}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
                       f"{run}</w:p></w:tc>")
            c += span
        rows.append("<w:tr>" + "".join(tcs) + "</w:tr>")
    grid_cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    xml = (f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>"
           f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
           f"</w:tblPr><w:tblGrid>{grid_cols}</w:tblGrid>{''.join(rows)}</w:tbl>")
    body = word.element.body
    body.find(qn("w:sectPr")).addprevious(parse_xml(xml))


def render_docx(doc: Document, cell: CellFormatter = plain_cell) -> bytes:
    """The report as `.docx` bytes (python-docx)."""
    from docx import Document as WordDocument
    from docx.shared import Cm

    word = WordDocument()
    for section in word.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    _font(word.styles["Normal"], TEXT_FONT, 16)
    styles = _styles(word)
    for kind, item in outline(doc, cell):
        if kind == "table":
            _add_table(word, item, styles)  # type: ignore[arg-type]
        else:
            word.add_paragraph(item, styles[kind])  # type: ignore[arg-type]
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
