"""A generated corpus on disk, for the ingest tests and `make bench`.

Reports come from `gongkai.synth.synthesize` (both forms, both scraped layouts, UTF-8 / GB18030 /
Big5, random real-world noise); a share is wrapped as web pages, and optionally a share is not a
report at all (a PDF header, an empty file) so that failures are exercised too.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..synth import synthesize


def as_html(text: str, encoding: str) -> bytes:
    """The report as a simple web page: one paragraph per line, the charset declared."""
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines())
    page = (f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>政府信息公开工作年度报告</title></head>'
            f"<body>{body}</body></html>")
    return page.encode(encoding, errors="replace")


def write_corpus(directory: Path, count: int, seed: int = 0, html_every: int = 4, broken_every: int = 0) -> list[Path]:
    """Write `count` files into `directory` (nested 100 per folder, as downloads often are)."""
    paths = []
    for n in range(count):
        synthetic = synthesize(seed * 1_000_003 + n)
        folder = directory / f"{n // 100:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        if broken_every and n % broken_every == broken_every - 1:
            path, data = folder / f"{n:06d}.txt", (b"%PDF-1.7\n" if n % 2 else b"")
        elif html_every and n % html_every == html_every - 1:
            path, data = folder / f"{n:06d}.html", as_html(synthetic.text, synthetic.truth["case"]["encoding"])
        else:
            path, data = folder / f"{n:06d}.txt", synthetic.data
        path.write_bytes(data)
        paths.append(path)
    return paths
