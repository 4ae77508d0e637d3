#!/usr/bin/env python3
"""Mutation fuzzing of every reader: damaged copies of real-looking reports, parsed in a child.

    tools/fuzz.py [--runs 10000] [--seed 0] [--timeout 30] [--formats text,html,docx,pdf,image]
                  [--memory-mb 1024] [--save DIR]

Seeds are the project's own synthetic reports in each format (`gongkai.synth`), plus a small
PNG. Each run takes a seed and applies a few random mutations (bit flips, byte runs inserted,
deleted or repeated, truncation, splices of two seeds; for Word files also mutations inside
`word/document.xml`, re-zipped). A worker process parses the bytes with `parse_bytes` under an
address-space limit; anything but a report or an `InputError` is a crash, a worker that dies is
a crash, one that takes longer than --timeout is a hang (it is killed and replaced). Prints
runs / crashes / hangs / peak memory; exit status 1 if there was any crash or hang. With --save,
every crashing or hanging input is written there to reproduce.

The same mutators serve `tests/test_fuzz.py`, which runs a few hundred in-process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import select
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

FORMATS = ("text", "html", "docx", "pdf", "image")
_INTERESTING = [b"\x00", b"\xff", b"<", b">", b"<table>", b"<tr><td>", b"</td>", b"<w:tbl>", b"<w:tc>",
                b"</w:tc>", b"obj", b"endobj", b"stream", b"endstream", b"%%EOF", b"xref", b"trailer", b"/Length 99999999",
                b"9" * 40, "政府信息公开".encode(), "表三".encode(), b" |", b"\t", b"\n" * 3, b"\r", b"&#0;",
                b"<div>" * 50, b"<!--", b"]]>", b"\xe4\xb8", b"\x1b[", b"-" * 20, b"1" * 14]


def seeds(seed: int = 7) -> dict[str, bytes]:
    """One well-formed input per format, made by the project's own writers."""
    from gongkai.synth import synthesize

    out = {fmt: synthesize(seed, fmt=fmt).data for fmt in ("text", "html", "docx", "pdf")}
    out["image"] = _small_png()
    return out


def _small_png() -> bytes:
    """A tiny image with a few characters: enough for the image path, cheap for OCR."""
    import zlib

    width, height = 64, 24
    rows = b"".join(b"\x00" + bytes(255 if (x // 4 + y // 4) % 2 else 0 for x in range(width)) for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _mutate_bytes(data: bytes, rng: random.Random, other: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 5, 8))):
        if not buf:
            buf.extend(rng.choice(_INTERESTING))
            continue
        pos = rng.randrange(len(buf))
        op = rng.randrange(9)
        if op == 0:  # flip bits
            buf[pos] ^= 1 << rng.randrange(8)
        elif op == 1:  # random byte
            buf[pos] = rng.randrange(256)
        elif op == 2:  # insert an interesting token
            buf[pos:pos] = rng.choice(_INTERESTING)
        elif op == 3:  # delete a run
            del buf[pos:pos + rng.choice((1, 4, 64, 1024))]
        elif op == 4:  # repeat a run
            run = bytes(buf[pos:pos + rng.choice((2, 16, 256))])
            buf[pos:pos] = run * rng.choice((2, 10, 200))
        elif op == 5:  # truncate
            del buf[pos:]
        elif op == 6:  # splice in a part of another seed
            start = rng.randrange(max(1, len(other)))
            buf[pos:pos] = other[start:start + rng.choice((16, 512, 4096))]
        elif op == 7:  # overwrite a run with one byte value
            n = rng.choice((4, 64, 1024))
            buf[pos:pos + n] = bytes([rng.choice((0, 0x20, 0x30, 0x39, 0xff))]) * min(n, len(buf) - pos)
        else:  # swap two runs
            other_pos = rng.randrange(len(buf))
            n = rng.choice((8, 128))
            a, b = bytes(buf[pos:pos + n]), bytes(buf[other_pos:other_pos + n])
            buf[pos:pos + len(a)], buf[other_pos:other_pos + len(b)] = b, a
    return bytes(buf)


def _mutate_docx(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Mutate `word/document.xml` inside the zip and re-zip it (raw zip mutation rarely gets past
    the CRC; this reaches the XML reader)."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                body = source.read(info)
                if info.filename == "word/document.xml":
                    body = _mutate_bytes(body, rng, other)
                target.writestr(info, body)  # keep the entry's own date: same seed, same bytes
        return out.getvalue()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _mutate_bytes(data, rng, other)


def mutate(fmt: str, data: bytes, rng: random.Random, pool: dict[str, bytes]) -> bytes:
    """One mutated input from the seed `data` of format `fmt`."""
    other = pool[rng.choice(sorted(pool))]
    if fmt == "docx" and rng.random() < 0.6:
        return _mutate_docx(data, rng, other)
    return _mutate_bytes(data, rng, other)


def inputs(runs: int, seed: int, formats: tuple[str, ...], pool: dict[str, bytes] | None = None
           ) -> Iterator[tuple[str, bytes]]:
    """(format, mutated bytes), `runs` of them, the same for the same `seed` and `pool` (the
    writers stamp PDFs and zips with times and ids, so fresh seeds differ in those bytes)."""
    pool = pool or seeds()
    rng = random.Random(seed)
    for i in range(runs):
        fmt = formats[i % len(formats)]
        yield fmt, mutate(fmt, pool[fmt], rng, pool)


# ------------------------------------------------------------------------------------- worker

_WORKER = r"""
import json, os, resource, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from gongkai import parse_bytes, InputError
for line in sys.stdin:
    path = line.strip()
    data = open(path, "rb").read()
    try:
        parse_bytes(data, path)
        kind, note = "ok", ""
    except InputError as e:
        kind, note = "input", str(e)
        if "\n" in note or not note:
            kind = "crash"
    except BaseException as e:
        kind, note = "crash", type(e).__name__ + ": " + str(e)[:300]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    sys.stdout.write(json.dumps([kind, rss, note]) + "\n")  # ASCII only: one line whatever the note holds
    sys.stdout.flush()
"""


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        # unbuffered binary stdout: select() then sees exactly what has not been read yet
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER, str(memory_mb)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)

    def run(self, path: str, timeout: float) -> tuple[str, int, str]:
        assert self.proc.stdin and self.proc.stdout
        try:
            self.proc.stdin.write(path.encode() + b"\n")
        except BrokenPipeError:
            return "died", 0, "worker gone"
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return "hang", 0, f"no result in {timeout:.0f} s"
        line = self.proc.stdout.readline()
        if not line:
            return "died", 0, f"worker exited with {self.proc.wait()}"
        kind, rss, note = json.loads(line)
        return kind, rss, note

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--memory-mb", type=int, default=1024, help="address-space limit of the worker")
    ap.add_argument("--save", type=Path, help="write crashing and hanging inputs here")
    args = ap.parse_args()
    formats = tuple(args.formats.split(","))
    started = time.monotonic()
    kinds: Counter[str] = Counter()
    by_format: dict[str, Counter[str]] = {f: Counter() for f in formats}
    peak = 0
    problems: list[dict] = []
    worker = _Worker(args.memory_mb)
    with tempfile.TemporaryDirectory(prefix="gongkai-fuzz-") as tmp:
        path = os.path.join(tmp, "input")
        for n, (fmt, data) in enumerate(inputs(args.runs, args.seed, formats), start=1):
            Path(path).write_bytes(data)
            kind, rss, note = worker.run(path, args.timeout)
            peak = max(peak, rss)
            kinds[kind] += 1
            by_format[fmt][kind] += 1
            if kind in ("crash", "died", "hang"):
                problems.append({"run": n, "format": fmt, "kind": kind, "note": note})
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    (args.save / f"{kind}-{n:05d}.{fmt}").write_bytes(data)
                if kind != "crash":
                    worker.close()
                    worker = _Worker(args.memory_mb)
            if n % 500 == 0:
                print(f"… {n} runs, {time.monotonic() - started:.0f} s, crashes {kinds['crash'] + kinds['died']}, "
                      f"hangs {kinds['hang']}", file=sys.stderr, flush=True)
    worker.close()
    for p in problems[:20]:
        print(json.dumps(p, ensure_ascii=False))
    for fmt, c in by_format.items():
        print(f"{fmt:6} runs {sum(c.values()):6}  parsed {c['ok']:6}  refused {c['input']:6}  "
              f"crashes {c['crash'] + c['died']}  hangs {c['hang']}")
    crashes = kinds["crash"] + kinds["died"]
    print(f"runs {args.runs} | crashes {crashes} | hangs {kinds['hang']} | peak memory {peak} MB "
          f"(limit {args.memory_mb} MB) | {time.monotonic() - started:.0f} s")
    return 1 if crashes or kinds["hang"] else 0


if __name__ == "__main__":
    sys.exit(main())
