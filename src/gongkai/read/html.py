"""A minimal HTML → text step: one line per block or table cell, scripts and styles dropped.

This is enough for the label-anchored reader (every table cell becomes its own line); the full
HTML reader with rowspan/colspan grids and site-chrome removal belongs to the format readers.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "br", "tr", "td", "th", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
          "article", "title", "ul", "ol", "dd", "dt", "header", "footer", "nav", "blockquote", "pre"}
_SKIP = {"script", "style", "noscript", "template", "head"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        if tag in _SKIP and tag != "head":
            self.skip += 1
        if tag == "title":
            self.in_title = True
        if tag in _BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag != "head" and self.skip:
            self.skip -= 1
        if tag == "title":
            self.in_title = False
        if tag in _BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if not self.skip:
            self.out.append(data.replace("\n", " "))


def looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in data[:200_000].lower() \
        or (head.startswith(b"<") and b"<body" in data[:20000].lower())


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace").lower() if m else None


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)
