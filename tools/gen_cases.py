#!/usr/bin/env python3
"""Write a corpus of synthetic, never-seen text reports in the scorer's case format.

    tools/gen_cases.py OUT_DIR [--n 200] [--seed 0] [--errors 0.3] [--formats text,html,docx,pdf]

Formats `pdftotext` and `markdown` are text converted from a generated PDF (ruled or not):
`pdftotext -layout` output (poppler-utils) and pymupdf4llm's Markdown, as researchers hold them.

Each case is OUT_DIR/<name>/{input.<ext>, truth.json}; score them with
    python3 ../shared/tools/score.py --cmd '.venv/bin/gongkai parse {input} --json' --cases OUT_DIR
A share of the cases (--errors) carries one injected arithmetic error in 表三 or 表四 whose cell
the truth lists as an expected finding; the rest are clean (expect_findings = []).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from gongkai.synth import Synthetic, synthesize

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--errors", type=float, default=0.3)
    ap.add_argument("--formats", default="text", help="comma-separated: text,html,docx,pdf,pdftotext,markdown")
    args = ap.parse_args()
    formats = args.formats.split(",")
    rng = random.Random(args.seed)
    for i in range(args.n):
        seed = rng.randrange(2**31)
        fmt = formats[i % len(formats)]
        inject = rng.random() < args.errors
        case = args.out / f"synth-{i:04d}"
        case.mkdir(parents=True, exist_ok=True)
        if fmt in CONVERTED:
            s, data = converted_case(seed, fmt, inject)
            (case / f"input.{'txt' if fmt == 'pdftotext' else 'md'}").write_bytes(data)
        else:
            s = synthesize(seed, inject_error=inject, fmt=fmt)
            (case / f"input.{'txt' if fmt == 'text' else fmt}").write_bytes(s.data)
        s.truth["case"]["seed"] = seed
        (case / "truth.json").write_text(json.dumps(s.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.n} cases to {args.out}")


if __name__ == "__main__":
    main()
