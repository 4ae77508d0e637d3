"""The library entry points: bytes or a path in, a checked Report out (the CLI calls these)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .check import run_checks
from .errors import InputError
from .extract import extract
from .model import Report
from .quality import assess
from .read import decode_bytes, normalize_text, text_document
from .read.html import declared_charset, html_to_text, looks_like_html

REPORT_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".doc",
                             ".wps", ".jpg", ".jpeg", ".png"})

_MAGIC = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "Word（.docx）或其他压缩包"),
    (b"\xd0\xcf\x11\xe0", "Word 97-2003（.doc/.wps）"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
)


def sniff_format(data: bytes) -> str:
    """`text` or `html` for what this reader handles; raises InputError for other formats."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"暂不支持读取 {name} 格式的报告（目前支持文本和网页）")
    return "html" if looks_like_html(data) else "text"


def parse_bytes(data: bytes, path: str = "<stdin>", checks: bool = True) -> Report:
    """Parse one report's bytes. Raises InputError when they are not a readable report."""
    fmt = sniff_format(data)
    sha = hashlib.sha256(data).hexdigest()
    if fmt == "html":
        declared = declared_charset(data)
        text, encoding = None, None
        if declared:
            try:
                text, encoding = data.decode(declared), declared
            except (LookupError, UnicodeDecodeError):
                text = None
        if text is None:
            text, encoding = decode_bytes(data)
        text = html_to_text(text)
    else:
        text, encoding = decode_bytes(data)
    doc = text_document(normalize_text(text), source_format=fmt, encoding=encoding)
    report = extract(doc, path, sha)
    if checks:
        report.findings.extend(run_checks(report))
        report.quality = assess(report)
    return report


def parse_path(path: str | Path, checks: bool = True) -> Report:
    """Parse the report file at `path`."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > 64 * 1024 * 1024:
            raise InputError(f"文件过大（{size / 1048576:.1f} MB），超过 64 MB 上限")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise InputError(f"这是一个目录，不是文件：{path}") from None
    except PermissionError:
        raise InputError(f"没有读取权限：{path}") from None
    except OSError as e:
        raise InputError(f"无法读取文件：{path}（{e.strerror}）") from None
    return parse_bytes(data, str(path), checks=checks)


def report_files(root: str | Path) -> list[Path]:
    """Report files under a directory, recursively, in a stable order."""
    base = Path(root)
    return sorted(p for p in base.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(base).parts))
