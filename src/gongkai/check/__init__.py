"""report → findings: the identities and conformance rules the form definitions imply.

Every finding names its cells (`requests.granted.total`) and says in Chinese what was expected and
what was found. Blank cells are not zeros: an identity that fails only once blanks are read as 0
is a warning that says so; one that fails on printed numbers is an error.
"""

from __future__ import annotations

from ..forms import FORMS, Form, Identity, Table, form_for_year
from ..model import Finding, Report
from .dates import check_dates
from .format import fmt, join_terms
from .narrative import check_fee_notices, check_text_against_tables
from .sections import check_sections

__all__ = ["run_checks", "check_identities", "suspect_cells"]


def _substitute(table: Table, report: Report, terms: tuple[str, ...]) -> tuple[str, ...]:
    """Replace official rows a report printed as one row (instead_of) by that row."""
    rows = report.tables.get(table.key, {})
    out: list[str] = []
    for term in terms:
        if term in rows:
            out.append(term)
            continue
        alt = next((r.key for r in table.rows if term in r.instead_of and r.key in rows), None)
        if alt is None:
            return ()
        if alt not in out:
            out.append(alt)
    return tuple(out)


def _evaluate(report: Report, table: Table, identity: Identity, lhs: list[tuple[str, str]],
              rhs: list[tuple[str, str]], where: str, side_names: tuple[str, str]) -> Finding | None:
    """Check Σ lhs == Σ rhs over (row, col) cells; a Finding when it does not hold."""
    rows = report.tables[table.key]
    sums = [0.0, 0.0]
    seen = False
    try:
        for side, terms in enumerate((lhs, rhs)):
            for r, c in terms:
                cell = rows[r][c]
                if cell.printed is None:
                    return None  # a cell the reader could not place (already a P-1 finding)
                if cell.value is not None:
                    sums[side] += cell.value
                    seen = True
    except KeyError:  # a cell the report does not have: the identity does not apply
        return None
    left, right = sums
    if not seen or abs(left - right) < 1e-9:
        return None
    cells = lhs + rhs
    values = {rc: rows[rc[0]][rc[1]].value for rc in cells}
    blanks = [rc for rc, v in values.items() if v is None]
    name = (lambda rc: table.row(rc[0]).name) if identity.axis == "rows" else (lambda rc: table.column(rc[1]).name)
    lhs_text = join_terms([(name(rc), values[rc]) for rc in lhs], total=left)
    rhs_text = join_terms([(name(rc), values[rc]) for rc in rhs], total=right)
    message = (f"表{table.number}{where}：{side_names[0]} {lhs_text}，而{side_names[1]} {rhs_text}，"
               f"相差 {fmt(abs(left - right))}")
    severity = "error"
    if blanks:
        # Counts are never negative: a blank can only add to its side. If no such numbers in the
        # blanks could make the sides equal, the blanks do not excuse the difference.
        blank_left = any(rc in blanks for rc in lhs)
        blank_right = any(rc in blanks for rc in rhs)
        could_hold = (blank_left and right > left) or (blank_right and left > right)
        if could_hold:
            severity = "warning"
            message += f"（其中 {len(blanks)} 格为空，按 0 计；空格若填了数可能成立）"
        else:
            message += f"（其中 {len(blanks)} 格为空，按 0 计；空格填任何非负数也不能成立）"
    return Finding(identity.rule, severity, message, [f"{table.key}.{r}.{c}" for r, c in cells])


_SIDE_NAMES = {
    "T3-1": ("本年新收与上年结转之和", "办理结果总计与结转下年度之和"),
    "T3-2": ("办理结果总计", "各项办理结果之和"),
    "T3-3": ("总计", "六类申请人之和"),
}


def check_identities(report: Report, form: Form) -> list[Finding]:
    """T3-1 … T3-3 and T4-1 … T4-3, as the form defines them."""
    findings: list[Finding] = []
    for table in form.tables:
        rows = report.tables.get(table.key)
        if not rows:
            continue
        for identity in table.identities:
            sides = _SIDE_NAMES.get(identity.rule, ("总计", "维持、纠正、其他结果与尚未审结之和"))
            if identity.axis == "rows":
                lhs_rows = _substitute(table, report, identity.lhs)
                rhs_rows = _substitute(table, report, identity.rhs)
                if not lhs_rows or not rhs_rows:
                    continue
                for col in identity.over or tuple(c.key for c in table.columns):
                    f = _evaluate(report, table, identity, [(r, col) for r in lhs_rows],
                                  [(r, col) for r in rhs_rows], f"「{table.column(col).name}」列", sides)
                    if f:
                        findings.append(f)
            else:
                for row in identity.over or tuple(rows):
                    if row not in rows:
                        continue
                    f = _evaluate(report, table, identity, [(row, c) for c in identity.lhs],
                                  [(row, c) for c in identity.rhs], f"「{table.row(row).name}」行", sides)
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
                if v is None:
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
    """Keep OCR's low-confidence readings only where the identities confirm them.

    A provisional value that takes part in a failing identity — or in none at all, so nothing can
    confirm it — is withdrawn: the cell becomes null with a P-1 naming the reading. The identities
    decide which readings to trust; they never supply a value.
    """
    uncertain = {f"{t}.{r}.{c}": cell for t, rows in report.tables.items() for r, cells in rows.items()
                 for c, cell in cells.items() if cell.confidence is not None and cell.value is not None}
    if not uncertain:
        return []
    findings: list[Finding] = []
    checked: set[str] = set()
    for _ in range(len(uncertain)):
        failing = check_identities(report, form)
        for table in form.tables:
            for identity in table.identities:
                checked |= {path for path in uncertain if path.startswith(table.key + ".")
                            and (path.split(".")[1 if identity.axis == "rows" else 2] in identity.lhs + identity.rhs)}
        doubtful = [p for f in failing for p in f.cells if p in uncertain and uncertain[p].value is not None]
        doubtful += [p for p, c in uncertain.items() if p not in checked and c.value is not None]
        if not doubtful:
            break
        for path in dict.fromkeys(doubtful):
            cell = uncertain[path]
            reason = "与勾稽关系不符" if path in checked else "没有勾稽关系可以核实"
            findings.append(Finding("P-1", "warning", f"{path}：识别结果「{cell.printed}」置信度低"
                                    f"（{cell.confidence:.2f}），{reason}，不采用，该格留空", [path]))
            cell.value, cell.printed = None, None
    return findings


def run_checks(report: Report) -> list[Finding]:
    """All single-report checks; returns the new findings (OCR readings the identities do not
    confirm are withdrawn from the report first)."""
    form = FORMS.get(report.template)
    if form is None:
        return check_dates(report)
    settled = settle_uncertain(report, form)
    return (settled + check_identities(report, form) + check_ranges(report, form) + check_structure(report, form)
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
