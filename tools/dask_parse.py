#!/usr/bin/env python3
"""The ingest's parse function on Dask, writing Parquet: how the same code runs on a cluster.

    pip install 'dask[dataframe]'          # or: pip install -e '.[scale]'
    python tools/dask_parse.py DIR OUT [--workers 2] [--partition 500]

The file list is cut into partitions; each partition is one Dask task that runs
`gongkai.store.worker.parse_chunk` (exactly what `gongkai ingest`'s worker processes run) and writes
its reports, cells and findings as Parquet files (OUT/reports/part-N.parquet, …). The result is a
Parquet dataset that DuckDB, Spark or pandas read as one table each; the script reads it back
with DuckDB and prints counts and timings. Local processes here; pointing Dask at a cluster
(`dask.distributed.Client(address)`) runs the same tasks on many machines.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

REPORT_COLUMNS = ("sha256", "organization", "body_id", "year", "template", "published", "errors", "warnings", "infos",
                  "meta_sources")
CELL_COLUMNS = ("sha256", "tbl", "row", "col", "value", "printed", "line", "row_label", "row_line", "column_label")
FINDING_COLUMNS = ("sha256", "origin", "ordinal", "rule", "severity", "message", "cells", "related_sha256")


def parse_partition(paths: list[str], out: str, number: int) -> tuple[int, int, float]:
    """Parse one partition and write it as Parquet; returns (reports, failures, CPU seconds)."""
    import pandas as pd

    from gongkai.store.records import Record
    from gongkai.store.worker import parse_chunk

    cpu = time.process_time()
    results = parse_chunk([(p, None, None) for p in paths])
    records = [r for r in results if isinstance(r, Record)]
    frames = {
        "reports": pd.DataFrame.from_records([r.report for r in records], columns=REPORT_COLUMNS),
        "cells": pd.DataFrame.from_records([c for r in records for c in r.cells], columns=CELL_COLUMNS),
        "findings": pd.DataFrame.from_records([f for r in records for f in r.findings], columns=FINDING_COLUMNS),
    }
    frames["reports"]["path"] = [r.path for r in records]
    for name, frame in frames.items():
        folder = Path(out) / name
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(folder / f"part-{number:05d}.parquet", index=False)
    return len(records), len(results) - len(records), time.process_time() - cpu


def main() -> None:
    import dask
    import duckdb

    from gongkai.api import report_files

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--partition", type=int, default=500, help="files per Dask task")
    args = ap.parse_args()
    files = [str(p) for p in report_files(args.source)]
    parts = [files[i:i + args.partition] for i in range(0, len(files), args.partition)]
    tasks = [dask.delayed(parse_partition)(part, str(args.out), n) for n, part in enumerate(parts)]
    start = time.perf_counter()
    results = dask.compute(*tasks, scheduler="processes", num_workers=args.workers)
    wall = time.perf_counter() - start
    reports = sum(r[0] for r in results)
    failures = sum(r[1] for r in results)
    cpu = sum(r[2] for r in results)
    con = duckdb.connect()
    counts = {name: con.execute(f"SELECT count(*) FROM read_parquet('{args.out}/{name}/*.parquet')").fetchone()[0]
              for name in ("reports", "cells", "findings")}
    print(f"dask {dask.__version__}, scheduler=processes, {args.workers} workers, {len(parts)} tasks of "
          f"≤{args.partition} files")
    print(f"  {len(files)} files → {reports} reports, {failures} failures; Parquet rows read back with DuckDB: {counts}")
    print(f"  wall {wall:.1f} s → {reports / wall:.0f} reports/s; parse CPU in tasks {cpu:.1f} s → "
          f"{reports / cpu:.0f} reports per CPU-second per worker")


if __name__ == "__main__":
    main()
