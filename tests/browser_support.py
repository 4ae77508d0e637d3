"""What the browser tests share: Debian's chromium driven by Playwright, a live uvicorn server for
an app, and screenshots kept under tests/artifacts/ (copied into docs/img/ only when
GONGKAI_UPDATE_DOCS=1, so a normal run leaves the work tree as it was).

Import it after the module-level skips (`require_browser()`): without chromium or Playwright the
browser tests are skipped, never failed."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"
DOCS = ROOT / "docs" / "img"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_browser() -> Any:
    """Skip the calling module unless chromium, Playwright and uvicorn are present; Playwright's
    sync API otherwise."""
    if not Path(CHROMIUM).exists():
        pytest.skip("需要 Debian 的 chromium（apt-get install chromium）", allow_module_level=True)
    pytest.importorskip("uvicorn")
    return pytest.importorskip("playwright.sync_api")


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run `app` on a free local port in a thread; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium(playwright_api: Any) -> Iterator[Any]:
    """A headless Debian chromium for the module."""
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shot(page: Any, name: str, docs: bool = False) -> Path:
    """Screenshot the viewport to tests/artifacts/NAME; with docs=True and GONGKAI_UPDATE_DOCS=1
    also to docs/img/NAME (the README's pictures)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000  # a drawn page, not an empty image
    if docs and os.environ.get("GONGKAI_UPDATE_DOCS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / name)
    return path
