#!/usr/bin/env python3
"""Byte-for-byte oracle for speed work: parse a fixed set of reports and write every output.

    python tools/same_output.py OUT [--cases DIR] [--extra DIR ...] [--compare BEFORE]

A change that only makes parsing faster must not change a single byte of what gongkai says about
any report. This writes, for every input, the full JSON document (`Report.to_json()` with
provenance, keys sorted), the suspect cells `check` names, and a digest of the normalised lines
the text checks read (or the one-line error for an input that cannot be read) to OUT/<name>.json.
Run it on the code before a change, then after it with `--compare BEFORE`: it prints the inputs
whose output differs (zero is the bar) and exits 1 if any does.

The set: every file in examples/ and tests/fixtures/ (truth files excepted), the cases generated
by tools/gen_cases.py into --cases (made on first use, then reused so both runs read the same
bytes: 300 text and HTML reports with --seed 7, 30 damaged ones, and a share with an injected
arithmetic error), any --extra folders (e.g. a corpus of real reports), and a few unreadable
inputs built here (empty, binary, a page that is not a report, truncated bytes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from gongkai import parse_bytes
from gongkai.check import suspect_cells
from gongkai.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = Path("/tmp/gongkai-same-output-cases")


def _generate(cases: Path) -> None:
    """The generated part of the set (deterministic for a given gen_cases.py)."""
    gen = [sys.executable, str(ROOT / "tools" / "gen_cases.py")]
    runs = [
        (cases / "clean", ["--formats", "text,html", "--seed", "7", "--n", "300", "--errors", "0.3"]),
        (cases / "damaged", ["--formats", "text,html", "--seed", "8", "--n", "30", "--damaged"]),
    ]
    for out, opts in runs:
        subprocess.run(gen + [str(out)] + opts, check=True, stdout=subprocess.DEVNULL)
    (cases / ".complete").write_text("ok\n")


def _unreadable(report: bytes) -> dict[str, bytes]:
    """Inputs every reader must refuse (or read) the same way before and after a change."""
    return {
        "bad/empty.txt": b"",
        "bad/spaces.txt": b"   \n\n\t ",
        "bad/binary.bin": bytes(range(256)) * 8,
        "bad/not-a-report.html": "<html><head><title>新闻</title></head><body><p>今天天气很好。</p></body></html>"
                                 .encode("utf-8"),
        "bad/not-a-report.txt": "关于做好政务公开工作的通知\n各单位：请按时报送材料。\n".encode("gb18030"),
        "bad/truncated-report.txt": report[: len(report) // 3],
        "bad/truncated-report-bytes.txt": report[: len(report) // 2 + 1],  # may cut a UTF-8 character
        "bad/gif.gif": b"GIF89a" + b"\x00" * 40,
    }


def inputs(cases: Path, extra: list[Path]) -> list[tuple[str, bytes]]:
    """(name, bytes) of the whole set, in a stable order."""
    if not (cases / ".complete").exists():
        _generate(cases)
    out: list[tuple[str, bytes]] = []
    folders = [("examples", ROOT / "examples"), ("fixtures", ROOT / "tests" / "fixtures"),
               ("cases", cases)] + [(f"extra{i}", p) for i, p in enumerate(extra)]
    for prefix, folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.suffix in (".json", ".complete") or path.name.startswith(".") or path.name == "README.md" \
                    or path.name == "notes.md":
                continue
            out.append((f"{prefix}/{path.relative_to(folder)}", path.read_bytes()))
    sample = (ROOT / "examples" / "seed-huitong-2022.txt").read_bytes()
    out += sorted(_unreadable(sample).items())
    return out


def output_of(name: str, data: bytes) -> str:
    """Everything gongkai says about one input, as sorted-key JSON."""
    try:
        report = parse_bytes(data, name)
    except InputError as e:
        return json.dumps({"error": str(e)}, ensure_ascii=False, sort_keys=True, indent=0) + "\n"
    except Exception as e:  # noqa: BLE001 - recorded: a change that alters it shows up as a difference
        return json.dumps({"crash": f"{type(e).__name__}: {e}"}, ensure_ascii=False, sort_keys=True) + "\n"
    doc = report.to_json()
    doc["_suspects"] = suspect_cells(report.findings)
    doc["_lines_sha256"] = hashlib.sha256("\n".join(report.lines).encode("utf-8", "surrogatepass")).hexdigest()
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=0) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="generated cases (made on first use)")
    ap.add_argument("--extra", type=Path, action="append", default=[], help="another folder of inputs")
    ap.add_argument("--compare", type=Path, help="an earlier OUT to compare against")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    names = []
    for name, data in inputs(args.cases, args.extra):
        file = name.replace("/", "__") + ".json"
        names.append(file)
        (args.out / file).write_text(output_of(name, data), encoding="utf-8")
    print(f"wrote {len(names)} outputs to {args.out}")
    if args.compare is None:
        return 0
    before = {p.name for p in args.compare.glob("*.json")}
    differ = sorted(f for f in names if f in before
                    and (args.out / f).read_bytes() != (args.compare / f).read_bytes())
    missing = sorted(before - set(names))
    added = sorted(set(names) - before)
    for f in differ[:20]:
        print(f"  differs: {f}")
    for f in missing[:5]:
        print(f"  only before: {f}")
    for f in added[:5]:
        print(f"  only after: {f}")
    print(f"compared {len(names)} outputs with {args.compare}: {len(differ)} differ, "
          f"{len(missing)} only before, {len(added)} only after")
    return 1 if differ or missing or added else 0


if __name__ == "__main__":
    sys.exit(main())
