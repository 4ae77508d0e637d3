"""The corpus query layer (store/query.py) and its pages (/corpus/…) on a store of 300 generated
reports plus the 会同 2022 report and a 2023 copy of its altered version (one 表三 cell changed,
the text repeated): lists, filters and pagination, CSV read back, a body's timeline, comparison,
the dashboard against `gongkai stats` and SQL, regions, the SQL page's sandbox, bad parameters.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from gongkai.store import connect  # noqa: E402
from gongkai.store import query as Q  # noqa: E402
from gongkai.store.stats import breakdowns, on_time, overview  # noqa: E402
from gongkai.synth import synthetic_store  # noqa: E402
from gongkai.web.app import create_app  # noqa: E402

EXAMPLES = Path(__file__).parent.parent / "examples"


def huitong_pair() -> list[tuple[str, bytes]]:
    """会同 2022 as published, and a 2023 report made of its altered copy (表三 予以公开·自然人 1 → 2),
    signed 2024-05-20: after the 3-31 deadline of a county government (D-1)."""
    seed = (EXAMPLES / "seed-huitong-2022.txt").read_bytes()
    altered = (EXAMPLES / "altered-huitong-2022.txt").read_text(encoding="utf-8")
    later = altered.replace("2022年", "2023年").replace("2021年", "2022年") + "\n\n会同县人民政府\n2024年5月20日\n"
    return [("huitong-2022.txt", seed), ("huitong-2023.txt", later.encode("utf-8"))]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("corpus") / "c.duckdb"
    con = connect(db)
    assert synthetic_store(con, 300, extra=huitong_pair()) == 302
    con.close()
    app = create_app(db, jobs=1)
    with TestClient(app) as client:
        yield client, app.state.workspace.cursor


def test_filters_parse_and_refuse_bad_values():
    f = Q.Filters.parse({"year": "2023", "province": "湖南省", "level": "county", "has_errors": "1", "rule": "t3-2",
                         "q": "", "late": "0"})
    assert (f.year, f.province, f.level, f.has_errors, f.rule, f.late, f.q) == (2023, "湖南省", "county", True, "T3-2",
                                                                                False, None)
    assert Q.Filters.parse(f.params()) == f
    for bad, message in (({"year": "20x3"}, "年度"), ({"form": "v1999"}, "格式"), ({"level": "village"}, "层级"),
                         ({"rule": "T3'; DROP"}, "规则"), ({"has_errors": "maybe"}, "has_errors"),
                         ({"q": "长" * 61}, "过长")):
        with pytest.raises(Q.QueryError, match=message):
            Q.Filters.parse(bad)


def test_report_list_filters_match_sql_and_pages_do_not_overlap(store):
    _, cursor = store
    con = cursor()
    province, year = con.execute(
        "SELECT b.province, r.year FROM current_reports r JOIN bodies b USING (body_id) WHERE b.province IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC, 1, 2 LIMIT 1").fetchone()
    f = Q.Filters(province=province, year=year)
    got = Q.list_reports(con, f, limit=500)
    (expected,) = con.execute("SELECT count(*) FROM current_reports r JOIN bodies b USING (body_id) "
                              "WHERE b.province = ? AND r.year = ?", [province, year]).fetchone()
    assert got["total"] == expected == len(got["rows"]) and expected >= 2
    assert {(r["province"], r["year"]) for r in got["rows"]} == {(province, year)}
    everything = Q.list_reports(con, Q.Filters(), sort="recent", limit=500)
    assert everything["total"] == 302
    first = Q.list_reports(con, Q.Filters(), sort="recent", limit=40)
    second = Q.list_reports(con, Q.Filters(), sort="recent", limit=40, offset=40)
    assert [r["sha256"] for r in first["rows"] + second["rows"]] == [r["sha256"] for r in everything["rows"][:80]]
    # errors: own errors or cross-year ones, as stats counts them
    with_errors = Q.list_reports(con, Q.Filters(has_errors=True), limit=500)
    (n_errors,) = con.execute("SELECT count(*) FROM current_reports r WHERE r.errors > 0 OR EXISTS (SELECT 1 FROM findings f "
                              "WHERE f.sha256 = r.sha256 AND f.origin = 'crossyear' AND f.severity = 'error')").fetchone()
    assert with_errors["total"] == n_errors > 0
    assert Q.list_reports(con, Q.Filters(has_errors=False))["total"] == 302 - n_errors
    # a rule and late
    t32 = Q.list_reports(con, Q.Filters(rule="T3-2"), limit=500)
    (n_t32,) = con.execute("SELECT count(DISTINCT sha256) FROM findings WHERE rule = 'T3-2'").fetchone()
    assert t32["total"] == n_t32 > 0
    late = Q.list_reports(con, Q.Filters(late=True), limit=500)
    assert [r["organization"] for r in late["rows"]] == ["会同县人民政府"]
    assert late["rows"][0]["published"] == "2024-05-20" and late["rows"][0]["late"] is True
    assert all(not r["late"] and r["published"] for r in Q.list_reports(con, Q.Filters(late=False), limit=500)["rows"])


def test_sort_by_rate_puts_lowest_first_and_blanks_last(store):
    _, cursor = store
    rows = Q.list_reports(cursor(), Q.Filters(level="county", kind="government"), sort="substantive_rate_asc",
                          limit=500)["rows"]
    rates = [r["substantive_rate"] for r in rows]
    known = [x for x in rates if x is not None]
    assert known == sorted(known) and len(known) > 5
    assert rates[:len(known)] == known  # NULLs (no 办理结果) after every known rate
    assert {(r["level"], r["kind"]) for r in rows} == {("county", "government")}


def test_body_list_search_and_csv_reads_back(store):
    client, cursor = store
    listing = Q.list_bodies(cursor(), Q.Filters(q="会同县"), limit=500)
    assert listing["total"] >= 2 and all("会同县" in b["name"] for b in listing["rows"])
    page = client.get("/corpus/bodies", params={"q": "会同县"})
    assert page.status_code == 200 and "会同县人民政府" in page.text
    response = client.get("/corpus/bodies.csv", params={"q": "会同县"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert [r["body_id"] for r in rows] == [b["body_id"] for b in listing["rows"]]
    assert [int(r["reports"]) for r in rows] == [b["reports"] for b in listing["rows"]]
    reports = client.get("/corpus/reports.csv", params={"province": "湖南省", "sort": "year"})
    back = list(csv.DictReader(io.StringIO(reports.text.lstrip("\ufeff"))))
    as_json = client.get("/corpus/reports.json", params={"province": "湖南省", "sort": "year", "limit": 500}).json()
    assert [r["sha256"] for r in back] == [r["sha256"] for r in as_json["rows"]] and len(back) == as_json["total"] > 0


def test_body_timeline_figures_are_the_stored_cells(store):
    client, cursor = store
    con = cursor()
    body_id = con.execute("SELECT body_id FROM current_reports GROUP BY body_id ORDER BY count(DISTINCT year) DESC, "
                          "body_id LIMIT 1").fetchone()[0]
    t = Q.body_timeline(con, body_id)
    years = [r["year"] for r in t["reports"]]
    assert years == sorted(years) and len(set(years)) >= 3
    for r in t["reports"]:
        (new,) = con.execute("SELECT value FROM cells WHERE sha256 = ? AND tbl = 'requests' AND row = 'new_received' "
                             "AND col = 'total'", [r["sha256"]]).fetchone()
        assert r["figures"]["new_received"] == new
    (n_cross,) = con.execute("SELECT count(*) FROM findings f JOIN current_reports r USING (sha256) "
                             "WHERE r.body_id = ? AND f.origin = 'crossyear'", [body_id]).fetchone()
    assert len(t["crossyear"]) == n_cross
    page = client.get("/corpus/body", params={"id": body_id})
    assert page.status_code == 200
    assert page.text.count('class="chart"') == 5 and "/static/echarts.min.js" in page.text
    csv_text = client.get("/corpus/body.csv", params={"id": body_id, "chart": "requests"}).text.lstrip("\ufeff")
    first = {}
    for r in t["reports"]:
        first.setdefault(r["year"], r)
    back = list(csv.reader(io.StringIO(csv_text)))
    assert back[0] == ["年度", "本年新收申请", "上年结转申请"]
    assert [int(row[0]) for row in back[1:]] == sorted(first)
    assert [float(row[1]) for row in back[1:]] == [first[y]["figures"]["new_received"] for y in sorted(first)]
    assert client.get("/corpus/body", params={"id": "没有:这个"}).status_code == 404


def test_compare_shows_the_changed_cell_and_the_repeated_text(store):
    client, cursor = store
    con = cursor()
    (old, new) = [r[0] for r in con.execute("SELECT r.sha256 FROM current_reports r JOIN sources s USING (sha256) "
                                            "WHERE s.path LIKE '%huitong-202%' ORDER BY r.year").fetchall()]
    result = client.get("/corpus/compare.json", params={"a": old, "b": new}).json()
    assert (result["old"]["year"], result["new"]["year"]) == (2022, 2023)
    requests = next(t for t in result["tables"] if t["table"] == "requests")
    granted = next(r for r in requests["rows"] if r["row"] == "granted")
    person = next(c for c in granted["cells"] if c["col"] == "natural_person")
    assert (person["old"], person["new"], person["change"], person["share"]) == (1, 2, 1, 1.0)
    changed = [(t["table"], r["row"], c["col"]) for t in result["tables"] for r in t["rows"] for c in r["cells"]
               if c["change"]]
    assert ("requests", "granted", "natural_person") in changed
    repeated = [s for s in result["sections"] if s["share"] is not None and s["share"] > 0.5]
    assert repeated and all(s["passages"] for s in repeated)
    # the default other side is the body's report of the year before
    page = client.get("/corpus/compare", params={"b": new})
    assert page.status_code == 200
    assert '<mark class="repeat">' in page.text
    assert re.search(r'data-cell="requests\.granted\.natural_person">.*?<td class="num">1</td>\s*<td class="num">2</td>',
                     page.text, re.S)
    word = client.get("/corpus/compare.docx", params={"a": old, "b": new})
    from docx import Document

    doc = Document(io.BytesIO(word.content))
    texts = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "予以公开" in "".join(texts) and "+1" in texts
    assert client.get("/corpus/compare", params={"b": "x" * 64}).status_code == 400
    assert client.get("/corpus/compare", params={"b": "0" * 64}).status_code == 404


def test_dashboard_equals_gongkai_stats_and_sql(store):
    client, cursor = store
    con = cursor()
    board = client.get("/corpus/dashboard.json").json()
    assert [(b["title"], [list(r) for r in b["rows"]]) for b in board["breakdowns"]] == \
        [(t, [list(r) for r in rows]) for t, _, rows in breakdowns(con)]
    counts = dict(overview(con))
    assert board["on_time"]["dated"] == counts["有印发日期的报告"] and board["on_time"]["on_time"] == counts["其中按期发布"]
    by_year = {r[0]: r[1] for r in board["breakdowns"][0]["rows"]}
    sql = dict(con.execute("SELECT coalesce(CAST(year AS VARCHAR), '（未识别）'), count(*) FROM current_reports "
                           "GROUP BY 1").fetchall())
    assert by_year == sql
    # filtered: the same functions with the filter
    f = Q.Filters(year=2023)
    where, args = f.where()
    filtered = client.get("/corpus/dashboard.json", params={"year": "2023"}).json()
    assert filtered["breakdowns"][0]["rows"] == [list(r) for r in breakdowns(con, where=where, args=args)[0][2]]
    assert filtered["on_time"] == on_time(con, where, args)
    # the medians and quartiles are DuckDB's quantile_cont of the same rates
    sub = next(m for m in filtered["metrics"] if m["metric"] == "substantive_rate")
    q1, med, q3, n = con.execute("SELECT quantile_cont(substantive_rate, 0.25), quantile_cont(substantive_rate, 0.5), "
                                 "quantile_cont(substantive_rate, 0.75), count(substantive_rate) FROM report_metrics "
                                 "WHERE year = 2023").fetchone()
    assert sub["all"]["n"] == n and sub["all"]["median"] == round(med, 4)
    assert (sub["all"]["q1"], sub["all"]["q3"]) == (round(q1, 4), round(q3, 4))
    assert sum(b["n"] for b in sub["histogram"]) == n
    page = client.get("/corpus/dashboard", params={"year": "2023"})
    assert page.status_code == 200 and page.text.count('class="chart"') >= 9
    back = client.get("/corpus/dashboard.csv", params={"year": "2023", "chart": "b0"}).text.lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(back)))[1][:2] == ["2023", str(n_reports(con, 2023))]
    assert client.get("/corpus/dashboard.csv", params={"chart": "nope"}).status_code == 400


def n_reports(con, year: int) -> int:
    return con.execute("SELECT count(*) FROM current_reports WHERE year = ?", [year]).fetchone()[0]


def test_region_coverage_and_who_has_not_published(store):
    client, cursor = store
    con = cursor()
    cov = Q.region_coverage(con, "湖南省")
    assert cov["bodies"] and all(set(b["years"]) | set(b["missing"]) == set(cov["years"]) for b in cov["bodies"])
    assert cov["gaps"] == sum(len(b["missing"]) for b in cov["bodies"]) > 0
    page = client.get("/corpus/region", params={"province": "湖南省"})
    assert page.status_code == 200 and "会同县人民政府" in page.text and 'class="gap"' in page.text
    token = client.get("/api/csrf").json()["token"]
    names = "会同县人民政府\n会同县\n不存在的某某局\n"
    response = client.post("/corpus/region/check", data={"names": names, "year": "2022", "csrf": token})
    assert response.status_code == 200
    got = Q.unpublished(con, names.split("\n"), 2022)
    assert [g["published"] for g in got] == [True, True, False]
    assert got[0]["body_id"] == got[1]["body_id"]
    assert "没有 2022 年的报告" in response.text and "未发布" in response.text
    assert client.post("/corpus/region/check", data={"names": names, "year": "20", "csrf": token}).status_code == 400
    assert client.post("/corpus/region/check", data={"names": names, "year": "2022"}).status_code == 403


FORBIDDEN = (
    "SELECT * FROM read_csv('/etc/passwd')",
    "COPY (SELECT 1) TO '/tmp/x.csv'",
    "ATTACH '/tmp/other.duckdb' AS o",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SELECT * FROM duckdb_settings()",
)


def test_sql_page_runs_a_select_and_refuses_each_forbidden_statement(store):
    client, cursor = store
    page = client.get("/corpus/sql", params={"sql": "SELECT count(*) AS n FROM current_reports"})
    assert page.status_code == 200 and "<td>302</td>" in page.text and "CREATE TABLE reports" in page.text
    for sql in FORBIDDEN:
        shown = client.get("/corpus/sql", params={"sql": sql})
        assert shown.status_code == 200 and 'id="sql-error"' in shown.text, sql
        refused = client.get("/corpus/sql.csv", params={"sql": sql})
        assert refused.status_code == 400 and refused.json()["error"], sql
    back = client.get("/corpus/sql.csv", params={"sql": "SELECT year, count(*) AS n FROM current_reports GROUP BY 1 "
                                                        "ORDER BY 1 NULLS LAST"}).text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(back)))
    assert rows[0] == ["year", "n"] and sum(int(r[1]) for r in rows[1:]) == 302


@pytest.mark.parametrize("url, message", [
    ("/corpus/reports?year=abc", "年度应为四位数字"),
    ("/corpus/reports?sort=drop", "排序方式不正确"),
    ("/corpus/reports?limit=100000", "limit"),
    ("/corpus/bodies?level=x", "层级"),
    ("/corpus/body", "请用参数 id 指定单位"),
    ("/corpus/dashboard?form=zz", "格式"),
    ("/corpus/region?province=" + "长" * 41, "地区名称过长"),
])
def test_bad_parameters_are_a_400_with_a_chinese_message(store, url, message):
    client, _ = store
    response = client.get(url)
    assert response.status_code == 400 and message in response.text
    as_json = client.get(url.replace("/corpus/reports?", "/corpus/reports.json?"))
    assert as_json.status_code == 400


def test_search_text_is_escaped(store):
    client, _ = store
    page = client.get("/corpus/reports", params={"q": "<script>alert(1)</script>"})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_materialised_rows_equal_the_query_the_cli_runs(store):
    """The server reads a cached copy of REPORTS_SQL; a read-only connection (gongkai stats) runs
    the query itself: both must give the same rows."""
    from gongkai.store.flat import REPORTS_SQL, reports_source

    _, cursor = store
    con = cursor()
    assert reports_source(con) == "gk_cache.reports"
    cached = con.execute("SELECT * FROM gk_cache.reports ORDER BY sha256").fetchall()
    direct = con.execute(f"SELECT * FROM ({REPORTS_SQL}) ORDER BY sha256").fetchall()
    assert cached == direct and len(cached) == 302
