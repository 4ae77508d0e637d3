"""The corpus database: ingest (idempotent, versioned, resumable after kill -9), cross-year findings,
failures, exports, SQL, stats and metrics."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest
from helpers import V2021, pair, render, truth
from typer.testing import CliRunner

import gongkai
from gongkai.cli import app
from gongkai.forms import ALL_FORMS
from gongkai.store import connect, ingest
from gongkai.store.export import cell_columns, export
from gongkai.store.sample import write_corpus

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TABLES = ("meta", "form_cells", "sources", "source_paths", "bodies", "reports", "cells", "findings", "failures",
          "dirty_bodies")


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a canonical order: two equal dumps are equal databases."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("db") / "examples.duckdb"
    summary = ingest([EXAMPLES], db, jobs=2)
    assert (summary.added, summary.failed) == (6, 0)
    return db


def test_ingest_stores_every_cell_and_finding(examples_db):
    for path in sorted(EXAMPLES.glob("*.txt")):
        report = gongkai.parse_path(path)
        stored = sorted(query(examples_db, "SELECT CAST(tbl AS VARCHAR), CAST(row AS VARCHAR), CAST(col AS VARCHAR), "
                                           "value, printed, line FROM cells WHERE sha256 = ?", [report.sha256]))
        expected = sorted((t, r, c, None if cell.value is None else float(cell.value), cell.printed, cell.line)
                          for t, rows in report.tables.items() for r, cols in rows.items()
                          for c, cell in cols.items())
        assert stored == expected, path.name
        rules = query(examples_db, "SELECT rule FROM findings WHERE sha256 = ? AND origin = 'report' ORDER BY ordinal",
                      [report.sha256])
        assert [r[0] for r in rules] == [f.rule for f in report.findings]
        (row,) = query(examples_db, "SELECT path, format, size FROM sources WHERE sha256 = ?", [report.sha256])
        assert row == (str(path.resolve()), "text", path.stat().st_size)


def test_schema_vocabulary_comes_from_the_forms(examples_db):
    defined = {(f.key, t.key, r.key, c) for f in ALL_FORMS.values() for t in f.tables for r in t.rows
               for c in t.row_columns(r)}
    assert set(query(examples_db, "SELECT CAST(template AS VARCHAR), CAST(tbl AS VARCHAR), CAST(row AS VARCHAR), "
                                  "CAST(col AS VARCHAR) FROM form_cells")) == defined
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{examples_db}' AS g (READ_ONLY)")
    with pytest.raises(duckdb.ConversionException):
        con.execute("SELECT CAST('no_such_row' AS g.row_key)")


def test_bodies_link_and_same_year_copies_are_flagged(examples_db):
    # altered-huitong-2022 and seed-huitong-2022: one body, one year, one cell different
    rows = query(examples_db, """SELECT s.path, f.rule, f.cells FROM findings f JOIN sources s USING (sha256)
                                 WHERE f.origin = 'crossyear'""")
    assert rows == [(str((EXAMPLES / "seed-huitong-2022.txt").resolve()), "X-4", ["requests.granted.natural_person"])]
    assert query(examples_db, "SELECT body_id, name, province, city, county, level FROM bodies "
                              "WHERE body_id LIKE '431225:%'") == [
        ("431225:人民政府", "会同县人民政府", "湖南省", "怀化市", "会同县", "county")]


def test_reingest_is_a_noop(examples_db, tmp_path):
    copy = tmp_path / "again.duckdb"
    shutil.copy(examples_db, copy)
    before = dump(copy)
    summary = ingest([EXAMPLES], copy, jobs=1)
    assert (summary.added, summary.known, summary.paths) == (0, 6, 0)
    assert dump(copy) == before


def test_changed_file_is_a_new_version(tmp_path):
    db, report = tmp_path / "v.duckdb", tmp_path / "r" / "huitong.txt"
    report.parent.mkdir()
    tables = truth(V2021[0])["tables"]
    report.write_text(render(tables, V2021), encoding="utf-8")
    ingest([report.parent], db, jobs=1)
    tables["review_litigation"]["review"]["upheld"] += 1
    tables["review_litigation"]["review"]["total"] += 1
    report.write_text(render(tables, V2021), encoding="utf-8")
    summary = ingest([report.parent], db, jobs=1)
    assert (summary.added, summary.versions) == (1, 1)
    assert [v for _, v in query(db, "SELECT sha256, version FROM source_paths ORDER BY version")] == [1, 2]
    (current,) = query(db, "SELECT sha256 FROM current_reports")
    assert query(db, "SELECT value FROM cells WHERE sha256 = ? AND tbl = 'review_litigation' AND row = 'review' "
                     "AND col = 'total'", [current[0]]) == [(float(tables["review_litigation"]["review"]["total"]),)]
    # an old version is no report of its own: no X-4 against the version it replaced
    assert query(db, "SELECT count(*) FROM findings WHERE origin = 'crossyear'") == [(0,)]


def test_cross_year_findings_in_the_corpus(tmp_path):
    folder, db = tmp_path / "r", tmp_path / "x.duckdb"
    folder.mkdir()
    doc, before = pair(V2021)  # consistent a year apart; then 2021 carries out 5 more than 2022 carries in
    later, earlier = doc["tables"], before["tables"]
    for col in ("natural_person", "total"):
        earlier["requests"]["carried_out"][col] += 5
        earlier["requests"]["new_received"][col] += 5  # T3-1 of 2021 still holds
    (folder / "2022.txt").write_text(render(later, V2021), encoding="utf-8")
    (folder / "2021.txt").write_text(render(earlier, V2021, year=2021).replace("会同县人民政府", "会同县"),
                                     encoding="utf-8")
    ingest([folder], db, jobs=1)
    rows = query(db, """SELECT r.year, f.rule, f.cells, f.related_sha256 = p.sha256 FROM findings f
                        JOIN reports r USING (sha256) JOIN reports p ON p.year = 2021
                        WHERE f.origin = 'crossyear'""")
    assert [r for r in rows if r[1] != "Q-DUP-1"] == [
        (2022, "X-1", ["requests.carried_in.natural_person", "requests.carried_in.total"], True)]
    # both years were rendered with the same wording: ingest runs the text-copying measure too, as check --previous
    assert [r[1] for r in rows if r[1] == "Q-DUP-1"] == ["Q-DUP-1"]
    # the two years are one body (会同县 = 会同县人民政府): year-on-year change of requests received
    now, before = later["requests"]["new_received"]["total"], earlier["requests"]["new_received"]["total"]
    assert query(db, "SELECT year, new_received, new_received_change FROM body_year_metrics ORDER BY year") == [
        (2021, before, None), (2022, now, pytest.approx((now - before) / before))]
    # correcting the earlier report (a new version of its file) clears the finding
    earlier["requests"]["carried_out"] = dict(later["requests"]["carried_in"])
    (folder / "2021.txt").write_text(render(earlier, V2021, year=2021), encoding="utf-8")
    ingest([folder], db, jobs=1)
    assert [r[1] for r in query(db, "SELECT sha256, rule FROM findings WHERE origin = 'crossyear'")] == ["Q-DUP-1"]


def test_failures_are_recorded_listed_and_skipped(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "f.duckdb"
    folder.mkdir()
    shutil.copy(EXAMPLES / "seed-jiangyou-2020.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n")
    summary = ingest([folder], db, jobs=1)
    assert (summary.added, summary.failed) == (1, 2)
    result = CliRunner().invoke(app, ["ingest", "--failed", "--db", str(db)])
    assert result.exit_code == 0
    lines = sorted(result.stdout.splitlines())
    assert len(lines) == 2 and lines[0].endswith("empty.txt\t" + summary_reason(summary, "empty.txt"))
    assert "PDF" in lines[1]
    again = ingest([folder], db, jobs=1)
    assert (again.added, again.known, again.failed) == (0, 3, 0)


def summary_reason(summary, name: str) -> str:
    return next(f.reason for f in summary.failures if f.path.endswith(name))


def die_on_poison(tasks):
    """A worker that crashes (as a C library might) on one file; parses the rest normally."""
    from gongkai.store.worker import parse_chunk

    if any(path.endswith("poison.txt") for path, _, _ in tasks):
        os._exit(3)
    return parse_chunk(tasks)


def test_a_crashing_worker_fails_one_file_only(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "c.duckdb"
    folder.mkdir()
    for p in sorted(EXAMPLES.glob("seed-*.txt")):
        shutil.copy(p, folder / p.name)
    shutil.copy(EXAMPLES / "altered-huitong-2022.txt", folder / "poison.txt")
    summary = ingest([folder], db, jobs=2, chunk_fn=die_on_poison)
    assert (summary.added, summary.failed) == (5, 1)
    assert query(db, "SELECT kind FROM failures") == [("crash",)]


def test_kill_midway_then_rerun_equals_a_clean_run(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 600, seed=7, broken_every=50)
    clean, killed = tmp_path / "clean.duckdb", tmp_path / "killed.duckdb"
    command = [sys.executable, "-m", "gongkai.cli", "ingest", str(corpus), "--jobs", "2", "--db"]
    assert subprocess.run([*command, str(clean)], capture_output=True).returncode == 2  # 12 broken files
    proc = subprocess.Popen([*command, str(killed)], stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:  # the first commit is reported; kill the writer while it carries on
        if line.startswith("已入库"):
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    (stored,) = query(killed, "SELECT count(*) FROM reports")[0]
    assert 0 < stored < 588, stored
    subprocess.run([*command, str(killed)], capture_output=True)
    assert dump(killed) == dump(clean)


def test_export_wide_csv_reproduces_every_cell(tmp_path, examples_db):
    out = tmp_path / "wide.csv"
    con = connect(examples_db, read_only=True)
    try:
        n = export(con, out, "csv", wide=True)
    finally:
        con.close()
    assert out.read_bytes().startswith(b"\xef\xbb\xbfsha256,")  # Excel on Chinese Windows needs the BOM
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = {r["sha256"]: r for r in csv.DictReader(f)}
    assert n == len(rows) == 6
    stored = query(examples_db, "SELECT sha256, CAST(tbl AS VARCHAR), CAST(row AS VARCHAR), CAST(col AS VARCHAR), "
                                "value FROM cells")
    for sha, t, r, c, value in stored:
        text = rows[sha][f"{t}.{r}.{c}"]
        assert (None if text == "" else float(text)) == value, (sha, t, r, c)
    keys = [k for _, _, _, k, _ in cell_columns()]
    filled = sum(1 for row in rows.values() for k in keys if row[k] != "")
    assert filled == sum(1 for *_, v in stored if v is not None)


def test_export_long_parquet_and_xlsx(tmp_path, examples_db):
    (cells,) = query(examples_db, "SELECT count(*) FROM cells")[0]
    runner = CliRunner()
    parquet, xlsx = tmp_path / "long.parquet", tmp_path / "long.xlsx"
    for fmt, out in (("parquet", parquet), ("xlsx", xlsx)):
        result = runner.invoke(app, ["export", "--format", fmt, "--long", "--labels", "zh", "-o", str(out),
                                     "--db", str(examples_db)])
        assert result.exit_code == 0, result.output
    assert duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchall() == [(cells,)]
    assert "行名" in [d[0] for d in duckdb.connect().execute(f"SELECT * FROM read_parquet('{parquet}')").description]
    with zipfile.ZipFile(xlsx) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == cells + 1
    bad = runner.invoke(app, ["export", "--format", "json", "--db", str(examples_db)])
    assert bad.exit_code == 2


def test_sql_reads_and_never_writes(examples_db):
    runner = CliRunner()
    ok = runner.invoke(app, ["sql", "SELECT count(*) AS n FROM reports", "--csv", "--db", str(examples_db)])  # no BOM on stdout
    assert ok.exit_code == 0 and ok.stdout.splitlines() == ["n", "6"]
    for statement in ("DELETE FROM reports", "COPY reports TO '/tmp/gongkai-leak.csv'", "SELEC 1"):
        result = runner.invoke(app, ["sql", statement, "--db", str(examples_db)])
        assert result.exit_code == 2, statement
    assert query(examples_db, "SELECT count(*) FROM reports") == [(6,)]
    missing = runner.invoke(app, ["sql", "SELECT 1", "--db", str(examples_db.parent / "none.duckdb")])
    assert missing.exit_code == 2


def test_stats_and_metrics(examples_db):
    from gongkai.store.stats import breakdowns

    con = connect(examples_db, read_only=True)
    try:
        parts = {title: rows for title, _, rows in breakdowns(con)}
    finally:
        con.close()
    assert parts["按年度"] == [("2016", 1, 0.0), ("2019", 2, 0.0), ("2020", 1, 0.0), ("2022", 2, 50.0)]
    assert ("湖南省", 2, 50.0) in parts["按省份"]
    assert {r[0] for r in parts["最常见的核对意见"]} >= {"T3-2", "T3-3", "X-4"}
    result = CliRunner().invoke(app, ["stats", "--db", str(examples_db)])
    assert result.exit_code == 0 and "按层级" in result.stdout
    # 实质公开率 = (予以公开 + 部分公开) / 办理结果总计, from the seed's truth
    requests = truth("seed-jiangyou-2020")["tables"]["requests"]
    expected = (requests["granted"]["total"] + requests["partial"]["total"]) / requests["results_total"]["total"]
    (rate,) = query(examples_db, "SELECT substantive_rate FROM report_metrics WHERE body_id = '510781:人民政府'")[0]
    assert rate == pytest.approx(expected)


def test_database_location_option_env_and_default(tmp_path, monkeypatch):
    runner = CliRunner()
    report = str(EXAMPLES / "seed-jiangyou-2020.txt")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GONGKAI_DB", raising=False)
    assert runner.invoke(app, ["ingest", report, "--jobs", "1"]).exit_code == 0
    assert query(tmp_path / "gongkai.duckdb", "SELECT organization FROM reports") == [("江油市人民政府",)]
    env_db = tmp_path / "env.duckdb"
    result = runner.invoke(app, ["ingest", report, "--jobs", "1"], env={"GONGKAI_DB": str(env_db)})
    assert result.exit_code == 0 and env_db.exists()
    assert runner.invoke(app, ["stats"], env={"GONGKAI_DB": str(env_db)}).exit_code == 0
    assert runner.invoke(app, ["ingest"]).exit_code == 2  # nothing to ingest


def test_cross_year_pass_in_small_groups_gives_the_same_findings(tmp_path, monkeypatch):
    """The pass streams bodies in groups (bounded sorts); the grouping never changes a finding."""
    from gongkai.store import crossyear

    found = []
    for size in (crossyear.REPORTS_PER_PASS, 1):
        monkeypatch.setattr(crossyear, "REPORTS_PER_PASS", size)
        db = tmp_path / f"g{size}.duckdb"
        ingest([EXAMPLES], db, jobs=1)
        found.append(sorted(map(str, query(db, "SELECT sha256, rule, cells, related_sha256 FROM findings "
                                               "WHERE origin = 'crossyear'"))))
        assert query(db, "SELECT count(*) FROM dirty_bodies") == [(0,)]
    assert found[0] == found[1] and len(found[0]) >= 1
    assert query(db, "SELECT count(DISTINCT body_id) FROM reports")[0][0] >= 3  # several groups at size 1
