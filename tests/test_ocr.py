"""Scans: OCR boxes placed into the ruled grid found in the image; never a silent wrong number."""

from __future__ import annotations

import random

import pytest

from gongkai import InputError, parse_bytes
from gongkai.forms import FORMS
from gongkai.read import ocr
from gongkai.render.pdf import render_pdf
from gongkai.render.text import Document
from gongkai.synth import random_tables

needs_ocr = pytest.mark.skipif(not ocr.available(), reason="gongkai[ocr] not installed")


def _scan(pdf: bytes, dpi: int = 200) -> bytes:
    """The PDF as a scanner makes it: every page an image, no text layer."""
    import pymupdf

    source, scan = pymupdf.open(stream=pdf, filetype="pdf"), pymupdf.open()
    for page in source:
        image = scan.new_page(width=page.rect.width, height=page.rect.height)
        image.insert_image(image.rect, stream=page.get_pixmap(dpi=dpi).tobytes("png"))
    return scan.tobytes()


@needs_ocr
def test_scanned_report_has_no_silent_wrong_number():
    tables = random_tables(FORMS["v2021"], random.Random(4))
    doc = Document("v2021", "会同县", 2022, tables, published_line="发布时间：2023-01-20")
    report = parse_bytes(_scan(render_pdf(doc)))
    out = report.to_json()
    assert out["report"]["template"] == "v2021" and out["report"]["year"] == 2022
    unsure = {c for f in report.findings if f.rule == "P-1" for c in f.cells}
    broken = {c for f in report.findings if f.severity == "error" for c in f.cells}
    read = 0
    for t, rows in tables.items():
        for r, cells in rows.items():
            for c, want in cells.items():
                path, got = f"{t}.{r}.{c}", out["tables"][t][r][c]
                if got is None:  # not read: said so
                    assert path in unsure, path
                    continue
                read += 1
                if got != want:  # misread with confidence: reported by the identity it breaks, not repaired
                    assert path in broken, (path, want, got)
    assert read >= 60  # multi-digit numbers read well; lone zeros in this font often do not
    prov = out["provenance"]["cells"]["proactive.licensing.decisions"]
    assert prov["page"] == 1 and len(prov["bbox"]) == 4


@needs_ocr
def test_image_without_text():
    import pymupdf

    blank = pymupdf.open()
    page = blank.new_page(width=200, height=200)
    png = page.get_pixmap(dpi=72).tobytes("png")
    with pytest.raises(InputError, match="没有识别出文字"):
        parse_bytes(png)


def test_scan_without_ocr_installed_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    tables = random_tables(FORMS["v2019"], random.Random(1))
    doc = Document("v2019", "江油市", 2020, tables)
    with pytest.raises(InputError, match=r"gongkai\[ocr\]"):
        parse_bytes(_scan(render_pdf(doc), dpi=50))
    with pytest.raises(InputError, match=r"gongkai\[ocr\]"):
        parse_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
