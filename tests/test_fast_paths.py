"""The fast paths of the text/HTML pipeline give exactly what the plain computations they replace give.

Speed work must not change a byte of output (tools/same_output.py compares whole outputs); these
pin down each shortcut against the obvious implementation, on inputs built to break it.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai import parse_bytes
from gongkai.check.bounds import identity_instances
from gongkai.extract.tables import LabelIndex, column_index, row_index, scan_labels
from gongkai.forms import FORMS
from gongkai.read.decode import _COMMON, _vocabulary_score
from gongkai.read.normalize import _nfkc

# ASCII, CJK, fullwidth forms, CJK punctuation, circled numbers, combining marks (which compose
# with a preceding letter), Hangul jamo (which compose with each other), compatibility ideographs
_ALPHABET = st.sampled_from(
    "aAeE1 ,.()\t" "政府信息公开年度报告件条" "，。：；（）１２３ＡａＺ　、《》“”" "①②⑩⑴⒈㈠㎡㍿"
    "\u0300\u0301\u0308\u0323\u0345" "\u1100\u1161\u11a8\uac00" "\uf900\uf9ff\ufa30" "…‥ⅠⅫ½²\u00a0\u2002"
    "\ufe35\ufe59\uff61\uffe5\uffe0é")


@given(st.text(_ALPHABET, max_size=40))
@settings(max_examples=400, deadline=None)
def test_nfkc_shortcut_is_nfkc(text: str) -> None:
    assert _nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_shortcut_on_compositions_across_a_replaced_character() -> None:
    # a fullwidth letter replaced by its ASCII letter still composes with the mark after it
    assert _nfkc("Ａ\u0301") == unicodedata.normalize("NFKC", "Ａ\u0301") == "Á"
    assert _nfkc("（二）１２件，①") == "(二)12件,1"
    assert _nfkc("e\u0301\uff0c") == "é,"


@given(st.text(st.sampled_from("政府信息公开开報告件申请abc１ 𠀀"), max_size=60))
@settings(max_examples=200, deadline=None)
def test_vocabulary_score_counts_as_before(text: str) -> None:
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    want = 0.0 if not cjk else sum(1 for ch in text if ch in _COMMON) / cjk
    assert _vocabulary_score(text) == want


@given(st.text(st.sampled_from("ab \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000\u200b\ufeff件"), max_size=30))
@settings(max_examples=300, deadline=None)
def test_split_join_collapses_spaces_as_the_regex_did(text: str) -> None:
    """read/html.py collapses cell whitespace with split/join instead of re.sub(r"\\s+")."""
    assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()


def _plain_scan(key: str, index: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """The leftmost-longest scan written out: at each position the first (longest) label that starts there."""
    found, i = [], 0
    while i < len(key):
        for label, owner in index:
            if label and key.startswith(label, i):
                found.append((owner, label, label))
                i += len(label)
                break
        else:
            i += 1
    return found


@given(st.lists(st.sampled_from(["自然人", "商业企业", "科研机构", "总计", "本年新收政府信息公开申请数量", "其他",
                                 "行政复议", "维持", "纠正", "结果", "x"]), max_size=12))
def test_label_scan_matches_the_plain_scan(words: list[str]) -> None:
    key = "".join(words)
    for form in FORMS.values():
        for table in form.tables:
            for index in (column_index(table), row_index(table)):
                assert isinstance(index, LabelIndex)
                assert scan_labels(key, index) == _plain_scan(key, list(index))


def test_identity_instances_follow_the_shape_of_each_report() -> None:
    """Instances are cached by the rows and columns a report has: a report missing a row gets
    its own instances, and the full report's are unchanged after it."""
    data = (Path(__file__).resolve().parent.parent / "examples" / "seed-huitong-2022.txt").read_bytes()
    full = parse_bytes(data)
    form = FORMS[full.template]
    before = [(i.identity.rule, i.lhs, i.rhs) for i in identity_instances(full, form)]
    assert ("T3-3", (("granted", "total"),)) in {(rule, lhs) for rule, lhs, _ in before}
    short = parse_bytes(data)
    del short.tables["requests"]["granted"]
    fewer = [(i.identity.rule, i.lhs, i.rhs) for i in identity_instances(short, form)]
    assert fewer and len(fewer) < len(before)
    assert not any(r == "granted" for _, lhs, rhs in fewer for r, _ in lhs + rhs)
    assert [(i.identity.rule, i.lhs, i.rhs) for i in identity_instances(full, form)] == before
