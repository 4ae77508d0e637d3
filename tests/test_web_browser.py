"""The reviewer's walk-through in a real browser (Playwright driving Debian's chromium).

Upload the 洪泽 2023 PDF → its page shows the three tables with the 表四 total cells marked as
errors → click the finding → the page image shows a box at that cell → dismiss it with a note →
reload: still dismissed and in the history → correct a cell → the error is gone and the history
shows old → new; a batch of 20 files with two bad ones; a body name with markup shown as text.
Skipped when chromium or Playwright is missing; `pytest -m 'not browser'` skips them too.
Screenshots go to tests/artifacts/ (git-ignored); with GONGKAI_UPDATE_DOCS=1 the report page one also
replaces the README's docs/img/report-page.png (a normal run leaves the work tree as it was).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

from browser_support import chromium, require_browser, serving, shot  # noqa: E402

playwright_api = require_browser()

from gongkai.synth import synthesize  # noqa: E402
from gongkai.web.app import create_app  # noqa: E402

ROOT = Path(__file__).parent.parent
HONGZE = Path(__file__).parent / "fixtures" / "corpus" / "hongze-2023" / "input.pdf"
HUITONG = ROOT / "examples" / "seed-huitong-2022.txt"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("browser") / "b.duckdb"
    with serving(create_app(db, jobs=2)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium(playwright_api) as b:
        yield b


@pytest.fixture
def page(browser, server):
    # bypass_csp: the page forbids eval, which Playwright's wait_for_function uses (the page itself needs none)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=server, bypass_csp=True)
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()


def _name(page) -> None:
    page.goto("/")
    page.fill("#reviewer-name", "李审核")
    page.click("header form.who button")
    page.wait_for_load_state()


def _upload(page, files: list[dict]) -> None:
    page.goto("/")
    page.set_input_files("#files", files)
    page.click("#upload-button")
    page.wait_for_selector("#batch[data-done='yes']", timeout=120_000)


def test_reviewer_walk_through_on_the_hongze_pdf(page):
    _name(page)
    _upload(page, [{"name": "洪泽区2023年报.pdf", "mimeType": "application/pdf", "buffer": HONGZE.read_bytes()}])
    assert "已入库" in page.inner_text("#batch")
    page.click("#batch a[href^='/reports/']")
    page.wait_for_selector("#table-review_litigation")
    shot(page, "report-top.png")
    for table in ("proactive", "requests", "review_litigation"):
        assert page.locator(f"#table-{table}").is_visible()
    for row in ("review", "litigation_after_review"):
        cell = page.locator(f"td[data-cell='review_litigation.{row}.total']")
        assert "err" in cell.get_attribute("class").split()
        assert cell.inner_text().strip() == "0"
    # click the finding → the PDF page with a box at the cell
    page.click("li[data-rule='T4-1'] a.finding-link")
    image = page.wait_for_selector("#page-image")
    page.wait_for_function("document.querySelector('#page-image').complete "
                           "&& document.querySelector('#page-image').naturalWidth > 0")
    assert "第 4 页" in page.inner_text("#source")
    box = image.bounding_box()
    assert box is not None and box["width"] > 200
    image.scroll_into_view_if_needed()
    shot(page, "finding-page-image.png")
    # dismiss with a note; reload: still dismissed, in the history
    item = page.locator("li[data-rule='T4-1']")
    item.locator("input[name='note']").fill("复议案件已另行核实")
    item.locator("button[value='dismissed']").click()
    page.wait_for_load_state()
    page.reload()
    item = page.locator("li[data-rule='T4-1']")
    assert "state-dismissed" in item.get_attribute("class")
    assert "已驳回（李审核）" in item.inner_text()
    assert "驳回核对意见" in page.inner_text("#history") and "复议案件已另行核实" in page.inner_text("#history")
    # correct the 行政诉讼·复议后起诉 total: T4-3 disappears; the history shows 0 → 5
    page.click("td[data-cell='review_litigation.litigation_after_review.total']")
    form = page.wait_for_selector("#correct-form")
    form.query_selector("input[name='value']").fill("5")
    form.query_selector("input[name='note']").fill("据原件核实，总计应为 5")
    form.query_selector("button[type='submit']").click()
    page.wait_for_load_state()
    assert page.locator("li[data-rule='T4-3']").count() == 0
    fixed = page.locator("td[data-cell='review_litigation.litigation_after_review.total']")
    assert "fixed" in fixed.get_attribute("class") and "err" not in fixed.get_attribute("class")
    assert "0 → 5" in page.inner_text("#history")
    # the report page as a reviewer sees it, with a finding's source open: the README's screenshot
    page.click("td[data-cell='review_litigation.review.total']")
    page.wait_for_selector("#page-image")
    page.wait_for_function("document.querySelector('#page-image').complete")
    page.locator("#table-review_litigation").scroll_into_view_if_needed()
    assert shot(page, "report-page.png", docs=True).stat().st_size > 10_000  # a rendered page, not an empty image
    # the opinion downloads as a Word file
    with page.expect_download() as download:
        page.click("#opinion-link")
    assert download.value.suggested_filename.endswith(".docx")


def test_batch_of_twenty_with_two_bad_files(page):
    files = [{"name": f"synthetic-{n}.txt", "mimeType": "text/plain", "buffer": synthesize(n, fmt="text").data}
             for n in range(18)]
    files.insert(5, {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""})
    files.insert(12, {"name": "broken.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%broken"})
    _upload(page, files)
    rows = page.locator("#batch tbody tr")
    assert rows.count() == 20
    failed = page.locator("#batch tr.st-failed")
    assert failed.count() == 2
    assert "文件为空" in failed.nth(0).inner_text() and "broken.pdf" in failed.nth(1).inner_text()
    assert page.locator("#batch tr.st-stored").count() + page.locator("#batch tr.st-exists").count() == 18
    shot(page, "batch.png")
    # the list filters by status and sorts by the number of errors
    page.goto("/?status=error")
    badges = page.locator("#report-list span.badge").all_inner_texts()
    assert badges and set(badges) == {"错误"}


def test_markup_in_a_body_name_is_shown_as_text(page):
    text = HUITONG.read_text(encoding="utf-8").replace("会同县2022年政府信息公开工作年度报告",
                                                       "<b>x</b>会同县人民政府2022年政府信息公开工作年度报告", 1)
    _upload(page, [{"name": "<i>xss</i>.txt", "mimeType": "text/plain", "buffer": text.encode()}])
    page.click("#batch a[href^='/reports/']")
    page.wait_for_selector("#report-header")
    assert "<b>x</b>会同县人民政府" in page.inner_text("#report-header h1")
    assert page.locator("#report-header h1 b").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]
