"""Printed cell text → number, null, or "not a value".

`6條`→6, `+3`→3, `-421`→-421, `21,839`→21839, `３３５１.２９`→3351.29 (NFKC already made the digits
ASCII), `25.1万元` in a 元 column → 251000; blank, `/`, `-`, `—`, `无` → null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

BLANK_MARKS = frozenset({"", "/", "-", "—", "——", "–", "－", "―", "─", "无", "無", "空", "\\", "*", "…", "..."})

_NUMBER = re.compile(
    r"^(?P<sign>[+-])?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?\s*"
    r"(?P<unit>万元|萬元|元|万|萬|件|条|條|项|項|个|個|次|宗|家|份|部|篇|人次|人)?$"
)
_UNIT_ONLY = frozenset({"件", "条", "條", "项", "項", "个", "個", "次", "宗", "元", "万元", "萬元"})
_MONEY_FACTOR = {"元": Decimal(1), "万元": Decimal(10000), "万": Decimal(10000)}


@dataclass(frozen=True, slots=True)
class Value:
    """A parsed cell: `number` is None for a printed blank; `unit` as printed (may be empty)."""

    number: Decimal | None
    unit: str
    signed: bool  # printed with an explicit + or -
    plain: int | float | None = None  # the number as JSON gives it (computed once per printed text)
    refused: bool = False  # printed as a number, but longer than any real count: never used as one


MAX_INT_DIGITS = 12
"""No count or amount in a report reaches a trillion (13 digits); a longer run of digits is an
artefact (numbers run together, a damaged file) and would overflow a float or the database."""
MAX_FRACTION_DIGITS = 6


@lru_cache(maxsize=4096)
def parse_value(text: str) -> Value | None:
    """The value printed in a cell, or None when the text is not a cell value at all."""
    # a space that a legacy encoding could not hold was written as "?" (Big5 pages)
    t = text.strip().strip("?").replace(" ", "")
    if t in BLANK_MARKS:
        return Value(None, "", False)
    m = _NUMBER.match(t)
    if not m:
        return None
    digits = len(m["int"]) - m["int"].count(",")
    if digits > MAX_INT_DIGITS or len(m["frac"] or "") > MAX_FRACTION_DIGITS + 1:
        # It holds a value's place in the row (so the others stay aligned) but is never a value.
        return Value(None, (m["unit"] or "").replace("萬", "万"), bool(m["sign"]), None, refused=True)
    try:
        number = Decimal(m["int"].replace(",", "") + (m["frac"] or ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return None
    if m["sign"] == "-":
        number = -number
    unit = (m["unit"] or "").replace("萬", "万")
    return Value(number, unit, bool(m["sign"]), to_json_number(number))


def is_unit_only(text: str) -> bool:
    """A piece that is only a unit word, printed in its own cell after the number."""
    return text.strip() in _UNIT_ONLY


def to_column_unit(number: Decimal, printed_unit: str, column_unit: str) -> Decimal:
    """Convert money printed in one unit into the unit the column's key names (元 / 万元)."""
    if column_unit not in _MONEY_FACTOR or printed_unit not in _MONEY_FACTOR:
        return number
    return number * _MONEY_FACTOR[printed_unit] / _MONEY_FACTOR[column_unit]


def to_json_number(number: Decimal) -> int | float:
    """int when integral, else float (JSON has one number type; the scorer compares numerically)."""
    if number == number.to_integral_value():
        return int(number)
    return float(number)
