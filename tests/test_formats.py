"""Every format a report is published in reads back exactly: the same random tables written as a
web page (official merged-cell layout, site chrome, GBK), a Word file and a PDF; and each format's
malformed inputs get one clear message."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from conftest import load_case

from gongkai import InputError, parse_bytes
from gongkai.forms import FORMS
from gongkai.render.docx import render_docx
from gongkai.render.html import render_html
from gongkai.render.pdf import render_pdf
from gongkai.render.text import Document
from gongkai.synth import random_tables, synthesize

WRITERS = {
    "html": lambda doc: render_html(doc, published=f"{doc.year + 1}-01-20").encode("utf-8"),
    "docx": render_docx,
    "pdf": render_pdf,
}


def _document(form: str, seed: int) -> Document:
    tables = random_tables(FORMS[form], random.Random(seed))
    year = 2022 if form == "v2021" else 2020
    return Document(form, "会同县", year, tables, published_line=f"发布时间：{year + 1}-01-20",
                    narrative={"overall": f"{year}年，会同县认真贯彻落实《条例》。" * 12})


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("form", sorted(FORMS))
def test_random_tables_round_trip(fmt, form):
    doc = _document(form, seed=len(fmt) * 7 + len(form))
    report = parse_bytes(WRITERS[fmt](doc))
    out = report.to_json()
    assert out["source"]["format"] == fmt
    assert out["tables"] == doc.tables
    assert (out["report"]["organization"], out["report"]["year"], out["report"]["template"]) == \
        ("会同县人民政府", doc.year, form)
    assert [f for f in report.findings if f.severity in ("error", "warning")] == []


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_noisy_synthetic_reports_read_back(fmt):
    for seed in (3, 11):  # noise drawn at random: units, blanks, full-width digits, Traditional, …
        s = synthesize(seed, fmt=fmt, inject_error=seed == 11)
        out = parse_bytes(s.data).to_json()
        assert out["tables"] == s.truth["tables"], s.noise
        # error, or warning where a blank cell could be hiding the missing number
        flagged = {c for f in out["findings"] if f["severity"] in ("error", "warning") for c in f["cells"]}
        for expected in s.truth["expect_findings"]:
            assert set(expected["cells"]) & flagged


def test_one_cell_changed_in_a_pdf_is_found():
    doc = _document("v2021", seed=5)
    doc.tables["requests"]["granted"]["natural_person"] += 3
    report = parse_bytes(render_pdf(doc))
    assert report.value("requests", "granted", "natural_person") == doc.tables["requests"]["granted"]["natural_person"]
    rules = {f.rule for f in report.findings if "requests.granted.natural_person" in f.cells}
    assert {"T3-2", "T3-3"} <= rules


# ------------------------------------------------------------------------------------------ HTML

def test_html_cells_carry_table_row_column_and_chrome_is_ignored():
    doc = _document("v2021", seed=1)
    page = render_html(doc, published="2023-01-21")
    out = parse_bytes(page.encode("utf-8")).to_json()
    prov = out["provenance"]["cells"]["requests.granted.total"]
    # table 1 (表三): three header rows, then new_received, carried_in, granted → grid row 5;
    # the stub is three columns wide, the 总计 column is the 10th (index 9)
    assert (prov["table"], prov["row"], prov["col"]) == (1, 5, 9)
    assert out["report"]["published"] == "2023-01-21"  # <meta name="PubDate"> is the CMS's own record
    assert "首页" not in " ".join(str(p.get("row_label")) for p in out["provenance"]["cells"].values())


def test_html_gbk_declared_in_meta():
    doc = _document("v2019", seed=2)
    page = render_html(doc, charset="gbk").encode("gb18030")
    out = parse_bytes(page).to_json()
    assert out["source"]["encoding"] == "gb18030" and out["tables"] == doc.tables


def test_html_wrong_declared_charset_falls_back_to_detection():
    doc = _document("v2019", seed=2)
    page = render_html(doc, charset="utf-8").encode("gb18030")  # says UTF-8, is GBK
    assert parse_bytes(page).to_json()["tables"] == doc.tables


def test_html_form_table_inside_a_layout_table():
    doc = _document("v2021", seed=4)
    page = render_html(doc, layout_table=True)
    assert page.count("<table") == 4
    assert parse_bytes(page.encode()).to_json()["tables"] == doc.tables


def test_html_blank_cells_are_null_and_reported_once_per_table():
    doc = _document("v2021", seed=6)
    zero = next((r, c) for r, cells in doc.tables["requests"].items() for c, v in cells.items() if v == 0)
    doc.tables["requests"][zero[0]][zero[1]] = None  # printed as &nbsp;
    report = parse_bytes(render_html(doc).encode())
    assert report.value("requests", *zero) is None
    [blank] = [f for f in report.findings if f.rule == "Q-FMT-2"]
    assert blank.cells == [f"requests.{zero[0]}.{zero[1]}"]


def test_html_page_without_a_report_is_refused():
    page = "<html><head><title>首页</title></head><body><div class='nav'>政务公开</div><p>欢迎访问</p></body></html>"
    with pytest.raises(InputError, match="不是政府信息公开工作年度报告"):
        parse_bytes(page.encode())


# ------------------------------------------------------------------------------------------ Word

def test_docx_merged_cells_are_read_once():
    doc = _document("v2021", seed=8)
    out = parse_bytes(render_docx(doc)).to_json()
    prov = out["provenance"]["cells"]["review_litigation.litigation_after_review.total"]
    assert (prov["table"], prov["row"], prov["col"]) == (2, 3, 14)  # 表四: one data row, 15 columns
    assert out["tables"] == doc.tables


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_docx_zip_bomb_is_refused():
    bomb = _zip({"word/document.xml": b"<w:document/>", "word/media/huge.bin": b"\0" * (210 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024  # small on disk, 210 MB unpacked
    with pytest.raises(InputError, match="压缩炸弹"):
        parse_bytes(bomb)


def test_zip_that_is_not_word_is_refused():
    with pytest.raises(InputError, match="不是 Word 文档"):
        parse_bytes(_zip({"readme.txt": b"hello"}))


def test_old_word_without_libreoffice(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="需要安装 LibreOffice"):
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)


# ------------------------------------------------------------------------------------------ PDF

def test_pdf_page_numbers_and_split_tables():
    doc = _document("v2021", seed=9)
    data = render_pdf(doc)
    out = parse_bytes(data).to_json()
    pages = {p["page"] for p in out["provenance"]["cells"].values()}
    assert len(pages) >= 2  # the tables run over more than one page
    assert out["tables"] == doc.tables  # and the "- n -" footers never became values


def test_real_pdfs_are_exact():
    for name in ("hongze-2023", "hongze-2024", "huaian-2024"):
        data, truth = load_case(name)
        assert parse_bytes(data).to_json()["tables"] == truth["tables"], name


@pytest.mark.parametrize("form", sorted(FORMS))
def test_pdf_table_without_ruling_lines(form):
    # no lines to find cells by: rows are read from visual lines, labels cut by wrapping joined;
    # what cannot be placed is left null with P-1, never misplaced
    doc = _document(form, seed=2)
    report = parse_bytes(render_pdf(doc, ruled=False))
    out = report.to_json()["tables"]
    cells = [(t, r, c) for t, rows in doc.tables.items() for r, cols in rows.items() for c in cols]
    got = {cell: out.get(cell[0], {}).get(cell[1], {}).get(cell[2]) for cell in cells}
    assert all(got[cell] in (None, doc.tables[cell[0]][cell[1]][cell[2]]) for cell in cells)
    read = sum(got[cell] is not None for cell in cells)
    assert read >= 0.8 * len(cells)
    unread = {f"{t}.{r}.{c}" for (t, r, c) in cells if got[(t, r, c)] is None}
    assert unread <= {c for f in report.findings if f.rule == "P-1" for c in f.cells}
