#!/usr/bin/env python3
"""Write a corpus of synthetic, never-seen text reports in the scorer's case format.

    tools/gen_cases.py OUT_DIR [--n 200] [--seed 0] [--errors 0.3] [--formats text,html,docx,pdf,pdf_unruled]

Each case is OUT_DIR/<name>/{input.<ext>, truth.json}; score them with
    python3 ../shared/tools/score.py --cmd '.venv/bin/gongkai parse {input} --json' --cases OUT_DIR
A share of the cases (--errors) carries one injected arithmetic error in 表三 or 表四 whose cell
the truth lists as an expected finding; the rest are clean (expect_findings = []).
`pdf_unruled` writes PDFs whose tables have no ruling lines (Word with borders off: CJK labels,
Latin digits, cells aligned top or centre, tables running across pages) as input.pdf.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from gongkai.synth import synthesize


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--errors", type=float, default=0.3)
    ap.add_argument("--formats", default="text", help="comma-separated: text,html,docx,pdf,pdf_unruled")
    args = ap.parse_args()
    formats = args.formats.split(",")
    rng = random.Random(args.seed)
    for i in range(args.n):
        seed = rng.randrange(2**31)
        fmt = formats[i % len(formats)]
        s = synthesize(seed, inject_error=rng.random() < args.errors, fmt=fmt)
        case = args.out / f"synth-{i:04d}"
        case.mkdir(parents=True, exist_ok=True)
        ext = {"text": "txt", "pdf_unruled": "pdf"}.get(fmt, fmt)
        (case / f"input.{ext}").write_bytes(s.data)
        s.truth["case"]["seed"] = seed
        (case / "truth.json").write_text(json.dumps(s.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.n} cases to {args.out}")


if __name__ == "__main__":
    main()
