"""Word → blocks: paragraphs and table cells in document order, merged cells once.

`.docx` is read straight from its XML (`word/document.xml`): a cell spanning columns
(`w:gridSpan`) is emitted once with its first grid column; a cell continuing a vertical merge
(`w:vMerge` without `restart`) is not emitted again. Old `.doc`/`.wps` files are converted with
LibreOffice when it is installed. The zip is checked before it is opened: a "zip bomb" that would
inflate past the limit is refused.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import InputError
from .document import Block

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_INFLATED = 200 * 1024 * 1024
"""A report's XML is a few MB; more than this unpacked is not a report (or is an attack)."""
MAX_RATIO = 200
"""Text XML compresses ~10×; a member compressing over this is built to explode."""
CONVERT_TIMEOUT = 120


def _document_xml(data: bytes) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError("Word 文件已损坏（不是有效的 zip 包）") from None
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


def _table(tbl, blocks: list[Block], counter: list[int]) -> None:  # type: ignore[no-untyped-def]
    """A table's cells as blocks; `counter` numbers the data tables in document order."""
    index = counter[0]
    counter[0] += 1
    for r, tr in enumerate(tbl.iterfind(f"{W}tr")):
        c = 0
        for tc in tr.iterfind(f"{W}tc"):
            props = tc.find(f"{W}tcPr")
            span = 1
            continuing = False
            if props is not None:
                grid_span = props.find(f"{W}gridSpan")
                if grid_span is not None:
                    span = max(1, int(grid_span.get(f"{W}val", "1")))
                v_merge = props.find(f"{W}vMerge")
                continuing = v_merge is not None and v_merge.get(f"{W}val", "continue") != "restart"
            if tc.find(f".//{W}tbl") is not None:
                for nested in tc.iterfind(f".//{W}tbl"):  # a layout cell: its tables are the data
                    _table(nested, blocks, counter)
            elif not continuing:
                blocks.append(Block(_text(tc).strip(), True, (index, r, c)))
            c += span


def _body_blocks(xml: bytes) -> list[Block]:
    from lxml import etree

    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=False))
    except etree.XMLSyntaxError:
        raise InputError("Word 文件内容已损坏（XML 无法解析）") from None
    body = root.find(f"{W}body")
    blocks: list[Block] = []
    counter = [0]
    for element in body if body is not None else ():
        if element.tag == f"{W}p":
            text = _text(element).strip()
            if text:
                blocks.append(Block(text))
        elif element.tag == f"{W}tbl":
            _table(element, blocks, counter)
    return blocks


def _convert_doc(data: bytes) -> bytes:
    """`.doc`/`.wps` → `.docx` bytes through LibreOffice (InputError when it is not installed)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError("这是旧版 Word/WPS 文件（.doc/.wps），需要安装 LibreOffice 才能读取；"
                         "也可以另存为 .docx 后再读取")
    with tempfile.TemporaryDirectory(prefix="gongkai-doc-") as tmp:
        source = Path(tmp) / "report.doc"
        source.write_bytes(data)
        try:
            subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "docx", "--outdir", tmp, str(source)],
                           check=True, capture_output=True, timeout=CONVERT_TIMEOUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
            raise InputError(f"LibreOffice 无法转换这个 .doc/.wps 文件（{type(e).__name__}）") from None
        converted = Path(tmp) / "report.docx"
        if not converted.exists():
            raise InputError("LibreOffice 没有转换出 .docx 文件")
        return converted.read_bytes()


def docx_blocks(data: bytes, fmt: str = "docx") -> tuple[list[Block], list[str]]:
    """(blocks in document order, metadata lines) of a Word file."""
    if fmt == "doc":
        data = _convert_doc(data)
    return _body_blocks(_document_xml(data)), []
