"""Damaged and hostile files through the real command line: each is refused with exit status 2 and
exactly one line on stderr, no traceback, within a time limit and under 1 GiB of memory; and one
bad file never stops or poisons a batch (`parse DIR`, `check DIR`, `ingest`)."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest

from gongkai import parse_bytes
from gongkai.synth import synthesize

GONGKAI = str(Path(sys.executable).with_name("gongkai"))
TIMEOUT = 60  # seconds: a guard against hangs, not a speed measurement
MEMORY_LIMIT = 1024  # MiB of peak resident memory
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


_LAUNCH = r"""
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_cli(*args: str) -> tuple[int, str, str, int]:
    """(exit status, stdout, stderr, peak RSS in MiB) of `gongkai args`.

    A small launcher forks the command and reports its rusage: on Linux a child's peak RSS
    includes the memory of the process it was forked from, so forking from this test process
    would measure pytest. The command gets a 4 GiB address-space ceiling, so a blow-up fails
    here instead of taking the machine.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCH, rss.name, GONGKAI, *args], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"gongkai {' '.join(args)} did not finish in {TIMEOUT} s")
        peak = int(rss.read() or 0) // 1024
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), peak


@pytest.fixture(scope="module")
def good() -> dict[str, bytes]:
    return {fmt: synthesize(11, fmt=fmt).data for fmt in ("text", "html", "docx", "pdf")}


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


def _docx_body(body: str) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>",
                 "word/document.xml": f"<w:document {W}><w:body>{body}</w:body></w:document>".encode()})


def _with_member(docx: bytes, name: str, change) -> bytes:  # type: ignore[no-untyped-def]
    source = zipfile.ZipFile(io.BytesIO(docx))
    return _zip({i.filename: change(source.read(i)) if i.filename == name else source.read(i)
                 for i in source.infolist()})


def _encrypted_pdf() -> bytes:
    """A PDF whose standard security handler wants a password (no user password opens it)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -4 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef>"
            b"<0123456789abcdef0123456789abcdef>] >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return bytes(out)


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width`×`height` pixels (a decompression bomb's header)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")


def _nested_tables(depth: int) -> str:
    inner = "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>"
    return inner


CASES = {
    "empty": lambda g: b"",
    "only-spaces": lambda g: b"  \n\n \t ",
    "binary-zeros": lambda g: b"\x00" * 4096,
    "random-binary": lambda g: bytes(range(256)) * 64,
    "gif": lambda g: b"GIF89a" + b"\x00" * 100,
    "rar": lambda g: b"Rar!\x1a\x07\x00" + b"\x00" * 100,
    "not-a-report": lambda g: "今天天气很好。\n我们去公园散步。\n".encode() * 50,
    "pdf-encrypted": lambda g: _encrypted_pdf(),
    "pdf-cut-in-half": lambda g: g["pdf"][: len(g["pdf"]) // 2],
    "pdf-cut-in-half-eof-added": lambda g: g["pdf"][: len(g["pdf"]) // 2] + b"\n%%EOF\n",
    "pdf-garbage-after-header": lambda g: b"%PDF-1.7\n" + bytes(range(256)) * 200 + b"\n%%EOF\n",
    "pdf-header-only": lambda g: b"%PDF-1.4\n%%EOF\n",
    "docx-cut-short": lambda g: g["docx"][: len(g["docx"]) // 2],
    "docx-xml-cut-short": lambda g: _with_member(g["docx"], "word/document.xml", lambda b: b[: len(b) // 2]),
    "docx-xml-broken": lambda g: _with_member(g["docx"], "word/document.xml", lambda b: b.replace(b"</w:tc>", b"</w:tx>", 3)),
    "docx-no-document": lambda g: _zip({"hello.txt": b"hi"}),
    "docx-wrong-root": lambda g: _zip({"word/document.xml": b"<html><body>x</body></html>"}),
    "docx-zip-bomb": lambda g: _zip({"word/document.xml": b"<" + b"a" * 300_000_000 + b">"}),
    "docx-80-nested-tables": lambda g: _docx_body(_nested_tables(80)),
    "docx-entity-expansion": lambda g: _zip({"word/document.xml": (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<w:document ' + W.encode() + b'><w:body><w:p><w:r><w:t>&d;&d;&d;&d;</w:t></w:r></w:p></w:body></w:document>')}),
    "html-100k-nested-divs": lambda g: b"<html><body>" + b"<div>" * 100_000 + "政府信息公开".encode() + b"</div>" * 100_000,
    "html-span-grid": lambda g: b"<html><body><table>" + (b"<tr>" + b'<td rowspan="100" colspan="100">1</td>' * 200
                                                         + b"</tr>") * 200 + b"</table></body></html>",
    "text-over-16mb": lambda g: b"a" * (17 * 1024 * 1024),
    "text-300k-lines": lambda g: g["text"] + b"1\n" * 300_000,
    "image-truncated-jpeg": lambda g: b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 50,
    "image-bad-png": lambda g: b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
    "image-decompression-bomb": lambda g: _png_header(50_000, 50_000),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_file_is_one_line_and_exit_2(name: str, good: dict[str, bytes], tmp_path: Path):
    path = tmp_path / f"{name}.bin"
    path.write_bytes(CASES[name](good))
    status, out, err, peak = run_cli("parse", str(path), "--json")
    assert status == 2, (status, err[-500:])
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "内部错误" not in err, err[-1000:]
    assert lines[0].startswith("无法读取") and any("\u4e00" <= ch <= "\u9fff" for ch in lines[0][4:])
    assert peak <= MEMORY_LIMIT, f"{name}: peak {peak} MiB"


HUGE_LINES = {
    "numbers": lambda g: g["text"] + b"\n" + b"1 " * 5_000_000 + b"\n",
    "figures": lambda g: g["text"] + b"\n" + "收到申请1件".encode() * 600_000 + b"\n",
    "pipes": lambda g: g["text"] + b"\n" + b"| " * 5_000_000 + b"\n",
}


@pytest.mark.parametrize("shape", sorted(HUGE_LINES))
def test_a_10mb_line_after_a_report_costs_no_gigabytes(shape: str, good: dict[str, bytes], tmp_path: Path):
    """The report before the line is still read exactly; the line costs memory in proportion."""
    path = tmp_path / f"{shape}.txt"
    path.write_bytes(HUGE_LINES[shape](good))
    status, out, err, peak = run_cli("parse", str(path), "--json")
    assert status == 0 and err == ""
    assert peak <= 700, f"{shape}: peak {peak} MiB"
    truth = synthesize(11, fmt="text").truth["tables"]
    import json

    assert json.loads(out)["tables"]["requests"] == truth["requests"]


def test_special_files_are_never_opened_for_reading(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes: never
    for target, words in ((str(fifo), "不是普通文件"), ("/dev/zero", "不是普通文件"),
                          (str(tmp_path / "missing.txt"), "找不到文件")):
        status, out, err, _ = run_cli("parse", target, "--json")
        assert status == 2 and out == "" and len(err.splitlines()) == 1 and words in err, err
    # ingest hashes its inputs before parsing them: that must not open the pipe or read /dev/zero either
    status, _, err, _ = run_cli("ingest", str(fifo), "/dev/zero", "--db", str(tmp_path / "c.duckdb"), "--jobs", "1")
    assert "失败 2 个" in err and err.count("不是普通文件") == 2 and "Traceback" not in err


def test_a_directory_given_as_a_report_file(tmp_path: Path):
    status, _, err, _ = run_cli("explain", str(tmp_path))
    assert status == 2 and len(err.splitlines()) == 1 and "目录" in err


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(65 * 1024 * 1024)  # sparse: the size is checked before anything is read
    status, _, err, peak = run_cli("parse", str(big), "--json")
    assert status == 2 and "64 MB" in err and len(err.splitlines()) == 1
    assert peak < 200


def test_a_number_too_long_to_be_a_count_is_null_and_p1(good: dict[str, bytes]):
    text = good["text"].decode("utf-8")
    truth = synthesize(11, fmt="text").truth["tables"]
    report = parse_bytes(text.encode("utf-8"))
    row, col = next((r, c) for r, cols in report.tables["requests"].items() for c, cell in cols.items()
                    if cell.printed and cell.printed.isdigit() and cell.printed != "0")
    printed = report.tables["requests"][row][col].printed
    lines = text.split("\n")
    line = report.tables["requests"][row][col].line - 1
    lines[line], n = re.subn(rf"(?<![\d.]){printed}(?![\d.])", "9" * 5000, lines[line], count=1)
    assert n == 1
    damaged = parse_bytes("\n".join(lines).encode("utf-8"))
    cell = damaged.tables["requests"][row][col]
    assert cell.value is None and cell.printed is None
    p1 = [f for f in damaged.findings if f.rule == "P-1" and f"requests.{row}.{col}" in f.cells]
    assert p1 and "5000 位数字" in p1[0].message
    # every other cell still reads as printed
    for r, cols in truth["requests"].items():
        for c, v in cols.items():
            if (r, c) != (row, col):
                assert damaged.value("requests", r, c) == v, (r, c)


def test_bad_files_never_stop_a_directory_run(good: dict[str, bytes], tmp_path: Path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a-good.txt").write_bytes(good["text"])
    (folder / "b-nested.docx").write_bytes(CASES["docx-80-nested-tables"](good))
    (folder / "c-digits.html").write_bytes(good["html"].replace(b">0<", b">" + b"9" * 5000 + b"<", 1))
    (folder / "d-half.pdf").write_bytes(CASES["pdf-cut-in-half"](good))
    (folder / "e-deep.html").write_bytes(CASES["html-100k-nested-divs"](good))
    (folder / "f-good.docx").write_bytes(good["docx"])
    status, out, err, _ = run_cli("parse", str(folder), "--jsonl")
    assert status == 2
    parsed = [line for line in out.splitlines() if line.strip()]
    assert len(parsed) == 3  # the two good files and the one whose long number is null + P-1
    assert len(err.splitlines()) == 3 and "Traceback" not in err and "内部错误" not in err
    status, out, err, _ = run_cli("check", str(folder), "--json")
    assert status == 2 and len([x for x in out.splitlines() if x.strip()]) == 3 and len(err.splitlines()) == 3


def test_a_bad_file_never_poisons_an_ingest(good: dict[str, bytes], tmp_path: Path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a-digits.html").write_bytes(good["html"].replace(b">0<", b">" + b"9" * 5000 + b"<", 1))
    (folder / "b-nested.docx").write_bytes(CASES["docx-80-nested-tables"](good))
    db = str(tmp_path / "corpus.duckdb")
    status, _, err, _ = run_cli("ingest", str(folder), "--db", db, "--jobs", "1")
    assert status in (0, 2) and "Traceback" not in err, err
    (folder / "c-good.txt").write_bytes(good["text"])
    status, _, err, _ = run_cli("ingest", str(folder), "--db", db, "--jobs", "1")
    assert "Traceback" not in err, err
    status, out, err, _ = run_cli("sql", "SELECT count(*) FROM sources", "--db", db)
    assert status == 0 and "2" in out, (out, err)
    status, out, _, _ = run_cli("ingest", "--failed", "--db", db)
    assert "b-nested.docx" in out and "a-digits" not in out
