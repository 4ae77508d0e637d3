"""HTML → blocks: text lines and table cells in document order, site chrome left out.

A data table (one with no table nested in it) becomes its cells, row by row, each once at its
top-left grid position with `(table, row, col)` provenance, `rowspan`/`colspan` expanded; a
layout table (one that nests tables) is walked like any other container. Navigation, scripts,
styles and footers are skipped. The page title and the CMS meta tags government sites use
(`ArticleTitle`, `PubDate`, `ContentSource`) become metadata lines ahead of the text.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .decode import decode_bytes
from .document import Block

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "nav", "footer", "iframe", "select",
                   "button", "form", "svg", "object", "embed", "input", "textarea"})
_BLOCK = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                    "article", "header", "blockquote", "pre", "dd", "dt", "dl", "center", "hr", "caption",
                    "tr", "td", "th", "tbody", "thead", "tfoot", "table", "main", "aside", "figure"})
_CHROME = re.compile(r"(^|[-_\s])(nav|navbar|menu|footer|foot|breadcrumb|crumb|share|copyright|sidebar|"
                     r"topbar|toolbar|login|search|friendlink|links?)([-_\s]|\d|$)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_SPACE = re.compile(r"\s+")
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}


def looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")):
        return True
    sample = data[:200_000].lower()
    return head.startswith(b"<") and (b"<body" in sample or b"<table" in sample or b"<div" in sample)


def decode_html(data: bytes) -> tuple[str, str]:
    """Text and encoding: a BOM, else the declared `<meta charset>`, else detection."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data)
    m = _META_CHARSET.search(data[:8192])
    if m:
        declared = m.group(1).decode("ascii", "replace").lower()
        name = _SUPERSETS.get(declared, declared)
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common: fall back to detection
    return decode_bytes(data)


def _text(node: LexborNode) -> str:
    return _SPACE.sub(" ", node.text(deep=True, separator="", strip=False)).strip()


def _tables_within(node: LexborNode) -> int:
    """How many tables `node` holds, itself included (`css` would count the node itself too)."""
    return sum(1 for n in node.traverse() if n.tag == "table")


def _is_chrome(node: LexborNode) -> bool:
    attrs = node.attributes
    ident = " ".join(v for k, v in attrs.items() if k in ("id", "class", "role") and v)
    return bool(ident) and bool(_CHROME.search(ident)) and not _tables_within(node)


class _Walker:
    """Depth-first walk emitting blocks; text inside one block element becomes one line."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.line: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.line)).strip()
        if text:
            self.blocks.append(Block(text))
        self.line = []

    def walk(self, node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.line.append(child.text_content or "")
                continue
            if tag in _SKIP or tag == "-comment" or _is_chrome(child):
                continue
            if tag == "table" and _tables_within(child) == 1:  # a data table, not a layout one
                self.flush()
                self.grid(child)
                continue
            block = tag in _BLOCK
            if block:
                self.flush()
            self.walk(child)
            if block:
                self.flush()

    def grid(self, table: LexborNode) -> None:
        """A data table's cells, row-major, spans expanded for provenance."""
        index = self.tables
        self.tables += 1
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(table.css("tr")):
            c = 0
            for cell in tr.iter():
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                rowspan = _span(cell.attributes.get("rowspan"))
                colspan = _span(cell.attributes.get("colspan"))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                self.blocks.append(Block(_text(cell), True, (index, r, c)))
                c += colspan


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _meta_lines(tree: LexborHTMLParser) -> list[str]:
    """Title and CMS tags, written the way a page prints them, for the metadata reader."""
    def meta(*names: str) -> str:
        for name in names:
            node = tree.css_first(f'meta[name="{name}"]') or tree.css_first(f'meta[name="{name.lower()}"]')
            if node and (content := (node.attributes.get("content") or "").strip()):
                return content
        return ""

    lines = []
    title = meta("ArticleTitle") or (_text(tree.css_first("title")) if tree.css_first("title") else "")
    if title:
        lines.append(title.split("_")[0].split("|")[0].strip())
    if pub := meta("PubDate", "publishdate", "pubdate"):
        lines.append(f"发布日期：{pub}")
    if source := meta("ContentSource", "source"):
        lines.append(f"发布机构：{source}")
    return lines


def html_blocks(data: bytes) -> tuple[list[Block], list[str], str]:
    """(blocks in document order, metadata lines, encoding)."""
    text, encoding = decode_html(data)
    tree = LexborHTMLParser(text)
    walker = _Walker()
    body = tree.body or tree.root
    if body is not None:
        walker.walk(body)
    walker.flush()
    return walker.blocks, _meta_lines(tree), encoding
