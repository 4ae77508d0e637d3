"""Word → blocks: paragraphs and table cells in document order, merged cells once.

`.docx` is read straight from its XML (`word/document.xml`): a cell spanning columns
(`w:gridSpan`) is emitted once with its first grid column; a cell continuing a vertical merge
(`w:vMerge` without `restart`) is not emitted again. Old `.doc`/`.wps` files are converted with
LibreOffice when it is installed. The zip is checked before it is opened: a "zip bomb" that would
inflate past the limit is refused.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import InputError
from .document import Block

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_INFLATED = 200 * 1024 * 1024
"""A report's XML is a few MB; more than this unpacked is not a report (or is an attack)."""
MAX_RATIO = 200
"""Text XML compresses ~10×; a member compressing over this is built to explode."""
MAX_TABLE_DEPTH = 20
"""Tables nested in tables: Word layouts nest two or three deep; deeper is not a report."""
MAX_CELLS = 200_000
"""Table cells in one document: a report has a few hundred."""


def _document_xml(data: bytes) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        # a .docx cut short loses the zip's central directory, which sits at the end
        raise InputError("Word 文件不完整或已损坏（zip 包缺少目录，可能下载或保存中断）") from None
    with archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > MAX_INFLATED or any(
                i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > 10_000_000
                for i in infos):
            raise InputError("Word 文件解压后过大（疑似压缩炸弹），拒绝读取")
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise InputError("不是 Word 文档（压缩包中没有 word/document.xml）") from None
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise InputError(f"Word 文件已损坏，无法解压（{type(e).__name__}）") from None


def _text(element) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}p"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append(" ")
    return "".join(parts)


def _nested_tables(tc):  # type: ignore[no-untyped-def]
    """The tables directly inside a cell (not those nested in them): each is walked once."""
    found = []
    stack = list(tc)
    while stack:
        node = stack.pop()
        if node.tag == f"{W}tbl":
            found.append(node)
        else:
            stack.extend(node)
    found.reverse()  # document order: the stack took the last child first
    return found


class _Tables:
    """Walks tables into blocks with numbering in document order, linear in the XML's size.

    A layout cell holding tables is walked into those tables only. Each table is visited once
    (searching `.//tbl` at every level would visit a table once per enclosing table: 80 nested
    1-cell tables in 1.3 KB never finished), nesting deeper than MAX_TABLE_DEPTH and more than
    MAX_CELLS cells are refused.
    """

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.count = 0
        self.cells = 0

    def walk(self, tbl, depth: int = 0) -> None:  # type: ignore[no-untyped-def]
        if depth > MAX_TABLE_DEPTH:
            raise InputError(f"Word 文件中表格嵌套超过 {MAX_TABLE_DEPTH} 层，不像是年度报告（文件已损坏或是构造的异常文件）")
        index = self.count
        self.count += 1
        for r, tr in enumerate(tbl.iterfind(f"{W}tr")):
            c = 0
            for tc in tr.iterfind(f"{W}tc"):
                self.cells += 1
                if self.cells > MAX_CELLS:
                    raise InputError(f"Word 文件中表格单元格超过 {MAX_CELLS} 个，不像是年度报告")
                props = tc.find(f"{W}tcPr")
                span = 1
                continuing = False
                if props is not None:
                    grid_span = props.find(f"{W}gridSpan")
                    if grid_span is not None:
                        span = _int(grid_span.get(f"{W}val"), 1, 1000)
                    v_merge = props.find(f"{W}vMerge")
                    continuing = v_merge is not None and v_merge.get(f"{W}val", "continue") != "restart"
                nested = _nested_tables(tc)
                if nested:
                    for inner in nested:  # a layout cell: its tables are the data
                        self.walk(inner, depth + 1)
                elif not continuing:
                    self.blocks.append(Block(_text(tc).strip(), True, (index, r, c)))
                c += span


def _int(text: str | None, default: int, most: int) -> int:
    """An attribute's integer, within 1…most (damaged files carry anything here)."""
    try:
        return max(1, min(int(text or default), most))
    except ValueError:
        return default


def _body_blocks(xml: bytes) -> list[Block]:
    from lxml import etree

    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=False))
    except etree.XMLSyntaxError as e:
        if "premature end" in str(e).lower() or not xml.rstrip().endswith(b"document>"):
            raise InputError("Word 文件不完整（正文 XML 被截断，可能下载或保存中断），无法可靠读取") from None
        raise InputError("Word 文件内容已损坏（XML 无法解析）") from None
    if root is None or root.tag != f"{W}document":
        raise InputError("Word 文件内容已损坏（word/document.xml 不是 Word 正文）")
    body = root.find(f"{W}body")
    if body is None:
        raise InputError("Word 文件内容不完整（word/document.xml 中没有正文）")
    blocks: list[Block] = []
    tables = _Tables(blocks)
    for element in body:
        if element.tag == f"{W}p":
            text = _text(element).strip()
            if text:
                blocks.append(Block(text))
        elif element.tag == f"{W}tbl":
            tables.walk(element)
    return blocks


def _convert_doc(data: bytes) -> bytes:
    """`.doc`/`.wps` → `.docx` bytes through LibreOffice (InputError when it is not installed)."""
    from .office import convert, soffice

    if soffice() is None:
        raise InputError("这是旧版 Word/WPS 文件（.doc/.wps），需要安装 LibreOffice 才能读取；"
                         "也可以另存为 .docx 后再读取")
    return convert(data, "doc", "docx", "docx", "这个 .doc/.wps 文件")


def docx_blocks(data: bytes, fmt: str = "docx") -> tuple[list[Block], list[str]]:
    """(blocks in document order, metadata lines) of a Word file."""
    if fmt == "doc":
        data = _convert_doc(data)
    return _body_blocks(_document_xml(data)), []
