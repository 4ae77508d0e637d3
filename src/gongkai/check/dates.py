"""Dates: D-1 (published after the statutory deadline) and D-2 (impossible dates).

Deadlines (条例 art. 49 since the 2019 revision; art. 31 of the 2007 条例 before): departments
publish by 1月31日 of the next year, people's governments at county level and above by 3月31日;
reports on years before 2019 by 3月31日 for everyone. The kind of body comes from its name
(extract/body.py); when the name does not tell (a township, a 管委会, no name), there is no D-1.
"""

from __future__ import annotations

from datetime import date

from ..extract.body import body_of
from ..model import Finding, Report

__all__ = ["check_dates", "deadline", "days_late"]

_KIND_NAMES = {"department": "政府部门", "government": "县级以上人民政府", "office": "人民政府办公室（按本级政府期限）"}


def deadline(report: Report) -> tuple[date, str] | None:
    """(the last day to publish, who that deadline is for) for the report's body and year."""
    if report.year is None:
        return None
    if report.year < 2019:
        return date(report.year + 1, 3, 31), "2019 年以前的报告"
    body = body_of(report.organization)
    if body.deadline is None:
        return None
    month, day = body.deadline
    return date(report.year + 1, month, day), _KIND_NAMES[body.kind]


def _published(report: Report) -> date | None:
    try:
        return date.fromisoformat(report.published) if report.published else None
    except ValueError:
        return None


def days_late(report: Report) -> int | None:
    """Days after the deadline the report was published (0 if on time); None if unknown."""
    published, due = _published(report), deadline(report)
    if published is None or due is None:
        return None
    return max(0, (published - due[0]).days)


def check_dates(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    published = _published(report)
    source = report.meta_sources.get("published", "")
    year_source = report.meta_sources.get("year", "")
    # D-2 only against a year the report states (its title or statistics period), not one guessed
    # from the body text or from the publication date itself
    stated = year_source.startswith(("标题", "统计期限"))
    if published is not None and report.year is not None and published.year <= report.year and stated:
        findings.append(Finding(
            "D-2", "warning",
            f"发布日期 {published.isoformat()}（{source}）不晚于报告年度 {report.year} 年末，年度报告不可能在年度结束前发布"
            f"（年度或日期有误）", []))
    elif (late := days_late(report)) and (due := deadline(report)):
        findings.append(Finding(
            "D-1", "warning",
            f"发布日期 {published.isoformat()}（{source}）晚于法定期限 {due[0].isoformat()}"  # type: ignore[union-attr]
            f"（{due[1]}），逾期 {late} 天", []))
    if report.period is not None and report.year is not None and year_source.startswith("标题"):
        first, last, line = report.period
        if first != report.year or last != report.year:
            findings.append(Finding(
                "D-2", "warning",
                f"第 {line} 行的统计期限为 {first} 年 1 月 1 日至 {last} 年 12 月 31 日，与报告年度 {report.year} 年不符", []))
    return findings
