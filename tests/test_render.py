"""Writing the form: random valid tables of both forms rendered as Word, Excel, a web page and PDF
read back cell for cell; Excel in the official layout (ours or a body's own) reads exactly; the
render command's inputs (a report file, a parse JSON, reviewer corrections) and its messages."""

from __future__ import annotations

import io
import json
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gongkai import InputError, parse_bytes
from gongkai.cli import app
from gongkai.forms import FORMS
from gongkai.render.document import Document
from gongkai.render.grid import expand, table_grid
from gongkai.render.output import load_source, render_document
from gongkai.synth import random_tables

FORM_KEYS = sorted(FORMS)
FORMATS = ["docx", "xlsx", "html", "pdf"]


def _doc(form: str, seed: int, other_as_one: bool = False) -> Document:
    tables = random_tables(FORMS[form], random.Random(seed), other_as_one=other_as_one)
    year = 2023 if form == "v2021" else 2020
    return Document(form, "平阳县市场监督管理局", year, tables, tables_only=True)


@settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), form=st.sampled_from(FORM_KEYS), fmt=st.sampled_from(FORMATS),
       blanks=st.integers(0, 4))
def test_random_tables_round_trip_every_format(seed, form, fmt, blanks):
    doc = _doc(form, seed)
    rng = random.Random(seed)
    zeros = [(t, r, c) for t, rows in doc.tables.items() for r, cells in rows.items() for c, v in cells.items() if v == 0]
    for t, r, c in rng.sample(zeros, min(blanks, len(zeros))):
        doc.tables[t][r][c] = None  # a blank cell is printed blank and read back as null, not 0
    out = parse_bytes(render_document(doc, fmt)).to_json()
    assert out["tables"] == doc.tables
    assert (out["report"]["organization"], out["report"]["year"], out["report"]["template"]) == \
        (doc.organization, doc.year, form)
    assert out["source"]["format"] == fmt
    assert [f for f in out["findings"] if f["severity"] == "error"] == []


def test_nonconforming_one_row_other_round_trips_in_excel():
    doc = _doc("v2021", 7, other_as_one=True)
    assert "other" in doc.tables["requests"]
    out = parse_bytes(render_document(doc, "xlsx")).to_json()
    assert out["tables"] == doc.tables


def test_excel_cells_carry_sheet_row_and_column():
    doc = _doc("v2021", 3)
    out = parse_bytes(render_document(doc, "xlsx")).to_json()
    prov = out["provenance"]["cells"]["requests.granted.natural_person"]
    assert prov["sheet"] == "表三"
    assert prov["printed"] == str(doc.tables["requests"]["granted"]["natural_person"])
    assert prov["row_label"] == "(一)予以公开"  # NFKC-normalised, as every reader gives labels
    assert prov["column_label"] == "自然人"
    from gongkai.render.xlsx import input_cells

    assert (prov["sheet"], prov["row"], prov["col"]) == input_cells(doc)["requests.granted.natural_person"]


def _body_workbook(doc: Document, formula_total: bool = False) -> bytes:
    """An Excel a body made by hand in the official layout: one sheet, tables stacked, merged cells,
    offset by a column, a title row, numbers as numbers; optionally a 总计 typed as a SUM formula."""
    import openpyxl
    from openpyxl.styles import Border, Side

    thin = Side(style="thin")
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)
    form = FORMS[doc.form]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.cell(1, 2, doc.title)
    row = 3
    for table in form.tables:
        ws.cell(row, 2, f"表{table.number}  {table.title}")
        row += 1
        grid = table_grid(form, table.key, doc.tables[table.key], lambda t, r, c, v: f"\x00{r}\x00{c}")
        placed, _ = expand(grid)
        for r, c, cell in placed:
            target = ws.cell(row + r, 2 + c)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    ws.cell(row + r + dr, 2 + c + dc).border = ruled
            if cell.text.startswith("\x00"):
                _, rk, ck = cell.text.split("\x00")
                target.value = doc.tables[table.key][rk][ck]
                if formula_total and table.key == "review_litigation" and ck == "total" and rk == "review":
                    first = target.column - 4
                    target.value = f"=SUM({openpyxl.utils.get_column_letter(first)}{target.row}:" \
                                   f"{openpyxl.utils.get_column_letter(target.column - 1)}{target.row})"
            else:
                target.value = cell.text
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=row + r, start_column=2 + c, end_row=row + r + cell.rowspan - 1,
                               end_column=2 + c + cell.colspan - 1)
        row += len(grid) + 2
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("form", FORM_KEYS)
def test_a_bodys_own_excel_in_the_official_layout_reads_exactly(form):
    doc = _doc(form, 11)
    out = parse_bytes(_body_workbook(doc)).to_json()
    assert out["tables"] == doc.tables
    assert (out["report"]["organization"], out["report"]["year"]) == (doc.organization, doc.year)


def test_formula_never_saved_by_a_spreadsheet_is_computed_or_refused(monkeypatch):
    doc = _doc("v2021", 5)
    data = _body_workbook(doc, formula_total=True)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="公式没有保存计算结果"):
        parse_bytes(data)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_formula_never_saved_is_recalculated_with_libreoffice():
    doc = _doc("v2021", 5)
    out = parse_bytes(_body_workbook(doc, formula_total=True)).to_json()
    assert out["tables"] == doc.tables


def test_damaged_excel_is_one_clear_message():
    data = render_document(_doc("v2019", 1), "xlsx")
    with pytest.raises(InputError, match="Excel"):
        parse_bytes(data[: len(data) // 2])


def _write_json(tmp_path, doc: Document, review=None):
    out = parse_bytes(render_document(doc, "html")).to_json()
    if review is not None:
        out["review"] = review
    path = tmp_path / "report.json"
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return path


def test_render_from_parse_json_with_corrections(tmp_path):
    doc = _doc("v2021", 9)
    before = doc.tables["requests"]["granted"]["total"]
    path = _write_json(tmp_path, doc, {"corrections": [{"cell": "requests.granted.total", "value": before + 4}]})
    assert load_source(path).document.tables == doc.tables
    source = load_source(path, corrected=True)
    assert source.corrected == 1
    assert source.document.tables["requests"]["granted"]["total"] == before + 4
    out = parse_bytes(render_document(source.document, "docx")).to_json()
    assert out["tables"]["requests"]["granted"]["total"] == before + 4
    assert any(f["rule"] == "T3-3" and "requests.granted.total" in f["cells"] for f in out["findings"])


def test_render_with_corrections_as_the_review_workspace_gives_them(tmp_path):
    doc = _doc("v2021", 9)
    review = {"corrections": {"requests.granted.total": {"old": "1", "new": "17", "note": "原文笔误", "who": "审核人"},
                              "requests.partial.total": {"old": "2", "new": "", "note": "应为空格", "who": "审核人"}}}
    source = load_source(_write_json(tmp_path, doc, review), corrected=True)
    assert source.corrected == 2
    assert source.document.tables["requests"]["granted"]["total"] == 17
    assert source.document.tables["requests"]["partial"]["total"] is None
    bad = {"corrections": {"requests.granted.total": {"new": "十七"}}}
    with pytest.raises(InputError, match="更正记录中的数值有误"):
        load_source(_write_json(tmp_path, doc, bad), corrected=True)


def test_bad_corrections_are_refused(tmp_path):
    doc = _doc("v2021", 9)
    for review, message in (({}, "没有审核更正"),
                            ({"corrections": [{"cell": "requests.nope.total", "value": 1}]}, "不在 v2021 格式中"),
                            ({"corrections": [{"cell": "requests.granted.total", "value": "三"}]}, "数值有误")):
        with pytest.raises(InputError, match=message):
            load_source(_write_json(tmp_path, doc, review), corrected=True)


def test_render_command(tmp_path):
    doc = _doc("v2019", 4)
    src = tmp_path / "报告.html"
    src.write_bytes(render_document(doc, "html"))
    runner = CliRunner()
    for fmt in FORMATS:
        result = runner.invoke(app, ["render", str(src), "--format", fmt])
        assert result.exit_code == 0, result.output
        target = tmp_path / f"报告-表格.{fmt}"
        assert parse_bytes(target.read_bytes()).to_json()["tables"] == doc.tables
    bad = runner.invoke(app, ["render", str(src), "--format", "odt"])
    assert bad.exit_code == 2 and "不支持的输出格式" in bad.output
    missing = runner.invoke(app, ["render", str(tmp_path / "无.txt")])
    assert missing.exit_code == 2 and "找不到文件" in missing.output and "Traceback" not in missing.output
    legacy = tmp_path / "legacy.txt"
    legacy.write_text("某县2015年政府信息公开工作年度报告\n一、概述\n主动公开政府信息100条，收到申请3件。\n", encoding="utf-8")
    result = runner.invoke(app, ["render", str(legacy)])
    assert result.exit_code == 2 and "不是 2019 年或 2021 年格式" in result.output
    assert not (tmp_path / "legacy-表格.docx").exists()  # nothing half-written


def test_word_tables_use_official_fonts_and_note():
    from docx import Document as WordDocument

    word = WordDocument(io.BytesIO(render_document(_doc("v2021", 2), "docx")))
    cell_style = word.tables[1].cell(5, 3).paragraphs[0].style
    assert cell_style.font.name == "宋体"
    assert word.paragraphs[0].style.font.name == "宋体" and word.paragraphs[0].style.font.size.pt == 22
    assert word.styles["Normal"].font.name == "仿宋_GB2312"
    texts = [c.text for row in word.tables[1].rows for c in row.cells]
    assert any(t.startswith("（本列数据的勾稽关系为") for t in texts)
    assert [p.text for p in word.paragraphs if p.style.name == "年报heading"] == \
        ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]


XLS = Path(__file__).parent / "fixtures" / "excel"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_old_binary_xls_reads_through_libreoffice():
    truth = json.loads((XLS / "v2019-tables.json").read_text(encoding="utf-8"))
    out = parse_bytes((XLS / "v2019-tables.xls").read_bytes()).to_json()
    assert out["tables"] == truth["tables"]
    assert {k: out["report"][k] for k in truth["report"]} == truth["report"]


def test_old_binary_xls_without_libreoffice_says_what_to_do(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="旧版 Excel 文件（.xls），需要安装 LibreOffice"):
        parse_bytes((XLS / "v2019-tables.xls").read_bytes())


def test_word_file_embedding_a_workbook_is_still_read_as_word():
    import zipfile

    from gongkai.read import sniff_format

    doc = _doc("v2021", 6)
    buffer = io.BytesIO(render_document(doc, "docx"))
    with zipfile.ZipFile(buffer, "a") as package:  # an embedded chart's workbook, stored uncompressed
        package.writestr(zipfile.ZipInfo("word/embeddings/Microsoft_Excel_Worksheet.xlsx"),
                         render_document(doc, "xlsx"), compress_type=zipfile.ZIP_STORED)
    data = buffer.getvalue()
    assert b"xl/workbook.xml" in data
    assert sniff_format(data) == "docx"
    assert parse_bytes(data).to_json()["tables"] == doc.tables


def test_cells_the_reader_could_not_place_stay_blank_and_are_named(tmp_path):
    doc = _doc("v2021", 12)
    out = parse_bytes(render_document(doc, "html")).to_json()
    out["tables"]["requests"]["granted"]["total"] = None
    out["findings"].append({"rule": "P-1", "severity": "warning", "message": "…", "cells": ["requests.granted.total"]})
    path = tmp_path / "unsure.json"
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    assert load_source(path).unplaced == ["requests.granted.total"]
    result = CliRunner().invoke(app, ["render", str(path), "--format", "xlsx"])
    assert result.exit_code == 0 and "requests.granted.total 读取时无法可靠定位，输出中留空" in result.output
    back = parse_bytes((tmp_path / "unsure-表格.xlsx").read_bytes()).to_json()
    assert back["tables"]["requests"]["granted"]["total"] is None  # blank, never a number made up


def test_an_excel_report_is_ingested_with_its_grid_positions(tmp_path):
    import duckdb

    doc = _doc("v2021", 13)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "表格.xlsx").write_bytes(render_document(doc, "xlsx"))
    db = tmp_path / "t.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(db), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    value, grid = con.execute("SELECT value, grid FROM cells WHERE tbl = 'requests' AND row = 'granted' "
                              "AND col = 'natural_person'").fetchone()
    con.close()
    assert value == doc.tables["requests"]["granted"]["natural_person"]
    from gongkai.render.xlsx import input_cells

    sheet, row, col = input_cells(doc)["requests.granted.natural_person"]
    assert grid == [1, row, col]  # sheet index (表三 is the second sheet), row, column


def test_pdf_stub_cell_continued_on_the_next_page_adds_no_cell():
    """Issue 13 regression (round-trip bench seed 47): 表三's merged stubs「三、本年度办理结果」and
    「（四）无法提供」run on past the page break and are drawn again, empty, at the top of page 2;
    the row before the break ends in a blank cell. The empty continuation cells must be dropped,
    not read as extra cells of that row (which left the whole row null with P-1)."""
    seed = 47
    rng = random.Random(seed)
    form = FORMS[FORM_KEYS[seed % 2]]
    tables = random_tables(form, rng, other_as_one=False)
    zeros = [(t, r, c) for t, rows in tables.items() for r, cs in rows.items() for c, v in cs.items() if v == 0]
    for t, r, c in rng.sample(zeros, min(len(zeros), rng.randint(0, 3))):
        tables[t][r][c] = None
    doc = Document(form.key, "会同县人民政府", rng.randint(form.first_year, form.last_year or 2025), tables,
                   tables_only=True)
    assert tables["requests"]["unable_needs_creation"]["total"] is None  # the blank last cell before the break
    out = parse_bytes(render_document(doc, "pdf")).to_json()
    assert out["tables"] == tables
    assert out["tables"]["requests"]["unable_needs_creation"]["natural_person"] == 0
    assert [f for f in out["findings"] if f["rule"] == "P-1"] == []
