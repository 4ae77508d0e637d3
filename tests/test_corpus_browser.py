"""The corpus pages in a real browser (Playwright driving Debian's chromium) on a store of 2,000
generated reports plus the real fixtures (the 洪泽 2023 PDF, the 会同 2022 report and a 2023 copy
of its altered version): filter to a province and year, open a body and see its charts drawn
with no console error, compare two years and see the changed cell and a repeated passage, the
dashboard's figures equal `gongkai stats` and a SQL query, a list's CSV reads back, and the SQL
page refuses each forbidden statement with a message.

The store is built once for the module (in-process parsing, ~15 s of CPU). Screenshots go to
tests/artifacts/; with GONGKAI_UPDATE_DOCS=1 the body timeline and the comparison also replace
the README's docs/img/body-timeline.png and docs/img/compare.png.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

from browser_support import chromium, require_browser, serving, shot  # noqa: E402

playwright_api = require_browser()

from gongkai.store import connect  # noqa: E402
from gongkai.store.stats import breakdowns, on_time  # noqa: E402
from gongkai.synth import synthetic_store  # noqa: E402
from gongkai.web.app import create_app  # noqa: E402

from test_corpus import FORBIDDEN, huitong_pair  # noqa: E402

ROOT = Path(__file__).parent.parent
HONGZE = Path(__file__).parent / "fixtures" / "corpus" / "hongze-2023" / "input.pdf"
N_REPORTS = 2000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("corpus-browser") / "c.duckdb"
    con = connect(db)
    extra = [*huitong_pair(), ("hongze-2023.pdf", HONGZE.read_bytes())]
    assert synthetic_store(con, N_REPORTS, extra=extra) == N_REPORTS + len(extra)
    con.close()
    app = create_app(db, jobs=1)
    with serving(app) as base:
        yield base, app


@pytest.fixture(scope="module")
def browser():
    with chromium(playwright_api) as b:
        yield b


@pytest.fixture
def page(browser, served):
    base, _ = served
    # the page's own CSP stays on (the charts must draw under it); nothing here needs eval
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=base)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


def test_filter_to_a_province_and_year_then_open_a_body_and_see_its_charts(page, served):
    _, app = served
    page.goto("/corpus/reports")
    assert f"报告（{N_REPORTS + 3} 份）" in page.inner_text("h1")
    page.select_option("#filters select[name='province']", "湖南省")
    page.select_option("#filters select[name='year']", "2023")
    page.click("#filters button[type='submit']")
    page.wait_for_load_state()
    rows = page.locator("#corpus-reports tbody tr")
    assert rows.count() > 0
    assert all("湖南省" in t for t in page.locator("#corpus-reports tbody tr td:nth-child(2)").all_inner_texts())
    assert set(page.locator("#corpus-reports tbody tr td:nth-child(3)").all_inner_texts()) == {"2023"}
    (n,) = app.state.workspace.cursor().execute(
        "SELECT count(*) FROM current_reports r JOIN bodies b USING (body_id) WHERE b.province = '湖南省' "
        "AND r.year = 2023").fetchone()
    assert f"报告（{n} 份）" in page.inner_text("h1")
    # the CSV of this list reads back: the same reports
    href = page.get_attribute("#csv-link", "href")
    body = page.request.get(href).text().lstrip("\ufeff")
    back = list(csv.DictReader(io.StringIO(body)))
    assert len(back) == n and {r["province"] for r in back} == {"湖南省"} and {r["year"] for r in back} == {"2023"}
    # open the body of the first report: its timeline with the charts drawn
    page.locator("#corpus-reports tbody tr td:first-child a").first.click()
    page.wait_for_selector("#body-reports")
    page.wait_for_selector("div.chart[data-rendered='yes'] svg")
    assert page.locator("div.chart[data-rendered='yes']").count() == 5
    assert page.locator("div.chart svg path").count() > 5
    assert page.errors == []  # type: ignore[attr-defined]


def test_body_timeline_screenshot_and_compare_two_years(page, served):
    _, app = served
    body_id = app.state.workspace.cursor().execute(
        "SELECT body_id FROM current_reports r JOIN sources s USING (sha256) WHERE s.path LIKE '%huitong-2023%'"
    ).fetchone()[0]
    page.goto("/corpus/body?id=" + body_id)
    page.wait_for_selector("div.chart[data-rendered='yes'] svg")
    assert "会同县人民政府" in page.inner_text("#body-header h1")
    years = page.locator("#body-reports tbody tr").evaluate_all("rows => rows.map(r => r.dataset.year)")
    assert "2022" in years and "2023" in years
    shot(page, "body-timeline.png", docs=True)
    # compare 2023 with the year before, from the timeline's link (the store also has generated
    # reports of this body: the 2023 copy's link compares it with the first-ingested 2022 report)
    row = page.locator("#body-reports tbody tr[data-year='2023']", has_text="huitong-2023.txt")
    row.locator("a.compare-link").click()
    page.wait_for_selector("#compare-requests")
    cell = page.locator("#compare-requests tr[data-cell='requests.granted.natural_person']")
    assert cell.locator("td").all_inner_texts()[:3] == ["1", "2", "+1"]
    assert "changed" in (cell.get_attribute("class") or "")
    marks = page.locator("#compare-sections mark.repeat")
    assert marks.count() > 0 and len(marks.first.inner_text()) >= 12
    assert "重复" in page.inner_text("#compare-sections")
    cell.evaluate("row => row.scrollIntoView({block: 'center'})")
    shot(page, "compare.png", docs=True)
    marks.first.evaluate("mark => mark.scrollIntoView({block: 'center'})")
    shot(page, "compare-text.png")
    with page.expect_download() as download:
        page.click("#compare-docx")
    assert download.value.suggested_filename.endswith(".docx")
    assert page.errors == []  # type: ignore[attr-defined]


def test_dashboard_equals_gongkai_stats_and_sql(page, served):
    _, app = served
    con = app.state.workspace.cursor()
    page.goto("/corpus/dashboard")
    page.wait_for_selector("div.chart[data-rendered='yes'] svg")
    assert int(page.inner_text("#fact-reports")) == N_REPORTS + 3
    expected = breakdowns(con)
    for i, (title, _, rows) in enumerate(expected):
        shown = page.locator(f"#breakdown-{i} tbody tr").evaluate_all(
            "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText))")
        assert shown == [["—" if v is None else str(v) for v in row] for row in rows], title
    punctual = on_time(con)
    assert page.inner_text("#fact-on-time").startswith(f"{punctual['on_time']} / {punctual['dated']}")
    # the same count by SQL, on the SQL page
    page.goto("/corpus/sql")
    page.fill("#sql", "SELECT count(*) AS n FROM current_reports WHERE year = 2023")
    page.click("#sql-form button[type='submit']")
    page.wait_for_selector("#sql-result")
    by_sql = int(page.locator("#sql-result tbody td").first.inner_text())
    by_year = dict((str(r[0]), r[1]) for r in expected[0][2])
    assert by_sql == by_year["2023"]
    assert page.errors == []  # type: ignore[attr-defined]


def test_sql_page_refuses_each_forbidden_statement(page):
    for sql in FORBIDDEN:
        page.goto("/corpus/sql")
        page.fill("#sql", sql)
        page.click("#sql-form button[type='submit']")
        message = page.wait_for_selector("#sql-error").inner_text()
        assert message and ("只能执行只读查询" in message or "不能调用" in message or "SQL 出错" in message), (sql, message)
        assert page.locator("#sql-result").count() == 0
