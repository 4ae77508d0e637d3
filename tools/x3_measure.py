#!/usr/bin/env python3
"""Measure X-3 (narrative figure against the tables) on synthetic reports with known contradictions.

    tools/x3_measure.py [--n 300] [--seed 0] [--contradictions 0.3]

Each report (`gongkai.synth.narrative_case`) states 2–5 table quantities in its overview; a share
of the statements are wrong. An X-3 finding is right when its cells are those of an injected
contradiction. Prints precision and recall, and the cases that miss or over-warn.
"""

from __future__ import annotations

import argparse
import random

from gongkai import parse_bytes
from gongkai.synth import narrative_case


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--contradictions", type=float, default=0.3)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    found = right = expected = detected = 0
    for _ in range(args.n):
        seed = rng.randrange(2**31)
        s = narrative_case(seed, args.contradictions)
        report = parse_bytes(s.data, "input.txt")
        want = [tuple(f["cells"]) for f in s.truth["expect_findings"]]
        got = [tuple(f.cells) for f in report.findings if f.rule == "X-3"]
        found += len(got)
        right += sum(1 for g in got if g in want)
        expected += len(want)
        detected += sum(1 for w in want if w in got)
        if sorted(got) != sorted(want):
            print(f"seed {seed}: want {want} got {got} | {s.truth['case']['sentences']} {s.truth['case']['noise']}")
    precision = f"{100 * right / found:.1f}%" if found else "n/a"
    recall = f"{100 * detected / expected:.1f}%" if expected else "n/a"
    print(f"X-3 precision {precision} ({right}/{found}) | recall {recall} ({detected}/{expected}) | reports {args.n}")


if __name__ == "__main__":
    main()
