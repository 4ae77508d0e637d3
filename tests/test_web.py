"""The review workspace through its HTTP routes (FastAPI TestClient): every page and API route, the
review actions and their history, the downloads, and the guards (CSRF, password, upload caps).

The walk-through a reviewer takes in a browser is tests/test_web_browser.py.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from gongkai.cli import app as cli_app  # noqa: E402
from gongkai.store import StoreError, connect  # noqa: E402
from gongkai.web import workspace as workspace_module  # noqa: E402
from gongkai.web.app import create_app  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
HONGZE = FIXTURES / "corpus" / "hongze-2023" / "input.pdf"
EXAMPLES = Path(__file__).parent.parent / "examples"
HUITONG = EXAMPLES / "seed-huitong-2022.txt"
XSS = "<b>x</b>会同县人民政府"  # what the title reader keeps of a name with markup


def token(client: TestClient) -> str:
    return client.get("/api/csrf").json()["token"]


def upload(client: TestClient, *files: tuple[str, bytes]) -> list[dict]:
    response = client.post("/api/reports", files=[("files", f) for f in files], headers={"X-CSRF-Token": token(client)})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """One workspace with the 洪泽 2023 PDF stored (a module's tests share it; each resets the review)."""
    db = tmp_path_factory.mktemp("web") / "w.duckdb"
    app = create_app(db, jobs=1)
    with TestClient(app) as client:
        (entry,) = upload(client, ("hongze-2023.pdf", HONGZE.read_bytes()))
        client.cookies.set("gk_reviewer", "%E5%BC%A0%E4%B8%89")  # 张三, as the page stores it
        yield client, entry["sha256"], app


@pytest.fixture
def client(served):
    client, sha, app = served
    app.state.workspace.con.execute("DELETE FROM review_actions")
    return client, sha


def finding_key(client: TestClient, sha: str, rule: str) -> str:
    page = client.get(f"/reports/{sha}").text
    (key,) = re.findall(rf'data-finding="(\w+)" data-rule="{re.escape(rule)}"', page)
    return key


def cell_classes(page: str, key: str) -> list[str]:
    (classes,) = re.findall(rf'<td class="data ([^"]*)"[^>]*data-cell="{re.escape(key)}"', page)
    return classes.split()


def test_upload_stores_like_ingest_with_what_the_pages_show(served, tmp_path):
    client, sha, app = served
    assert len(sha) == 64
    again = upload(client, ("again.pdf", HONGZE.read_bytes()), ("empty.txt", b""), ("x.bin", b"\x00\x01binary"))
    assert [(e["name"], e["status"]) for e in again] == [("again.pdf", "exists"), ("empty.txt", "failed"),
                                                          ("x.bin", "failed")]
    assert again[0]["sha256"] == sha and again[1]["reason"] == "文件为空，没有可读取的内容"
    con = app.state.workspace.cursor()
    # the same sha256 identity, the original bytes, texts and each cell's PDF page and box
    assert con.execute("SELECT path FROM sources WHERE sha256 = ?", [sha]).fetchone() == ("上传/hongze-2023.pdf",)
    assert bytes(con.execute("SELECT data FROM originals WHERE sha256 = ?", [sha]).fetchone()[0]) == HONGZE.read_bytes()
    page, bbox = con.execute("""SELECT page, bbox FROM cells WHERE sha256 = ? AND tbl = 'review_litigation'
                                AND row = 'review' AND col = 'total'""", [sha]).fetchone()
    assert page == 4 and len(bbox) == 4 and bbox[0] < bbox[2] and bbox[1] < bbox[3]
    narrative, quality, sections = con.execute(
        "SELECT narrative, quality, sections FROM report_texts WHERE sha256 = ?", [sha]).fetchone()
    assert '"proactive_count": 1136' in narrative and '"accuracy"' in quality and '"一"' in sections
    assert con.execute("SELECT value FROM narrative_figures WHERE sha256 = ? AND figure = 'proactive_count'",
                       [sha]).fetchone() == (1136,)
    assert con.execute("SELECT count(*) FROM failures WHERE path = '上传/empty.txt'").fetchone() == (1,)


def test_report_page_marks_the_table4_total_cells_as_errors(client):
    client, sha = client
    page = client.get(f"/reports/{sha}")
    assert page.status_code == 200
    html = page.text
    assert "洪泽区人民政府" in html and "2023 年度" in html
    for table in ("proactive", "requests", "review_litigation"):
        assert f'id="table-{table}"' in html
    for row in ("review", "litigation_after_review"):
        assert "err" in cell_classes(html, f"review_litigation.{row}.total")
    assert "err" not in cell_classes(html, "review_litigation.litigation_direct.total")
    assert cell_classes(html, "requests.granted.total") == []
    # the findings name their cells in words; the quality scores are in the header
    assert "表四「行政复议」行「总计」列" in html
    assert re.search(r"<span>准确性</span><b>50</b>", html)


def test_source_view_draws_the_cell_box_on_the_pdf_page(client):
    from PIL import Image

    client, sha = client
    key = finding_key(client, sha, "T4-1")
    fragment = client.get(f"/reports/{sha}/source", params={"finding": key}).text
    assert "行政复议" in fragment and "第 4 页" in fragment
    (src,) = re.findall(r'id="page-image" src="([^"]+)"', fragment)
    image = client.get(src.replace("&amp;", "&"))
    assert image.headers["content-type"] == "image/png"
    picture = Image.open(io.BytesIO(image.content)).convert("RGB")
    # the box of 行政复议·总计, scaled like the image: its left edge is drawn in red
    bbox = app_bbox(client, sha, "review_litigation.review.total")
    x, y = int(bbox[0] * 1.6 - 2), int((bbox[1] + bbox[3]) / 2 * 1.6)
    r, g, b = picture.getpixel((x, y))
    assert r > 180 and g < 60 and b < 60
    # a single cell: its row label and column header, and the correction form
    one = client.get(f"/reports/{sha}/source", params={"cell": "review_litigation.review.total"}).text
    assert "总计" in one and 'id="correct-form"' in one


def app_bbox(client: TestClient, sha: str, key: str) -> list[float]:
    return client.get(f"/api/reports/{sha}").json()["provenance"]["cells"][key]["bbox"]


def test_text_source_view_highlights_the_printed_line(served):
    client, _, _ = served
    (entry,) = upload(client, ("huitong.txt", HUITONG.read_bytes()))
    sha = entry["sha256"]
    fragment = client.get(f"/reports/{sha}/source", params={"cell": "requests.new_received.total"}).text
    assert 'class="hit"' in fragment and "本年新收" in fragment
    assert "page-image" not in fragment


def test_dismiss_with_note_is_kept_and_undoable(client):
    client, sha = client
    key = finding_key(client, sha, "T4-1")
    done = client.post(f"/reports/{sha}/findings/{key}", data={"state": "dismissed", "note": "原件核实无误",
                                                              "csrf": token(client)}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(f"/reports/{sha}").text
    assert "已驳回（张三）" in page and "原件核实无误" in page
    assert "err" not in cell_classes(page, "review_litigation.review.total")  # dismissed: no longer marked
    review = client.get(f"/api/reports/{sha}").json()["review"]
    assert review["findings"][key]["state"] == "dismissed"
    (action,) = review["history"]
    undo = client.post(f"/reports/{sha}/undo/{action['id']}", data={"csrf": token(client)}, follow_redirects=False)
    assert undo.status_code == 303
    review = client.get(f"/api/reports/{sha}").json()["review"]
    assert review["findings"] == {} and [a["kind"] for a in review["history"]] == ["finding", "undo"]
    assert review["history"][0]["undone"] is True
    assert "err" in cell_classes(client.get(f"/reports/{sha}").text, "review_litigation.review.total")


def test_correction_rechecks_and_keeps_the_parse(client):
    client, sha = client
    cell = "review_litigation.review.total"
    posted = client.post(f"/reports/{sha}/cells/{cell}", data={"value": "11", "note": "据原件更正", "csrf": token(client)},
                         follow_redirects=False)
    assert posted.status_code == 303
    doc = client.get(f"/api/reports/{sha}").json()
    assert doc["tables"]["review_litigation"]["review"]["total"] == 0  # the parse is untouched
    assert doc["review"]["corrections"][cell] == {"old": "0", "new": "11", "note": "据原件更正", "who": "张三"}
    corrected = doc["review"]["corrected"]
    assert corrected["tables"]["review_litigation"]["review"]["total"] == 11
    assert "T4-1" not in [f["rule"] for f in corrected["findings"]]
    assert "T4-3" in [f["rule"] for f in corrected["findings"]]
    page = client.get(f"/reports/{sha}").text
    assert 'data-rule="T4-1"' not in page and "fixed" in cell_classes(page, cell)
    assert "0 → 11" in page  # the history shows old → new
    original = client.get(f"/reports/{sha}/export.json", params={"values": "original"}).json()
    fixed = client.get(f"/reports/{sha}/export.json", params={"values": "corrected"}).json()
    assert (original["values"], fixed["values"]) == ("original", "corrected")
    assert fixed["corrected_cells"] == [cell]
    assert original["tables"]["review_litigation"]["review"]["total"] == 0
    assert fixed["tables"]["review_litigation"]["review"]["total"] == 11


def test_bad_review_actions_are_refused_in_chinese(client):
    client, sha = client
    t = token(client)
    bad_value = client.post(f"/reports/{sha}/cells/review_litigation.review.total",
                            data={"value": "十一", "note": "x", "csrf": t})
    assert bad_value.status_code == 400 and "更正值应为数字" in bad_value.text
    no_reason = client.post(f"/reports/{sha}/cells/review_litigation.review.total", data={"value": "3", "csrf": t})
    assert no_reason.status_code == 400 and "请写明更正理由" in no_reason.text
    no_cell = client.post(f"/reports/{sha}/cells/requests.nothing.total", data={"value": "3", "note": "x", "csrf": t})
    assert no_cell.status_code == 400 and "没有这个单元格" in no_cell.text
    date = client.post(f"/reports/{sha}/published", data={"date": "2024-13-01", "csrf": t})
    assert date.status_code == 400 and "发布日期" in date.text
    anonymous = TestClient(client.app)
    t2 = token(anonymous)
    key = finding_key(client, sha, "T4-1")
    nameless = anonymous.post(f"/reports/{sha}/findings/{key}", data={"state": "confirmed", "csrf": t2})
    assert nameless.status_code == 400 and "审核人姓名" in nameless.text


def test_user_supplied_publication_date_gives_the_deadline_verdict(client):
    client, sha = client
    assert client.post(f"/reports/{sha}/published", data={"date": "2024-05-20", "csrf": token(client)}).status_code == 200
    doc = client.get(f"/api/reports/{sha}").json()
    assert doc["review"]["published"] == "2024-05-20"
    assert "D-1" in [f["rule"] for f in doc["review"]["corrected"]["findings"]]
    assert "逾期" in client.get(f"/reports/{sha}").text
    (row,) = [r for r in client.get("/api/reports").json()["rows"] if r["sha256"] == sha]
    assert row["published"] == "2024-05-20" and row["on_time"] is None  # judged on the report page


def test_post_without_csrf_token_is_refused(client):
    client, sha = client
    key = finding_key(client, sha, "T4-1")
    refused = client.post(f"/reports/{sha}/findings/{key}", data={"state": "dismissed"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    wrong = client.post("/api/reports", files=[("files", ("a.txt", b"x"))], headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403 and "CSRF" in wrong.json()["error"]
    assert client.get(f"/api/reports/{sha}").json()["review"]["history"] == []


def test_opinion_docx_names_the_confirmed_findings(client):
    from docx import Document

    client, sha = client
    key = finding_key(client, sha, "T4-3")
    client.post(f"/reports/{sha}/findings/{key}", data={"state": "confirmed", "note": "请更正表四", "csrf": token(client)})
    response = client.get(f"/reports/{sha}/opinion.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "关于洪泽区人民政府2023年度政府信息公开工作年度报告的审核意见" in text
    assert "T4-3" in text and "请更正表四" in text and "表四「行政诉讼·复议后起诉」行「总计」列（印为 0）" in text
    assert "T4-1" not in text  # not confirmed
    assert "审核人：张三" in text


def test_notice_xlsx_has_one_row_per_report(client):
    import openpyxl

    client, sha = client

    def hongze_row() -> tuple:
        sheet = openpyxl.load_workbook(io.BytesIO(client.get("/notice.xlsx").content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[2] == ("单位", "年度", "格式", "错误", "警告", "按期发布", "质量综合分", "主要问题")
        assert len({r[0] for r in rows[3:]}) == len(rows) - 3
        return next(r for r in rows[3:] if r[0] == "洪泽区人民政府")

    row = hongze_row()
    assert row[1:7] == (2023, "v2021", 2, 1, "未知", 79) and "T4-1" in row[7] and "T4-3" in row[7]
    key = finding_key(client, sha, "T4-3")
    client.post(f"/reports/{sha}/findings/{key}", data={"state": "confirmed", "csrf": token(client)})
    row = hongze_row()  # the main problems are the confirmed ones once a reviewer has confirmed any
    assert row[7].startswith("T4-3") and "T4-1" not in row[7]


def test_report_list_api_filters(served):
    client, sha, _ = served
    upload(client, ("huitong.txt", HUITONG.read_bytes()))  # stored, or already there
    everything = client.get("/api/reports").json()
    assert everything["total"] == len(everything["rows"]) >= 2
    first = everything["rows"][0]
    assert first["sha256"] == sha and first["status"] == "error"  # sorted by the number of errors
    assert client.get("/api/reports", params={"year": 2023}).json()["total"] == 1
    assert client.get("/api/reports", params={"form": "v2021", "has_errors": "true"}).json()["rows"][0]["sha256"] == sha
    assert client.get("/api/reports", params={"q": "洪泽"}).json()["total"] == 1
    assert client.get("/api/reports", params={"province": "江苏省"}).json()["total"] == 1
    assert client.get("/api/reports", params={"limit": 1, "offset": 1}).json()["rows"][0]["sha256"] != sha
    bad = client.get("/api/reports", params={"year": "二〇二三"})
    assert bad.status_code == 400 and "参数不正确" in bad.json()["error"]
    html = client.get("/", params={"status": "error"}).text
    assert "洪泽区人民政府" in html and "会同县" not in html


def test_sql_api_reads_only(served):
    client, sha, _ = served
    ok = client.get("/api/sql", params={"sql": f"SELECT count(*) AS n FROM cells WHERE sha256 = '{sha}'"}).json()
    assert ok == {"columns": ["n"], "rows": [[186]], "truncated": False}
    for sql, words in (("DROP TABLE cells", "只能执行只读查询"), ("SELECT 1; SELECT 2", "一次只能执行一条"),
                       ("SELEC 1", "SQL 出错"), ("SELECT * FROM read_csv('/etc/passwd')", "不能调用 read_csv"),
                       ("SELECT * FROM duckdb_databases()", "不能调用 duckdb_databases")):
        refused = client.get("/api/sql", params={"sql": sql})
        assert refused.status_code == 400 and words in refused.json()["error"], sql


def test_unknown_reports_and_routes_are_404_in_chinese(served):
    client, _, _ = served
    assert "没有这份报告" in client.get("/reports/" + "0" * 64).text
    assert client.get("/api/reports/../../etc/passwd").status_code == 404
    assert client.get("/api/reports/xyz").json() == {"error": "没有这份报告"}
    assert client.get("/static/../../app.py").status_code == 404
    assert client.get("/static/htmx.min.js").status_code == 200


def test_body_name_with_markup_is_shown_as_text(served):
    client, _, _ = served
    text = HUITONG.read_text(encoding="utf-8").replace("会同县2022年政府信息公开工作年度报告",
                                                       XSS + "2022年政府信息公开工作年度报告", 1)
    (entry,) = upload(client, ("<b>x</b>.txt", text.encode()))
    assert entry["status"] == "stored"
    page = client.get(f"/reports/{entry['sha256']}").text
    assert "&lt;b&gt;x&lt;/b&gt;会同县人民政府" in page and "<b>x</b>" not in page
    listing = client.get("/").text
    assert "&lt;b&gt;x&lt;/b&gt;.txt" in listing and "<b>x</b>" not in listing


def test_zip_upload_and_caps(served, monkeypatch):
    client, _, _ = served
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a/jiangyou.txt", (EXAMPLES / "seed-jiangyou-2020.txt").read_bytes())
        z.writestr("a/empty.txt", b"")
    result = upload(client, ("reports.zip", archive.getvalue()))
    assert [(e["name"], e["status"]) for e in result] == [("reports.zip/a/jiangyou.txt", "stored"),
                                                          ("reports.zip/a/empty.txt", "failed")]
    monkeypatch.setattr(workspace_module, "MAX_ZIP_MEMBERS", 1)
    (refused,) = upload(client, ("reports.zip", archive.getvalue()))
    assert refused["status"] == "failed" and "压缩包内文件过多" in refused["reason"]
    monkeypatch.setattr(workspace_module, "MAX_FILES", 1)
    too_many = client.post("/api/reports", files=[("files", ("a.txt", b"1")), ("files", ("b.txt", b"2"))],
                           headers={"X-CSRF-Token": token(client)})
    assert too_many.status_code == 413 and "一次最多上传 1 个文件" in too_many.json()["error"]


def test_the_same_file_twice_in_one_batch_is_stored_once(served):
    client, _, _ = served
    data = (EXAMPLES / "seed-liubei-culture-2019.txt").read_bytes()
    result = upload(client, ("one.txt", data), ("two.txt", data))
    assert [e["status"] for e in result] == ["stored", "exists"] and result[0]["sha256"] == result[1]["sha256"]


def test_upload_page_batch_progress(served):
    client, _, app = served
    response = client.post("/upload", data={"csrf": token(client)},
                           files=[("files", ("chuanhui.txt", (EXAMPLES / "seed-chuanhui-2019.txt").read_bytes())),
                                  ("files", ("bad.pdf", b"%PDF-1.7\n"))], follow_redirects=False)
    assert response.status_code == 303
    batch_url = response.headers["location"]
    batch = app.state.workspace.batches[batch_url.rsplit("/", 1)[1]]
    import time

    for _ in range(600):
        if batch.done:
            break
        time.sleep(0.05)
    rows = client.get(batch_url + "/rows").text
    assert "全部完成" in rows and "已入库" in rows and "失败" in rows
    assert 'data-done="yes"' in rows and "hx-trigger" not in rows  # polling stops when done


def test_password_guards_writes_and_reads(tmp_path):
    app = create_app(tmp_path / "p.duckdb", password="秘密", jobs=1)
    with TestClient(app) as client:
        assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=/"
        assert client.get("/api/reports").status_code == 401
        t = token(client)
        assert client.post("/login", data={"password": "错", "csrf": t}).status_code == 401
        assert client.post("/login", data={"password": "秘密", "csrf": t}, follow_redirects=False).status_code == 303
        assert client.get("/api/reports").status_code == 200
    public = create_app(tmp_path / "q.duckdb", password="秘密", public_read=True, jobs=1)
    with TestClient(public) as client:
        assert client.get("/api/reports").status_code == 200
        refused = client.post("/api/reports", files=[("files", ("a.txt", b"x"))], headers={"X-CSRF-Token": token(client)})
        assert refused.status_code == 401 and refused.json() == {"error": "需要登录（密码）"}


def test_serve_refuses_a_non_loopback_bind_without_password():
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 2
    assert "拒绝启动" in result.output and "--password" in result.output


def test_cli_ingest_on_the_servers_database_gets_one_clear_line(served, tmp_path):
    _, _, app = served
    db = app.state.workspace.db
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", "ingest", str(HUITONG), "--db", str(db)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "gongkai serve" in result.stderr and "Traceback" not in result.stderr


def test_version_1_store_is_refused_with_a_message(tmp_path):
    db = tmp_path / "old.duckdb"
    connect(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="由旧版 gongkai 建立（表结构版本 1，当前为 2）"):
        connect(db)


def test_schema_command_prints_the_tables():
    result = CliRunner().invoke(cli_app, ["schema"])
    assert result.exit_code == 0
    assert "CREATE TABLE review_actions" in result.output and "CREATE TABLE originals" in result.output
    assert "bbox DOUBLE[]" in result.output


def test_check_opinion_from_the_cli(tmp_path):
    from docx import Document
    import openpyxl

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes((EXAMPLES / "altered-huitong-2022.txt").read_bytes())
    (folder / "b.txt").write_bytes((EXAMPLES / "seed-jiangyou-2020.txt").read_bytes())
    out = tmp_path / "意见.docx"
    result = CliRunner().invoke(cli_app, ["check", str(folder), "--opinion", str(out)])
    assert result.exit_code == 1
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "会同县人民政府2022年度" in text and "T3-2" in text and "未经人工确认" in text
    xlsx = tmp_path / "通报.xlsx"
    CliRunner().invoke(cli_app, ["check", str(folder), "--opinion", str(xlsx)])
    rows = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))[3:]
    assert [(r[0], r[1], r[3]) for r in rows] == [("会同县人民政府", 2022, 2), ("江油市人民政府", 2020, 0)]
    bad = CliRunner().invoke(cli_app, ["check", str(folder), "--opinion", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2


def test_export_offers_original_or_corrected_values_flagged(tmp_path):
    import csv

    from gongkai.api import parse_path
    from gongkai.review import correct_cell, load_review, undo
    from gongkai.store import ingest

    db = tmp_path / "e.duckdb"
    ingest([HUITONG], db, jobs=1)
    report = parse_path(HUITONG)
    con = connect(db)
    fixed = correct_cell(con, report.sha256, report, "requests.new_received.total", "3", "据原件", "张三")
    correct_cell(con, report.sha256, report, "requests.granted.total", "9", "笔误", "张三")
    undo(con, report.sha256, fixed + 1, "张三")  # the second correction is undone
    assert list(load_review(con, report.sha256).corrections) == ["requests.new_received.total"]
    con.close()

    def wide(values: str) -> dict:
        out = tmp_path / f"{values}.csv"
        result = CliRunner().invoke(cli_app, ["export", "--db", str(db), "--values", values, "-o", str(out)])
        assert result.exit_code == 0, result.output
        (row,) = csv.DictReader(out.open(encoding="utf-8"))
        return row

    original, corrected = wide("original"), wide("corrected")
    assert original["requests.new_received.total"] == "2" and original["corrected_cells"] == ""
    assert corrected["requests.new_received.total"] == "3" and corrected["corrected_cells"] == "requests.new_received.total"
    assert corrected["requests.granted.total"] == original["requests.granted.total"] == "1"
    out = tmp_path / "long.csv"
    CliRunner().invoke(cli_app, ["export", "--db", str(db), "--long", "--values", "corrected", "-o", str(out)])
    flagged = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["corrected"] == "True"]
    assert [(r["tbl"], r["row"], r["col"], r["value"], r["printed"]) for r in flagged] == [
        ("requests", "new_received", "total", "3", "2")]
    bad = CliRunner().invoke(cli_app, ["export", "--db", str(db), "--values", "x"])
    assert bad.exit_code == 2


def test_cross_year_findings_follow_a_correction(client):
    """洪泽 2023 and 2024 (real reports) link as one body with no cross-year finding; correcting the
    2024 carried-in total makes X-1 appear on the page, re-run on the corrected tables."""
    client, sha2023 = client
    (later,) = upload(client, ("hongze-2024.pdf", (FIXTURES / "corpus" / "hongze-2024" / "input.pdf").read_bytes()))
    sha = later["sha256"]
    doc = client.get(f"/api/reports/{sha}").json()
    assert [f["rule"] for f in doc["crossyear_findings"] if f["rule"].startswith("X-")] == []
    carried = doc["tables"]["requests"]["carried_in"]["total"]
    client.post(f"/reports/{sha}/cells/requests.carried_in.total",
                data={"value": str(carried + 4), "note": "试改", "csrf": token(client)})
    doc = client.get(f"/api/reports/{sha}").json()
    (x1,) = [f for f in doc["review"]["corrected"]["crossyear_findings"] if f["rule"] == "X-1"]
    assert x1["related_sha256"] == sha2023 and x1["cells"] == ["requests.carried_in.total"]
    page = client.get(f"/reports/{sha}").text
    assert 'id="crossyear"' in page and "X-1" in page.split('id="crossyear"')[1]
