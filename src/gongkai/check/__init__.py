"""report → findings: the identities and conformance rules the form definitions imply.

Every finding names its cells (`requests.granted.total`) and says in Chinese what was expected and
what was found. Blank cells are not zeros: an identity that fails only once blanks are read as 0
is a warning that says so; one that fails on printed numbers is an error.
"""

from __future__ import annotations

from ..forms import FORMS, Form, form_for_year
from ..model import Cell, Finding, Report
from .bounds import Instance, bounds_state, identity_instances, is_certain, is_unread, judge_reading
from .dates import check_dates
from .format import fmt, join_terms
from .narrative import check_fee_notices, check_text_against_tables
from .sections import check_sections

__all__ = ["run_checks", "check_identities", "judge_reading", "settle_uncertain", "suspect_cells"]


def _evaluate(report: Report, inst: Instance, side_names: tuple[str, str]) -> Finding | None:
    """Check Σ lhs == Σ rhs of one identity instance; a Finding when it does not hold.

    Printed blanks count as 0, and a difference they could explain is a warning that says so.
    Cells the reader could not place (null with a P-1) are unknown counts ≥ 0: the identity is
    still an error when the known cells break it whatever those hold (known parts above a known
    total), and says nothing otherwise.
    """
    table, identity = inst.table, inst.identity
    rows = report.tables[table.key]
    left = sum([rows[r][c].value or 0 for r, c in inst.lhs])
    right = sum([rows[r][c].value or 0 for r, c in inst.rhs])
    if abs(left - right) < 1e-9:  # (all cells blank: both sides 0)
        return None
    cells = {rc: rows[rc[0]][rc[1]] for rc in inst.cells}
    values = {rc: c.value for rc, c in cells.items()}
    unread = [rc for rc, c in cells.items() if is_unread(c)]
    blanks = [rc for rc, v in values.items() if v is None and rc not in unread]
    name = (lambda rc: table.row(rc[0]).name) if identity.axis == "rows" else (lambda rc: table.column(rc[1]).name)
    lhs_text = join_terms([(name(rc), values[rc]) for rc in inst.lhs], total=left)
    rhs_text = join_terms([(name(rc), values[rc]) for rc in inst.rhs], total=right)
    message = (f"表{table.number}{inst.where}：{side_names[0]} {lhs_text}，而{side_names[1]} {rhs_text}，"
               f"相差 {fmt(abs(left - right))}")
    severity = "error"
    named = list(inst.cells)
    if unread:
        if bounds_state([values[rc] for rc in inst.lhs], [values[rc] for rc in inst.rhs]) != "fails":
            return None  # the unread cells (each already a P-1) could make it hold
        named = [rc for rc in inst.cells if values[rc] is not None]
        others = f"另有 {len(unread)} 格未能读取" + (f"、{len(blanks)} 格为空" if blanks else "")
        message += f"（{others}；件数不为负，这些格无论是多少都不能使其成立）"
    elif blanks:
        # Counts are never negative: a blank can only add to its side. If no such numbers in the
        # blanks could make the sides equal, the blanks do not excuse the difference.
        if bounds_state([values[rc] for rc in inst.lhs], [values[rc] for rc in inst.rhs]) == "open":
            severity = "warning"
            message += f"（其中 {len(blanks)} 格为空，按 0 计；空格若填了数可能成立）"
        else:
            message += f"（其中 {len(blanks)} 格为空，按 0 计；空格填任何非负数也不能成立）"
    return Finding(identity.rule, severity, message, [inst.path(rc) for rc in named])


_SIDE_NAMES = {
    "T3-1": ("本年新收与上年结转之和", "办理结果总计与结转下年度之和"),
    "T3-2": ("办理结果总计", "各项办理结果之和"),
    "T3-3": ("总计", "六类申请人之和"),
}


def check_identities(report: Report, form: Form) -> list[Finding]:
    """T3-1 … T3-3 and T4-1 … T4-3, as the form defines them (see `bounds` for unknown cells)."""
    findings: list[Finding] = []
    for inst in identity_instances(report, form):
        sides = _SIDE_NAMES.get(inst.identity.rule, ("总计", "维持、纠正、其他结果与尚未审结之和"))
        f = _evaluate(report, inst, sides)
        if f:
            findings.append(f)
    return findings


def check_ranges(report: Report, form: Form) -> list[Finding]:
    """T3-4: counts are whole numbers ≥ 0; only signed columns (v2019 本年增/减) may be negative."""
    findings: list[Finding] = []
    for table in form.tables:
        for row_key, cells in report.tables.get(table.key, {}).items():
            for col_key, cell in cells.items():
                v = cell.value
                if v is None or type(v) is int and v >= 0:  # (fine in every kind of column)
                    continue
                column = table.column(col_key)
                problem = None
                if column.kind == "count" and (v < 0 or v != int(v)):
                    problem = "应为不小于 0 的整数"
                elif column.kind == "signed" and v != int(v):
                    problem = "应为整数"
                elif column.kind == "money" and v < 0:
                    problem = "金额不应为负数"
                if problem:
                    findings.append(Finding(
                        "T3-4", "error",
                        f"表{table.number}「{table.row(row_key).name}」行「{column.name}」列为 {fmt(v)}，{problem}",
                        [f"{table.key}.{row_key}.{col_key}"]))
    return findings


def check_structure(report: Report, form: Form) -> list[Finding]:
    """T3-5 (one-row 其他处理 on the 2021 form), Q-TPL-1 (form vs year), Q-FMT-2 (blank cells)."""
    findings: list[Finding] = []
    for table in form.tables:
        rows = report.tables.get(table.key, {})
        for row in table.rows:
            if row.instead_of and row.key in rows:
                names = "、".join(table.row(k).name for k in row.instead_of)
                findings.append(Finding(
                    "T3-5", "warning",
                    f"表{table.number}按{form.instrument}格式应分三行填报（{names}），本报告仅印一行「{row.label}」",
                    [f"{table.key}.{row.key}.{c}" for c in rows[row.key]]))
        blanks = [f"{table.key}.{r}.{c}" for r, cells in rows.items() for c, cell in cells.items()
                  if cell.value is None and cell.printed is not None]  # printed blank, not unread
        if blanks:
            findings.append(Finding(
                "Q-FMT-2", "info",
                f"表{table.number}有 {len(blanks)} 个空格（表格应填数字，无数据应填 0）；核对时按 0 计", blanks))
    if report.year is not None:
        expected = form_for_year(report.year)
        if expected is not None and expected.key != form.key:
            findings.append(Finding(
                "Q-TPL-1", "warning",
                f"{report.year} 年度报告应使用{expected.instrument}格式（{expected.key}），本报告使用的是"
                f"{form.instrument}格式（{form.key}）", []))
    return findings


def settle_uncertain(report: Report, form: Form) -> list[Finding]:
    """Keep OCR's low-confidence readings only where an identity confirms them.

    A provisional value is kept when some identity it takes part in has every other cell known
    (read with confidence, or a reading confirmed before) and holds with it: it is that
    identity's unique completion. Confirmed readings count as known for the next round, until
    nothing changes. A reading that some identity contradicts (whatever the unknown cells hold),
    or that nothing can confirm, is withdrawn: the cell becomes null with a P-1 naming the
    reading. The identities decide which readings to trust; they never supply a value.
    """
    uncertain = {f"{t}.{r}.{c}": cell for t, rows in report.tables.items() for r, cells in rows.items()
                 for c, cell in cells.items() if cell.confidence is not None and cell.value is not None}
    if not uncertain:
        return []
    confirmed: set[str] = set()

    def trusted(path: str, cell: Cell) -> bool:
        return is_certain(cell) or path in confirmed

    verdicts: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for path, cell in uncertain.items():
            if path in confirmed:
                continue
            verdicts[path] = judge_reading(report, form, path, cell.value, trusted)  # type: ignore[arg-type]
            if verdicts[path] == "confirmed":
                confirmed.add(path)
                changed = True
    findings: list[Finding] = []
    for path, cell in uncertain.items():
        if path in confirmed:
            continue
        reason = ("与勾稽关系不符" if verdicts.get(path) == "contradicted"
                  else "没有其他各格均已读出的勾稽关系可以核实")
        findings.append(Finding("P-1", "warning", f"{path}：识别结果「{cell.printed}」置信度低"
                                f"（{cell.confidence:.2f}），{reason}，不采用，该格留空", [path]))
        cell.value, cell.printed = None, None
    return findings


def unread_without_finding(report: Report, new: list[Finding] | None = None) -> list[Finding]:
    """A P-1 for every cell left null because it could not be read that no finding names yet.

    Readers report the cells they could not place; this makes sure of it, so an unread cell is
    never passed off as a printed blank (Q-FMT-2, info) or not mentioned at all.
    """
    named = {c for f in report.findings + (new or []) if f.rule == "P-1" for c in f.cells}
    missing = [f"{t}.{r}.{c}" for t, rows in report.tables.items() for r, cells in rows.items()
               for c, cell in cells.items()
               if cell.value is None and cell.printed is None and f"{t}.{r}.{c}" not in named]  # is_unread
    if not missing:
        return []
    return [Finding("P-1", "warning", f"{len(missing)} 格未能读取（原文中的数值无法可靠定位），这些格留空", missing)]


def run_checks(report: Report) -> list[Finding]:
    """All single-report checks; returns the new findings (OCR readings the identities do not
    confirm are withdrawn from the report first)."""
    form = FORMS.get(report.template)
    if form is None:
        return check_dates(report)
    settled = settle_uncertain(report, form)
    return (settled + unread_without_finding(report, settled) + check_identities(report, form) + check_ranges(report, form) + check_structure(report, form)
            + check_sections(report, form) + check_text_against_tables(report, form)
            + check_fee_notices(report, form) + check_dates(report))


def suspect_cells(findings: list[Finding]) -> list[tuple[str, list[str]]]:
    """Cells shared by the most failing identities: the likeliest single wrong entry.

    One mistyped cell breaks every identity it takes part in (its row's T3-3 and its column's
    T3-2, say); the cell those error findings have in common is where a reviewer should look.
    """
    rules_of: dict[str, list[str]] = {}
    for f in findings:
        if f.severity == "error" and f.rule.startswith(("T3-1", "T3-2", "T3-3", "T4-")):
            for cell in f.cells:
                rules_of.setdefault(cell, []).append(f.rule)
    if not rules_of:
        return []
    most = max(len(r) for r in rules_of.values())
    if most < 2:
        return []
    return sorted((c, r) for c, r in rules_of.items() if len(r) == most)
