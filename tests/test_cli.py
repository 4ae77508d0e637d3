"""The `gongkai` command line: parse / check / explain on seeds, bad inputs and other encodings.

Commands run in-process with typer's CliRunner (stdout and stderr captured apart); two runs go
through the installed console script to prove that no traceback reaches a user's terminal.
"""

from __future__ import annotations

import json
import random
import shutil
import zipfile
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app
from helpers import V2021, bump, render, seed_input, seed_tables, severe, truth

SEEDS = ["seed-chuanhui-2019", "seed-donghu-2016", "seed-huitong-2022", "seed-jiangyou-2020",
         "seed-liubei-culture-2019"]
REPORT_FIELDS = ("organization", "year", "template", "published")
GONGKAI = Path(sys.executable).with_name("gongkai")


def run(*args, columns: int = 400):
    """Invoke the app; a wide console so rich never wraps a message or a table row."""
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})


def no_crash(result) -> None:
    """The command ended by its own exit, not by an exception, and printed no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def expect_truth(doc: dict, name: str) -> None:
    t = truth(name)
    assert doc["tables"] == t["tables"]
    assert {k: doc["report"][k] for k in REPORT_FIELDS} == {k: t["report"][k] for k in REPORT_FIELDS}


def copy_seed(name: str, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(seed_input(name), dest)
    return dest


def t3_1_report(tmp_path: Path) -> Path:
    """The v2021 seed with one request too many carried out (T3-1 fails in 自然人 and 总计)."""
    tables = seed_tables(V2021)
    bump(tables, "requests", "carried_out", 1)
    path = tmp_path / "t31.txt"
    path.write_text(render(tables, V2021, "pipe"), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------ parse

@pytest.mark.parametrize("name", SEEDS)
def test_parse_file_json_prints_one_document_equal_to_the_truth(name):
    result = run("parse", seed_input(name), "--json")
    no_crash(result)
    assert result.exit_code == 0
    assert result.stderr == ""
    doc = json.loads(result.stdout)  # the whole of stdout is exactly one JSON document
    expect_truth(doc, name)
    assert doc["source"]["path"] == str(seed_input(name))
    assert doc["source"]["format"] == "text"
    assert len(doc["source"]["sha256"]) == 64
    assert severe(doc["findings"]) == truth(name)["expect_findings"] == []


def test_parse_dir_jsonl_one_line_per_report_recursive_and_past_a_bad_file(tmp_path):
    copy_seed("seed-huitong-2022", tmp_path / "1-huitong.txt")
    (tmp_path / "2-broken.txt").write_bytes(b"")  # between the good ones, in sorted order
    copy_seed("seed-jiangyou-2020", tmp_path / "sub" / "deeper" / "3-jiangyou.txt")
    copy_seed("seed-liubei-culture-2019", tmp_path / "sub" / "4-liubei.txt")
    with zipfile.ZipFile(tmp_path / "sub" / "photos.zip", "w") as z:  # an archive of other things: skipped
        z.writestr("a.txt", "x")

    result = run("parse", tmp_path, "--jsonl")
    no_crash(result)
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    docs = [json.loads(line) for line in lines]
    by_name = {Path(d["source"]["path"]).name: d for d in docs}
    assert sorted(by_name) == ["1-huitong.txt", "3-jiangyou.txt", "4-liubei.txt"]
    expect_truth(by_name["1-huitong.txt"], "seed-huitong-2022")
    expect_truth(by_name["3-jiangyou.txt"], "seed-jiangyou-2020")
    expect_truth(by_name["4-liubei.txt"], "seed-liubei-culture-2019")
    err, skip = sorted(result.stderr.strip().splitlines(), key=lambda x: "跳过" in x)
    assert "2-broken.txt" in err and "文件为空" in err
    assert skip.startswith("跳过") and "photos.zip" in skip and "压缩包" in skip


def test_parse_dir_jsonl_all_good_exits_0(tmp_path):
    for name in SEEDS:
        copy_seed(name, tmp_path / name / "input.txt")
    result = run("parse", tmp_path, "--jsonl", "--no-provenance")
    no_crash(result)
    assert result.exit_code == 0
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(d["source"]["path"]).parent.name for d in docs] == SEEDS
    for doc, name in zip(docs, SEEDS):
        expect_truth(doc, name)
        assert "provenance" not in doc


# ------------------------------------------------------------------------------------ check

def test_check_clean_seed_exits_0_and_says_passed():
    result = run("check", seed_input("seed-huitong-2022"))
    no_crash(result)
    assert result.exit_code == 0
    assert "通过" in result.stdout
    assert "会同县人民政府" in result.stdout
    assert "错误 0，警告 0，提示 1" in result.stdout  # its section 六 is "无": no fee statement
    assert "提示 Q-S6-1" in result.stdout


def test_check_report_with_t3_1_error_exits_1_and_names_the_rule(tmp_path):
    result = run("check", t3_1_report(tmp_path))
    no_crash(result)
    assert result.exit_code == 1
    assert "有错误" in result.stdout
    assert "T3-1" in result.stdout
    assert "错误 2，警告 0" in result.stdout
    assert "办理结果总计 2 + 结转下年度 1 = 3" in result.stdout


def test_check_json_prints_one_line_per_report_with_findings(tmp_path):
    bad = t3_1_report(tmp_path)
    good = copy_seed("seed-jiangyou-2020", tmp_path / "z-good.txt")
    result = run("check", bad, good, "--json")
    no_crash(result)
    assert result.exit_code == 1
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert set(first) == {"source", "report", "findings"}
    assert first["source"]["path"] == str(bad)
    assert first["report"]["template"] == "v2021"
    assert [(f["rule"], f["severity"], f["cells"][-1]) for f in first["findings"]] == [
        ("T3-1", "error", "requests.carried_out.natural_person"), ("T3-1", "error", "requests.carried_out.total")]
    assert second["source"]["path"] == str(good)
    assert second["findings"] == []


def test_check_json_clean_exits_0():
    result = run("check", seed_input("seed-chuanhui-2019"), "--json")
    no_crash(result)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["report"]["organization"] == "川汇区人民政府办公室"
    assert doc["findings"] == []


def test_check_dir_without_reports_exits_2(tmp_path):
    result = run("check", tmp_path)  # nothing at all
    no_crash(result)
    assert result.exit_code == 2
    assert "没有找到报告文件" in result.stderr
    (tmp_path / "readme.md").write_text("x", encoding="utf-8")  # every file is read by its bytes
    result = run("check", tmp_path)
    assert result.exit_code == 2 and "readme.md" in result.stderr and "不是政府信息公开工作年度报告" in result.stderr


# ------------------------------------------------------------------------------------ explain

def _explain_row(stdout: str, cell: str) -> list[str]:
    rows = [line for line in stdout.splitlines() if line.startswith("│") and line.split("│")[1].strip() == cell]
    assert len(rows) == 1, stdout
    return [part.strip() for part in rows[0].split("│")[1:-1]]


def test_explain_shows_row_label_and_column_header_for_a_cell():
    result = run("explain", seed_input("seed-jiangyou-2020"))
    no_crash(result)
    assert result.exit_code == 0
    assert "template: v2019" in result.stdout
    cell, value, printed, line, row_label, column = _explain_row(result.stdout, "granted.total")
    assert (value, printed, column) == ("12", "12", "总计")
    assert "予以公开" in row_label and "（第 184 行）" in row_label
    text_lines = seed_input("seed-jiangyou-2020").read_text(encoding="utf-8").split("\n")
    assert line.startswith("第 ") and line.endswith(" 行")
    assert text_lines[int(line[2:-2]) - 1].strip() == "12"
    assert "予以公开" in text_lines[183]

    cell, value, printed, line, row_label, column = _explain_row(result.stdout, "review.upheld")
    assert (value, column) == ("0", "结果维持")
    assert row_label.startswith("行政复议")


def test_explain_locates_pdf_cells_by_page_and_box():
    from conftest import CORPUS

    result = run("explain", CORPUS / "huaian-2024" / "input.pdf", "--table", "review_litigation")
    assert result.exit_code == 0
    _, value, printed, where, row_label, column = _explain_row(result.stdout, "review.upheld")
    assert (value, printed, column) == ("72", "72", "结果维持")
    assert where.startswith("第 5 页 (")


def test_explain_table_option_limits_the_output():
    result = run("explain", seed_input("seed-huitong-2022"), "--table", "proactive")
    no_crash(result)
    assert result.exit_code == 0
    _, value, printed, _, row_label, column = _explain_row(result.stdout, "fees.amount_wan")
    assert (value, printed) == ("3351.29", "3351.29")
    assert row_label == "行政事业性收费（第 56 行）"  # the label as printed, not the block heading above it
    assert column == "本年收费金额(单位:万元)"  # the header as printed (normalised), not its match key
    assert "granted.total" not in result.stdout


# ------------------------------------------------------------------------------------ bad inputs

NEWS = ("新华社北京3月5日电 今天上午，十四届全国人大一次会议在人民大会堂开幕。国务院总理作政府工作报告，回顾过去一年"
        "经济社会发展成就，部署今年重点工作。代表们认真听取报告，认为报告实事求是、催人奋进。\n")
NEWS_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>全市召开春季农业生产工作会议</title></head>"
             "<body><div class=\"nav\">首页 | 新闻中心 | 通知公告</div><p>3月10日，全市春季农业生产工作会议召开。"
             "会议强调，要抓好粮食生产，确保完成全年目标任务。</p><div>版权所有：某某市人民政府</div></body></html>")


def _make(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / {"pdf": "report.pdf", "html": "news.html"}.get(kind, f"{kind}.txt")
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "junk":
        path.write_bytes(random.Random(7).randbytes(4096) + b"\x00\x01\x02" + random.Random(8).randbytes(512))
    elif kind == "sparse50mb":
        with path.open("wb") as f:
            f.truncate(50 * 1024 * 1024)
    elif kind == "text50mb":
        block = seed_input("seed-huitong-2022").read_bytes()
        with path.open("wb") as f:
            for _ in range(50 * 1024 * 1024 // len(block) + 1):
                f.write(block)
    elif kind == "news":
        path.write_text(NEWS, encoding="utf-8")
    elif kind == "html":
        path.write_text(NEWS_PAGE, encoding="utf-8")
    elif kind == "pdf":
        path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")
    elif kind != "missing":
        raise ValueError(kind)
    return path


BAD = {
    "empty": "文件为空",
    "junk": "不是文本文件",
    "sparse50mb": "文件过大（50.0 MB）",
    "text50mb": "文件过大",
    "news": "不是政府信息公开工作年度报告",
    "html": "不是政府信息公开工作年度报告",
    "missing": "找不到文件",
    "pdf": "PDF 文件没有页面",
}


@pytest.mark.parametrize("command", ["parse", "check", "explain"])
@pytest.mark.parametrize("kind", list(BAD))
def test_bad_input_one_clear_line_on_stderr_exit_2(kind, command, tmp_path):
    path = _make(kind, tmp_path)
    args = ["parse", path, "--json"] if command == "parse" else [command, path]
    result = run(*args)
    no_crash(result)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("无法读取 ")
    assert path.name in lines[0]
    assert BAD[kind] in lines[0]


def test_news_about_disclosure_work_is_not_a_report(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text("我市召开2023年政务公开工作推进会\n发布时间：2023-04-12 10:20 来源：市政府办公室\n"
                    "4月11日，我市召开2023年政务公开工作推进会。会议通报了2022年度各县区政府信息公开工作考核情况，"
                    "要求各单位进一步做好主动公开、依申请公开工作，规范办理政府信息公开申请，妥善处理行政复议和行政"
                    "诉讼案件，并按时发布政府信息公开工作年度报告。\n", encoding="utf-8")
    result = run("parse", path, "--json")
    assert result.exit_code == 2
    assert "不是政府信息公开工作年度报告" in result.stderr


def test_console_script_bad_input_no_traceback(tmp_path):
    junk = _make("junk", tmp_path)
    proc = subprocess.run([str(GONGKAI), "parse", str(junk), "--json"], capture_output=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == b""
    stderr = proc.stderr.decode("utf-8")
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines() == [f"无法读取 {junk}：不是文本文件（含二进制内容），无法作为年度报告读取"]


def test_console_script_directory_run_with_a_missing_and_a_good_file(tmp_path):
    good = copy_seed("seed-huitong-2022", tmp_path / "good.txt")
    missing = tmp_path / "missing.txt"
    proc = subprocess.run([str(GONGKAI), "check", "--json", str(missing), str(good)], capture_output=True,
                          timeout=60)
    assert proc.returncode == 2
    stderr = proc.stderr.decode("utf-8")
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines() == [f"无法读取 {missing}：找不到文件：{missing}"]
    doc = json.loads(proc.stdout.decode("utf-8"))
    assert doc["report"]["organization"] == "会同县人民政府"
    assert severe(doc["findings"]) == []


# ------------------------------------------------------------------------------------ encodings

@pytest.mark.parametrize("name,encoding,detected", [
    ("seed-huitong-2022", "gb18030", "gb18030"),
    ("seed-jiangyou-2020", "gb18030", "gb18030"),
    ("seed-liubei-culture-2019", "big5", "big5hkscs"),
])
def test_re_encoded_seed_parses_to_the_same_tables(name, encoding, detected, tmp_path):
    data = seed_input(name).read_text(encoding="utf-8").encode(encoding, errors="replace")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really is in the legacy encoding
    path = tmp_path / f"{name}.{encoding}.txt"
    path.write_bytes(data)
    result = run("parse", path, "--json")
    no_crash(result)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    expect_truth(doc, name)
    assert doc["source"]["encoding"] == detected
    assert severe(doc["findings"]) == []


# ------------------------------------------------------------------------------------ paths as printed

def test_error_line_names_a_bracketed_file_exactly(tmp_path):
    path = tmp_path / "report[final].txt"
    path.write_bytes(b"")
    result = run("parse", path)
    no_crash(result)
    assert result.exit_code == 2
    assert "report[final].txt" in result.stderr


def test_check_a_report_whose_path_contains_a_closing_tag(tmp_path):
    folder = tmp_path / "2022["
    folder.mkdir()
    path = copy_seed("seed-huitong-2022", folder / "]会同.txt")  # the path reads …/2022[/]会同.txt
    result = run("check", path)
    no_crash(result)
    assert result.exit_code == 0
    assert "通过" in result.stdout


# ----------------------------------------------------------------------------- forms, summary, suspects

def test_forms_lists_rows_labels_and_identities_from_the_definition():
    from gongkai.forms import FORMS

    result = run("forms", "v2021")
    no_crash(result)
    assert result.exit_code == 0
    table = FORMS["v2021"].table("requests")
    for row in table.rows:  # every row of the definition, with its key and printed label
        assert row.key in result.stdout and row.label in result.stdout
    assert "T3-1：new_received + carried_in = results_total + carried_out（每列）" in result.stdout
    assert "v2019" not in result.stdout


def test_forms_unknown_template_exits_2():
    result = run("forms", "v2030")
    assert result.exit_code == 2
    assert "没有这个格式" in result.stderr and "v2019、v2021" in result.stderr


def test_check_directory_prints_a_summary_and_the_suspect_cell(tmp_path):
    tables = seed_tables(V2021)
    tables["requests"]["granted"]["natural_person"] += 1  # one typo: breaks its row's and its column's sums
    (tmp_path / "a.txt").write_text(render(tables, V2021, "pipe"), encoding="utf-8")
    copy_seed("seed-jiangyou-2020", tmp_path / "b.txt")
    result = run("check", tmp_path)
    assert result.exit_code == 1
    assert "共核对 2 份报告：通过 1，有错误 1" in result.stdout
    assert "疑点 requests.granted.natural_person 同时出现在 2 条错误中（T3-2、T3-3）" in result.stdout
