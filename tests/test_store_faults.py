"""The corpus commands as a user meets them: output conventions (format by extension, stdout, BOM,
SQL output formats, Excel for people) and faults (corrupt file, full disk, read-only place), each
ending in one Chinese line and exit status 2."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.store import ingest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GONGKAI = Path(sys.executable).with_name("gongkai")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "examples.duckdb"
    summary = ingest([EXAMPLES], path, jobs=2)
    assert (summary.added, summary.failed) == (6, 0)
    return path


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "400"})


def one_line_exit_2(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --------------------------------------------------------------------------- output conventions
def test_export_format_follows_the_extension(db, tmp_path):
    for name, magic in (("x.xlsx", b"PK"), ("x.parquet", b"PAR1"), ("x.csv", b"\xef\xbb\xbf")):
        result = run("export", "-o", tmp_path / name, "--db", db)
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_bytes().startswith(magic), name
    result = run("export", "-o", tmp_path / "y.xlsx", "--format", "csv", "--db", db)  # --format wins
    assert (tmp_path / "y.xlsx").read_bytes().startswith(b"\xef\xbb\xbfsha256")


def test_export_to_stdout_and_no_bom(db, tmp_path):
    result = run("export", "-o", "-", "--db", db)
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][0] == "sha256" and len(rows) == 7  # no BOM on stdout: programs read it
    run("export", "-o", tmp_path / "p.csv", "--no-bom", "--db", db)
    assert (tmp_path / "p.csv").read_bytes().startswith(b"sha256,")


def test_parquet_counts_are_integers(db, tmp_path):
    out = tmp_path / "w.parquet"
    assert run("export", "-o", out, "--db", db).exit_code == 0
    described = {r[0]: r[1] for r in duckdb.connect().execute(f"DESCRIBE SELECT * FROM read_parquet('{out}')").fetchall()}
    assert described["requests.granted.total"] == "BIGINT"
    assert described["substantive_rate"] == "DOUBLE" and described["published"] == "DATE"


def test_excel_export_is_made_for_people(db, tmp_path):
    out = tmp_path / "people.xlsx"
    assert run("export", "-o", out, "--labels", "zh", "--db", db).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["数据", "核对意见"]
    data, findings = book["数据"], book["核对意见"]
    assert data.freeze_panes == "A2" and data.auto_filter.ref and findings.auto_filter.ref
    header = [c.value for c in data[1]]
    assert "表三·予以公开·总计" in header and "实质公开率" in header and "层级" in header
    rate = header.index("实质公开率")
    rates = [r[rate] for r in data.iter_rows(min_row=2) if r[rate].value is not None]
    assert rates and all(c.number_format == "0.0%" for c in rates)
    count = header.index("表三·予以公开·总计")
    counts = [r[count] for r in data.iter_rows(min_row=2) if r[count].value is not None]
    assert counts and all(isinstance(c.value, int) for c in counts)
    levels = {r[header.index("层级")].value for r in data.iter_rows(min_row=2)} - {None}
    assert levels and levels <= {"省级", "地市级", "县级", "乡镇级", "中央"}
    published = [r[header.index("发布日期")].value for r in data.iter_rows(min_row=2)
                 if r[header.index("发布日期")].value is not None]
    assert all(hasattr(v, "year") for v in published)
    (n_findings,) = duckdb.connect(str(db), read_only=True).execute(
        "SELECT count(*) FROM findings JOIN current_reports USING (sha256)").fetchone()
    assert findings.max_row == n_findings + 1 and n_findings > 0
    assert {r[5].value for r in findings.iter_rows(min_row=2)} <= {"错误", "警告", "提示"}


def test_sql_prints_json_by_default_and_other_formats_on_request(db):
    result = run("sql", "SELECT year, count(*) AS n FROM reports GROUP BY year ORDER BY year", "--db", db)
    doc = json.loads(result.stdout)
    assert doc["columns"] == ["year", "n"] and doc["truncated"] is False
    assert sum(n for _, n in doc["rows"]) == 6
    nl = run("sql", "SELECT sha256, published FROM reports ORDER BY sha256", "--nl", "--db", db)
    lines = [json.loads(x) for x in nl.stdout.splitlines()]
    assert len(lines) == 6 and set(lines[0]) == {"sha256", "published"}
    tsv = run("sql", "SELECT 1 AS a, 'x' AS b", "--tsv", "--db", db)
    assert tsv.stdout == "a\tb\n1\tx\n"
    table = run("sql", "SELECT 1 AS a", "--table", "--db", db)
    assert "┃ a ┃" in table.stdout
    capped = run("sql", "SELECT * FROM range(10)", "--max-rows", "3", "--db", db)
    assert len(json.loads(capped.stdout)["rows"]) == 3 and json.loads(capped.stdout)["truncated"] is True
    assert "--max-rows" in capped.stderr
    assert "只能选一种" in one_line_exit_2(run("sql", "SELECT 1", "--csv", "--nl", "--db", db))
    assert "文件" in one_line_exit_2(run("sql", "SELECT * FROM read_csv('/etc/passwd')", "--db", db))


def test_sql_time_limit_is_one_line(db):
    line = one_line_exit_2(run("sql", "SELECT count(*) FROM range(100000000000) a", "--timeout", "0.5", "--db", db))
    assert "秒未完成" in line


# --------------------------------------------------------------------------- faults
def _corrupt(src: Path, dest: Path, start: int) -> Path:
    shutil.copyfile(src, dest)
    size = dest.stat().st_size
    with dest.open("r+b") as f:
        for offset in range(start, size, 4096):
            f.seek(offset + 100)
            f.write(b"\xa5" * 64)
    return dest


@pytest.mark.parametrize("start", [4096, 300_000])  # the header block, the data blocks
def test_a_corrupt_database_is_one_line_and_exit_2_everywhere(db, tmp_path, start):
    bad = _corrupt(db, tmp_path / "bad.duckdb", start)
    for command in (["stats"], ["export", "-o", tmp_path / "x.csv"], ["export", "-o", tmp_path / "x.xlsx"],
                    ["sql", "SELECT * FROM cells"], ["ingest", "--failed"], ["ingest", EXAMPLES, "-j", "1"]):
        result = run(*command, "--db", bad)
        line = one_line_exit_2(result)
        assert "数据库" in line, command
        assert result.stdout == "", command  # `stats` once printed half a summary and exited 0
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.xlsx").exists()


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))


def test_ingest_on_a_full_disk_is_one_line_then_resumes(tmp_path):
    """A file-size limit makes every write past 1.5 MB fail as a full disk does (EFBIG; Python ignores
    SIGXFSZ); the run stops with one line, blames no report, and a later run completes."""
    target = tmp_path / "full.duckdb"
    proc = subprocess.run([str(GONGKAI), "ingest", str(EXAMPLES), "--db", str(target), "-j", "1"],
                          capture_output=True, text=True, preexec_fn=_limit_file_size, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [x for x in proc.stderr.splitlines() if "磁盘已满" in x]
    assert len(errors) == 1 and proc.stderr.strip().splitlines()[-1] == errors[0]
    failed = subprocess.run([str(GONGKAI), "ingest", "--failed", "--db", str(target)],
                            capture_output=True, text=True, timeout=120)
    assert failed.returncode == 0 and failed.stdout == ""  # no report blamed for the disk
    again = subprocess.run([str(GONGKAI), "ingest", str(EXAMPLES), "--db", str(target), "-j", "1"],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    (n,) = duckdb.connect(str(target), read_only=True).execute("SELECT count(*) FROM reports").fetchone()
    assert n == 6


def test_ingest_into_a_read_only_place_is_one_line(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise duckdb.IOException('IO Error: Cannot open file "/ro/x.duckdb": Read-only file system')

    monkeypatch.setattr("gongkai.store.db.duckdb.connect", refuse)
    line = one_line_exit_2(run("ingest", EXAMPLES, "--db", tmp_path / "x.duckdb", "-j", "1"))
    assert "没有写入权限" in line


def test_export_on_a_full_disk_leaves_nothing_half_written(db, tmp_path, monkeypatch):
    import gongkai.store.export as export_module

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export_module, "_csv", full)
    line = one_line_exit_2(run("export", "-o", tmp_path / "x.csv", "--db", db))
    assert "磁盘已满" in line
    assert list(tmp_path.iterdir()) == []


def test_too_large_integers_are_refused_not_rounded():
    from gongkai.store.export import text

    assert text(2.0**53 - 1) == "9007199254740991"
    with pytest.raises(Exception, match="2\\^53"):
        text(2.0**60)


def test_ingest_reads_every_file_by_its_bytes_and_counts_the_skipped(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(EXAMPLES / sorted(p.name for p in EXAMPLES.iterdir() if p.suffix == ".txt")[0], src / "nb.jsp")
    (src / "tool.bin").write_bytes(b"\x7fELF" + bytes(100))
    summary = ingest([src], tmp_path / "x.duckdb", jobs=1)
    assert (summary.added, summary.failed) == (1, 0)
    assert [(Path(p).name, "程序" in r) for p, r in summary.skipped] == [("tool.bin", True)]


def test_a_correction_too_long_to_keep_exactly_is_refused_not_blanked():
    from gongkai.review import ReviewError, _parse_correction

    assert _parse_correction("123456789012") == 123456789012
    with pytest.raises(ReviewError, match="位数过多"):
        _parse_correction("123456789012345678901")


def test_a_fractional_correction_keeps_its_column_exact(tmp_path):
    from gongkai.api import parse_path
    from gongkai.review import correct_cell
    from gongkai.store import connect

    text = sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".txt")[0]
    db = tmp_path / "c.duckdb"
    ingest([text], db, jobs=1)
    report = parse_path(text)
    con = connect(db)
    correct_cell(con, report.sha256, report, "requests.new_received.total", "2.5", "试验", "张三")
    con.close()
    out = tmp_path / "c.csv"
    assert run("export", "-o", out, "--values", "corrected", "--db", db).exit_code == 0
    (row,) = csv.DictReader(out.open(encoding="utf-8-sig"))
    assert row["requests.new_received.total"] == "2.5"  # not rounded to an integer
