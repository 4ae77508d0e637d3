#!/usr/bin/env python3
"""Write a corpus of synthetic, never-seen text reports in the scorer's case format.

    tools/gen_cases.py OUT_DIR [--n 200] [--seed 0] [--errors 0.3] [--formats text,html,docx,pdf,scan,tiff]

Each case is OUT_DIR/<name>/{input.<ext>, truth.json}; score them with
    python3 ../shared/tools/score.py --cmd '.venv/bin/gongkai parse {input} --json' --cases OUT_DIR
A share of the cases (--errors) carries one injected arithmetic error in 表三 or 表四 whose cell
the truth lists as an expected finding; the rest are clean (expect_findings = []).
`scan` is an image-only PDF and `tiff` a multi-page TIFF of the rendered PDF, at 150 or 200 dpi,
slightly rotated, blurred, noisy and JPEG-compressed (`gongkai.synth.scan`; needs the ocr extra).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from gongkai.synth import Synthetic, scan, synthesize


def scan_case(seed: int, inject_error: bool, fmt: str, dpi: int) -> tuple[Synthetic, str]:
    """A random report rendered as PDF, then scanned: every page an image (`scan`: PDF, `tiff`)."""
    s = synthesize(seed, inject_error=inject_error, fmt="pdf")
    s.data = scan(s.data, seed, dpi=dpi, kind="pdf" if fmt == "scan" else "tiff")
    s.truth["case"].update(layout=fmt, dpi=dpi)
    return s, "pdf" if fmt == "scan" else "tiff"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--errors", type=float, default=0.3)
    ap.add_argument("--formats", default="text", help="comma-separated: text,html,docx,pdf")
    args = ap.parse_args()
    formats = args.formats.split(",")
    rng = random.Random(args.seed)
    for i in range(args.n):
        seed = rng.randrange(2**31)
        fmt = formats[i % len(formats)]
        inject = rng.random() < args.errors
        if fmt in ("scan", "tiff"):
            s, ext = scan_case(seed, inject, fmt, dpi=rng.choice([150, 200]))
        else:
            s, ext = synthesize(seed, inject_error=inject, fmt=fmt), 'txt' if fmt == 'text' else fmt
        case = args.out / f"synth-{i:04d}"
        case.mkdir(parents=True, exist_ok=True)
        (case / f"input.{ext}").write_bytes(s.data)
        s.truth["case"]["seed"] = seed
        (case / "truth.json").write_text(json.dumps(s.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.n} cases to {args.out}")


if __name__ == "__main__":
    main()
