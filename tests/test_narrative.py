"""Figures the text states: read with what they count and whose they are, and compared with the
tables (X-3). The pairs below put one sentence into a real seed report: contradictions must each
give one X-3 naming the right cells, quoting the sentence and giving both numbers; sentences about
the region, a part of the body, approximate or combined counts must give none."""

from __future__ import annotations

import pytest

from gongkai import parse_bytes
from gongkai.extract.body import body_of
from helpers import by_rule, seed_input, truth


def with_sentence(seed: str, sentence: str) -> bytes:
    """The seed report with `sentence` as a new paragraph right under its section 一 heading."""
    lines = seed_input(seed).read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("一、"))
    lines.insert(at + 1, sentence)
    return "\n".join(lines).encode("utf-8")


# ------------------------------------------------------------------------------------ the seeds

def test_seed_narratives_equal_their_truth(seed):
    name, data, expected = seed
    narrative = parse_bytes(data, name).to_json()["narrative"]
    for key, value in expected.get("narrative", {}).items():
        assert narrative.get(key) == value, key


def test_seed_figures_the_issue_names():
    def narrative(name: str) -> dict:
        return parse_bytes(seed_input(name).read_bytes()).narrative

    assert narrative("seed-donghu-2016")["proactive_count"] == 209
    assert narrative("seed-donghu-2016")["requests_received"] == 0
    assert narrative("seed-jiangyou-2020")["proactive_count"] == 25006
    assert narrative("seed-huitong-2022")["proactive_count"] == 4308
    assert narrative("seed-huitong-2022")["requests_received"] == 2


def test_legacy_statistics_are_its_only_data():
    doc = parse_bytes(seed_input("seed-donghu-2016").read_bytes()).to_json()
    assert doc["tables"] == {}
    assert doc["narrative"] == {"proactive_count": 209, "requests_received": 0, "fee_yuan": 0, "review_count": 0,
                                "litigation_count": 0}
    prov = doc["provenance"]["narrative"]["proactive_count"]
    assert prov["line"] == 14 and "共209條" not in prov["text"] and "共209条" in prov["text"]
    # the cumulative 1967 (累计…截止) is not this year's count
    assert all(s["value"] != 1967 for s in doc["provenance"]["narrative_other"])


def test_legacy_request_outcomes_fees_and_cases_come_from_the_text():
    lines = seed_input("seed-donghu-2016").read_text(encoding="utf-8").split("\n")
    assert lines[17].startswith("2016年度我局政府信息依申請公開") and lines[21].startswith("2016年我局沒有")
    lines[17] = "2016年度我局共受理政府信息公开申请5件，其中同意公开3件，同意部分公开1件，不同意公开1件。"
    lines[19] = "2016年度我局收取检索复制费用20元。"
    lines[21] = "2016年我局发生政府信息公开行政复议1件，未发生行政诉讼。"
    text = "\n".join(lines)
    report = parse_bytes(text.encode("utf-8"))
    assert report.template == "legacy"
    assert report.narrative == {"proactive_count": 209, "requests_received": 5, "requests_granted": 3,
                                "requests_partial": 1, "requests_denied": 1, "fee_yuan": 20, "review_count": 1,
                                "litigation_count": 0}
    assert by_rule(report, "X-3") == []  # nothing to compare with: no tables


def test_no_seed_has_a_text_table_warning(seed):
    name, data, _ = seed
    assert by_rule(parse_bytes(data, name), "X-3") == []


def test_breakdown_of_the_proactive_total():
    narrative = parse_bytes(seed_input("seed-jiangyou-2020").read_bytes()).narrative
    assert narrative["proactive_breakdown"] == {"概况类信息": 101, "政务动态信息": 13186, "信息公开目录信息": 11820}


def test_truth_keys_of_the_seeds_are_the_documented_names():
    assert truth("seed-donghu-2016")["narrative"] == {"proactive_count": 209, "requests_received": 0}


# ------------------------------------------------------------------------------------ contradictions

CONTRADICTIONS = [
    # (seed, sentence, cells named, number in the text, number in the table)
    ("seed-huitong-2022", "2022年，我县办理的申请中部分公开2件。", ["requests.partial.total"], 2, 0),
    ("seed-huitong-2022", "全年依申请予以公开3件。", ["requests.granted.total"], 3, 1),
    ("seed-jiangyou-2020", "本年度我市上年结转政府信息公开申请4件。", ["requests.carried_in.total"], 4, 0),
    ("seed-huitong-2022", "本年度我县因政府信息公开被申请行政复议2件。", ["review_litigation.review.total"], 2, 0),
    ("seed-jiangyou-2020", "2020年，我市发生政府信息公开行政诉讼案件3起。",
     ["review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"], 3, 0),
    ("seed-jiangyou-2020", "全市共受理政府信息公开申请15件，均按时答复。", ["requests.new_received.total"], 15, 12),
    ("seed-liubei-culture-2019", "2019年，我局共受理政府信息公开申请4件。", ["requests.new_received.total"], 4, 0),
    ("seed-liubei-culture-2019", "本年度我局部分公开2件。", ["requests.partial.total"], 2, 0),
    ("seed-liubei-culture-2019", "2019年我局结转下年度继续办理的申请1件。", ["requests.carried_out.total"], 1, 0),
    ("seed-chuanhui-2019", "2019年予以公开2件。", ["requests.granted.total"], 2, 1),
]


@pytest.mark.parametrize("seed,sentence,cells,said,table", CONTRADICTIONS,
                         ids=[f"{c[0][5:]}-{c[2][0].split('.')[1]}" for c in CONTRADICTIONS])
def test_every_contradiction_is_found_with_the_sentence_and_both_numbers(seed, sentence, cells, said, table):
    report = parse_bytes(with_sentence(seed, sentence))
    [f] = by_rule(report, "X-3")
    assert f.severity == "warning"
    assert f.cells == cells
    assert sentence.rstrip("。").replace("，", ",") in f.message  # quoted as normalised
    assert f"为 {said}" in f.message
    assert f"= {table}" in f.message if len(cells) > 1 else f"列为 {table}" in f.message
    assert f.message.endswith(f"相差 {abs(said - table)}")


def test_a_zero_statement_against_a_nonzero_table_is_a_contradiction():
    text = seed_input("seed-chuanhui-2019").read_text(encoding="utf-8").replace("收到行政复议2件", "未收到行政复议申请")
    report = parse_bytes(text.encode("utf-8"))
    [f] = by_rule(report, "X-3")
    assert f.cells == ["review_litigation.review.total"]
    assert "行政复议数为 0" in f.message and "列为 2" in f.message
    assert report.narrative.get("requests_received") == 2  # 未收到行政复议申请 is no statement about requests


# ------------------------------------------------------------------------------------ no warning

QUIET = [
    # whose figure: the region, another body, a part of the body
    ("seed-liubei-culture-2019", "全区共收到政府信息公开申请35件。", "requests_received"),
    ("seed-liubei-culture-2019", "全市共发生政府信息公开行政复议案件3件。", "review_count"),
    ("seed-liubei-culture-2019", "区政府共受理政府信息公开申请18件。", "requests_received"),
    ("seed-liubei-culture-2019", "各部门共收到政府信息公开申请20件。", "requests_received"),
    ("seed-liubei-culture-2019", "我局配合全区共受理政府信息公开申请8件。", "requests_received"),
    ("seed-huitong-2022", "县政府办代表县政府受理政府信息公开申请17件。", "requests_received"),
    ("seed-huitong-2022", "县本级收到政府信息公开申请9件。", "requests_received"),
    ("seed-huitong-2022", "全市共办理政府信息公开行政复议案件6件。", "review_count"),
    ("seed-jiangyou-2020", "全省共收到政府信息公开申请1200件。", "requests_received"),
    # not exactly the table's meaning: approximate, combined, cumulative, a breakdown, a change
    ("seed-huitong-2022", "全年收到政府信息公开申请10余件。", "requests_received"),
    ("seed-huitong-2022", "全年予以公开(含部分公开)3件。", "requests_granted"),
    ("seed-huitong-2022", "我县被申请行政复议、提起行政诉讼共3件。", "review_count"),
    ("seed-huitong-2022", "历年累计收到政府信息公开申请40件。", "requests_received"),
    ("seed-huitong-2022", "全年办理政府信息公开申请2件，其中当面受理申请1件。", "requests_received"),
    ("seed-huitong-2022", "较上年收到申请减少3件。", "requests_received"),
]


@pytest.mark.parametrize("seed,sentence,key", QUIET, ids=[f"{q[0][5:]}-{i}" for i, q in enumerate(QUIET)])
def test_no_warning_when_scope_or_meaning_differs(seed, sentence, key):
    report = parse_bytes(with_sentence(seed, sentence))
    assert by_rule(report, "X-3") == []
    # and the figure is not reported as the body's own
    own = truth(seed)["narrative"].get(key) if "narrative" in truth(seed) else None
    assert report.narrative.get(key) == own


def test_region_figures_are_kept_apart_with_their_scope():
    report = parse_bytes(with_sentence("seed-liubei-culture-2019", "全区共收到政府信息公开申请35件。"))
    [other] = [s for s in report.to_json()["provenance"]["narrative_other"] if s["key"] == "requests_received"]
    assert (other["value"], other["scope"]) == (35, "region")


def test_the_same_figure_said_twice_one_matching_the_table_is_not_a_contradiction():
    # the seed also says 我县收到…2件, which the table prints: the other figure may be a scope
    # the reader did not recognise, so precision first
    report = parse_bytes(with_sentence("seed-huitong-2022", "全县收到政府信息公开申请9件。"))
    assert by_rule(report, "X-3") == []
    assert report.narrative["requests_received"] == 9  # the first own statement, as printed


# ------------------------------------------------------------------------------------ bodies

@pytest.mark.parametrize("name,kind,level,deadline", [
    ("会同县人民政府", "government", "县", (3, 31)),
    ("淮安市洪泽区人民政府", "government", "区", (3, 31)),
    ("江油市人民政府", "government", "市", (3, 31)),
    ("川汇区人民政府办公室", "office", "区", (3, 31)),
    ("东湖区统计局", "department", "区", (1, 31)),
    ("柳北区文化体育广电和旅游局", "department", "区", (1, 31)),
    ("某县卫生健康委员会", "department", "县", (1, 31)),
    ("某县政务服务中心", "department", "县", (1, 31)),
    ("某某镇人民政府", "township", "镇", None),
    ("某某街道办事处", "township", "街道", None),
    ("某经济开发区管理委员会", "other", "", None),
])
def test_the_kind_of_body_comes_from_its_name(name, kind, level, deadline):
    body = body_of(name)
    assert (body.kind, body.level, body.deadline) == (kind, level, deadline)
