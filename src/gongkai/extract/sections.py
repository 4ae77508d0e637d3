"""Find the six top-level sections (一 … 六) by their headings.

A heading is a short line starting with the section's numeral and matching that section's
keywords (forms/shared.py). Sections are found in order, so table rows that also start with a
numeral (`四、结转下年度继续办理`, `三、本年度办理结果`) are not taken for headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..forms import SECTIONS, Section

_HEADING = re.compile(r"\s*(?:第)?([一二三四五六七八九十])\s*(?:部分)?\s*[、.,:．，\s]\s*(.*)")
_ORDER = "一二三四五六七八九十"
_CANDIDATE = re.compile(r"\n[ \t]*(?:第)?[一二三四五六七八九十]")  # a literal first: fast scan


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
    text = "\n" + "\n".join(lines)  # every line, the first too, follows a newline
    number, offset = 0, 0
    for candidate in _CANDIDATE.finditer(text):
        number += text.count("\n", offset, candidate.start() + 1)
        offset = candidate.start() + 1
        line = lines[number - 1]
        if len(line) > 60:
            continue
        m = _HEADING.match(line)
        if not m:
            continue
        numeral, rest = m.group(1), m.group(2).rstrip(" \t|。:")
        if not 2 <= len(rest) <= 40:
            continue
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
