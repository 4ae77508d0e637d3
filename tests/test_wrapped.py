"""Numbers a narrow cell wrapped onto two lines (`16` over `6`) in tables without column rules.

The writer's `narrow=True` makes value columns two digits wide, so the hazard is really in the
PDFs: the first piece alone must never be read as the cell's value, nor a lower piece as the next
row's value.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pymupdf")

from test_pdf import _cells, _no_silent_wrong, _partial_document  # noqa: E402

from gongkai import parse_bytes  # noqa: E402
from gongkai.read.layout import Line, Word, _join_wrapped, _line, band_lines  # noqa: E402
from gongkai.read.pdfium import open_pdf, read_page  # noqa: E402
from gongkai.render.pdf import render_pdf  # noqa: E402


def _word(text: str, x0: float, base: float) -> Word:
    return Word(x0, x0 + 4.7 * len(text), base - 9.0, base + 2.0, base, text, [])


def _lines(*rows: list[Word]) -> list[Line]:
    return [Line(ws[0].base, ws, 11.0) for ws in rows]


def test_narrow_writer_really_wraps_numbers():
    doc = _partial_document("v2021", seed=6)
    pdf = open_pdf(render_pdf(doc, ruled=False, valign="top", narrow=True))
    words = [w.text for i in range(len(pdf)) for band in band_lines(read_page(pdf, i).chars)
             for w in _line(band).words if w.x0 > 350 and w.text.isdigit()]
    big = [v for rows in doc.tables.values() for cells in rows.values() for v in cells.values()
           if isinstance(v, int) and v >= 100]
    assert len(big) >= 5
    assert max(map(len, words)) == 2  # every longer number is cut into pieces of at most two digits


def test_pieces_of_a_wrapped_number_join_on_the_rows_line():
    lines = _lines([_word("规章", 100, 100), _word("16", 300, 100), _word("7", 320, 100), _word("3", 340, 100)],
                   [_word("6", 302, 112.3)],
                   [_word("行政规范性文件", 60, 130), _word("12", 300, 130), _word("5", 320, 130), _word("0", 340, 130)])
    out = _join_wrapped(lines)
    assert [[w.text for w in ln.words] for ln in out] == [["规章", "166", "7", "3"], ["行政规范性文件", "12", "5", "0"]]


def test_a_number_of_the_next_row_is_not_joined():
    # the rows stand a row pitch apart (cell padding), not a line pitch: two numbers, not one
    lines = _lines([_word("规章", 100, 100), _word("16", 300, 100), _word("7", 320, 100), _word("3", 340, 100)],
                   [_word("行政规范性文件", 60, 117.5), _word("6", 302, 117.5), _word("5", 320, 117.5),
                    _word("0", 340, 117.5)])
    assert [[w.text for w in ln.words] for ln in _join_wrapped(lines)] == [[w.text for w in ln.words] for ln in lines]


def test_a_short_number_above_is_not_continued():
    # `7` does not fill its column (`16` below it is wider): it wrapped nothing
    lines = _lines([_word("规章", 100, 100), _word("7", 302, 100), _word("12", 320, 100), _word("3", 340, 100)],
                   [_word("16", 300, 112.3)],
                   [_word("行政规范性文件", 60, 130), _word("16", 300, 130), _word("5", 320, 130), _word("0", 340, 130)])
    assert "716" not in [w.text for ln in _join_wrapped(lines) for w in ln.words]


@pytest.mark.parametrize("form", ["v2019", "v2021"])
@pytest.mark.parametrize("style", [dict(ruled=False), dict(rules="three_line", latin=True),
                                   dict(rules="horizontal"), dict(rules="frame", latin=True)])
def test_top_aligned_wrapped_values_read_back_or_are_named(form, style):
    """Every cell right or named by a finding (no silent wrong, no silent blank), nearly all read."""
    for seed in (5, 6, 7):
        doc = _partial_document(form, seed)
        exact, total = _no_silent_wrong(render_pdf(doc, valign="top", narrow=True, **style), {"tables": doc.tables})
        assert exact >= 0.95 * total, f"seed {seed}: {total - exact} cells not read"


@pytest.mark.parametrize("form", ["v2019", "v2021"])
@pytest.mark.parametrize("style", [dict(ruled=False), dict(rules="three_line")])
def test_centred_wrapped_values_are_right_or_named(form, style):
    """Centred cells put a wrapped number's pieces above and below the label's line: each cell is
    read right, or a finding names it."""
    for seed in (5, 6, 7):
        doc = _partial_document(form, seed)
        result = parse_bytes(render_pdf(doc, valign="center", narrow=True, **style)).to_json()
        named = {c for f in result["findings"] if f["severity"] in ("error", "warning") for c in f.get("cells", [])}
        got, want = _cells(result["tables"]), _cells(doc.tables)
        wrong = {k: (v, got[k]) for k, v in want.items() if got.get(k) is not None and got[k] != v}
        assert not {k: v for k, v in wrong.items() if k not in named}, f"seed {seed}"
        assert sum(1 for k, v in want.items() if got.get(k) == v) >= 0.7 * len(want)
