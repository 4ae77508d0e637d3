"""Find the six top-level sections (一 … 六) by their headings.

A heading is a short line starting with the section's numeral and matching that section's
keywords (forms/shared.py). Sections are found in order, so table rows that also start with a
numeral (`四、结转下年度继续办理`, `三、本年度办理结果`) are not taken for headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..forms import SECTIONS, Section

_HEADING = re.compile(r"^\s*(?:第)?([一二三四五六七八九十])\s*(?:部分)?\s*[、.,:．，\s]\s*(.{2,40}?)[\s|。:]*$")
_ORDER = "一二三四五六七八九十"
_STARTS = frozenset(_ORDER + "第")


@dataclass(frozen=True)
class Found:
    section: Section
    line: int  # 1-based line of the heading
    end: int  # 1-based line where the next found section starts (exclusive); len(lines)+1 at the end
    heading: str


def find_sections(lines: list[str]) -> list[Found]:
    """The sections present, in order, each with its line span."""
    hits: list[tuple[Section, int, str]] = []
    position = 0
    for number, line in enumerate(lines, start=1):
        if len(line) > 60 or line.lstrip()[:1] not in _STARTS:
            continue
        m = _HEADING.match(line)
        if not m:
            continue
        numeral, rest = m.group(1), m.group(2)
        for idx, section in enumerate(SECTIONS):
            if idx < position or section.number != numeral:
                continue
            if section.regex.search(rest):
                hits.append((section, number, line.strip()))
                position = idx + 1
            break
    out = []
    for i, (section, line, heading) in enumerate(hits):
        end = hits[i + 1][1] if i + 1 < len(hits) else len(lines) + 1
        out.append(Found(section, line, end, heading))
    return out


def numeral_index(numeral: str) -> int:
    return _ORDER.index(numeral)
