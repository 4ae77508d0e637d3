"""A report's quality in four scores, each 0–100 with the findings behind it.

- completeness (完整性): the statutory sections and tables are there, cells filled, no empty
  number slots, section 五 looks back and section 六 states the fees (2021 form);
- accuracy (准确性): the tables' identities hold, numbers are in range, the text agrees with the
  tables (X-…);
- conformity (规范性): the form fits the year, its rows are printed as prescribed, the text is not
  copied from last year (Q-DUP-1 text, Q-DUP-2 tables);
- timeliness (及时性): published by the statutory deadline, with possible dates.

Every dimension starts at 100; each finding of that dimension takes off 25 (error), 10 (warning)
or 3 (info); D-1 takes off 10 plus one per day late; a score never goes below 0. A dimension
that cannot be judged is null with a note: accuracy without tables, timeliness without a printed
date, completeness and conformity for pre-2019 reports (no national form). `overall` is the
mean of the scores that exist.
"""

from __future__ import annotations

from typing import Any

from .check.dates import days_late
from .model import Finding, Report

__all__ = ["assess", "DIMENSIONS", "dimension_of"]

DIMENSIONS: dict[str, str] = {"completeness": "完整性", "accuracy": "准确性", "conformity": "规范性",
                              "timeliness": "及时性"}
_RULES: dict[str, tuple[str, ...]] = {
    "completeness": ("Q-TPL-2", "Q-TPL-3", "Q-S5-1", "Q-S6-1", "Q-FMT-2", "Q-FMT-3", "P-1"),
    "accuracy": ("T2-", "T3-1", "T3-2", "T3-3", "T3-4", "T4-", "X-"),
    "conformity": ("Q-TPL-1", "T3-5", "Q-DUP-1", "Q-DUP-2"),
    "timeliness": ("D-1", "D-2"),
}
_WEIGHT = {"error": 25, "warning": 10, "info": 3}


def dimension_of(rule: str) -> str:
    """The dimension a rule counts against (conformity for a rule not listed)."""
    for dimension, prefixes in _RULES.items():
        if any(rule == p or (p.endswith("-") and rule.startswith(p)) for p in prefixes):
            return dimension
    return "conformity"


def _deduction(report: Report, finding: Finding) -> int:
    if finding.rule == "D-1":
        return 10 + (days_late(report) or 0)
    return _WEIGHT[finding.severity]


def _not_judged(report: Report) -> dict[str, str]:
    notes: dict[str, str] = {}
    if not report.tables:
        notes["accuracy"] = "没有可读取的统计表，无法核对"
    if report.published is None and not any(f.rule == "D-2" for f in report.findings):
        notes["timeliness"] = "未印发布日期，无法判断是否按时发布"
    if report.template == "legacy":
        notes["completeness"] = notes["conformity"] = "2019 年以前的报告没有全国统一格式"
    return notes


def assess(report: Report) -> dict[str, Any]:
    """The quality summary of a checked report (the `quality` key of its JSON)."""
    notes = _not_judged(report)
    out: dict[str, Any] = {}
    scores: list[int] = []
    for dimension in DIMENSIONS:
        if dimension in notes:
            out[dimension] = {"score": None, "note": notes[dimension], "findings": []}
            continue
        behind = [{"rule": f.rule, "severity": f.severity, "deduction": _deduction(report, f)}
                  for f in report.findings if dimension_of(f.rule) == dimension]
        score = max(0, 100 - sum(b["deduction"] for b in behind))
        out[dimension] = {"score": score, "findings": behind}
        scores.append(score)
    out["overall"] = round(sum(scores) / len(scores)) if scores else None
    return out
