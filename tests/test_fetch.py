"""Downloading reports, against a local HTTP server (no other network is touched)."""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import load_case
from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.errors import InputError
from gongkai.fetch import fetch


class _Site(BaseHTTPRequestHandler):
    """Routes: /report.asp serves a PDF (wrong name and type), /flaky 500s twice, /slow stalls."""

    pdf = b""
    hits: dict[str, int] = {}
    agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        self.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/report.asp":
            self._send(200, self.pdf, "text/html")  # a CMS that lies about the type
        elif self.path == "/flaky" and self.hits[self.path] <= 2:
            self._send(503, b"busy", "text/plain")
        elif self.path == "/flaky":
            self._send(200, self.pdf, "application/octet-stream")
        elif self.path == "/slow":
            time.sleep(1.0)
            self._send(200, b"late", "text/plain")
        elif self.path == "/big":
            self._send(200, b"x" * 5000, "text/plain")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, code: int, body: bytes, kind: str) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site():
    _Site.pdf, _ = load_case("huaian-2024")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_parse_url_tells_the_format_from_the_bytes(site):
    result = CliRunner().invoke(app, ["parse", f"{site}/report.asp", "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    _, truth = load_case("huaian-2024")
    assert doc["source"]["format"] == "pdf" and doc["source"]["url"] == f"{site}/report.asp"
    assert doc["tables"] == truth["tables"]
    assert _Site.agents[-1].startswith("Mozilla/5.0")  # looks like a browser to the site


def test_fetch_keeps_the_original_bytes_and_the_result(site, tmp_path):
    result = CliRunner().invoke(app, ["fetch", f"{site}/report.asp", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    [pdf] = tmp_path.glob("*.pdf")
    assert pdf.read_bytes() == _Site.pdf
    meta = json.loads((tmp_path / f"{pdf.name}.source.json").read_text(encoding="utf-8"))
    assert meta["url"] == f"{site}/report.asp" and meta["bytes"] == len(_Site.pdf)
    parsed = json.loads((tmp_path / f"{pdf.name}.json").read_text(encoding="utf-8"))
    assert parsed["report"]["organization"] == "淮安市人民政府"
    assert "\tv2021\t淮安市人民政府\t2024" in result.stdout
    assert not list(tmp_path.glob("*.part"))


def test_server_errors_are_retried(site):
    got = fetch(f"{site}/flaky", backoff=0.01)
    assert got.data == _Site.pdf and _Site.hits["/flaky"] == 3


def test_not_found_is_not_retried(site):
    with pytest.raises(InputError, match="HTTP 404"):
        fetch(f"{site}/missing", backoff=0.01)
    assert _Site.hits["/missing"] == 1


def test_timeout_gives_up_after_retries(site):
    with pytest.raises(InputError, match="重试 1 次后仍为：超时"):
        fetch(f"{site}/slow", timeout=0.2, retries=1, backoff=0.01)


def test_size_cap(site):
    with pytest.raises(InputError, match="过大"):
        fetch(f"{site}/big", max_bytes=1000)


def test_cli_url_that_fails_exits_2(site):
    result = CliRunner().invoke(app, ["parse", f"{site}/missing", "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "HTTP 404" in result.stderr and "Traceback" not in result.output


# ------------------------------------------------------------------- faults a real site produces
class _Faulty(BaseHTTPRequestHandler):
    """Servers that misbehave: a byte a second, broken chunking, a body short of its length,
    gzip (honest and a bomb), and silence."""

    protocol_version = "HTTP/1.1"
    page = b""

    def do_GET(self) -> None:  # noqa: N802
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _head(self, extra: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()

    def _route(self) -> None:
        if self.path == "/drip":
            self._head({"Content-Length": "1000"})
            for _ in range(1000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        elif self.path == "/badchunk":
            self._head({"Transfer-Encoding": "chunked"})
            self.wfile.write(b"5\r\nhello\r\nZZZ\r\nbroken\r\n")
            self.wfile.flush()
            self.close_connection = True
        elif self.path == "/short":
            self._head({"Content-Length": "5000", "Connection": "close"})
            self.wfile.write(b"<html>" + b"a" * 100)
            self.wfile.flush()
            self.close_connection = True
        elif self.path == "/gzip":
            body = gzip.compress(self.page)
            self._head({"Content-Length": str(len(body)), "Content-Encoding": "gzip"})
            self.wfile.write(body)
        elif self.path == "/gzipbomb":
            body = gzip.compress(b"\0" * 3_000_000)
            self._head({"Content-Length": str(len(body)), "Content-Encoding": "gzip"})
            self.wfile.write(body)
        elif self.path == "/silent":
            time.sleep(5)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def faulty():
    _Faulty.page = (Path(__file__).parent / "fixtures" / "corpus" / "seed-huitong-2022" / "input.txt").read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Faulty)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})


def _one_line_exit_2(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_server_that_drips_a_byte_at_a_time_hits_the_overall_deadline(faulty):
    started = time.monotonic()
    with pytest.raises(InputError, match="超过 1.5 秒仍未完成"):
        fetch(f"{faulty}/drip", timeout=1.0, deadline=1.5, retries=0)
    assert time.monotonic() - started < 4


def test_a_silent_server_gives_up_within_the_deadline(faulty):
    started = time.monotonic()
    with pytest.raises(InputError):
        fetch(f"{faulty}/silent", timeout=0.3, deadline=1.0, backoff=0.05)
    assert time.monotonic() - started < 3


def test_bad_chunked_encoding_is_one_line_and_exit_2(faulty, monkeypatch):
    monkeypatch.setattr("gongkai.fetch.BACKOFF", 0.01)
    with pytest.raises(InputError, match="下载失败"):
        fetch(f"{faulty}/badchunk", backoff=0.01, retries=1)
    line = _one_line_exit_2(_cli("parse", f"{faulty}/badchunk", "--json"))
    assert "下载失败" in line


def test_a_body_short_of_its_content_length_is_an_error(faulty):
    with pytest.raises(InputError, match="内容不完整"):
        fetch(f"{faulty}/short", retries=0)


def test_a_gzip_encoded_page_is_decoded(faulty):
    got = fetch(f"{faulty}/gzip", retries=0)
    assert got.data == _Faulty.page and len(got.data) > 1000


def test_a_gzip_bomb_is_refused_at_the_size_cap(faulty):
    with pytest.raises(InputError, match="解压后超过"):
        fetch(f"{faulty}/gzipbomb", retries=0, max_bytes=1_000_000)


@pytest.mark.parametrize("url", ["http://", "http://[::1", "http://example.com:abc/x", "https://exa mple.com/",
                                 "http://example.com:99999/"])
def test_a_malformed_url_is_one_line_and_exit_2(url):
    with pytest.raises(InputError, match="网址无效"):
        fetch(url)
    for command in (["parse", url, "--json"], ["fetch", url, "--out", "/tmp/gongkai-never"]):
        assert "网址无效" in _one_line_exit_2(_cli(*command))


def test_fetch_a_list_concurrently_with_per_url_results_and_resume(site, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# 清单\n{site}/report.asp\n\n{site}/missing\nhttp://[::1\n{site}/report.asp\n", encoding="utf-8")
    out = tmp_path / "dl"
    first = CliRunner().invoke(app, ["fetch", "-i", str(urls), "--out", str(out), "-j", "3"])
    assert first.exit_code == 2  # one URL failed, one is malformed
    [ok] = first.stdout.splitlines()
    assert ok.startswith(f"{site}/report.asp\t") and ok.endswith("\tv2021\t淮安市人民政府\t2024")
    assert "HTTP 404" in first.stderr and "网址无效" in first.stderr and "Traceback" not in first.output
    assert "共 3 个网址：下载并读取 1 个，已下载但无法读取 0 个，下载失败 1 个" in first.stderr
    log = [json.loads(x) for x in (out / "fetch-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["status"] for r in log) == ["failed", "ok"]
    hits = _Site.hits.get("/report.asp", 0)
    again = CliRunner().invoke(app, ["fetch", "-i", str(urls), "--out", str(out)])
    assert again.stdout == "" and "跳过 1 个以前已下载的网址" in again.stderr
    assert _Site.hits["/report.asp"] == hits  # resumed: the saved URL is not fetched again
    assert _Site.hits["/missing"] >= 2  # the failed one is retried
