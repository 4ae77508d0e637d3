"""A generated corpus on disk, for the ingest tests and `make bench`.

Reports come from `gongkai.synth.synthesize` (both forms, both scraped layouts, UTF-8 / GB18030 /
Big5, random real-world noise); a share are web pages, and optionally a share is not a
report at all (a PDF header, an empty file) so that failures are exercised too.
"""

from __future__ import annotations

from pathlib import Path

from ..synth import synthesize


def write_corpus(directory: Path, count: int, seed: int = 0, html_every: int = 4, broken_every: int = 0) -> list[Path]:
    """Write `count` files into `directory` (nested 100 per folder, as downloads often are)."""
    paths = []
    for n in range(count):
        as_page = bool(html_every) and n % html_every == html_every - 1
        synthetic = synthesize(seed * 1_000_003 + n, fmt="html" if as_page else "text")
        folder = directory / f"{n // 100:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        if broken_every and n % broken_every == broken_every - 1:
            path, data = folder / f"{n:06d}.txt", (b"%PDF-1.7\n" if n % 2 else b"")
        elif as_page:  # a government web page: site chrome, the official merged-cell tables
            path, data = folder / f"{n:06d}.html", synthetic.data
        else:
            path, data = folder / f"{n:06d}.txt", synthetic.data
        path.write_bytes(data)
        paths.append(path)
    return paths
