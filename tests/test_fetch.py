"""Downloading reports, against a local HTTP server (no other network is touched)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
