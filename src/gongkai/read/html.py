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

from ..errors import InputError
from .decode import decode_bytes
from .document import Block

_new = tuple.__new__

MAX_NESTING = 3000
"""Open container elements at once. Real pages nest a few dozen deep; the HTML parser's work grows
with the square of this depth (100,000 nested `<div>` take it 20 s), so deeper is refused before
parsing."""
MAX_CELLS = 200_000
"""Table cells in one page, spans counted as the grid positions they cover: a report prints a few
hundred; a crafted `rowspan`/`colspan` grid could otherwise claim billions of positions."""
_CONTAINER_TAG = re.compile(rb"<(/?)(?:div|section|article|blockquote|ul|ol|dl|table|main|aside|nav|header|footer|"
                            rb"form|fieldset|figure|center|details|menu|address|tbody|thead|tfoot)[\s>/]", re.I)

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "nav", "footer", "iframe", "select",
                   "button", "form", "svg", "object", "embed", "input", "textarea"})
_BLOCK = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                    "article", "header", "blockquote", "pre", "dd", "dt", "dl", "center", "hr", "caption",
                    "tr", "td", "th", "tbody", "thead", "tfoot", "table", "main", "aside", "figure"})
_CHROME = re.compile(r"(^|[-_\s])(nav|navbar|menu|footer|foot|breadcrumb|crumb|share|copyright|sidebar|"
                     r"topbar|toolbar|login|search|friendlink|links?)([-_\s]|\d|$)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
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
    # `\s+` → " " then strip(), in one C pass: str.split and re's \s use the same Unicode spaces
    return " ".join(node.text(deep=True, separator="", strip=False).split())


def _tables_within(node: LexborNode, enough: int) -> int:
    """How many tables `node` holds, itself included, counting no further than `enough` (the
    callers only ask "any?" or "more than one?", and a full count would make nesting quadratic)."""
    found = 0
    for n in node.traverse():
        if n.tag == "table":
            found += 1
            if found >= enough:
                break
    return found


def _is_chrome(node: LexborNode) -> bool:
    attrs = node.attributes
    if not attrs:
        return False
    ident = " ".join(v for k, v in attrs.items() if k in ("id", "class", "role") and v)
    return bool(ident) and bool(_CHROME.search(ident)) and not _tables_within(node, 1)


def _check_nesting(data: bytes) -> None:
    """Refuse markup nested past MAX_NESTING before the parser spends minutes on it."""
    if data.count(b"<") <= MAX_NESTING:
        return  # every level opens with a "<": too few of them to nest that deep
    depth = 0
    for m in _CONTAINER_TAG.finditer(data):
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > MAX_NESTING:
                raise InputError(f"网页元素嵌套超过 {MAX_NESTING} 层，不像是年度报告页面（文件已损坏或是构造的异常文件）")


class _Walker:
    """Depth-first walk emitting blocks; text inside one block element becomes one line."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.line: list[str] = []
        self.tables = 0
        self.cells = 0  # grid positions claimed so far, against MAX_CELLS

    def flush(self) -> None:
        text = " ".join("".join(self.line).split())  # as _text
        if text:
            self.blocks.append(_new(Block, (text, False, None)))
        self.line = []

    def walk(self, root: LexborNode) -> None:
        """Depth first, with an explicit stack: nesting depth costs memory, never the call stack."""
        stack = [(root.iter(include_text=True), False)]
        while stack:
            children, block = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if block:
                    self.flush()
                continue
            tag = child.tag
            if tag == "-text":
                self.line.append(child.text_content or "")
                continue
            if tag in _SKIP or tag == "-comment" or _is_chrome(child):
                continue
            if tag == "table" and _tables_within(child, 2) == 1:  # a data table, not a layout one
                self.flush()
                self.grid(child)
                continue
            block = tag in _BLOCK
            if block:
                self.flush()
            stack.append((child.iter(include_text=True), block))

    def grid(self, table: LexborNode) -> None:
        """A data table's cells, row-major, spans expanded for provenance."""
        index = self.tables
        self.tables += 1
        taken: set[tuple[int, int]] = set()
        rows = table.css("tr")
        for r, tr in enumerate(rows):
            c = 0
            for cell in tr.iter():
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                attrs = cell.attributes
                rowspan = colspan = 1
                if attrs:
                    rowspan = min(_span(attrs.get("rowspan")), len(rows) - r)  # no rows past the table
                    colspan = _span(attrs.get("colspan"))
                self.cells += rowspan * colspan
                if self.cells > MAX_CELLS:
                    raise InputError(f"网页表格过大（超过 {MAX_CELLS} 个单元格位置），不像是年度报告页面")
                # only the rows below are claimed: this row's positions are never asked for again
                for dr in range(1, rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                self.blocks.append(_new(Block, (_text(cell), True, (index, r, c))))  # Block(), minus its Python __new__
                c += colspan


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _meta_lines(tree: LexborHTMLParser) -> list[str]:
    """Title and CMS tags, written the way a page prints them, for the metadata reader."""
    # each css_first walks the whole tree: ask only for names some <meta> carries (in any case)
    present = {(m.attributes.get("name") or "").lower() for m in tree.tags("meta")}

    def meta(*names: str) -> str:
        for name in names:
            if name.lower() not in present:
                continue
            node = tree.css_first(f'meta[name="{name}"]') or tree.css_first(f'meta[name="{name.lower()}"]')
            if node and (content := (node.attributes.get("content") or "").strip()):
                return content
        return ""

    lines = []
    title = meta("ArticleTitle")
    if not title and (node := tree.css_first("title")):
        title = _text(node)
    if title:
        lines.append(title.split("_")[0].split("|")[0].strip())
    if pub := meta("PubDate", "publishdate", "pubdate"):
        lines.append(f"发布日期：{pub}")
    if source := meta("ContentSource", "source"):
        lines.append(f"发布机构：{source}")
    return lines


def html_blocks(data: bytes) -> tuple[list[Block], list[str], str]:
    """(blocks in document order, metadata lines, encoding)."""
    _check_nesting(data)
    text, encoding = decode_html(data)
    tree = LexborHTMLParser(text)
    walker = _Walker()
    body = tree.body or tree.root
    if body is not None:
        walker.walk(body)
    walker.flush()
    return walker.blocks, _meta_lines(tree), encoding
