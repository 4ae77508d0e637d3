"""Read the figures a report's text states, whose figures they are, and a few text facts.

The pass must cost little on a report that is mostly table cells: three whole-text regexes find
the lines that can hold a figure (a number with a unit, a negation, 为零); only the paragraphs
around them are built (a scraped page prints one per line; a PDF breaks them, so a long line
that does not end a sentence continues on the next), and in each only the figures whose trigger
words it contains are searched with their regex (forms/narrative.py).

Each figure gets a scope from the words of its clause, or of its sentence when the clause names
nobody (see model.Statement): `全市` in a city department's report is the region, `区政府办` in a
district government's report is a part of it, `我局` / `全县` (in a county's report) the body.
The same pass records the statistics period (统计期限, for D-2) and number slots left empty
(`主动公开信息  条`, for Q-FMT-3).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..forms import printed_labels
from ..forms.model import compact
from ..forms.narrative import NARRATIVE_FIGURES, NarrativeFigure
from ..model import Report, Scope, Statement
from .body import Body, body_of
from .values import MAX_INT_DIGITS

__all__ = ["read_narrative", "scope_of"]

_END = "。!?"
_CLAUSE_BREAKS = ",;:"  # not 、: `行政复议、行政诉讼共3件` is one clause
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]{1,2}\)|\d{1,2}[.、])")
_VALUE_ONLY = re.compile(r"^[\d.,\s%+\-—/]*\S?$")
# Where a figure may be: a unit after a number (or after an empty slot), a negation before what a
# zero statement names, 为零. One regex that starts with a character class: the engine then skips
# ahead fast (an alternation of the three as separate branches is several times slower).
_HIT = re.compile(r"[条件次元篇个起宗份期人未没无为](?:(?<=[\d\s万亿余多_×X两二三四五六七八九十百千][条件次元篇个起宗份期人])"
                  r"|(?<=[未没无])有?[^\n。]{0,30}?(?:申请|复议|诉讼|费)|(?<=为)\s*[零0])")
_EMPTY_SLOT = re.compile(r"[ \t_×X](?<=[\u4e00-\u9fff][ \t_×X])[ \t_×X]*(?:条|件|次|篇|个|元|万元)(?=[,。;:、)]|$)")
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计时间|统计区间|统计周期|数据统计|统计范围)[^。\d]{0,12}?"
                     r"((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日[^。\d]{0,6}?((?:19|20)\d\d)\s*年\s*12\s*月\s*31\s*日")
_QIZHONG = "其中"
_MAX_LINES = 40  # a paragraph joined from more lines than this is not prose (and must not cost n²)
_MAX_SENTENCE = 600  # characters looked at on either side of a figure for its sentence
# One regex finds every trigger word of every figure in a paragraph. A longer trigger found (收费通知)
# also stands for the shorter ones inside it (费), which the regex then does not report separately.
_ALL_TRIGGERS = sorted({t for f in NARRATIVE_FIGURES for t in f.triggers}, key=len, reverse=True)
_TRIGGER = re.compile("|".join(_ALL_TRIGGERS))
_TRIGGERED: dict[str, tuple[int, ...]] = {
    t: tuple(i for i, f in enumerate(NARRATIVE_FIGURES) if any(u in t for u in f.triggers)) for t in _ALL_TRIGGERS}
_BREAKDOWN_ITEM = re.compile(r"([^,;:()。]{2,24}?)(\d+)\s*条")

# Scope words. 全X / 我X / 本X with X a level character; a government's parts; a department's self.
_REGION_CHARS = "国省市州县区旗镇乡盟"
_ALL = re.compile(rf"全([{_REGION_CHARS}]|地区|街道)")
_SELF_DEPT = re.compile(r"[我本](?:局|委|办|厅|院|署|中心|单位|部门|机关|所|站|队|馆|处)|全局(?!性)|(?:局|委)机关|机关本级")
_OTHER_GOV = re.compile(rf"[{_REGION_CHARS}](?:人民)?政府(?![信网门公平系办])|各部门|各单位|各级")
_GOV_PART = re.compile(r"本级|政府办|办公室|办公厅|各部门|各单位|[县市区]直|部门|单位|乡镇|街道|村|社区|委员会"
                       r"|(?<![全布格结大当])局(?![面势长])")
_AGGREGATE = ("括", "含", "及", "和", "盖", "与")
_SELF_OFFICE = re.compile(r"[我本](?:办|机关|单位)|政府办|办公室|办公厅")
_SELF_ANY = re.compile(r"[我本][局委办厅院署县市区镇乡省州旗]")
_WIDER = {1: "国", 2: "国省", 3: "国省市州盟", 4: "国省市州盟县区旗"}


MAX_STATEMENTS = 1000
"""Statements kept per report (a report makes a few dozen; only the first per figure is its value)."""


def read_narrative(lines: list[str], report: Report, text: str | None = None) -> None:
    """Fill report.statements, .breakdown, .period and .empty_slots from the text.

    `text` is the lines joined by newlines, if the caller has it. Whole-text regexes find the few
    lines that can hold a figure (a number with a unit, a zero statement); only the paragraphs
    around those lines are read.
    """
    text = "\n".join(lines) if text is None else text
    if "统计" in text and (m := _PERIOD.search(text)):
        report.period = (int(m.group(1)), int(m.group(2)), text.count("\n", 0, m.start()) + 1)
    candidates = _hit_lines(text)
    if not candidates:
        return
    body = body_of(report.organization)
    labels = printed_labels()
    seen_total: set[str] = set()  # figures whose first own statement was read (for the breakdown)
    done = -1
    for index in candidates:
        if index < done:
            continue
        para = _paragraph(lines, index)
        if para is None:
            continue
        ptext, starts, numbers, heading = para
        ptext = arabic_counts(ptext)
        done = numbers[-1]  # 1-based number of its last line = 0-based index of the next line
        if len(ptext) <= 60 and compact(ptext) in labels:
            continue  # a table's row label (`2.申请人逾期未按收费通知…`), not a sentence
        for m in (_EMPTY_SLOT.finditer(ptext) if " " in ptext or "_" in ptext or "×" in ptext or "X" in ptext
                  else ()):
            if ptext[max(0, m.start() - 2):m.start()] not in ("单位", "计量"):
                s_start = _sentence(ptext, m.start())[0]
                report.empty_slots.append((_line_at(starts, numbers, m.start()),
                                           ptext[max(s_start, m.start() - 16):m.end() + 1]))
        triggered = {i for t in set(_TRIGGER.findall(ptext)) for i in _TRIGGERED[t]}
        for i in sorted(triggered):
            _read(NARRATIVE_FIGURES[i], ptext, starts, numbers, heading, body, report, seen_total)


_CN_COUNT = re.compile(r"(?<![第\u5341\u767e\u5343\u4e07零〇一二两三四五六七八九])"
                       r"([零〇一二两三四五六七八九十百千万]{1,8})(?=\s*(?:件|条|份|起|宗|篇))")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def _cn_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 一百二十 → 120, 三千零五 → 3005, 两万 → 20000; None when malformed."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGIT:
            if digit is not None and digit != 0:
                return None  # 二三: not a number
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def arabic_counts(text: str) -> str:
    """Counts written in Chinese numerals before a unit (`收到申请两件`, `一百二十条`) in Arabic
    digits, padded with spaces to the same length so offsets (and line numbers) do not move.
    Ordinals (第二件) and approximate counts (十余件: no unit right after) stay as written."""
    if not _CN_COUNT.search(text):
        return text

    def arabic(m: re.Match[str]) -> str:
        value = _cn_int(m.group(1))
        digits = str(value) if value is not None else ""
        return digits.ljust(len(m.group(1))) if value is not None and len(digits) <= len(m.group(1)) else m.group(1)

    return _CN_COUNT.sub(arabic, text)


def _hit_lines(text: str) -> list[int]:
    """0-based indexes of the lines where a figure, a zero statement or an empty slot may be."""
    out: list[int] = []
    line, last = 0, 0
    for m in _HIT.finditer(text):
        pos = m.start()
        line += text.count("\n", last, pos)
        last = pos
        if not out or out[-1] != line:
            out.append(line)
    return out


def _clean(raw: str) -> str:
    """A line as paragraph text: a trailing cell pipe dropped; a table row (inner pipes) is empty."""
    line = raw.strip()
    if "|" in line:
        line = line.rstrip("| ").strip()
        if "|" in line:
            return ""
    return line


def _opens(line: str) -> bool:
    """A long line that does not end its sentence (a PDF line break): the next line continues it."""
    return len(line) >= 15 and line[-1] not in "。!?;:" and not (
        len(line) <= 30 and "。" not in line and _NUMBERED.match(line))


def _continues(line: str) -> bool:
    return bool(line) and not _NUMBERED.match(line) and not _VALUE_ONLY.match(line)


def _paragraph(lines: list[str], index: int) -> tuple[str, list[int], list[int], str] | None:
    """(text, start offsets of its lines, their 1-based numbers, the heading above it) of the
    paragraph holding line `index`; None for a table row."""
    line = _clean(lines[index])
    if not line or _VALUE_ONLY.match(line):
        return None  # a table row or a value cell (`6条`): never a sentence, never continues one
    first, last = index, index
    before: list[str] = []  # lines before `index`, nearest first
    head = line
    while first > 0 and index - first < _MAX_LINES and _continues(head) and _opens(prev := _clean(lines[first - 1])):
        first -= 1
        before.append(prev)
        head = prev
    parts = before[::-1] + [line]
    while last + 1 < len(lines) and last - first < 2 * _MAX_LINES and _opens(parts[-1]) \
            and _continues(nxt := _clean(lines[last + 1])):
        last += 1
        parts.append(nxt)
    starts, size = [], 0
    for part in parts:
        starts.append(size)
        size += len(part)
    heading = ""
    for i in range(first - 1, max(-1, first - 6), -1):
        above = _clean(lines[i])
        if above and len(above) <= 30 and "。" not in above:
            heading = above
            break
    return "".join(parts), starts, list(range(first + 1, last + 2)), heading


def _line_at(starts: list[int], numbers: list[int], offset: int) -> int:
    return numbers[bisect_right(starts, offset) - 1]


def _sentence(text: str, pos: int) -> tuple[int, int, str]:
    """(start, end, text) of the sentence around `pos` (at most _MAX_SENTENCE characters each way)."""
    low = max(0, pos - _MAX_SENTENCE)
    start = max(text.rfind("。", low, pos), text.rfind("!", low, pos), text.rfind("?", low, pos), low - 1) + 1
    end = min(len(text), pos + _MAX_SENTENCE)
    for c in _END:
        i = text.find(c, pos, end)
        if i >= 0:
            end = i + 1
    return start, end, text[start:end].strip()


def _read(figure: NarrativeFigure, text: str, starts: list[int], numbers: list[int], heading: str, body: Body,
          report: Report, seen_total: set[str]) -> None:
    """Add the statements of one figure in one paragraph to the report."""
    if figure.context and not any(c in text or c in heading for c in figure.context):
        return
    seen: set[int] = set()
    for m in figure.regex.finditer(text):
        if len(report.statements) >= MAX_STATEMENTS:
            return  # a real report states a few dozen figures; a repeated line would cost memory without end
        s_start, s_end, sentence = _sentence(text, m.start())
        if figure.context and not any(c in sentence or c in heading for c in figure.context):
            continue
        clause = _clause(text, s_start, m.start("num"))
        if figure.exclude_regex and figure.exclude_regex.search(clause):
            continue
        value, approximate = _value(figure, m)
        if value is None:
            continue
        if figure.total and _after_qizhong(text, s_start, m.start()):
            continue
        tail = text[m.end():m.end() + 2]
        approximate = approximate or tail in ("以上", "左右")
        scope = scope_of(clause, text[s_start:m.start("num")], body)
        seen.add(s_start)
        st = Statement(figure.key, value, scope, _line_at(starts, numbers, m.start()), sentence, approximate)
        if figure.key == "proactive_count" and st.counts and figure.key not in seen_total:
            seen_total.add(figure.key)
            report.breakdown = _breakdown(text, m.end(), s_end)
        report.statements.append(st)
    for zero in figure.zero_regexes:
        for m in zero.finditer(text):
            if len(report.statements) >= MAX_STATEMENTS:
                return
            s_start, _, sentence = _sentence(text, m.start())
            if s_start in seen or (figure.context and not any(c in sentence or c in heading for c in figure.context)):
                continue
            if figure.zero_exclude_regex and figure.zero_exclude_regex.search(m.group()):
                continue
            if figure.total and _after_qizhong(text, s_start, m.start()):
                continue
            scope = scope_of(_clause(text, s_start, m.end()), text[s_start:m.end()], body)
            report.statements.append(Statement(figure.key, 0, scope, _line_at(starts, numbers, m.start()), sentence))


def _after_qizhong(text: str, s_start: int, pos: int) -> bool:
    """A figure printed after 其中 in its sentence part (up to a `;`) breaks a total down."""
    return _QIZHONG in text[max(s_start, text.rfind(";", s_start, pos) + 1):pos]


def _value(figure: NarrativeFigure, m: re.Match[str]) -> tuple[int | float | None, bool]:
    """(value, approximate) of a match; None when the number cannot be this figure's."""
    raw = m.group("num").replace(",", "")
    if len(raw.partition(".")[0]) > MAX_INT_DIGITS:
        return None, False  # digits run together or a damaged file: not a figure
    value: float = float(raw)
    approximate = bool(m.group("approx")) or m.group("pre") in ("约", "近", "逾", "超过")
    if m.group("mult"):
        value *= 10000 if m.group("mult") == "万" else 100000000
        approximate = approximate or not (figure.money or figure.large)
    elif not figure.money and "." in raw:
        return None, False
    return (int(value) if value.is_integer() else round(value, 2)), approximate


def _clause(text: str, s_start: int, pos: int) -> str:
    """The clause holding `pos`: from the last clause break before it (within the sentence)."""
    cut = max(s_start, *(text.rfind(c, s_start, pos) + 1 for c in _CLAUSE_BREAKS))
    return text[cut:pos]


def scope_of(clause: str, sentence: str, body: Body) -> Scope:
    """Whose figure a clause states, from its words; the whole sentence when the clause is silent."""
    scope = _scope(clause, body)
    if scope == "unmarked" and sentence != clause:
        scope = _scope(sentence, body)
    return scope


def _scope(text: str, body: Body) -> Scope:
    if body.kind == "department":
        own = bool(_SELF_DEPT.search(text)) or (body.name is not None and body.name in text)
        other = bool(_ALL.search(text.replace("全局", ""))) or bool(_OTHER_GOV.search(text))
        return "uncertain" if own and other else "own" if own else "region" if other else "unmarked"
    if body.kind in ("government", "township"):
        parts = [m for m in _GOV_PART.finditer(text) if not any(c in text[max(0, m.start() - 3):m.start()]
                                                                 for c in _AGGREGATE)]
        if parts:
            return "part"
        level = body.level
        for m in _ALL.finditer(text):
            if m.group(1) == level:
                continue
            return "region" if m.group(1) in _WIDER.get(body.rank, "") else "uncertain"
        own = (f"全{level}" in text or f"我{level}" in text or f"本{level}" in text or f"{level}政府" in text
               or (body.place and body.place in text))
        return "own" if own else "unmarked"
    if body.kind == "office":
        gov = bool(_ALL.search(text)) or bool(body.place and body.place in text) or bool(
            body.level and (f"我{body.level}" in text or f"{body.level}政府" in text.replace("政府办", "")))
        own = bool(_SELF_OFFICE.search(text))
        return "uncertain" if gov else "own" if own else "unmarked"
    marked = _ALL.search(text) or _SELF_ANY.search(text)
    return "uncertain" if marked else "unmarked"


def _breakdown(text: str, pos: int, s_end: int) -> dict[str, int]:
    """`(其中概况类信息101条、政务动态信息13186条…)` after a 主动公开 total, in its sentence or the next."""
    at = text.find(_QIZHONG, pos, min(s_end + 3, len(text)))
    if at < 0:
        return {}
    end = text.find(")" if text[at - 1] == "(" else "。", at)
    span = text[at + len(_QIZHONG):end if end >= 0 else len(text)]
    out: dict[str, int] = {}
    for m in _BREAKDOWN_ITEM.finditer(span):
        label = m.group(1).strip(" ,:()、").removeprefix("全年")
        if ("信息" in label or "文件" in label or label.endswith("类")) and label not in out \
                and len(m.group(2)) <= MAX_INT_DIGITS:
            out[label] = int(m.group(2))
    return out
