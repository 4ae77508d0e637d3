"""The command line as a new user expects it: Chinese help with examples, -h and --version, Chinese
one-line usage errors, JSON arrays and JSON Lines, -o files and stdin, and the cross-checks a user
can get wrong (--previous of another body, explain with an unknown table)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from helpers import seed_input

GONGKAI = Path(sys.executable).with_name("gongkai")
COMMANDS = ("parse", "check", "explain", "fetch", "forms", "render", "template", "serve", "schema", "ingest",
            "export", "sql", "stats")
ENGLISH = ("Show this message", "Options", "Usage:", "Commands", "Arguments", "<bool>", "<str>", "<path>",
           "[default", "[required]", "TEXT", "INTEGER")


def run(*args: object, **kwargs):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"}, **kwargs)


def one_line_exit_2(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --------------------------------------------------------------------------- help
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_chinese_help_with_an_example(command):
    for flag in ("-h", "--help"):
        result = run(command, flag)
        assert result.exit_code == 0, result.output
        assert "用法：" in result.stdout and f" {command} [选项]" in result.stdout and "例：" in result.stdout
        assert "显示本帮助并退出" in result.stdout and "选项" in result.stdout
        for word in ENGLISH:
            assert word not in result.stdout, (command, word)


def test_top_level_help_version_and_python_m():
    top = run("-h")
    assert top.exit_code == 0 and "命令" in top.stdout and "ingest" in top.stdout
    assert not any(word in top.stdout for word in ENGLISH)
    version = run("--version")
    assert version.exit_code == 0 and version.stdout.startswith("gongkai ") and version.stdout.strip() != "gongkai"
    module = subprocess.run([sys.executable, "-m", "gongkai", "--version"], capture_output=True, text=True,
                            timeout=60)
    assert module.returncode == 0 and module.stdout == version.stdout


@pytest.mark.parametrize(("args", "expected"), [
    (["parse", "--bogus"], "没有这个选项：--bogus"),
    (["sql"], "缺少参数 QUERY"),
    (["sql", "SELECT 1", "--max-rows", "abc"], "--max-rows 的值无效：应为整数"),
    (["serve", "--port", "0"], "--port 的值无效：应不小于 1"),
    (["nosuch"], "没有这个命令：nosuch"),
    (["parse", "a", "b"], "多余的参数：b"),
    (["parse", "a", "--keep"], "选项 --keep 需要一个值"),
])
def test_bad_options_are_one_chinese_line_and_exit_2(args, expected):
    line = one_line_exit_2(run(*args))
    assert line.startswith("参数错误：") and expected in line and "-h 查看帮助" in line


def test_console_script_bad_option_no_traceback():
    proc = subprocess.run([str(GONGKAI), "export", "--labels"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("参数错误：选项 --labels 需要一个值（用 gongkai") and line.endswith("-h 查看帮助）")


def test_explain_with_an_unknown_table_names_the_valid_ones():
    line = one_line_exit_2(run("explain", seed_input("seed-huitong-2022"), "--table", "requestz"))
    assert "requestz" in line and "requests" in line and "review_litigation" in line and "proactive" in line


def test_check_previous_of_another_body_says_so():
    result = run("check", seed_input("seed-huitong-2022"), "--previous", seed_input("seed-jiangyou-2020"))
    assert result.exit_code == 2
    assert "另一个单位" in result.stderr and "未做跨年度核对" in result.stderr
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- output conventions
SEEDS = ("seed-huitong-2022", "seed-jiangyou-2020")


@pytest.fixture
def reports(tmp_path) -> Path:
    root = tmp_path / "in"
    for name in SEEDS:
        (root / name).mkdir(parents=True)
        (root / name / "input.txt").write_bytes(seed_input(name).read_bytes())
    return root


def test_parse_dir_json_is_one_array_and_jsonl_one_line_each(reports):
    array = run("parse", reports, "--json", "--no-provenance")
    assert array.exit_code == 0
    docs = json.loads(array.stdout)
    assert isinstance(docs, list) and [d["report"]["organization"] for d in docs] == ["会同县人民政府", "江油市人民政府"]
    lines = run("parse", reports, "--jsonl", "--no-provenance")
    assert [json.loads(x)["report"]["year"] for x in lines.stdout.splitlines()] == [2022, 2020]


def test_parse_output_file_format_follows_its_extension(reports, tmp_path):
    for name, check in (("all.json", lambda t: len(json.loads(t)) == 2),
                        ("all.jsonl", lambda t: len([json.loads(x) for x in t.splitlines()]) == 2)):
        result = run("parse", reports, "-o", tmp_path / name, "--no-provenance")
        assert result.exit_code == 0 and result.stdout == ""
        assert check((tmp_path / name).read_text(encoding="utf-8")), name
    assert not list(tmp_path.glob(".*.part"))
    single = run("parse", seed_input("seed-huitong-2022"), "-o", "-", "--json")
    assert json.loads(single.stdout)["report"]["year"] == 2022


def test_parse_reads_standard_input():
    result = run("parse", "-", "--json", input=seed_input("seed-huitong-2022").read_bytes())
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["source"]["path"] == "<stdin>" and doc["report"]["organization"] == "会同县人民政府"
    assert "文件为空" in one_line_exit_2(run("parse", "-", input=b""))


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_jsonl_stays_valid_utf8_whatever_the_file_names(tmp_path):
    root = tmp_path / "names"
    root.mkdir()
    odd = os.fsencode(root) + b"/\xb1\xa8\xb8\xe6-gbk-name.txt"  # 报告 in GBK: not UTF-8
    with open(odd, "wb") as f:
        f.write(seed_input("seed-huitong-2022").read_bytes())
    proc = subprocess.run([str(GONGKAI), "parse", str(root), "--jsonl", "--no-provenance"], capture_output=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode("utf-8")  # strict: raises on invalid bytes
    doc = json.loads(text)
    assert doc["report"]["organization"] == "会同县人民政府"
    assert doc["source"]["path"].endswith("-gbk-name.txt")


# --------------------------------------------------------------------------- inputs found by content
def test_directory_runs_read_files_by_their_bytes_not_their_names(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    text = seed_input("seed-huitong-2022").read_bytes()
    for name in ("nb.jsp", "nb.shtml?x=1", "NOEXT", "REPORT.TXT"):
        (root / name).write_bytes(text)
    (root / "pics.zip").write_bytes(_zip_of_other_things())
    (root / "tool.bin").write_bytes(b"\x7fELF" + bytes(200))
    (root / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # an image with no text
    (root / ".hidden.txt").write_bytes(text)
    result = run("parse", root, "--jsonl", "--no-provenance")
    assert result.exit_code == 0, result.output  # skipped files are not failures
    names = sorted(Path(json.loads(x)["source"]["path"]).name for x in result.stdout.splitlines())
    assert names == ["NOEXT", "REPORT.TXT", "nb.jsp", "nb.shtml?x=1"]
    skipped = [x for x in result.stderr.splitlines() if x.startswith("跳过")]
    assert len(skipped) == 3 and len(result.stderr.strip().splitlines()) == 3
    assert any("pics.zip" in x and "压缩包" in x for x in skipped)
    assert any("tool.bin" in x and "程序" in x for x in skipped)
    assert any("scan.png" in x and "图片" in x for x in skipped)
    check = run("check", root)
    assert "共核对 4 份报告" in check.stdout and "跳过 3 个不是报告的文件" in check.stdout


def test_a_file_named_on_the_command_line_is_read_and_fails_if_it_cannot_be(tmp_path):
    archive = tmp_path / "pics.zip"
    archive.write_bytes(_zip_of_other_things())
    assert "无法读取" in one_line_exit_2(run("parse", archive))


def _zip_of_other_things() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photo1.jpg", b"\xff\xd8\xff" + bytes(10))
    return buf.getvalue()


# --------------------------------------------------------------------------- manifests
def test_a_manifest_fills_and_overrides_metadata(reports, tmp_path):
    manifest = tmp_path / "清单.csv"
    manifest.write_text("路径,单位,年度,发布日期,网址\n"
                        f"{reports / 'seed-huitong-2022' / 'input.txt'},湖南省怀化市会同县人民政府,2022,2023年1月20日,"
                        "https://www.huitong.gov.cn/nb2022.html\n", encoding="utf-8-sig")
    result = run("parse", reports / "seed-huitong-2022" / "input.txt", "--json", "--manifest", manifest)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["report"]["organization"] == "湖南省怀化市会同县人民政府"
    assert doc["report"]["published"] == "2023-01-20"
    assert doc["source"]["url"] == "https://www.huitong.gov.cn/nb2022.html"
    assert doc["provenance"]["report"]["published"] == "清单 清单.csv 第 2 行"
    other = run("parse", reports / "seed-jiangyou-2020" / "input.txt", "--json", "--manifest", manifest)
    assert json.loads(other.stdout)["report"]["organization"] == "江油市人民政府"  # no row: its own reading


def test_a_late_date_from_the_manifest_reaches_the_deadline_check(reports, tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,published\nseed-huitong-2022/input.txt,2023-06-30\n", encoding="utf-8")
    (reports / "m.csv").write_bytes(manifest.read_bytes())  # relative paths: from the manifest's folder
    result = run("check", reports / "seed-huitong-2022" / "input.txt", "--json", "--manifest", reports / "m.csv")
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert "D-1" in rules


@pytest.mark.parametrize(("content", "expected"), [
    ("单位,年度\n会同县,2022\n", "路径"),
    ("path,year\na.txt,20x2\n", "第 2 行：年度无效"),
    ("path,published\na.txt,2023-02-30\n", "第 2 行：发布日期无效"),
])
def test_a_bad_manifest_is_one_line_and_exit_2(tmp_path, content, expected):
    manifest = tmp_path / "bad.csv"
    manifest.write_text(content, encoding="utf-8")
    line = one_line_exit_2(run("parse", seed_input("seed-huitong-2022"), "--manifest", manifest))
    assert expected in line


def test_ingest_takes_the_manifest(reports, tmp_path):
    import duckdb

    manifest = tmp_path / "m.csv"
    manifest.write_text(f"path,body,published\n{reports / 'seed-jiangyou-2020' / 'input.txt'},四川省绵阳市江油市人民政府,"
                        "2021-01-15\n", encoding="utf-8")
    db = tmp_path / "m.duckdb"
    result = run("ingest", reports, "--db", db, "--manifest", manifest, "-j", "1")
    assert result.exit_code == 0, result.output
    rows = duckdb.connect(str(db), read_only=True).execute(
        "SELECT organization, CAST(published AS VARCHAR) FROM reports ORDER BY year").fetchall()
    assert rows == [("四川省绵阳市江油市人民政府", "2021-01-15"), ("会同县人民政府", None)]


def test_parse_output_on_a_full_disk_is_one_line_and_leaves_no_file(reports, tmp_path, monkeypatch):
    import errno
    import io

    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real_open = Path.open

    def open_full(self, mode="r", *args, **kwargs):
        return Full() if self.name.endswith(".part") and "w" in mode else real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_full)
    out = tmp_path / "out" / "all.jsonl"
    out.parent.mkdir()
    line = one_line_exit_2(run("parse", reports, "-o", out))
    assert "磁盘已满" in line and list(out.parent.iterdir()) == []


def test_render_and_template_write_to_stdout_with_dash():
    html = run("render", seed_input("seed-huitong-2022"), "--format", "html", "-o", "-")
    assert html.exit_code == 0 and html.stdout.startswith("<!DOCTYPE html>") and "标准输出" in html.stderr
    book = CliRunner().invoke(app, ["template", "-o", "-"])
    assert book.exit_code == 0 and book.stdout_bytes.startswith(b"PK\x03\x04")
    assert not Path("-").exists()
