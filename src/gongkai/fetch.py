"""Download a report from its URL: timeout, size cap, retries, a browser's user agent.

Government sites refuse obvious robots and time out under load, so a request looks like a
browser's and is retried with back-off on time-outs and 5xx answers (never on 4xx). The body is
capped while it streams (a report is at most tens of MB); the format is told from the bytes, not
from the URL or the Content-Type a CMS often gets wrong. `fetch_to` keeps the original bytes,
named by their sha256, beside the parse result.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .read import MAX_BYTES, sniff_format

USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0 Safari/537.36")
TIMEOUT = 30.0
RETRIES = 3
BACKOFF = 1.0
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "html": ".html", "text": ".txt"}


@dataclass
class Fetched:
    url: str
    final_url: str
    data: bytes
    content_type: str | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def fetch(url: str, timeout: float = TIMEOUT, retries: int = RETRIES, max_bytes: int = MAX_BYTES,
          backoff: float = BACKOFF) -> Fetched:
    """The body at `url` (InputError with the reason when it cannot be had)."""
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT, "Accept": "text/html,application/pdf,application/*;q=0.9,*/*;q=0.8",
        "Accept-Language": "zh-CN,zh;q=0.9"})
    last = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise InputError(f"下载内容过大（{int(length) / 1048576:.1f} MB），超过 {max_bytes // 1048576} MB 上限：{url}")
                chunks, size = [], 0
                while chunk := response.read(65536):
                    size += len(chunk)
                    if size > max_bytes:
                        raise InputError(f"下载内容超过 {max_bytes // 1048576} MB 上限，已停止：{url}")
                    chunks.append(chunk)
                return Fetched(url, response.geturl(), b"".join(chunks), response.headers.get("Content-Type"))
        except urllib.error.HTTPError as e:
            if e.code < 500:
                raise InputError(f"网址返回 HTTP {e.code}（{e.reason}）：{url}") from None
            last = f"HTTP {e.code}"
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            last = "超时" if isinstance(reason, TimeoutError) or "timed out" in str(reason) else str(reason)
    raise InputError(f"下载失败（重试 {retries} 次后仍为：{last}）：{url}")


def fetch_to(url: str, out: Path, **kwargs: object) -> tuple[Path, Fetched]:
    """Download into `out`: the original bytes as `<sha256>.<ext>` plus a `.source.json` beside."""
    fetched = fetch(url, **kwargs)  # type: ignore[arg-type]
    try:
        ext = EXTENSIONS.get(sniff_format(fetched.data), ".bin")
    except InputError:
        ext = ".bin"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{fetched.sha256[:16]}{ext}"
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(fetched.data)
    tmp.replace(path)  # never a half-written file under the final name
    meta = {"url": url, "final_url": fetched.final_url, "sha256": fetched.sha256, "bytes": len(fetched.data),
            "content_type": fetched.content_type, "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    path.with_name(path.name + ".source.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1),
                                                          encoding="utf-8")
    return path, fetched
