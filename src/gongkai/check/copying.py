"""Q-DUP-1, the text part: how much of each section repeats the same body's previous report.

Each section's prose (its lines minus table cells and the form's own labels) is reduced to the
characters that carry meaning (CJK, letters; every run of digits becomes one `#`, so a changed
year or count does not hide a copy). A character counts as repeated when it lies in a run of
`SHINGLE` characters that also occurs in the previous report's same section. Runs that occur in
the form itself (table labels, section headings, the sentences every report prints,
forms/narrative.py FORM_SENTENCES) count neither as repeated nor in the total.

`compare_text(report, previous)` is the library entry (the corpus calls it for each body's
consecutive years; `gongkai check --previous FILE` for one pair).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..forms import SECTIONS, printed_labels
from ..forms.model import compact
from ..forms.narrative import FORM_SENTENCES
from ..model import Finding, Report

__all__ = ["SectionSimilarity", "compare_text", "section_similarity", "SHINGLE", "WARN_SHARE", "NOTE_SHARE"]

SHINGLE = 12  # characters: longer than the stock phrases every report uses, shorter than a clause
WARN_SHARE = 0.8  # a section this much repeated is a copy (warning)
NOTE_SHARE = 0.5  # … this much, a likely copy (info)
MIN_CHARS = 40  # sections shorter than this (`无。`) are not compared
_WHOLE = "全文"


@dataclass(frozen=True)
class SectionSimilarity:
    """One section compared with the previous report's same section."""

    number: str  # 一 … 六, or 全文 when the reports' sections could not be told apart
    name: str
    chars: int  # meaningful characters in this year's section, form text excluded
    repeated: int  # of which repeat the previous report
    passages: tuple[str, ...]  # the longest repeated passages, as printed, longest first

    @property
    def share(self) -> float:
        return self.repeated / self.chars if self.chars else 0.0


def section_similarity(report: Report, previous: Report) -> list[SectionSimilarity]:
    """Per-section similarity of `report` with `previous` (sections present in both)."""
    mine, theirs = prose_by_section(report), prose_by_section(previous)
    if len(mine) < 2 or len(theirs) < 2:  # no usable headings: compare the whole text
        mine, theirs = {_WHOLE: _prose(report.lines, 0, len(report.lines))}, \
            {_WHOLE: _prose(previous.lines, 0, len(previous.lines))}
    names = {s.number: s.heading for s in SECTIONS}
    out = []
    for number, text in mine.items():
        if number in theirs:
            out.append(_compare(number, names.get(number, "全文"), text, theirs[number]))
    return out


def compare_text(report: Report, previous: Report) -> list[Finding]:
    """Q-DUP-1 findings: sections of `report` that largely repeat `previous`."""
    findings: list[Finding] = []
    about = f"{previous.organization or '同一单位'} {previous.year or ''} 年度报告".replace("  ", " ")
    for sim in section_similarity(report, previous):
        if sim.chars < MIN_CHARS or sim.share < NOTE_SHARE:
            continue
        where = "全文" if sim.number == _WHOLE else f"第{sim.number}部分「{sim.name.split('、', 1)[-1]}」"
        longest = sim.passages[0] if sim.passages else ""
        shown = longest if len(longest) <= 60 else longest[:60] + "…"
        findings.append(Finding(
            "Q-DUP-1", "warning" if sim.share >= WARN_SHARE else "info",
            f"{where}与{about}雷同：{sim.share:.0%} 的文字重复（{sim.repeated}/{sim.chars} 字，表格用语和格式套话不计）；"
            f"最长的重复段落 {len(compact(longest))} 字：「{shown}」", []))
    return findings


def prose_by_section(report: Report) -> dict[str, list[str]]:
    """Each section's prose lines, as the copying measure compares them (no cells, no form labels)."""
    return {f.section.number: _prose(report.lines, f.line, f.end - 1) for f in report.sections}


def _prose(lines: list[str], start: int, end: int) -> list[str]:
    """The prose lines in lines[start:end]: no table cells, no form labels."""
    labels = printed_labels()
    out = []
    for raw in lines[start:end]:
        line = raw.strip().strip("|").strip()
        if len(line) < 6 or "|" in line:
            continue
        key = compact(line)
        if key in labels or not any("\u4e00" <= ch <= "\u9fff" for ch in key):
            continue
        out.append(line)
    return out


def _masked(line: str) -> tuple[str, list[int]]:
    """The line's meaningful characters, digit runs as `#`, with each one's index in `line`."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(line):
        if ch.isdigit():
            if chars and chars[-1] == "#":
                continue
            chars.append("#")
        elif ch.isalnum():
            chars.append(ch)
        else:
            continue
        where.append(i)
    return "".join(chars), where


def _shingles(text: str) -> set[str]:
    return {text[i:i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


@lru_cache(maxsize=1)
def _boilerplate() -> frozenset[str]:
    """Shingles of the form's own text: labels, headings, the sentences every report prints."""
    texts = [*printed_labels(), *(compact(s.heading) for s in SECTIONS), *(compact(s) for s in FORM_SENTENCES)]
    out: set[str] = set()
    for text in texts:
        out |= _shingles(_masked(text)[0])
    return frozenset(out)


def _compare(number: str, name: str, mine: list[str], theirs: list[str]) -> SectionSimilarity:
    previous: set[str] = set()
    for line in theirs:
        previous |= _shingles(_masked(line)[0])
    boiler = _boilerplate()
    chars = repeated = 0
    passages: list[tuple[int, str]] = []
    for line in mine:
        text, where = _masked(line)
        n = len(text)
        mark = bytearray(n)  # 0 new, 1 repeated, 2 form text
        for i in range(n - SHINGLE + 1):
            gram = text[i:i + SHINGLE]
            if gram in boiler:
                mark[i:i + SHINGLE] = b"\x02" * SHINGLE
            elif gram in previous:
                for j in range(i, i + SHINGLE):
                    if mark[j] == 0:
                        mark[j] = 1
        chars += n - mark.count(2)
        repeated += mark.count(1)
        i = 0
        while i < n:  # runs of repeated characters: the passages
            if mark[i] != 1:
                i += 1
                continue
            j = i
            while j < n and mark[j] == 1:
                j += 1
            passages.append((j - i, line[where[i]:where[j - 1] + 1]))
            i = j
    passages.sort(key=lambda p: -p[0])
    return SectionSimilarity(number, name, chars, repeated, tuple(p for _, p in passages[:3]))
