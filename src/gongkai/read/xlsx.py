"""Excel → blocks: each sheet's cells row by row, merged cells once, like an HTML or Word table.

A body's own workbook in the official layout (merged headers, stubs) and the workbook gongkai
writes (`render.xlsx`) read the same way: every sheet is a table whose cells become blocks with
`(sheet index, row, column, sheet name)` provenance; the 核对 sheet of gongkai's workbook is left
out (it restates labels, it holds no values of its own). A `填报单位` / `报告年度` pair of cells
becomes the report's title line for the metadata reader.

A number computed by a formula is read from the value the spreadsheet saved with it. A workbook
written by a program and never opened in a spreadsheet has no saved values: it is recalculated
with LibreOffice when installed, else refused with a message — never read as blank or 0.
`.xls` files are converted with LibreOffice.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

from ..errors import InputError
from .document import Block

CHECK_SHEET = "核对"  # render.xlsx.CHECK_SHEET (not imported: readers do not load writers)
_ORG = re.compile(r"^(填报单位|报告单位|单位名称|填报机关)[:：]?$")
_YEAR = re.compile(r"^(报告年度|年度|统计年度)[:：]?$")
_LEADING_ORG = re.compile(r"^(填报单位|报告单位|单位名称)[:：]\s*(\S.*)$")
MAX_INFLATED = 200 * 1024 * 1024
MAX_CELLS = 200_000
"""Three statutory tables are a few hundred cells; far more is not a report sheet."""
_OLE = b"\xd0\xcf\x11\xe0"
_NUMBER = re.compile(r"^[+-]?[\d.,]+$")


def _ruled(cell) -> bool:  # type: ignore[no-untyped-def]
    b = cell.border
    return any(side is not None and side.style for side in (b.left, b.right, b.top, b.bottom))


def is_xlsx(data: bytes) -> bool:
    """A zip package whose members are a workbook (`xl/workbook.xml`), not a Word document.

    A Word file may embed a workbook stored uncompressed, so its bytes alone can show `xl/…` names:
    the package's own directory decides. A damaged package falls back to the member names in its
    bytes, so a cut-off workbook still gets an Excel message.
    """
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
        return "xl/workbook.xml" in names and "word/document.xml" not in names
    except (zipfile.BadZipFile, OSError, ValueError):
        return (b"xl/workbook.xml" in data or b"xl/worksheets/" in data) and b"word/document.xml" not in data


def is_xls(data: bytes) -> bool:
    """An OLE2 compound file holding an Excel `Workbook` (or older `Book`) stream, not a Word one."""
    if not data.startswith(_OLE):
        return False
    return "Workbook".encode("utf-16-le") in data and "WordDocument".encode("utf-16-le") not in data


def _text(value: object) -> str:
    """A cell's value as the text a reader would see printed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        return f"{value:.10f}".rstrip("0").rstrip(".") if "e" in text else text
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()


def _recalculate(data: bytes) -> bytes | None:
    """The workbook saved again by LibreOffice, formulas evaluated; None when it is not installed."""
    from .office import convert, soffice

    if soffice() is None:
        return None
    try:
        return convert(data, "xlsx", "xlsx:Calc MS Excel 2007 XML", "xlsx", "这个工作簿")
    except InputError:
        return None


def _convert_xls(data: bytes) -> bytes:
    from .office import convert, soffice

    if soffice() is None:
        raise InputError("这是旧版 Excel 文件（.xls），需要安装 LibreOffice 才能读取；也可以另存为 .xlsx 后再读取")
    return convert(data, "xls", "xlsx", "xlsx", "这个 .xls 文件")


def _load(data: bytes, values: bool):  # type: ignore[no-untyped-def]
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=values, read_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as e:
        raise InputError(f"Excel 文件已损坏，无法读取（{type(e).__name__}）") from None
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds on a malformed package
        raise InputError(f"Excel 文件无法解析（{type(e).__name__}）") from None


def _check_package(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError("Excel 文件已损坏（不是有效的 zip 包）") from None
    with archive:
        if sum(i.file_size for i in archive.infolist()) > MAX_INFLATED:
            raise InputError("Excel 文件解压后过大（疑似压缩炸弹），拒绝读取")


def _has_formulas(book) -> bool:  # type: ignore[no-untyped-def]
    """Whether a sheet we read (not 核对) has a formula cell."""
    return any(cell.data_type == "f" for ws in book.worksheets if ws.title != CHECK_SHEET
               for row in ws.iter_rows() for cell in row)


def _unevaluated(formulas, values) -> bool:  # type: ignore[no-untyped-def]
    """Whether a formula cell of a sheet we read has no saved value."""
    for ws in formulas.worksheets:
        if ws.title == CHECK_SHEET:
            continue
        vs = values[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and vs.cell(cell.row, cell.column).value is None:
                    return True
    return False


def xlsx_blocks(data: bytes) -> tuple[list[Block], list[str]]:
    """(blocks in sheet order, metadata lines) of an Excel workbook (.xlsx, or .xls via LibreOffice)."""
    if data.startswith(_OLE):
        data = _convert_xls(data)
    _check_package(data)
    book = _load(data, values=False)  # formulas as written; every other cell as its value
    if _has_formulas(book):
        values = _load(data, values=True)  # the results the spreadsheet saved with the formulas
        if _unevaluated(book, values):
            recalculated = _recalculate(data)
            if recalculated is None:
                raise InputError("Excel 文件中有公式没有保存计算结果（文件由程序生成、未经 Excel 保存）："
                                 "请用 Excel 或 LibreOffice 打开并保存后再读取")
            values = _load(recalculated, values=True)
        book = values
    blocks: list[Block] = []
    meta: list[str] = []
    org = year = None
    cells = 0
    for index, ws in enumerate(book.worksheets):
        if ws.title == CHECK_SHEET or ws.sheet_state != "visible":
            continue
        covered: set[tuple[int, int]] = set()
        for merged in ws.merged_cells.ranges:
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        covered.add((r, c))
        grid = list(ws.iter_rows())
        cells += sum(len(r) for r in grid)
        if cells > MAX_CELLS:
            raise InputError(f"Excel 文件的单元格过多（超过 {MAX_CELLS} 个），不是年度报告的表格")
        rows = [[_text(cell.value) for cell in row] for row in grid]
        width = max((c + 1 for row, cells in zip(rows, grid) for c, t in enumerate(row) if t or _ruled(cells[c])),
                    default=0)
        for r, row in enumerate(rows, start=1):
            texts = [(c, row[c - 1] if c - 1 < len(row) else "") for c in range(1, width + 1)
                     if (r, c) not in covered]
            filled = [(c, t) for c, t in texts if t]
            if not filled:
                if any(_ruled(cell) for cell in grid[r - 1][:width]):  # an empty row inside a ruled table
                    blocks.extend(Block("", True, (index, r - 1, c - 1, ws.title)) for c, _ in texts)
                continue
            first = filled[0][1]
            alone = not any(_ruled(grid[r - 1][c - 1]) for c, _ in texts[1:] if c - 1 < len(grid[r - 1]))
            if len(filled) == 1 and filled[0][0] == texts[0][0] and not _NUMBER.match(first) and alone:
                m = _LEADING_ORG.match(first)
                if m:
                    org = m.group(2)
                blocks.append(Block(first))  # a line of its own: a heading or a note above a table
                continue
            if len(filled) == 2 and _ORG.match(first):
                org = filled[1][1]
                continue
            if len(filled) == 2 and _YEAR.match(first):
                year = re.sub(r"\D", "", filled[1][1])[:4] or None
                continue
            for c, t in texts:
                blocks.append(Block(t, True, (index, r - 1, c - 1, ws.title)))
    if org or year:
        meta.append(f"{org or ''}{year + '年' if year else ''}政府信息公开工作年度报告")
    if org:
        meta.append(f"发布机构：{org}")
    return blocks, meta
