"""The report's sections and wording against the form: Q-TPL-2 (the six statutory sections, in
order), Q-S5-1 (a 2021-form section 五 that does not look back at last year's problems), Q-S6-1
(a 2021-form section 六 silent on 信息处理费) and Q-FMT-3 (number slots left empty in the text).

Q-S5-1 and Q-S6-1 read keywords, so they are hints (info); a missing section is a warning.
"""

from __future__ import annotations

import re

from ..forms import SECTIONS, Form
from ..model import Finding, Report

__all__ = ["check_sections", "section_text"]

_LOOKS_BACK = re.compile(r"上一?年度?|去年|前一年|整改")
_FEE = re.compile(r"信息处理费|收费|收取[^。]{0,8}费")


def section_text(report: Report, number: str) -> str | None:
    """The text under section `number`'s heading (heading excluded); None if it was not found."""
    for found in report.sections:
        if found.section.number == number:
            return "\n".join(report.lines[found.line:found.end - 1])
    return None


def check_sections(report: Report, form: Form) -> list[Finding]:
    findings: list[Finding] = []
    found = {f.section.number for f in report.sections}
    missing = [s for s in SECTIONS if s.number not in found]
    if missing:
        findings.append(Finding(
            "Q-TPL-2", "warning",
            f"缺少法定部分（或标题无法识别、顺序不对）：{'；'.join(s.heading for s in missing)}", []))
    if form.key == "v2021":
        five = section_text(report, "五")
        if five is not None and not _looks_back(five, report.year):
            findings.append(Finding(
                "Q-S5-1", "info", "第五部分未说明上一年度报告所列问题的整改情况（未见“上年度”“整改”等字样）", []))
        six = section_text(report, "六")
        if six is not None and not _FEE.search(six):
            findings.append(Finding(
                "Q-S6-1", "info", "第六部分未说明收取信息处理费的情况（2021 年格式要求报告发出收费通知和收费情况）", []))
    if report.empty_slots:
        shown = "；".join(f"第 {line} 行「{text[:40]}」" for line, text in report.empty_slots[:3])
        more = f" 等 {len(report.empty_slots)} 处" if len(report.empty_slots) > 3 else ""
        findings.append(Finding("Q-FMT-3", "warning", f"正文中数字空缺：{shown}{more}", []))
    return findings


def _looks_back(text: str, year: int | None) -> bool:
    return bool(_LOOKS_BACK.search(text)) or (year is not None and f"{year - 1}年" in text)
