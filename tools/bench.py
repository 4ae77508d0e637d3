#!/usr/bin/env python3
"""Measure parse+check throughput (one core) and peak memory.

    python tools/bench.py [--seconds 5]

Prints reports/s on the sample reports bundled in examples/ (repeated), on freshly generated
synthetic reports, and the process's peak resident memory. Nothing here asserts a speed: the
numbers are for people to read and compare.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
import tracemalloc
from pathlib import Path

from gongkai import parse_bytes
from gongkai.synth import synthesize

ROOT = Path(__file__).resolve().parent.parent


def throughput(reports: list[bytes], seconds: float) -> tuple[float, float, float, int]:
    """(reports per CPU second, reports per wall second, MB per CPU second, reports parsed).

    CPU time is what one core spends; on a shared machine wall time also counts the time other
    tenants took, so both are printed.
    """
    for data in reports:  # warm caches and imports
        parse_bytes(data)
    n = size = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for data in reports:
            parse_bytes(data)
            n += 1
            size += len(data)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return n / cpu, n / wall, size / cpu / 1e6, n


def _pages(pdf: bytes) -> int:
    import pymupdf

    return pymupdf.open(stream=pdf, filetype="pdf").page_count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as promised
    samples = [p.read_bytes() for p in sorted((ROOT / "examples").glob("*.txt"))]
    synthetic = [synthesize(seed).data for seed in range(200)]
    gc.freeze()  # as the `gongkai` command does after its imports

    print(f"gongkai bench — parse+check, one core, {args.seconds:.0f} s per set")
    for name, reports in (("examples/ (bundled samples, repeated)", samples),
                          ("synthetic (200 generated reports)", synthetic)):
        cpu_rate, wall_rate, mbs, n = throughput(reports, args.seconds)
        print(f"  {name:40s} {cpu_rate:6.0f} reports/s of CPU ({wall_rate:.0f}/s wall)  {mbs:5.2f} MB/s  "
              f"({n} parsed)")

    html = [synthesize(seed, fmt="html").data for seed in range(40)]
    cpu_rate, wall_rate, mbs, n = throughput(html, args.seconds)
    print(f"  {'HTML pages (40 generated, site chrome)':40s} {cpu_rate:6.0f} reports/s of CPU ({wall_rate:.0f}/s wall)  "
          f"{mbs:5.2f} MB/s  ({n} parsed)")
    pdfs = [p.read_bytes() for p in sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*/input.pdf"))]
    pdfs += [synthesize(seed, fmt="pdf").data for seed in range(6)]
    pages = sum(_pages(d) for d in pdfs)
    cpu_rate, wall_rate, _, n = throughput(pdfs, args.seconds)
    per_page = 1000 / (cpu_rate * pages / len(pdfs))
    print(f"  {'PDF (3 real + 6 generated, ' + str(pages) + ' pages)':40s} {per_page:6.1f} ms/page of CPU "
          f"({cpu_rate:.0f} reports/s, {n} parsed)")

    tracemalloc.start()
    for data in samples + synthetic + html + pdfs:
        parse_bytes(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak Python allocation while parsing one report at a time (all formats): {peak / 1e6:.1f} MB")
    print(f"  peak resident memory of the whole process:                 {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
