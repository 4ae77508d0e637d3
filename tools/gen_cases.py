#!/usr/bin/env python3
"""Write a corpus of synthetic, never-seen text reports in the scorer's case format.

    tools/gen_cases.py OUT_DIR [--n 200] [--seed 0] [--errors 0.3] [--formats text,html,docx,pdf,pdf_unruled,xlsx,scan,tiff,pdftotext,markdown] [--damaged]

Formats `pdftotext` and `markdown` are text converted from a generated PDF (ruled or not):
`pdftotext -layout` output (poppler-utils) and pymupdf4llm's Markdown, as researchers hold them.

Each case is OUT_DIR/<name>/{input.<ext>, truth.json}; score them with
    python3 ../shared/tools/score.py --cmd '.venv/bin/gongkai parse {input} --json' --cases OUT_DIR
A share of the cases (--errors) carries one injected arithmetic error in 表三 or 表四 whose cell
the truth lists as an expected finding; the rest are clean (expect_findings = []).
`scan` is an image-only PDF and `tiff` a multi-page TIFF of the rendered PDF, at 150 or 200 dpi,
slightly rotated, blurred, noisy and JPEG-compressed (`gongkai.synth.scan`; needs the ocr extra).

--damaged writes damaged reports instead (formats text, html, docx): one 表三 cell printed as a run of
20–5,000 digits (longer than any real count: the truth is null and a P-1 naming the cell is
expected), and for text a 1 MB junk line after the report. Every other cell must still be exact.

`pdf_unruled` writes PDFs whose tables have no ruling lines (Word with borders off: CJK labels,
Latin digits, cells aligned top or centre, tables running across pages) as input.pdf.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from gongkai.forms import FORMS
from gongkai.render.text import Document, plain_cell, render_text
from gongkai.synth import DEPARTMENTS, PLACES, Synthetic, random_tables, scan, synthesize


def scan_case(seed: int, inject_error: bool, fmt: str, dpi: int) -> tuple[Synthetic, str]:
    """A random report rendered as PDF, then scanned: every page an image (`scan`: PDF, `tiff`)."""
    s = synthesize(seed, inject_error=inject_error, fmt="pdf")
    s.data = scan(s.data, seed, dpi=dpi, kind="pdf" if fmt == "scan" else "tiff")
    s.truth["case"].update(layout=fmt, dpi=dpi)
    return s, "pdf" if fmt == "scan" else "tiff"



def damaged(seed: int, fmt: str) -> tuple[bytes, dict]:
    """A report with one over-long number in 表三 (and a junk line, for text): (bytes, truth)."""
    rng = random.Random(seed)
    form = FORMS[rng.choice(sorted(FORMS))]
    year = rng.randint(form.first_year, form.last_year or 2025)
    organization = rng.choice(PLACES) + rng.choice(DEPARTMENTS)
    tables = random_tables(form, rng)
    target = ("requests", rng.choice(sorted(tables["requests"])), rng.choice(sorted(tables["requests"]["new_received"])))
    long_number = "9" * rng.choice((20, 64, 500, 5000))

    def cell(t: str, r: str, c: str, value) -> str:  # type: ignore[no-untyped-def]
        return long_number if (t, r, c) == target else plain_cell(t, r, c, value)

    doc = Document(form.key, organization, year, tables)
    if fmt == "text":
        data = (render_text(doc, rng.choice(["paragraph", "pipe", "tabs", "spaces"]), cell)
                + "\n" + "政府信息公开 1 " * 60_000 + "\n").encode("utf-8")
    elif fmt == "html":
        from gongkai.render.html import render_html

        data = render_html(doc, cell).encode("utf-8")
    else:
        from gongkai.render.docx import render_docx

        data = render_docx(doc, cell)
    truth_tables = {t: {r: dict(c) for r, c in rows.items()} for t, rows in tables.items()}
    t, r, c = target
    if r in truth_tables[t] and c in truth_tables[t][r]:
        truth_tables[t][r][c] = None
    truth = {"report": {"organization": organization, "organization_core": organization, "year": year,
                        "template": form.key, "published": None},
             "tables": truth_tables, "expect_findings": [{"rule": "P-1", "cells": [".".join(target)]}],
             "case": {"layout": fmt, "variant": form.key, "noise": [f"long_number:{len(long_number)}"]}}
    return data, truth



CONVERTED = ("pdftotext", "markdown")
"""Formats made by converting a generated PDF to text."""


def pdf_to_layout_text(pdf: bytes) -> bytes:
    """`pdftotext -layout` of a PDF (columns kept as runs of spaces; pages split by form feeds)."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", f.name, "-"], check=True,
                              capture_output=True, timeout=60).stdout


def pdf_to_markdown(pdf: bytes) -> bytes:
    """pymupdf4llm's Markdown of a PDF (pipe tables, `<br>` inside cells)."""
    import pymupdf
    import pymupdf4llm

    pymupdf.set_messages(pylogging=True)  # not to a stdout captured (and closed) by a test runner
    return pymupdf4llm.to_markdown(pymupdf.open(stream=pdf, filetype="pdf")).encode("utf-8")


def converted_case(seed: int, fmt: str, inject_error: bool) -> tuple[Synthetic, bytes]:
    """A synthetic report printed to PDF (ruled or unruled at random), then converted to text."""
    import random as _random

    ruled = _random.Random(seed ^ 0x5EED).random() < 0.5
    s = synthesize(seed, inject_error=inject_error, fmt="pdf", ruled=ruled)
    data = pdf_to_layout_text(s.data) if fmt == "pdftotext" else pdf_to_markdown(s.data)
    s.truth["case"]["layout"] = f"{fmt}-{'ruled' if ruled else 'unruled'}"
    return s, data


WEB_SUFFIXES = ("jsp", "shtml", "asp", "do", "aspx", "bin")


def web_name(ext: str, rng: random.Random) -> str:
    """The input's file name as a CMS serves it (`--web-names`): a script's extension (.jsp, .shtml,
    .do …) or the real one in capitals, so that only reading by content finds the format."""
    choice = rng.choice((*WEB_SUFFIXES, "UPPER"))
    return f"input.{ext.upper() if choice == 'UPPER' else choice}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--errors", type=float, default=0.3)
    ap.add_argument("--formats", default="text", help="comma-separated: text,html,docx,pdf,pdf_unruled,xlsx,scan,tiff,pdftotext,markdown")
    ap.add_argument("--damaged", action="store_true", help="damaged reports (see above) instead of clean ones")
    ap.add_argument("--web-names", action="store_true",
                    help="name inputs as web servers do (input.jsp, input.shtml, input.PDF …): tests reading by content")
    args = ap.parse_args()
    names = random.Random(args.seed + 1)
    formats = args.formats.split(",")
    rng = random.Random(args.seed)
    for i in range(args.n):
        seed = rng.randrange(2**31)
        fmt = formats[i % len(formats)]
        if args.damaged:
            data, truth = damaged(seed, fmt)
            case = args.out / f"damaged-{i:04d}"
            case.mkdir(parents=True, exist_ok=True)
            (case / f"input.{'txt' if fmt == 'text' else fmt}").write_bytes(data)
            truth["case"]["seed"] = seed
            (case / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
            continue
        inject = rng.random() < args.errors
        if fmt in ("scan", "tiff"):
            s, ext = scan_case(seed, inject, fmt, dpi=rng.choice([150, 200]))
        elif fmt in CONVERTED:
            s, data = converted_case(seed, fmt, inject)
            s.data, ext = data, "txt" if fmt == "pdftotext" else "md"
        else:
            s, ext = synthesize(seed, inject_error=inject, fmt=fmt), {"text": "txt", "pdf_unruled": "pdf"}.get(fmt, fmt)
        case = args.out / f"synth-{i:04d}"
        case.mkdir(parents=True, exist_ok=True)
        (case / (web_name(ext, names) if args.web_names else f"input.{ext}")).write_bytes(s.data)
        s.truth["case"]["seed"] = seed
        (case / "truth.json").write_text(json.dumps(s.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.n} cases to {args.out}")


if __name__ == "__main__":
    main()
