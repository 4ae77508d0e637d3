"""Bytes → text → pieces: encodings, normalisation, cell values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.errors import InputError
from gongkai.extract.values import parse_value, to_column_unit
from gongkai.read import decode_bytes, normalize_text, text_document
from gongkai.read.document import EMPTY_CELL, MAYBE_CELL, NOT_BLANK

SAMPLE = "三、收到和处理政府信息公开申请情况\n（一）予以公开\n12\n总计\n"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk"])
def test_simplified_encodings_decode(encoding):
    text, used = decode_bytes(SAMPLE.encode(encoding))
    assert text == SAMPLE
    assert used in ("utf-8", "gb18030")


def test_big5_decodes():
    trad = "三、收到和處理政府信息公開申請情況\n（一）予以公開\n12\n總計\n"
    text, used = decode_bytes(trad.encode("big5"))
    assert text == trad and used == "big5hkscs"


def test_bad_bytes_never_crash():
    data = SAMPLE.encode("gb18030") + b"\xff\xfe\x81" + SAMPLE.encode("gb18030")
    text, _ = decode_bytes(data)
    assert "予以公开" in text


@pytest.mark.parametrize("data, message", [
    (b"", "文件为空"), (b"  \n\t ", "文件为空"), (b"\x00\x01\x02binary\x00" * 10, "二进制"),
])
def test_unreadable_bytes(data, message):
    with pytest.raises(InputError, match=message):
        decode_bytes(data)


def test_normalize_traditional_pinyin_widths_and_question_runs():
    raw = "發(fā)布機(jī)構(gòu)：東湖區(qū)人民政府\n本年新收　１２件\n??????? 2020年1月16日\u00a0"
    lines = normalize_text(raw).split("\n")
    assert lines[0] == "发布机构:东湖区人民政府"
    assert lines[1] == "本年新收 12件"
    assert lines[2].strip() == "2020年1月16日"


def test_simplified_text_is_left_in_its_script():
    # 著 and 乾 would be changed by a blind Traditional→Simplified pass
    assert normalize_text("显著成效，乾坤") == "显著成效,乾坤"


@pytest.mark.parametrize("printed, number, unit", [
    ("6條", Decimal(6), "條"), ("6条", Decimal(6), "条"), ("+3", Decimal(3), ""), ("-421", Decimal(-421), ""),
    ("21,839", Decimal(21839), ""), ("3351.29", Decimal("3351.29"), ""), ("25.1万元", Decimal("25.1"), "万元"),
    ("0 件", Decimal(0), "件"), ("?5", Decimal(5), ""),
])
def test_parse_value(printed, number, unit):
    value = parse_value(printed)
    assert value.number == number and value.unit == unit


@pytest.mark.parametrize("printed", ["", "/", "-", "—", "——", "无", "－"])
def test_blank_marks_are_null(printed):
    value = parse_value(normalize_text(printed))
    assert value is not None and value.number is None


@pytest.mark.parametrize("printed", ["1.属于国家秘密", "2019年", "自然人", "第3项"])
def test_labels_are_not_values(printed):
    assert parse_value(printed) is None


def test_money_unit_conversion():
    assert to_column_unit(Decimal("25.1"), "万元", "元") == Decimal(251000)
    assert to_column_unit(Decimal(251000), "元", "元") == Decimal(251000)
    assert to_column_unit(Decimal(33512900), "元", "万元") == Decimal("3351.29")


def test_pieces_from_both_layouts():
    # paragraph layout: one empty line between cells; a line of spaces may be a cell or padding,
    # two more empty lines are an empty cell for certain
    para = text_document("规章\n\n0\n\n \n\n3\n\n\n\n4\n")
    assert [(p.text, p.blank) for p in para.pieces] == [
        ("规章", NOT_BLANK), ("0", NOT_BLANK), ("", MAYBE_CELL), ("3", NOT_BLANK), ("", EMPTY_CELL), ("4", NOT_BLANK)]
    # pipe layout: a lone " |" is a cell printed empty; "||" runs may be grid padding
    pipe = text_document("规章 |\n0 |\n |\n3\n|\n||\n")
    assert [(p.text, p.blank) for p in pipe.pieces] == [
        ("规章", NOT_BLANK), ("0", NOT_BLANK), ("", EMPTY_CELL), ("3", NOT_BLANK), ("", MAYBE_CELL), ("", MAYBE_CELL)]
    assert [p.line for p in pipe.pieces][:4] == [1, 2, 3, 4]


def test_a_table_row_on_one_line_splits_into_cells():
    tabs = text_document("二、上年结转政府信息公开申请数量\t0\t\t1\t0\t0\t0\t1\n")
    assert [(p.text, p.blank) for p in tabs.pieces] == [
        ("二、上年结转政府信息公开申请数量", NOT_BLANK), ("0", NOT_BLANK), ("", EMPTY_CELL), ("1", NOT_BLANK),
        ("0", NOT_BLANK), ("0", NOT_BLANK), ("0", NOT_BLANK), ("1", NOT_BLANK)]
    spaced = text_document("商业 企业 科研 机构\n规章 0 0 3\n行政许可  46850\n全年共收到申请 2 件，均已办结。\n")
    assert [p.text for p in spaced.pieces] == ["商业 企业 科研 机构", "规章", "0", "0", "3", "行政许可", "46850",
                                               "全年共收到申请 2 件，均已办结。"]
