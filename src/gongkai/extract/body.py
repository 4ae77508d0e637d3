"""What kind of body a report is from, read from its name alone.

The kind decides the statutory deadline (D-1) and which words in the text mean "this body"
(scope of a narrative figure): `…人民政府` is a people's government (township ones apart),
`…人民政府办公室` its general office (which often speaks for the government), and a name ending
in 局/委/办/厅/中心/署/院 a department. No list of bodies: only their name endings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Kind = Literal["government", "township", "office", "department", "other", "unknown"]

# Administrative levels by the suffix of a place name: (the character used in 全X / 我X, rank).
# Rank 1 province, 2 prefecture, 3 county, 4 township. A county-level city is still 市 (rank 2):
# only "wider than" matters, and 全市 in a county-level city's report is its own 全市.
_LEVELS: dict[str, tuple[str, int]] = {
    "特别行政区": ("区", 1), "自治区": ("区", 1), "省": ("省", 1),
    "自治州": ("州", 2), "地区": ("地区", 2), "市": ("市", 2), "州": ("州", 2), "盟": ("盟", 2),
    "自治县": ("县", 3), "自治旗": ("旗", 3), "林区": ("区", 3), "特区": ("区", 3), "县": ("县", 3),
    "区": ("区", 3), "旗": ("旗", 3),
    "街道": ("街道", 4), "镇": ("镇", 4), "乡": ("乡", 4), "苏木": ("苏木", 4),
}
_LEVEL = re.compile("(" + "|".join(sorted(_LEVELS, key=len, reverse=True)) + ")$")
_PLACE_PART = re.compile("[\u4e00-\u9fff]+?(?:" + "|".join(sorted(_LEVELS, key=len, reverse=True)) + ")")
_OFFICE = re.compile(r"(?:人民政府|政府)(?:办公室|办公厅)$|政府办$")
_GOVERNMENT = re.compile(r"^(?P<place>.+?)(?:人民政府|政府)$")
_OTHER = re.compile(r"(?:管理委员会|管委会|街道办事处|办事处)$")
_DEPARTMENT = re.compile(r"(?:局|委员会|委|办公室|办|厅|中心|署|院|馆|所|站|队|处)$")


@dataclass(frozen=True)
class Body:
    """A reporting body: its kind, and for governments the place, level character and rank."""

    name: str | None
    kind: Kind
    place: str = ""  # the innermost place name: 洪泽区 for 淮安市洪泽区人民政府
    level: str = ""  # 县, 区, 市 …
    rank: int = 0

    @property
    def deadline(self) -> tuple[int, int] | None:
        """(month, day) of the statutory publication deadline in the year after the report year,
        under the 2019 条例 (art. 49); None when the name does not say which applies.

        A government's general office is held to the later, government deadline: it often
        publishes the government's report, and a finding must not depend on that guess.
        """
        if self.kind == "department":
            return (1, 31)
        if self.kind in ("government", "office"):
            return (3, 31)
        return None


@lru_cache(maxsize=512)
def body_of(name: str | None) -> Body:
    """Classify a body by the ending of its name (see the module docstring)."""
    if not name:
        return Body(None, "unknown")
    if _OFFICE.search(name):
        return Body(name, "office", *_place(name[:_OFFICE.search(name).start()]))  # type: ignore[union-attr]
    m = _GOVERNMENT.match(name)
    if m:
        place, level, rank = _place(m.group("place"))
        if not level:
            return Body(name, "unknown")
        return Body(name, "township" if rank == 4 else "government", place, level, rank)
    if name.endswith("街道办事处"):
        place, level, rank = _place(name.removesuffix("办事处"))
        return Body(name, "township", place, level, rank)
    if _OTHER.search(name):
        return Body(name, "other")
    if _DEPARTMENT.search(name):
        return Body(name, "department", *_place(name))
    return Body(name, "unknown")


def _place(text: str) -> tuple[str, str, int]:
    """(innermost place, level character, rank) of a place name or a name that starts with one."""
    parts = _PLACE_PART.findall(text)
    if not parts:
        return "", "", 0
    place = parts[-1] if _LEVEL.search(text) else parts[0]
    m = _LEVEL.search(place)
    assert m is not None
    level, rank = _LEVELS[m.group(1)]
    return place, level, rank
