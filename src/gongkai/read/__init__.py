"""bytes → document: each format's reader turns bytes into text lines and table-cell pieces.

A reader never knows about the rows of a form; it only says what is printed where. Formats are
told apart by their bytes, not by the file name.
"""

from __future__ import annotations


from ..errors import InputError
from .decode import decode_bytes
from .document import Block, Document, Piece, blocks_document, text_document
from .normalize import normalize_text

__all__ = ["Block", "Document", "Piece", "blocks_document", "decode_bytes", "normalize_text", "read_document",
           "sniff_format", "text_document"]

MAX_BYTES = 64 * 1024 * 1024
"""No annual report comes near this; a larger input would only exhaust memory."""

_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")
_UNSUPPORTED = (
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
)


def sniff_format(data: bytes) -> str:
    """`pdf`, `docx`, `doc`, `xlsx` (also .xls), `image`, `html` or `text`, from the bytes; InputError for other formats."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    from .xlsx import is_xls, is_xlsx

    if is_xlsx(data) or is_xls(data):
        return "xlsx"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if data.startswith(_IMAGES):
        return "image"
    for magic, name in _UNSUPPORTED:
        if data.startswith(magic):
            raise InputError(f"不支持读取 {name}（支持文本、网页、PDF 和 Word 文件）")
    from .html import looks_like_html

    return "html" if looks_like_html(data) else "text"


_FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "doc": "Word/WPS", "image": "图片", "html": "网页", "text": "文本"}


def read_document(data: bytes) -> Document:
    """Any supported report file's bytes as a Document (InputError when they cannot be read).

    Whatever a reader or the library under it raises on damaged or hostile bytes (a broken zip,
    XML nested past the recursion limit, a codec error, memory exhausted) becomes an InputError
    naming the format: to a user it is one more file that cannot be read, never a traceback, and
    a batch goes on with the next file.
    """
    if len(data) > MAX_BYTES:
        raise InputError(f"文件过大（{len(data) / 1048576:.1f} MB），超过 {MAX_BYTES // 1048576} MB 上限")
    fmt = sniff_format(data)
    try:
        return _read(data, fmt)
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{_FORMAT_NAMES[fmt]}文件结构嵌套过深，无法读取（文件已损坏或是构造的异常文件）") from None
    except MemoryError:
        raise InputError(f"{_FORMAT_NAMES[fmt]}文件读取时内存不足（文件已损坏或是构造的异常文件）") from None
    except Exception as e:  # noqa: BLE001 - any library's error on bad bytes: the file cannot be read
        raise InputError(f"{_FORMAT_NAMES[fmt]}文件已损坏或格式异常，无法读取（{type(e).__name__}）") from None


def _read(data: bytes, fmt: str) -> Document:
    """The reader for `fmt`; it may raise anything its libraries raise (read_document wraps it)."""
    if fmt == "pdf":
        from .pdf import pdf_blocks

        blocks, meta_lines, pages, empty = pdf_blocks(data)
        if empty == pages:
            raise InputError("PDF 没有文字层（扫描件），需要 OCR 才能读取：请安装 pip install 'gongkai[ocr]'")
        if not blocks:
            raise InputError("PDF 中没有识别出任何文字")
        return blocks_document(blocks, "pdf", meta_lines=meta_lines)
    if fmt in ("docx", "doc"):
        from .docx import docx_blocks

        blocks, meta_lines = docx_blocks(data, fmt)
        return blocks_document(blocks, "docx", meta_lines=meta_lines)
    if fmt == "xlsx":
        from .xlsx import xlsx_blocks

        blocks, meta_lines = xlsx_blocks(data)
        return blocks_document(blocks, "xlsx", meta_lines=meta_lines)
    if fmt == "image":
        from .ocr import image_blocks

        blocks = image_blocks(data)
        if not blocks:
            raise InputError("图片中没有识别出文字")
        return blocks_document(blocks, "image")
    if fmt == "html":
        from .html import html_blocks

        blocks, meta_lines, encoding = html_blocks(data)
        return blocks_document(blocks, "html", encoding, meta_lines)
    text, encoding = decode_bytes(data)
    return text_document(normalize_text(text), source_format="text", encoding=encoding)
