"""PDF reading: the ruled-table finder's steps, and malformed PDFs."""

from __future__ import annotations

import pytest
from conftest import load_case

from gongkai import InputError, parse_bytes
from gongkai.read.ruling import Edge, EdgeIndex, close_open_ends, find_cells, group_tables, intersections, \
    merge_edges, to_grid


def _grid_edges(xs, ys):
    return [Edge("h", y, xs[0], xs[-1]) for y in ys] + [Edge("v", x, ys[0], ys[-1]) for x in xs]


def test_merge_edges_snaps_lines_and_joins_pieces():
    edges = [Edge("h", 100.0, 10, 50), Edge("h", 100.4, 51, 90), Edge("v", 10.2, 90, 110), Edge("v", 90.1, 90, 110)]
    merged = merge_edges(edges)
    hs = [e for e in merged if e.orient == "h"]
    assert len(hs) == 1 and hs[0].start == pytest.approx(10.2) and hs[0].end == pytest.approx(90.1)


def test_cells_of_a_grid_with_a_merged_cell():
    # 3 columns x 2 rows, the top row's first two cells merged (no vertical rule between them)
    xs, ys = [0.0, 50.0, 100.0, 150.0], [0.0, 20.0, 40.0]
    edges = [e for e in _grid_edges(xs, ys)] + [Edge("v", 50.0, 20.0, 40.0), Edge("v", 100.0, 0.0, 40.0)]
    edges = [e for e in edges if not (e.orient == "v" and e.pos == 50.0 and e.start == 0.0)]
    edges = [Edge("v", 0.0, 0, 40), Edge("v", 150.0, 0, 40)] + [e for e in edges if e.orient == "h"] + \
            [Edge("v", 50.0, 20.0, 40.0), Edge("v", 100.0, 0.0, 40.0)]
    cells = find_cells(intersections(edges), EdgeIndex.of(edges))
    [table] = group_tables(cells)
    grid = to_grid(table)
    spans = sorted((c.row, c.col, c.rowspan, c.colspan) for c in grid.cells)
    assert spans == [(0, 0, 1, 2), (0, 2, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1)]
    assert grid.locate(75, 10).colspan == 2  # a point in the merged cell finds it


def test_a_table_cut_by_the_page_end_gets_its_bottom_rule():
    xs, ys = [0.0, 50.0, 100.0, 150.0], [0.0, 20.0]
    edges = [Edge("h", y, 0.0, 150.0) for y in ys] + [Edge("v", x, 0.0, 40.0) for x in xs]  # no rule at y=40
    assert len(find_cells(intersections(edges), EdgeIndex.of(edges))) == 3
    closed = close_open_ends(edges)
    assert len(find_cells(intersections(closed), EdgeIndex.of(closed))) == 6


def test_cell_provenance_is_page_and_box():
    data, truth = load_case("huaian-2024")
    doc = parse_bytes(data).to_json()
    prov = doc["provenance"]["cells"]["proactive.fees.amount_wan"]
    assert prov["printed"] == "96171.6" and prov["page"] == 4
    x0, y0, x1, y1 = prov["bbox"]
    assert x0 < x1 and y0 < y1 and prov["row_label"] == "行政事业性收费"


def test_table_continued_on_next_page_reads_as_one():
    data, truth = load_case("huaian-2024")  # 表三 runs from page 4 to page 5
    doc = parse_bytes(data).to_json()
    cells = doc["provenance"]["cells"]
    assert cells["requests.unable_not_held.total"]["page"] == 4
    assert cells["requests.unable_needs_creation.total"]["page"] == 5
    assert doc["tables"]["requests"] == truth["tables"]["requests"]


@pytest.mark.parametrize("cut", [0.3, 0.95])
def test_truncated_pdf_is_refused(cut):
    data, _ = load_case("hongze-2023")
    with pytest.raises(InputError, match="PDF 文件不完整"):
        parse_bytes(data[: int(len(data) * cut)])


def test_encrypted_pdf_is_refused():
    import pymupdf

    data, _ = load_case("hongze-2023")
    locked = pymupdf.open(stream=data, filetype="pdf").tobytes(
        encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    with pytest.raises(InputError, match="PDF 文件已加密"):
        parse_bytes(locked)


def test_pdf_without_text_layer_is_reported():
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.draw_rect(pymupdf.Rect(50, 50, 200, 200), color=(0, 0, 0))  # a drawing, no text
    with pytest.raises(InputError, match="没有文字层"):
        parse_bytes(doc.tobytes())


# ------------------------------------------------------------------ PDFium layer and unruled tables

from gongkai.read.layout import band_lines  # noqa: E402
from gongkai.read.pdfium import Char, open_pdf, read_page  # noqa: E402
from gongkai.synth import synthesize  # noqa: E402


def _cells(tables: dict) -> dict[str, object]:
    return {f"{t}.{r}.{c}": v for t, rows in tables.items() for r, cells in rows.items() for c, v in cells.items()}


def _no_silent_wrong(data: bytes, truth: dict) -> tuple[int, int]:
    """(cells read exactly, cells in the truth); fails on a wrong number no error or warning names."""
    doc = parse_bytes(data).to_json()
    named = {c for f in doc["findings"] if f["severity"] in ("error", "warning") for c in f.get("cells", [])}
    got, want = _cells(doc["tables"]), _cells(truth["tables"])
    wrong = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) is not None and got.get(k) != v}
    assert not {k: v for k, v in wrong.items() if k not in named}, "a wrong number with no finding naming it"
    nulls = [k for k, v in want.items() if got.get(k) is None and v is not None]
    assert all(k in named for k in nulls), "a cell left empty without a P-1 naming it"
    return sum(1 for k, v in want.items() if got.get(k) == v), len(want)


def test_rows_are_banded_by_baseline_not_glyph_tops():
    # a CJK label and a Latin digit on one baseline: the digit's box top stands 2 pt higher
    label = Char(100.0, 100.0, 108.5, 110.0, "规", 108.0)
    digit = Char(300.0, 98.0, 304.7, 110.5, "7", 108.0)
    below = Char(100.0, 112.0, 108.5, 122.0, "章", 120.0)
    assert band_lines([below, digit, label]) == [[label, digit], [below]]


def test_unruled_writer_sets_digits_higher_on_the_same_baseline():
    """The hazard the reader must survive is really in the generated PDFs."""
    pdf = synthesize(3, form_key="v2021", noise=[], fmt="pdf_unruled").data
    page = read_page(open_pdf(pdf), 0)
    assert not page.edges  # no ruling lines at all
    line = next(b for b in band_lines(page.chars) if any(c.text.isdigit() for c in b) and b[0].text == "规")
    cjk = [c for c in line if not c.text.isascii()]
    digits = [c for c in line if c.text.isdigit()]
    assert {round(c.base, 1) for c in line} == {round(line[0].base, 1)}
    assert min(c.y0 for c in digits) < min(c.y0 for c in cjk) - 1.0  # tops differ by more than a point


@pytest.mark.parametrize("seed", range(8))
def test_unruled_pdf_reads_back_exactly_or_says_so(seed):
    s = synthesize(seed, fmt="pdf_unruled", inject_error=seed % 3 == 0)
    exact, total = _no_silent_wrong(s.data, s.truth)
    assert exact == total, f"{total - exact} cells not read"


def test_unruled_table_continued_on_the_next_page_keeps_its_columns():
    for seed in range(40):
        s = synthesize(seed, form_key="v2021", fmt="pdf_unruled")
        doc = parse_bytes(s.data).to_json()
        pages = {p["page"] for k, p in doc["provenance"]["cells"].items() if k.startswith("requests.")}
        if len(pages) > 1:
            assert doc["tables"]["requests"] == s.truth["tables"]["requests"]
            return
    pytest.fail("no generated report ran 表三 over a page break")


def test_ruled_generated_pdf_reads_back_exactly():
    for seed in range(3):
        s = synthesize(seed, fmt="pdf")
        exact, total = _no_silent_wrong(s.data, s.truth)
        assert exact == total


def test_rotated_page_reads_as_displayed():
    import pymupdf

    s = synthesize(5, fmt="pdf", noise=[])
    doc = pymupdf.open(stream=s.data, filetype="pdf")
    for page in doc:  # the page is stored sideways and shown upright through /Rotate
        page.set_rotation(90)
    rotated = doc.tobytes()
    page = read_page(open_pdf(rotated), 0)
    assert page.width > page.height  # displayed landscape
    # content rotated with the page: the reader sees it turned, so only the geometry is checked
    assert all(0 <= c.x0 <= page.width + 1 and 0 <= c.y0 <= page.height + 1 for c in page.chars)


def test_broken_pdf_is_refused_with_a_reason():
    data, _ = load_case("hongze-2023")
    broken = data[:200] + b"\x00" * 5000 + data[-3000:]
    with pytest.raises(InputError, match="PDF"):
        parse_bytes(broken)


def test_mutated_pdfs_give_a_reason_or_a_report():
    """Bytes flipped, cut and inserted inside real and generated PDFs: every run ends in a parse or an
    InputError, never another exception (a PDFium error inside a page included)."""
    import random

    rng = random.Random(8)
    sources = [load_case("huaian-2024")[0], synthesize(1, fmt="pdf_unruled").data]
    for _ in range(30):
        data = bytearray(rng.choice(sources))
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(data) - 4100)  # past the %%EOF check, into PDFium
            op = rng.random()
            if op < 0.5:
                data[i] = rng.randrange(256)
            elif op < 0.8:
                del data[i:i + rng.randint(1, 50)]
            else:
                data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 20)))
        try:
            parse_bytes(bytes(data))
        except InputError as e:
            assert str(e) and "\n" not in str(e)


def test_table_ruled_only_between_rows_reads_like_an_unruled_one(monkeypatch):
    """Horizontal rules without verticals (a common 'row lines only' style) make no grid: the
    text-position finder reads the table, exactly."""
    import gongkai.render.pdf as writer

    def finish(self):  # the writer's own pages, every cell drawn as its top and bottom rules only
        pymupdf = writer._pymupdf()
        doc = pymupdf.open()
        for rects, texts in zip(self.rects, self.texts):
            page = doc.new_page(width=writer.PAGE_W, height=writer.PAGE_H)
            shape = page.new_shape()
            for x0, y0, x1, y1 in rects:
                shape.draw_line((x0, y0), (x1, y0))
                shape.draw_line((x0, y1), (x1, y1))
            shape.finish(color=(0, 0, 0), width=0.5)
            shape.commit()
            text = pymupdf.TextWriter(page.rect)
            for x, y, s, size in texts:
                text.append((x, y), s, font=writer._font(), fontsize=size)
            text.write_text(page)
        return doc.tobytes()

    monkeypatch.setattr(writer._Pages, "finish", finish)
    for seed in (0, 1):
        s = synthesize(seed, fmt="pdf")
        assert read_page(open_pdf(s.data), 0).edges  # the rules are there
        exact, total = _no_silent_wrong(s.data, s.truth)
        assert exact == total


def test_path_segments_read_in_bulk_match_the_api_one_by_one():
    """The bulk read of a path's segment array gives exactly what PDFium's per-segment calls give."""
    import ctypes

    import pypdfium2.raw as C

    from gongkai.read.pdfium import _View, _Walk

    doc = open_pdf(synthesize(3, fmt="pdf").data)
    page = doc[0]
    walk = _Walk(_View(page))
    longest = 0
    for i in range(C.FPDFPage_CountObjects(page.raw)):
        obj = C.FPDFPage_GetObject(page.raw, i)
        if C.FPDFPageObj_GetType(obj) != C.FPDF_PAGEOBJ_PATH:
            continue
        n = C.FPDFPath_CountSegments(obj)
        x, y = ctypes.c_float(), ctypes.c_float()
        one_by_one = []
        for k in range(n):
            seg = C.FPDFPath_GetPathSegment(obj, k)
            assert C.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            one_by_one.append((x.value, y.value, C.FPDFPathSegment_GetType(seg), bool(C.FPDFPathSegment_GetClose(seg))))
        assert walk.segments(obj, n) == one_by_one
        longest = max(longest, n)
    assert longest > 500  # the table's rules: one path of many segments


# Ruled tables whose lines are partly missing (issue 8): the writer draws only part of the ruling;
# a grid that would run two cells' texts together is read by the text-position finder instead.

import bisect  # noqa: E402

from gongkai.read.pdf import _incomplete, _scan  # noqa: E402
from gongkai.read.ruling import Box, find_grids, to_grid  # noqa: E402
from gongkai.render.pdf import RULES, render_pdf  # noqa: E402


def _partial_document(form: str, seed: int):  # type: ignore[no-untyped-def]
    import random

    from gongkai.forms import FORMS
    from gongkai.render.text import Document
    from gongkai.synth import random_tables

    tables = random_tables(FORMS[form], random.Random(seed))
    return Document(form, "会同县", 2022 if form == "v2021" else 2020, tables)


@pytest.mark.parametrize("rules", [r for r in RULES if r != "all"])
@pytest.mark.parametrize("form", ["v2019", "v2021"])
def test_partly_ruled_tables_read_back_exactly(rules, form):
    doc = _partial_document(form, seed=5)
    data = render_pdf(doc, rules=rules, seed=5)
    truth = {"tables": doc.tables}
    exact, total = _no_silent_wrong(data, truth)
    assert exact == total, f"{total - exact} cells not read"


def test_missing_borders_are_really_missing_in_the_generated_pdf():
    """The `missing` style drops inner borders; `all` draws the same table's every border."""
    doc = _partial_document("v2021", seed=5)
    full = read_page(open_pdf(render_pdf(doc)), 1).edges
    partial = read_page(open_pdf(render_pdf(doc, rules="missing", seed=5)), 1).edges
    length = lambda edges: sum(e.end - e.start for e in set(edges))  # noqa: E731
    assert 0 < length(partial) < 0.97 * length(full)
    with pytest.raises(ValueError):
        render_pdf(doc, rules="dotted")


def _grid_of(boxes: list[Box], chars: list[Char]):  # type: ignore[no-untyped-def]
    """A grid of the given cells, its cells' baseline bands and words, as the PDF reader sees them."""
    grid = to_grid(boxes)
    placed: list[list[Char]] = [[] for _ in grid.cells]
    for ch in chars:
        k = grid.index_at(bisect.bisect_left(grid.ys, ch.mid) - 1, bisect.bisect_left(grid.xs, (ch.x0 + ch.x1) / 2) - 1)
        placed[k].append(ch)
    bands = [band_lines(c) for c in placed]
    return grid, bands, [[_scan(b)[1] for b in cell] for cell in bands]


def _glyphs(text: str, x: float, base: float) -> list[Char]:
    """Characters 8 pt wide and 10 pt tall on baseline `base`, from x on."""
    out, pos = [], x
    for t in text:
        out.append(Char(pos, base - 8, pos + 8, base + 2, t, base))
        pos += 8
    return out


def test_a_number_spanning_two_rows_marks_the_grid_incomplete():
    # label column with two rows; the value column's rule between them is missing
    boxes = [Box(0, 0, 100, 20), Box(0, 20, 100, 40), Box(100, 0, 150, 40)]
    chars = _glyphs("行政处罚", 10, 14) + _glyphs("行政强制", 10, 34) + _glyphs("3", 120, 14) + _glyphs("0", 120, 34)
    assert _incomplete(*_grid_of(boxes, chars))


def test_a_number_wrapped_in_its_narrow_cell_is_one_number():
    boxes = [Box(0, 0, 100, 30), Box(100, 0, 120, 30)]
    chars = _glyphs("行政处罚", 10, 12) + _glyphs("30", 102, 12) + _glyphs("0", 102, 24)
    assert not _incomplete(*_grid_of(boxes, chars))


def test_a_label_beside_its_value_in_one_cell_marks_the_grid_incomplete():
    boxes = [Box(0, 0, 150, 20), Box(0, 20, 150, 40)]  # the column rule between label and value missing
    chars = _glyphs("行政许可", 10, 14) + _glyphs("5", 120, 14) + _glyphs("行政处罚", 10, 34) + _glyphs("12", 116, 34)
    assert _incomplete(*_grid_of(boxes, chars))
    # the same rows with the rule drawn: complete
    boxes = [Box(0, 0, 100, 20), Box(100, 0, 150, 20), Box(0, 20, 100, 40), Box(100, 20, 150, 40)]
    assert not _incomplete(*_grid_of(boxes, chars))


def test_two_row_labels_in_one_cell_beside_their_values_mark_the_grid_incomplete():
    # the label column's rule between two rows is missing; each value keeps its own cell
    boxes = [Box(0, 0, 100, 40), Box(100, 0, 150, 20), Box(100, 20, 150, 40)]
    chars = _glyphs("予以公开", 10, 14) + _glyphs("部分公开", 10, 34) + _glyphs("3", 120, 14) + _glyphs("4", 120, 34)
    assert _incomplete(*_grid_of(boxes, chars))
    # a stub spanning rows beside row labels (三、本年度办理结果 › its rows) is a complete grid
    boxes = [Box(0, 0, 50, 40), Box(50, 0, 100, 20), Box(50, 20, 100, 40), Box(100, 0, 150, 20), Box(100, 20, 150, 40)]
    chars = _glyphs("办理", 10, 14) + _glyphs("结果", 10, 34) + _glyphs("予以", 60, 14) + _glyphs("部分", 60, 34) \
        + _glyphs("3", 120, 14) + _glyphs("4", 120, 34)
    assert not _incomplete(*_grid_of(boxes, chars))


def test_real_and_generated_ruled_pdfs_have_no_grid_marked_incomplete():
    """Fully ruled tables keep the grid reader: the fallback is only for missing borders."""
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures"
    pdfs = [p.read_bytes() for p in sorted(fixtures.glob("corpus/*/input.pdf"))]
    pdfs += [p.read_bytes() for p in sorted(fixtures.glob("libreoffice/*.pdf"))]
    pdfs += [synthesize(seed, fmt="pdf").data for seed in range(2)]
    grids = 0
    for data in pdfs:
        doc = open_pdf(data)
        for i in range(len(doc)):
            page = read_page(doc, i)
            for grid in find_grids(page.edges) if page.chars else []:
                cx = [((c.x0 + c.x1) / 2, c.mid, c) for c in page.chars]
                inside = [c for x, y, c in cx if grid.box.x0 <= x <= grid.box.x1 and grid.box.y0 <= y <= grid.box.y1]
                placed: list[list[Char]] = [[] for _ in grid.cells]
                for c in inside:
                    k = grid.index_at(bisect.bisect_left(grid.ys, c.mid) - 1,
                                      bisect.bisect_left(grid.xs, (c.x0 + c.x1) / 2) - 1)
                    assert k is not None
                    placed[k].append(c)
                bands = [band_lines(p) for p in placed]
                assert not _incomplete(grid, bands, [[_scan(b)[1] for b in cell] for cell in bands])
                grids += 1
    assert grids >= 20
