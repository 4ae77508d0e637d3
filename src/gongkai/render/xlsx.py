"""Write the three tables as an Excel workbook that checks itself.

One builder serves both `gongkai render --format xlsx` (a report's values filled in) and
`gongkai template` (empty input cells for a body to fill). Each table sits on its own sheet
(表二 / 表三 / 表四) in the official layout of `render.grid`; the input cells are the only unlocked
cells; every identity of the form (`Table.identities`, and with last year's report X-1 and T2-3)
becomes live formulas on the 核对 sheet, and the cells an identity involves turn red while it
fails. Nothing here lists a row or writes an identity by hand: both come from `gongkai.forms`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from ..check.bounds import substitute_rows
from ..forms import FORMS, SECTIONS, Form, Table
from .document import Document
from .grid import Value, expand, table_grid

CHECK_SHEET = "核对"
"""The sheet of check formulas; `read.xlsx` skips it (it restates labels, it is not a table)."""
ORG_LABEL, YEAR_LABEL = "填报单位", "报告年度"
"""Labels of the two input cells above 表二; `read.xlsx` turns them into the report's title."""
FAIL, HOLD, EMPTY = "不成立", "成立", "未填"
_MARK = "\x00"
_META_ROWS = 3  # 填报单位, 报告年度, a blank row: then 表二's heading
_EPS = "0.0000001"


def sheet_name(table: Table) -> str:
    return f"表{table.number}"


def _col_letter(col: int) -> str:
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def ref(sheet: str, row: int, col: int) -> str:
    """An absolute A1 reference to a 0-based cell of `sheet`."""
    return f"'{sheet}'!${_col_letter(col)}${row + 1}"


@dataclass
class Check:
    """One instance of an identity (a rule for one column or one row), as the 核对 sheet lists it."""

    rule: str
    text: str
    lhs: list[tuple[str, str, str]]  # (table, row, col) cells summed on the left
    rhs: list[tuple[str, str, str]]
    left_const: Value = None  # last year's number, for the cross-year rules
    right_const: Value = None
    const_label: str = ""


@dataclass
class Previous:
    """What last year's report fixes for this one: its 结转下年度 per column and 现行有效 per row."""

    year: int | None
    carried_out: dict[str, Value] = field(default_factory=dict)
    in_force: dict[str, Value] = field(default_factory=dict)

    @classmethod
    def from_tables(cls, year: int | None, tables: dict[str, dict[str, dict[str, Value]]]) -> Previous:
        requests = tables.get("requests", {})
        proactive = tables.get("proactive", {})
        return cls(year, dict(requests.get("carried_out", {})),
                   {row: cells["in_force"] for row, cells in proactive.items() if "in_force" in cells})


def _terms(names: list[str]) -> str:
    """A sum as the 核对 sheet prints it; a long one (表三's 21 outcomes) shortened to its ends."""
    if len(names) <= 7:
        return " + ".join(names)
    return f"{names[0]} + {names[1]} + … + {names[-1]}（{len(names)} 项之和）"


def identity_checks(form: Form, tables: dict[str, dict[str, dict[str, Value]]]) -> list[Check]:
    """Every identity of `form` over the rows the tables have, one Check per column or row."""
    checks: list[Check] = []
    for table in form.tables:
        rows = tables.get(table.key, {})
        present = set(rows)
        for identity in table.identities:
            if identity.axis == "rows":
                lhs, rhs = substitute_rows(table, present, identity.lhs), substitute_rows(table, present, identity.rhs)
                if not lhs or not rhs:
                    continue
                for col in identity.over or tuple(c.key for c in table.columns):
                    text = (f"表{table.number}「{table.column(col).name}」列：" + _terms([table.row(r).name for r in lhs])
                            + " = " + _terms([table.row(r).name for r in rhs]))
                    checks.append(Check(identity.rule, text, [(table.key, r, col) for r in lhs],
                                        [(table.key, r, col) for r in rhs]))
            else:
                for row in identity.over or tuple(rows):
                    if row not in present:
                        continue
                    text = (f"表{table.number}「{table.row(row).name}」行：" + _terms([table.column(c).name for c in identity.lhs])
                            + " = " + _terms([table.column(c).name for c in identity.rhs]))
                    checks.append(Check(identity.rule, text, [(table.key, row, c) for c in identity.lhs],
                                        [(table.key, row, c) for c in identity.rhs]))
    return checks


def crossyear_checks(form: Form, tables: dict[str, dict[str, dict[str, Value]]], previous: Previous) -> list[Check]:
    """X-1 per column of 表三, and for the 2021 form T2-3 per 表二 row that counts documents."""
    checks: list[Check] = []
    last = f"{previous.year} 年度" if previous.year else "上年"
    requests = form.table("requests")
    for col in requests.columns:
        if "carried_in" in tables.get("requests", {}) and col.key in previous.carried_out:
            checks.append(Check("X-1", f"表三「{col.name}」列：本年上年结转 = {last}报告的结转下年度",
                                [("requests", "carried_in", col.key)], [], right_const=previous.carried_out[col.key],
                                const_label=f"{last}结转下年度"))
    proactive = form.table("proactive")
    for row in proactive.rows:
        cols = proactive.row_columns(row)
        if form.key == "v2021" and all(c in cols for c in ("issued", "repealed", "in_force")) \
                and row.key in tables.get("proactive", {}):
            checks.append(Check(
                "T2-3", f"表二「{row.name}」：{last}现行有效 + 本年制发 − 本年废止 = 本年现行有效",
                [("proactive", row.key, "issued"), ("proactive", row.key, "repealed")],
                [("proactive", row.key, "in_force")], left_const=previous.in_force.get(row.key),
                const_label=f"{last}现行有效"))
    return checks


def _evaluate(check: Check, tables: dict[str, dict[str, dict[str, Value]]]) -> tuple[float, float, str]:
    """What the 核对 formulas give for these values (written as the cached results)."""
    def value(t: str, r: str, c: str) -> Value:
        return tables.get(t, {}).get(r, {}).get(c)

    cells = check.lhs + check.rhs
    seen = sum(value(*k) is not None for k in cells)
    if check.rule == "T2-3":
        issued, repealed = (float(value(*k) or 0) for k in check.lhs)
        left = float(check.left_const or 0) + issued - repealed
    else:
        left = sum(float(value(*k) or 0) for k in check.lhs) + float(check.left_const or 0)
    right = sum(float(value(*k) or 0) for k in check.rhs) + float(check.right_const or 0)
    verdict = EMPTY if not seen else HOLD if abs(left - right) < 1e-7 else FAIL
    return left, right, verdict


def _widths(placed: list, width: int, first: int) -> list[float]:
    """Column widths (Excel characters) from the longest one-column text: stubs wide, numbers narrow."""
    need = [8.0] * width
    for _, c, cell in placed:
        if cell.colspan == 1 and not cell.text.startswith(_MARK):
            need[c] = max(need[c], min(len(cell.text) * 2.1 + 2, 30 if c < first else 14))
    return need


def build_workbook(doc: Document, previous: Previous | None = None, template: bool = False) -> bytes:
    """The workbook for `doc` (its values, or empty input cells when `template`), as .xlsx bytes."""
    import xlsxwriter

    form = FORMS[doc.form]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    title = doc.title if doc.organization else f"{doc.year or ''}年政府信息公开工作年度报告"
    book.set_properties({"title": title, "subject": f"{form.name}（{form.instrument}）",
                         "comments": f"gongkai {form.key}", "keywords": form.key})
    font = {"font_name": "宋体", "font_size": 10, "border": 1, "text_wrap": True, "valign": "vcenter",
            "align": "center"}
    fmt_head = book.add_format({**font, "bold": False, "bg_color": "#F2F2F2"})
    fmt_stub = book.add_format({**font, "align": "left"})
    fmt_note = book.add_format({**font, "font_size": 9, "align": "left"})
    fmt_count = book.add_format({**font, "locked": False, "bg_color": "#FFF9DB", "num_format": "0"})
    fmt_money = book.add_format({**font, "locked": False, "bg_color": "#FFF9DB", "num_format": "General"})
    fmt_title = book.add_format({"font_name": "黑体", "font_size": 14, "bold": True, "align": "left"})
    fmt_label = book.add_format({**font, "bold": True})
    fmt_input = book.add_format({**font, "locked": False, "bg_color": "#FFF9DB", "align": "left"})
    fmt_year = book.add_format({**font, "locked": False, "bg_color": "#FFF9DB", "num_format": "0"})
    fmt_red = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    tables = {t.key: doc.tables.get(t.key, {}) for t in form.tables}
    checks = identity_checks(form, tables) + (crossyear_checks(form, tables, previous) if previous else [])
    first_check_row = 4
    verdict_col = 5
    # where each data cell is, and which checks it takes part in
    where: dict[tuple[str, str, str], tuple[str, int, int]] = {}
    involved: dict[tuple[str, str, str], list[int]] = {}
    for i, check in enumerate(checks):
        for key in check.lhs + check.rhs:
            involved.setdefault(key, []).append(i)
    sheets = []
    for table in form.tables:
        sheet = book.add_worksheet(sheet_name(table))
        sheets.append(sheet)
        values = tables[table.key]
        grid = table_grid(form, table.key, values, lambda t, r, c, v: f"{_MARK}{r}{_MARK}{c}", doc.labels)
        placed, width = expand(grid)
        top = 0
        if table is form.tables[0]:
            sheet.write(0, 0, ORG_LABEL, fmt_label)
            sheet.merge_range(0, 1, 0, width - 1, doc.organization or "", fmt_input)
            sheet.write(1, 0, YEAR_LABEL, fmt_label)
            if doc.year:
                sheet.write_number(1, 1, doc.year, fmt_year)
            else:
                sheet.write_blank(1, 1, None, fmt_year)
            sheet.data_validation(1, 1, 1, 1, {"validate": "integer", "criteria": "between", "minimum": 2008,
                                               "maximum": 2100, "error_title": "年度有误",
                                               "error_message": "请填写报告年度，如 2025"})
            top = _META_ROWS
        section = next(s for s in SECTIONS if s.table == table.key)
        sheet.merge_range(top, 0, top, width - 1, section.heading, fmt_title)
        top += 1
        stub = min(c for _, c, cell in placed if cell.text.startswith(_MARK)) if placed else 1
        head_rows = min((r for r, _, cell in placed if cell.text.startswith(_MARK)), default=0)
        for c, w in enumerate(_widths(placed, width, stub)):
            sheet.set_column(c, c, w)
        for r, c, cell in placed:
            row, col = top + r, c
            last_row, last_col = row + cell.rowspan - 1, col + cell.colspan - 1
            if cell.text.startswith(_MARK):
                _, rkey, ckey = cell.text.split(_MARK)
                value = values.get(rkey, {}).get(ckey)
                column = table.column(ckey)
                fmt = fmt_money if column.kind == "money" else fmt_count
                if (last_row, last_col) != (row, col):
                    sheet.merge_range(row, col, last_row, last_col, "", fmt)
                if value is None:
                    sheet.write_blank(row, col, None, fmt)
                else:
                    sheet.write_number(row, col, value, fmt)
                where[(table.key, rkey, ckey)] = (sheet_name(table), row, col)
                sheet.data_validation(row, col, row, col, _validation(column.kind, column.unit))
            else:
                fmt = fmt_note if cell.text.startswith("（本列") else \
                    fmt_stub if c < stub and r >= head_rows and cell.colspan < width else fmt_head
                if (last_row, last_col) != (row, col):
                    sheet.merge_range(row, col, last_row, last_col, cell.text, fmt)
                else:
                    sheet.write_string(row, col, cell.text, fmt)
        for r in range(len(grid)):
            texts = [cell for rr, _, cell in placed if rr == r and cell.rowspan == 1 and not cell.text.startswith(_MARK)]
            longest = max((len(t.text) / max(1, t.colspan) for t in texts), default=0)
            sheet.set_row(top + r, max(18, 14 * (1 + int(longest // 14))))
        sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
        sheet.freeze_panes(top, 0)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
    # the 核对 sheet: one row per identity instance, formulas evaluated live
    ws = book.add_worksheet(CHECK_SHEET)
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 4, 10)
    ws.set_column(5, 5, 8)
    ws.set_column(6, 6, 14)
    ws.set_column(7, 7, 4, None, {"hidden": True})  # running count of failures, for the list beside
    ws.set_column(8, 8, 60)
    ws.write_string(0, 0, "勾稽关系核对（随填随算：结论为“不成立”的行和有关单元格标红；空格按 0 计）", fmt_title)
    last = first_check_row + len(checks)
    verdicts = f"$F${first_check_row + 1}:$F${max(last, first_check_row + 1)}"
    failing = sum(_evaluate(c, tables)[2] == FAIL for c in checks)
    ws.write_string(1, 0, "不成立", fmt_label)
    ws.write_formula(1, 1, f'=COUNTIF({verdicts},"{FAIL}")', fmt_label, failing)
    ws.write_formula(2, 0, f'=IF(B2=0,"全部勾稽关系成立（或尚未填写）","有 "&B2&" 条勾稽关系不成立，请核对标红的单元格")',
                     None, "全部勾稽关系成立（或尚未填写）" if not failing else f"有 {failing} 条勾稽关系不成立，请核对标红的单元格")
    for c, head in enumerate(("规则", "核对内容", "左边", "右边", "相差", "结论", "上年数", "序号",
                              "不成立的勾稽关系（随填随列）")):
        ws.write_string(first_check_row - 1, c, head, fmt_label)
    fmt_cell = book.add_format({**font, "align": "left"})
    fmt_num = book.add_format({**font, "num_format": "General"})
    span = f"{first_check_row + 1}:$%s${max(last, first_check_row + 1)}"
    failed_texts = [f"{c.rule}  {c.text}" for c in checks if _evaluate(c, tables)[2] == FAIL]
    fmt_fail = book.add_format({**font, "align": "left", "font_color": "#9C0006"})
    for i, check in enumerate(checks):
        row = first_check_row + i
        left, right, verdict = _evaluate(check, tables)
        # the k-th failing identity's text in row k of column I: a list that needs no array formulas
        count = sum(_evaluate(c, tables)[2] == FAIL for c in checks[:i + 1])
        ws.write_formula(row, 7, f'=IF(F{row + 1}="{FAIL}",COUNTIF($F${first_check_row + 1}:F{row + 1},"{FAIL}"),"")',
                         None, count if verdict == FAIL else "")
        match = f"MATCH({i + 1},$H${span % 'H'},0)"
        ws.write_formula(row, 8, f'=IFERROR(INDEX($A${span % "A"},{match})&"  "&INDEX($B${span % "B"},{match}),"")',
                         fmt_fail, failed_texts[i] if i < len(failed_texts) else "")
        refs = lambda keys: ",".join(ref(*where[k]) for k in keys)  # noqa: E731
        const = f"$G${row + 1}"
        if check.rule == "T2-3":
            (a, b) = check.lhs
            lhs_formula = f"={const}+N({ref(*where[a])})-N({ref(*where[b])})"
        else:
            lhs_formula = f"=SUM({refs(check.lhs)})" + (f"+{const}" if check.left_const is not None else "")
        rhs_formula = (f"=SUM({refs(check.rhs)})" if check.rhs else "=0") + (
            f"+{const}" if check.right_const is not None else "")
        ws.write_string(row, 0, check.rule, fmt_cell)
        ws.write_string(row, 1, check.text, fmt_cell)
        ws.set_row(row, 30)  # two lines: column B, and the list in column I, wrap at about 50 characters
        ws.write_formula(row, 2, lhs_formula, fmt_num, left)
        ws.write_formula(row, 3, rhs_formula, fmt_num, right)
        ws.write_formula(row, 4, f"=C{row + 1}-D{row + 1}", fmt_num, left - right)
        ws.write_formula(row, verdict_col, f'=IF(COUNT({refs(check.lhs + check.rhs)})=0,"{EMPTY}",'
                                           f'IF(ABS(E{row + 1})<{_EPS},"{HOLD}","{FAIL}"))', fmt_cell, verdict)
        if check.const_label:
            value = check.left_const if check.left_const is not None else check.right_const
            if value is None:
                ws.write_blank(row, 6, None, fmt_count)
            else:
                ws.write_number(row, 6, value, fmt_count)
            ws.write_comment(row, 6, check.const_label)
    if checks:
        ws.conditional_format(first_check_row, 0, last - 1, verdict_col,
                              {"type": "formula", "criteria": f'=$F{first_check_row + 1}="{FAIL}"', "format": fmt_red})
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(first_check_row - 1)
    for key, (sname, row, col) in where.items():
        rows = involved.get(key)
        if not rows:
            continue
        terms = ",".join(f'{ref(CHECK_SHEET, first_check_row + i, verdict_col)}="{FAIL}"' for i in rows)
        sheets[[sheet_name(t) for t in form.tables].index(sname)].conditional_format(
            row, col, row, col, {"type": "formula", "criteria": f"=OR({terms})", "format": fmt_red})
    if template:
        sheets[0].activate()
    book.close()
    return out.getvalue()


def _validation(kind: str, unit: str) -> dict:
    """Data validation for an input cell of this kind: whole numbers ≥ 0, signed, or an amount."""
    if kind == "money":
        return {"validate": "decimal", "criteria": ">=", "value": 0, "error_title": "金额有误",
                "error_message": f"请填写不小于 0 的金额（单位：{unit}），可带小数"}
    if kind == "signed":
        return {"validate": "integer", "criteria": "between", "minimum": -10**9, "maximum": 10**9,
                "error_title": "数量有误", "error_message": "请填写整数（可为负数）"}
    return {"validate": "integer", "criteria": ">=", "value": 0, "error_title": "数量有误",
            "error_message": f"请填写不小于 0 的整数（单位：{unit}）"}


def input_cells(doc: Document) -> dict[str, tuple[str, int, int]]:
    """Where `build_workbook` puts each cell of `doc`: `table.row.col` → (sheet, 0-based row, column).

    For programs that fill a template (and the tests): the same grid, the same offsets.
    """
    form = FORMS[doc.form]
    out: dict[str, tuple[str, int, int]] = {}
    for table in form.tables:
        grid = table_grid(form, table.key, doc.tables.get(table.key, {}), lambda t, r, c, v: f"{_MARK}{r}{_MARK}{c}",
                          doc.labels)
        top = _META_ROWS + 1 if table is form.tables[0] else 1
        for r, c, cell in expand(grid)[0]:
            if cell.text.startswith(_MARK):
                _, rkey, ckey = cell.text.split(_MARK)
                out[f"{table.key}.{rkey}.{ckey}"] = (sheet_name(table), top + r, c)
    return out


def empty_tables(form: Form) -> dict[str, dict[str, dict[str, Value]]]:
    """Every official cell of `form`, blank: what a fill-in template starts from."""
    return {t.key: {r.key: {c: None for c in t.row_columns(r)} for r in t.official_rows} for t in form.tables}


def render_xlsx(doc: Document, previous: Previous | None = None) -> bytes:
    """A report's tables as a self-checking workbook (its values in the input cells)."""
    return build_workbook(doc, previous)


def render_template(form_key: str, year: int | None = None, organization: str = "",
                    previous: Previous | None = None) -> bytes:
    """A fill-in workbook for `form_key`; with `previous`, 上年结转 pre-filled from last year's 结转下年度."""
    form = FORMS[form_key]
    tables = empty_tables(form)
    if previous is not None:
        for col, value in previous.carried_out.items():
            if col in tables["requests"].get("carried_in", {}):
                tables["requests"]["carried_in"][col] = value
    doc = Document(form_key, organization, year or 0, tables)
    return build_workbook(doc, previous, template=True)
