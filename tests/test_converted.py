"""Text made from PDFs: `pdftotext -layout` output and a PDF→Markdown converter's output, of PDFs
the project's writer prints from random reports (both forms, ruled and unruled, with noise),
read back with every cell exact or null with a P-1 finding — never a wrong number."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from gongkai import parse_bytes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from gen_cases import converted_case  # noqa: E402

SEEDS = (11, 23, 35, 47, 59, 71)


def _check(data: bytes, truth: dict, name: str) -> tuple[int, int]:
    """(cells right, cells) — asserting that no cell holds a wrong number and every null one
    the truth gives a number to is reported by a P-1 finding."""
    report = parse_bytes(data, name)
    p1 = {c for f in report.findings if f.rule == "P-1" for c in f.cells}
    right = total = 0
    for table, rows in truth["tables"].items():
        for row, cells in rows.items():
            for col, want in cells.items():
                total += 1
                got = report.tables[table][row][col].value
                path = f"{table}.{row}.{col}"
                if got is None and want is not None:
                    assert path in p1, f"{name}: {path} null without P-1"
                    continue
                assert got == want or (want is None and got is None), f"{name}: {path} want {want} got {got}"
                right += 1
    assert (report.year, report.template) == (truth["report"]["year"], truth["report"]["template"])
    return right, total


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdftotext_layout_reads_back_exactly_or_null():
    right = total = 0
    for seed in SEEDS:
        synthetic, data = converted_case(seed, "pdftotext", inject_error=False)
        r, t = _check(data, synthetic.truth, f"layout-{seed}.txt")
        right, total = right + r, total + t
    assert right / total >= 0.97  # measured on 100 unseen cases by tools/gen_cases.py: see the report


def test_markdown_from_pdf_reads_back_exactly_or_null():
    pytest.importorskip("pymupdf4llm")
    right = total = 0
    for seed in SEEDS:
        synthetic, data = converted_case(seed, "markdown", inject_error=False)
        r, t = _check(data, synthetic.truth, f"md-{seed}.md")
        right, total = right + r, total + t
    assert right / total >= 0.9


def test_layout_blank_cell_is_a_gap_not_a_shift():
    text = "\n".join([
        "二、主动公开政府信息情况",
        "                   第二十条第（一）项",
        "   信息内容      本年制发件数      本年废止件数      现行有效件数",
        "",
        "    规章              7               3                 12",
        "",
        "  行政规范性文件      5                                 40",
        "",
        "    行政许可  " + "   " * 3,
    ] * 1)
    lines = text.split("\n")
    from gongkai.read.layout_text import layout_pieces

    pieces = [(p.text, p.blank) for p in layout_pieces(lines + ["\f"] * 0)]
    at = pieces.index(("行政规范性文件", 0))
    assert pieces[at + 1:at + 4] == [("5", 0), ("", 2), ("40", 0)]


def test_layout_group_labels_kept_beside_garbled_leaf_headers():
    """表四 printed as one line of 15 values under a header whose wrapped leaf words do not stand
    over their values: the group labels, far from their neighbours, still reach the table reader,
    so the official column order places every cell."""
    lines = [
        "四、政府信息公开行政复议、行政诉讼情况",
        "         行政复议                                            行政诉讼",
        "",
        "结果维 结果纠 其他结 尚未审 总计                 未经复议直接起诉                           复议后起诉",
        " 持   正   果   结",
        "                           结果维 结果纠 其他结 尚未审 总计 结果维 结果纠 其他结 尚未审 总计",
        "                            持   正   果   结      持   正   果   结",
        "",
        " 0   0    0     0     0     0      0    0        0        0   0   0       7         0        7",
    ]
    from gongkai.read.layout_text import layout_pieces

    texts = [p.text for p in layout_pieces(lines)]
    assert texts[:5] == ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"]
    assert texts[5:] == ["0"] * 12 + ["7", "0", "7"]


def test_layout_number_wrapped_over_lines_is_unreadable_not_cut():
    """`５４０` wrapped in its cell prints `５４` above the row and `０` below it: neither half
    may be read as the cell's value, and the two halves hold one cell's place, not two."""
    lines = [
        "  一、本年新收政府信息公开申请数量            ８５４             ２    51          3    ０       ３        913",
        "",
        "                                                   ５４",
        "  二、上年结转政府信息公开申请数量                ０           ０                0    0       ０        540",
        "                                                    ０",
    ]
    from gongkai.read.layout_text import layout_pieces

    pieces = [(p.text, p.blank) for p in layout_pieces(lines)]
    at = pieces.index(("二、上年结转政府信息公开申请数量", 0))
    row = pieces[at + 1:]
    assert ("５４", 0) not in row
    assert ("５４", 0) not in row and "0:５４０" in [t for t, b in row if b == 3]
    assert len(row) == 7


def test_markdown_br_joins_labels_and_splits_merged_numbers():
    from gongkai.read.markdown import markdown_pieces

    lines = ["|信息内容|本年制发件数|本年废止件数|现行有效件数|", "|---|---|---|---|",
             "|规章|5<br>0|0|", "|行政规范<br>性文件||3|7|"]
    got = [(p.text, p.blank) for p in markdown_pieces(lines)]
    assert ("5", 0) in got and ("0", 0) in got and ("行政规范性文件", 0) in got
    at = got.index(("行政规范性文件", 0))
    assert got[at + 1:at + 4] == [("", 2), ("3", 0), ("7", 0)]


def test_layout_header_not_aligned_is_read_word_by_word():
    """An unruled 表三 whose value columns drift (no column grid): its header line
    `自然人 … 法人或其他组织 … 总计` once came out as one text and was taken for the 总计 row,
    which then lost all its cells. Every cell must read back exactly (a generated case kept as a
    fixture, with its truth)."""
    import json

    here = Path(__file__).parent / "fixtures" / "layout"
    data = (here / "unruled-header-apart.txt").read_bytes()
    truth = json.loads((here / "unruled-header-apart.json").read_text(encoding="utf-8"))
    right, total = _check(data, truth, "unruled-header-apart.txt")
    assert right == total


def test_layout_labelled_short_row_is_not_raised_into_the_next():
    """`规章 0 · 1` (a blank between) right above `行政规范性文件 0 ０ 9`: a line with its own label
    whose values stand in the next row's columns is a row, not values raised off that row."""
    lines = [
        "      信息内容          本年制发件数              本年废止件数                    现行有效件数",
        "",
        "       规章                0                                          1",
        "    行政规范性文件              0                    ０                     9",
    ]
    from gongkai.read.layout_text import layout_pieces

    pieces = [(p.text, p.blank) for p in layout_pieces(lines)]
    at = pieces.index(("规章", 0))
    assert pieces[at:at + 8] == [("规章", 0), ("0", 0), ("", 2), ("1", 0),
                                 ("行政规范性文件", 0), ("0", 0), ("０", 0), ("9", 0)]


def test_layout_blank_cell_placed_by_column_spans_when_positions_drift():
    # pdftotext -layout of an unruled 表三 (seed 1, case 14): values with units start a few
    # columns off the plain ones (`0件` at 62 where `0` stands at 66), so no one centre per column
    # fits every full row; the span each column's values were seen over still places the blank.
    from gongkai.read.layout_text import layout_pieces

    lines = [
        "                    2.重复申请       0       0          0    0        0        0个        0项",
        "",
        "                3.要求提供公开出版      0条    277个          0    0        0        0         277",
        "                      物",
        "",
        "                4.无正当理由大量反      0项       0          0    0        3        0         3个",
        "                     覆申请",
        "",
        "                5.要求行政机关确认      0项       0         0件             0        0         0",
        "                或重新出具已获取信",
        "                     息",
        "",
        "         (六)其   1.申请人无正当理由      0个       0         0个    0件   0件           0         0个",
        "          他处理   逾期不补正、行政机",
        "                关不再处理其政府信",
        "                   息公开申请",
        "",
        "                2.申请人逾期未按收               48        0项    0        0        0         48",
        "                费通知要求缴纳费用",
        "                、行政机关不再处理",
        "                其政府信息公开申请",
        "",
        "                     3.其他        0       6条         0    2    0件           0         8",
        "",
        "                (七)总计           2项   432项          10    2        3        0         449",
        "     四、结转下年度继续办理                11    11件          12项   14       0条       0     48个",
    ]
    pieces = [(p.text, p.blank) for p in layout_pieces(lines)]
    at = pieces.index(("5.要求行政机关确认", 0))
    assert pieces[at + 1:at + 8] == [("0项", 0), ("0", 0), ("0件", 0), ("", 2), ("0", 0), ("0", 0), ("0", 0)]
    at = pieces.index(("2.申请人逾期未按收", 0))
    assert pieces[at + 1:at + 8] == [("", 2), ("48", 0), ("0项", 0), ("0", 0), ("0", 0), ("0", 0), ("48", 0)]


def test_layout_blank_not_placed_when_a_value_stands_between_two_columns():
    from gongkai.read.layout_text import layout_pieces

    lines = [
        "   规章              7               3                 12",
        "   规范性文件        5               3                 40",
        "   其他文件          5        1                        40",
    ]
    pieces = [(p.text, p.blank) for p in layout_pieces(lines)]
    at = pieces.index(("其他文件", 0))
    assert pieces[at + 1:] == [("5", 0), ("1", 0), ("40", 0)]  # no blank guessed: the reader decides


def test_layout_unit_wrapped_below_its_number_is_not_a_label():
    # a narrow cell wraps `0件` into `0` over `件` (seed 2, case 6): the lone unit is dropped,
    # not read as part of the next row's label (which lost the row)
    from gongkai.read.layout_text import layout_pieces

    lines = [
        "                5.属于三类内部事务      0",
        "                                     3个      0          0   0项    3项          6",
        "                     信息         件",
        "",
        "                6.属于四类过程性信",
        "                                0     0      0          0   0个    0件          0条",
        "                     息",
    ]
    pieces = [p.text for p in layout_pieces(lines)]
    assert "件" not in pieces
    at = pieces.index("6.属于四类过程性信")
    assert pieces[at + 1:at + 8] == ["0", "0", "0", "0", "0个", "0件", "0条"]


def test_layout_label_tail_below_the_row_above_does_not_split_the_next_label():
    # seed 6, case 28: `息` ends row 5's label below its values; it stands right of the next
    # row's `(六)其他处理`, and read column by column it came between that label and its values
    from gongkai.read.layout_text import layout_pieces

    lines = [
        "                     4.无正当理由大量反",
        "                                        0          0     0     0     0        0            0",
        "                         复申请",
        "",
        "                     5.要求行政机关确认",
        "                     或重新出具已获取信          0          0     0     0     0        0            0",
        "                          息",
        "",
        "                 (六)其他处理               400         0     0     0         0    0           400",
        "",
        "                 (七)总计                 745          2    5     0     3        3           758",
    ]
    pieces = [p.text for p in layout_pieces(lines)]
    at = pieces.index("(六)其他处理")
    assert pieces[at - 1] == "息"
    assert pieces[at + 1:at + 8] == ["400", "0", "0", "0", "0", "0", "400"]


def test_layout_label_wrapped_around_its_values_stays_in_the_block():
    # seed 4, case 19: a long label wraps above and below its values, each line filling its cell
    # up to the value columns (wider than 1.5 columns a glyph would allow): the rows stay one
    # block, so the group label beside them does not cut the leaf label apart
    from gongkai.read.layout_text import layout_pieces

    lines = [
        "                   1.申请人无正当理由逾",
        "                   期不补正、行政机关不",
        "                               0条              0        0个        0条            0        354项       354项",
        "                   再处理其政府信息公开",
        "                        申请",
        "        (六)其",
        "                   2.申请人逾期未按收费",
        "         他处理",
        "                   通知要求缴纳费用、行",
        "                                      0        0        0个       152个           5         9         166",
        "                   政机关不再处理其政府",
        "                      信息公开申请",
        "",
        "                         3.其他         0        2        0         6             0        161        169",
    ]
    pieces = [p.text for p in layout_pieces(lines)]
    at = pieces.index("通知要求缴纳费用、行")
    assert pieces[at - 1] == "2.申请人逾期未按收费"
    assert pieces[at + 1:at + 8] == ["0", "0", "0个", "152个", "5", "9", "166"]
