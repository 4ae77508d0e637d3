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
