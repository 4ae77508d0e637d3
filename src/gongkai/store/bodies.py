"""Organisation names → a body identity, with its region and administrative level.

Reports name the same body in several ways (`江油市`, `江油市人民政府`, `四川省绵阳市江油市人民政府`,
`洪泽区人民政府` / `淮安市洪泽区人民政府`) and different bodies in similar ones (`川汇区人民政府` is
the government, `川汇区人民政府办公室` its general office). The identity is the division the name
starts with (resolved through the gazetteer, using any province or city written before it to pick
among same-named districts) plus what follows it, normalised only where the words mean the same
body: nothing or `政府` after a place name is its `人民政府`.

A place name no longer in force but valid in the report's year (洪泽县 in 2015, 吴江市 in 2011,
莱芜市 in 2017) resolves to the division of today that carries it on (洪泽区, 吴江区, 济南市莱芜区),
so the body's reports before and after the renaming share one identity and the cross-year checks
run across it. Today's names win over former ones; the region and level are today's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .gazetteer import Division, FormerName, match_prefix_in, region

_TOWNSHIP = re.compile(r"^(.{1,12}?(?:镇|乡|街道|苏木))(人民政府|办事处)?$")
_CENTRAL = ("国务院", "国家", "中华人民共和国", "中国")
_OFFICE = ("人民政府办公室", "人民政府办公厅")


@dataclass(frozen=True, slots=True)
class Body:
    """Who published a report. `body_id` links its reports across years."""

    body_id: str
    name: str
    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None
    level: str | None = None  # province / city / county / township / central; None if unknown
    kind: str | None = None  # government / office / department

    def row(self) -> tuple:
        return (self.body_id, self.name, self.province, self.city, self.county, self.code, self.level, self.kind)


def _clean(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _agency(rest: str) -> str:
    """Normalise what follows the place name: `` / `政府` → `人民政府`, `政府办` → `人民政府办公室`."""
    if rest in ("", "政府", "人民政府"):
        return "人民政府"
    if rest.startswith("政府"):
        rest = "人民" + rest
    if rest in ("人民政府办", "人民政府办公"):
        return "人民政府办公室"
    return rest


Place = Division | FormerName
_PREFIX = {"province": 2, "city": 4, "county": 6}


def _today(place: Place) -> Division | None:
    return place.successor if isinstance(place, FormerName) else place


def _contains(outer: Place, inner: Place) -> bool:
    """`inner` lies inside `outer` by their codes at the time of each name (a former name is
    checked with its old code: 莱芜市 371200 holds the old 钢城区 371203, not today's 370117)."""
    if inner.code == outer.code:
        return False
    prefix = _PREFIX[outer.level]
    return inner.code[:prefix] == outer.code[:prefix]


def _resolve(name: str, year: int | None = None) -> tuple[list[Place], int, bool]:
    """Places written at the start of `name`, outermost first; where the place part ends;
    and whether its last place name was ambiguous (several divisions share it and nothing
    before it says which: the chain then stops before it)."""
    chain: list[Place] = []
    pos = 0
    while pos < len(name):
        found = match_prefix_in(name, pos, year)
        if found is None:
            break
        text, candidates = found
        if chain:
            candidates = tuple(d for d in candidates if _contains(chain[-1], d))
            if not candidates:
                break
        current = tuple(d for d in candidates if isinstance(d, Division))
        if current:  # a name in force today means today's division
            candidates = current
        successors = {_today(d) for d in candidates}
        if len(successors) > 1 or None in successors:  # several places, or one gone without a single heir
            return chain, pos + len(text), True
        chain.append(candidates[0])
        pos += len(text)
    return chain, pos, False


def body_of(organization: str | None, year: int | None = None) -> Body | None:
    """The body identity of a report's organisation name (None when the name is unknown); `year`,
    the report's year, lets a place name of that time resolve (without it any former name may)."""
    if not organization:
        return None
    name = _clean(organization)
    if not name:
        return None
    chain, pos, ambiguous = _resolve(name, year)
    if ambiguous:  # 朝阳区 = 朝阳区人民政府 still, but which 朝阳区 is unknown: no region
        key = name[:pos] + _agency(name[pos:])
        return Body(f"name:{key}", key)
    if not chain:
        if _TOWNSHIP.match(name):  # a township named without its county: level known, region not
            return Body(f"name:{name}", name, level="township", kind="government")
        central = name.startswith(_CENTRAL) or (name.endswith("部") and len(name) <= 8)
        return Body(f"name:{name}", name, level="central" if central else None,
                    kind=("government" if name == "国务院" else "department") if central else None)
    place = _today(chain[-1])
    assert place is not None  # _resolve stops before a place without a successor
    agency = _agency(name[pos:])
    province, city, county = region(place)
    level: str = place.level
    kind = "government" if agency == "人民政府" else "office" if agency.startswith(_OFFICE) else "department"
    township = _TOWNSHIP.match(agency)
    if township and place.level == "county":
        level, kind = "township", "government"
        agency = township.group(1) + (township.group(2) or "人民政府")
    return Body(f"{place.code}:{agency}", place.name + agency,
                province.name if province else None, city.name if city else None,
                county.name if county else None, place.code, level, kind)
