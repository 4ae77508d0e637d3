"""The fill-in workbook (`gongkai template`): only input cells are editable, every input cell is
validated, the identity formulas come from the forms, and — evaluated by a real spreadsheet engine
(LibreOffice) — the 核对 sheet's verdicts equal `gongkai check`'s findings on the same workbook,
for a valid report and for one broken cell per identity. `--from` pre-fills what last year fixes."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gongkai import parse_bytes
from gongkai.cli import app
from gongkai.forms import FORMS
from gongkai.render.document import Document
from gongkai.render.output import render_document, template_bytes
from gongkai.render.xlsx import CHECK_SHEET, FAIL, empty_tables, identity_checks, input_cells, render_template
from gongkai.synth import random_tables

FORM_KEYS = sorted(FORMS)
IDENTITY_RULES = ("T3-", "T4-")


def _template_doc(form: str) -> Document:
    return Document(form, "", 0, empty_tables(FORMS[form]))


def _fill(template: bytes, form: str, tables: dict, organization: str, year: int) -> bytes:
    """Type a report's values into the template's input cells, as a body would (openpyxl)."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    cells = input_cells(_template_doc(form))
    for path, (sheet, row, col) in cells.items():
        t, r, c = path.split(".")
        book[sheet].cell(row + 1, col + 1).value = tables[t][r][c]
    first = book[f"表{FORMS[form].tables[0].number}"]
    first.cell(1, 2).value = organization
    first.cell(2, 2).value = year
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("form", FORM_KEYS)
def test_only_input_cells_are_unlocked_and_every_one_is_validated(form):
    book = openpyxl.load_workbook(io.BytesIO(render_template(form, 2025)))
    cells = input_cells(_template_doc(form))
    assert len(cells) == sum(len(t.row_columns(r)) for t in FORMS[form].tables for r in t.official_rows)
    inputs_by_sheet: dict[str, set[str]] = {}
    for path, (sheet, row, col) in cells.items():
        inputs_by_sheet.setdefault(sheet, set()).add(f"{openpyxl.utils.get_column_letter(col + 1)}{row + 1}")
    inputs_by_sheet[f"表{FORMS[form].tables[0].number}"] |= {"B1", "B2"}  # 填报单位, 报告年度
    for ws in book.worksheets:
        assert ws.protection.sheet, ws.title
        if ws.title == CHECK_SHEET:
            continue
        unlocked = {c.coordinate for row in ws.iter_rows() for c in row
                    if not isinstance(c, openpyxl.cell.cell.MergedCell) and c.protection.locked is False}
        assert unlocked == inputs_by_sheet[ws.title], ws.title
        validated: dict[str, str] = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                validated[rng.coord] = dv.type
        for path, (sheet, row, col) in cells.items():
            if sheet != ws.title:
                continue
            coord = f"{openpyxl.utils.get_column_letter(col + 1)}{row + 1}"
            table, _, column = path.split(".")
            kind = FORMS[form].table(table).column(column).kind
            assert validated[coord] == ("decimal" if kind == "money" else "whole"), path
        # a failing identity paints its cells red: every cell an identity uses has a rule
        painted = {str(rng.sqref) for rng in ws.conditional_formatting}
        used = {k for ch in identity_checks(FORMS[form], empty_tables(FORMS[form])) for k in ch.lhs + ch.rhs}
        for t, r, c in used:
            sheet, row, col = cells[f"{t}.{r}.{c}"]
            if sheet == ws.title:
                assert f"{openpyxl.utils.get_column_letter(col + 1)}{row + 1}" in painted


@pytest.mark.parametrize("form", FORM_KEYS)
def test_check_sheet_lists_every_identity_of_the_form(form):
    book = openpyxl.load_workbook(io.BytesIO(render_template(form, 2025)))
    ws = book[CHECK_SHEET]
    rules = [row[0] for row in ws.iter_rows(min_row=5, values_only=True) if row[0]]
    requests = FORMS[form].table("requests")
    per_column = len(requests.columns)
    assert rules.count("T3-1") == per_column and rules.count("T3-2") == per_column
    assert rules.count("T3-3") == len(requests.official_rows)
    assert [r for r in rules if r.startswith("T4-")] == ["T4-1", "T4-2", "T4-3"]
    formulas = [row[5] for row in ws.iter_rows(min_row=5, values_only=True) if row[0]]
    assert all(str(f).startswith("=IF(COUNT(") for f in formulas)


def _recalculate(paths: list[Path], out: Path) -> None:
    """Evaluate every formula with LibreOffice, as opening the file in a spreadsheet does (one run)."""
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{out}/profile",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), *map(str, paths)],
                   check=True, capture_output=True, timeout=300)


def _verdicts(data: bytes, form: str) -> set[tuple[str, frozenset[str]]]:
    """The identities the 核对 sheet says fail, with the cells each one uses."""
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    checks = identity_checks(FORMS[form], empty_tables(FORMS[form]))
    rows = list(book[CHECK_SHEET].iter_rows(min_row=5, max_row=4 + len(checks), values_only=True))
    assert all(row[5] in ("成立", "不成立", "未填") for row in rows), "formulas were not evaluated"
    # column I lists the failing identities, in order, from its first row
    listed = [row[8] for row in rows if row[8]]
    assert listed == [f"{ch.rule}  {ch.text}" for ch, row in zip(checks, rows) if row[5] == FAIL]
    assert all(row[8] for row in rows[:len(listed)])
    return {(ch.rule, frozenset(f"{t}.{r}.{c}" for t, r, c in ch.lhs + ch.rhs))
            for ch, row in zip(checks, rows) if row[5] == FAIL}


def _findings(data: bytes) -> set[tuple[str, frozenset[str]]]:
    return {(f.rule, frozenset(f.cells)) for f in parse_bytes(data).findings if f.rule.startswith(IDENTITY_RULES)}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_check_sheet_verdicts_equal_gongkai_check(tmp_path):
    cases: list[tuple[str, str, bytes]] = []
    for form in FORM_KEYS:
        definition = FORMS[form]
        tables = random_tables(definition, random.Random(len(form) * 31))
        template = render_template(form, 2022 if form == "v2021" else 2020)
        year = 2022 if form == "v2021" else 2020
        cases.append((form, "valid", _fill(template, form, tables, "宁国市教育局", year)))
        for check in identity_checks(definition, tables):  # one broken cell per identity
            rule = check.rule
            if any(name.startswith(f"{form}-{rule}") for _, name, _ in cases):
                continue
            t, r, c = check.lhs[0]
            broken = json.loads(json.dumps(tables))
            broken[t][r][c] = (broken[t][r][c] or 0) + 3
            cases.append((form, f"{form}-{rule}", _fill(template, form, broken, "宁国市教育局", year)))
    paths = []
    for i, (_, _, data) in enumerate(cases):
        path = tmp_path / f"case{i}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    out = tmp_path / "out"
    _recalculate(paths, out)
    seen_rules = set()
    for (form, name, data), path in zip(cases, paths):
        evaluated = (out / path.name).read_bytes()
        verdicts = _verdicts(evaluated, form)
        assert verdicts == _findings(data), name  # the workbook agrees with the checker
        assert _findings(evaluated) == verdicts, name  # and reading the recalculated file changes nothing
        if name == "valid":
            assert verdicts == set()
        else:
            rule = name.split("-", 1)[1]
            assert any(v[0] == rule for v in verdicts), name
            seen_rules.add(rule)
    assert {"T3-1", "T3-2", "T3-3", "T4-1", "T4-2", "T4-3"} <= seen_rules


def test_cached_results_of_a_rendered_workbook_match_the_checker():
    """A rendered workbook opens with the right verdicts before any recalculation (cached values)."""
    tables = random_tables(FORMS["v2021"], random.Random(8))
    tables["requests"]["granted"]["commercial"] = (tables["requests"]["granted"]["commercial"] or 0) + 1
    data = render_document(Document("v2021", "荣成市民政局", 2024, tables), "xlsx")
    verdicts = _verdicts(data, "v2021")
    assert verdicts == _findings(data)
    assert {rule for rule, _ in verdicts} == {"T3-2", "T3-3"}
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    assert book[CHECK_SHEET]["B2"].value == 2


def test_from_prefills_what_last_year_fixes(tmp_path):
    last = random_tables(FORMS["v2021"], random.Random(21))
    src = tmp_path / "2023.docx"
    src.write_bytes(render_document(Document("v2021", "武清区人民政府", 2023, last, tables_only=True), "docx"))
    data, form, year = template_bytes(None, previous_path=src)
    assert (form, year) == ("v2021", 2024)
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = input_cells(_template_doc("v2021"))
    for col, value in last["requests"]["carried_out"].items():
        sheet, row, c = cells[f"requests.carried_in.{col}"]
        assert book[sheet].cell(row + 1, c + 1).value == value
    ws = book[CHECK_SHEET]
    rows = {(r[0], r[1]): r[6] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    for key, value in last["requests"]["carried_out"].items():
        name = FORMS["v2021"].table("requests").column(key).name
        assert rows[("X-1", f"表三「{name}」列：本年上年结转 = 2023 年度报告的结转下年度")] == value
    for row in ("rules", "normative_docs"):
        name = FORMS["v2021"].table("proactive").row(row).name
        assert rows[("T2-3", f"表二「{name}」：2023 年度现行有效 + 本年制发 − 本年废止 = 本年现行有效")] == \
            last["proactive"][row]["in_force"]


def test_template_command(tmp_path):
    runner = CliRunner()
    target = tmp_path / "表格.xlsx"
    result = runner.invoke(app, ["template", "--form", "v2021", "--year", "2025", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert [ws.title for ws in book.worksheets] == ["表二", "表三", "表四", CHECK_SHEET]
    assert book["表二"]["B2"].value == 2025
    bad = runner.invoke(app, ["template", "--form", "v2030", "-o", str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 2 and "没有这个格式" in bad.output
    assert not (tmp_path / "x.xlsx").exists()
    docx = runner.invoke(app, ["template", "--format", "docx", "-o", str(tmp_path / "x.docx")])
    assert docx.exit_code == 2 and "只支持 xlsx" in docx.output
