"""The text against the tables: X-3 (a figure the text states differs from the cell that states
the same thing) and X-2 (requests dropped for an unpaid fee vs the fee notices the text reports).

Precision first. A statement is compared only when it is the body's own figure (model.Statement
.counts: own or unmarked scope, not approximate; figures after 其中 are not read), its meaning is one the
form defines (forms/narrative.py `cells`), and every cell it sums was printed. The report may
state a figure more than once (the county and the county government's own office, say); no
warning is given when any statement of that figure, in any scope, equals the table: the text
then says the table's number somewhere, and the other is more likely a scope we did not read.
"""

from __future__ import annotations

from ..forms import Form
from ..forms.narrative import FIGURES_BY_KEY, NarrativeFigure
from ..model import Finding, Report, Statement
from .format import fmt

__all__ = ["check_text_against_tables", "check_fee_notices", "quote"]


def quote(s: Statement, width: int = 70) -> str:
    """The statement's sentence, cut to about `width` characters around its figure."""
    text = s.sentence
    if len(text) <= width:
        return text
    at = max(0, text.find(fmt(s.value)) if s.value else 0)
    start = max(0, min(at - width * 2 // 3, len(text) - width))
    return ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(text) else "")


def _value(report: Report, form: Form, path: str) -> tuple[float, str] | None:
    """A cell's value and how to name it; a 总计 printed blank is the sum of its row's other
    columns when every one of them was printed (reports leave the 总计 column empty)."""
    table_key, row_key, col_key = path.split(".")
    table = form.table(table_key)
    if row_key not in {r.key for r in table.rows} or col_key not in {c.key for c in table.columns}:
        return None
    row = report.tables.get(table_key, {}).get(row_key, {})
    cell = row.get(col_key)
    name = f"表{table.number}「{table.row(row_key).name}」行「{table.column(col_key).name}」列"
    if cell is not None and cell.value is not None and cell.printed is not None:
        return cell.value, name
    if col_key == "total" and cell is not None and cell.printed == "":
        parts = [row.get(c.key) for c in table.columns if c.key != "total"]
        if parts and all(p is not None and p.value is not None and p.printed is not None for p in parts):
            return sum(p.value for p in parts), f"{name}（空白，取各列之和）"  # type: ignore[misc]
    return None


def _sum(report: Report, form: Form, paths: tuple[str, ...]) -> float | None:
    values = [_value(report, form, p) for p in paths]
    if not values or any(v is None for v in values):
        return None
    return sum(v[0] for v in values)  # type: ignore[index]


def _cells(report: Report, form: Form, figure: NarrativeFigure) -> tuple[list[tuple[str, float]], str] | None:
    """[(path, value)] of the figure's cells and how to name them; None unless all were printed."""
    out: list[tuple[str, float]] = []
    names: list[str] = []
    for path in figure.cells:
        read = _value(report, form, path)
        if read is None:
            return None
        out.append((path, read[0]))
        names.append(read[1])
    if not out:
        return None
    if len(out) == 1:
        return out, f"{names[0]}为 {fmt(out[0][1])}"
    terms = " + ".join(f"{n} {fmt(v)}" for n, (_, v) in zip(names, out))
    return out, f"{terms} = {fmt(sum(v for _, v in out))}"


def check_text_against_tables(report: Report, form: Form) -> list[Finding]:
    """X-3: the body's own figure in the text differs from the table cell(s) stating it."""
    findings: list[Finding] = []
    by_key: dict[str, list[Statement]] = {}
    for s in report.statements:
        by_key.setdefault(s.key, []).append(s)
    for key, statements in by_key.items():
        figure = FIGURES_BY_KEY[key]
        own = [s for s in statements if s.counts]
        if not figure.cells or not own:
            continue
        read = _cells(report, form, figure)
        if read is None:
            continue
        cells, table_text = read
        table_value = sum(v for _, v in cells)
        if any(abs(s.value - table_value) < 1e-9 for s in statements):
            continue
        others = [v for paths in figure.meanings if (v := _sum(report, form, paths)) is not None]
        if any(abs(s.value - v) < 1e-9 for s in statements for v in others):
            continue  # the text counts what another quantity of the table counts
        s = own[0]
        findings.append(Finding(
            "X-3", "warning",
            f"正文与表格不一致：第 {s.line} 行「{quote(s)}」称{figure.name}为 {fmt(s.value)}，而{table_text}，"
            f"相差 {fmt(abs(s.value - table_value))}",
            [path for path, _ in cells]))
    return findings


def check_fee_notices(report: Report, form: Form) -> list[Finding]:
    """X-2: requests dropped because the fee went unpaid need as many fee notices sent."""
    cell = report.tables.get("requests", {}).get("other_fee_unpaid", {}).get("total")
    if cell is None or not cell.value:
        return []
    row = form.table("requests").row("other_fee_unpaid")
    path = "requests.other_fee_unpaid.total"
    notices = [s for s in report.statements if s.key == "fee_notices" and s.counts]
    if not notices:
        return [Finding("X-2", "info", f"表三「{row.name}」为 {fmt(cell.value)} 件，但正文未说明发出收费通知的件数"
                                      f"（应不少于 {fmt(cell.value)} 件）", [path])]
    most = max(notices, key=lambda s: s.value)
    if most.value >= cell.value:
        return []
    return [Finding("X-2", "warning",
                    f"第 {most.line} 行「{quote(most)}」称发出收费通知 {fmt(most.value)} 件，少于表三「{row.name}」的 "
                    f"{fmt(cell.value)} 件（未缴费而不再处理的申请，每件都应先发出收费通知）", [path])]
