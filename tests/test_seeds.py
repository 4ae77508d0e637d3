"""The real reports (five scraped texts, three PDFs) parse exactly to their truth and raise exactly
the findings their truth expects."""

from __future__ import annotations

from gongkai import parse_bytes


def test_seed_tables_exact(seed):
    name, data, truth = seed
    out = parse_bytes(data, name).to_json(provenance=False)
    assert out["tables"] == truth["tables"]


def test_seed_report_fields_exact(seed):
    name, data, truth = seed
    report = parse_bytes(data, name).to_json()["report"]
    for key in ("organization", "year", "template", "published"):
        assert report[key] == truth["report"][key], key


def test_seed_raises_exactly_the_expected_findings(seed):
    name, data, truth = seed
    findings = [f for f in parse_bytes(data, name).findings if f.severity in ("error", "warning")]
    expected = truth["expect_findings"]
    for want in expected:  # each expected finding: same rule, naming its cells
        assert any(f.rule == want["rule"] and set(want["cells"]) <= set(f.cells) for f in findings), want
    assert len(findings) == len(expected), [(f.rule, f.message) for f in findings]


def test_provenance_names_label_header_and_line(seed):
    name, data, truth = seed
    if not truth["tables"]:
        return
    doc = parse_bytes(data, name).to_json()
    prov = doc["provenance"]["cells"]["requests.new_received.total"]
    if doc["source"]["format"] == "pdf":
        assert prov["page"] >= 1 and len(prov["bbox"]) == 4 and prov["column_label"] == "总计"
        assert prov["printed"] == str(truth["tables"]["requests"]["new_received"]["total"])
        return
    lines = data.decode("utf-8").split("\n")
    # the recorded line really prints the value, under the recorded row label
    assert lines[prov["line"] - 1].strip(" |\u00a0") == str(truth["tables"]["requests"]["new_received"]["total"])
    assert "本年新收" in prov["row_label"] or "本年新收" in prov["row_label"].replace(" ", "")
    assert prov["column_label"] == "总计"


def test_legacy_report_has_no_tables():
    from conftest import load_case

    data, truth = load_case("seed-donghu-2016")
    doc = parse_bytes(data).to_json()
    assert doc["template"] if False else doc["report"]["template"] == "legacy"
    assert doc["tables"] == {}


def test_title_variants_name_the_body():
    from gongkai.extract.meta import read_meta

    cases = {
        "2019年度川汇区政府信息公开工作年度报告": ("川汇区人民政府", 2019),
        "川汇区人民政府办公室2019年度政府信息公开工作年度报告": ("川汇区人民政府办公室", 2019),
        "关于公布2020年政府信息公开工作年度报告的通知": (None, 2020),  # no body named: not "公布"
        "会同县2022年政府信息公开工作年度报告_会同县人民政府": ("会同县人民政府", 2022),
        "南关区教育局 2020年度政府信息公开工作年度报告": ("南关区教育局", 2020),
    }
    for title, want in cases.items():
        meta = read_meta([title, "一、总体情况"])
        assert (meta.organization, meta.year) == want, title
