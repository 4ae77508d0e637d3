"""Download a report from its URL: timeout, size cap, retries, a browser's user agent.

Government sites refuse obvious robots and time out under load, so a request looks like a
browser's and is retried with back-off on time-outs and 5xx answers (never on 4xx). The body is
capped while it streams (a report is at most tens of MB); the format is told from the bytes, not
from the URL or the Content-Type a CMS often gets wrong. `fetch_to` keeps the original bytes,
named by their sha256, beside the parse result.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .read import MAX_BYTES, sniff_format

USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0 Safari/537.36")
TIMEOUT = 20.0  # seconds of silence before a read gives up
DEADLINE = 90.0  # seconds for a whole download, retries included
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


def check_url(url: str) -> None:
    """InputError unless `url` is an http(s) address a request can be made for (host, port, no
    spaces or control characters): urllib's own errors for these are English and some retry."""
    if any(not ch.isprintable() or ch.isspace() for ch in url):
        raise InputError(f"网址无效（含空格或控制字符）：{url!r}")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError:
        raise InputError(f"网址无效：{url}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"网址无效（应为 http:// 或 https:// 加网站地址）：{url}")


def _decode(data: bytes, encoding: str, max_bytes: int, url: str) -> bytes:
    """The body with its Content-Encoding (gzip, deflate) undone, capped like any download."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise InputError(f"服务器使用了不支持的压缩方式（{encoding}）：{url}")
    wbits = 47 if encoding != "deflate" else (15 if data[:1] == b"x" else -15)  # 47: gzip or zlib header
    inflater = zlib.decompressobj(wbits)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        raise InputError(f"下载内容的压缩数据已损坏：{url}") from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise InputError(f"下载内容解压后超过 {max_bytes // 1048576} MB 上限，已停止：{url}")
    return out


def _set_read_timeout(response: object, seconds: float) -> None:
    """Shorten the socket's timeout for the next read so that the overall deadline holds."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.01))


def fetch(url: str, timeout: float = TIMEOUT, retries: int = RETRIES, max_bytes: int = MAX_BYTES,
          backoff: float = BACKOFF, deadline: float = DEADLINE) -> Fetched:
    """The body at `url` (InputError with the reason when it cannot be had).

    `timeout` bounds each wait for the server; `deadline` bounds the whole download, retries
    included, so a server that drips a byte a second cannot keep a batch waiting for ever.
    """
    check_url(url)
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT, "Accept": "text/html,application/pdf,application/*;q=0.9,*/*;q=0.8",
        "Accept-Language": "zh-CN,zh;q=0.9", "Accept-Encoding": "gzip, deflate"})
    last = ""
    end = time.monotonic() + deadline
    for attempt in range(retries + 1):
        if attempt:
            pause = backoff * 2 ** (attempt - 1)
            if time.monotonic() + pause >= end:
                break
            time.sleep(pause)
        try:
            return _get(request, url, min(timeout, end - time.monotonic()), max_bytes, end)
        except urllib.error.HTTPError as e:
            if e.code < 500:
                raise InputError(f"网址返回 HTTP {e.code}（{_one_line(e.reason)}）：{url}") from None
            last = f"HTTP {e.code}"
        except _Deadline:
            raise InputError(f"下载超过 {deadline:g} 秒仍未完成，已停止：{url}") from None
        except http.client.IncompleteRead as e:
            last = f"内容不完整（收到 {len(e.partial)} 字节）"
        except (http.client.HTTPException, ValueError) as e:  # bad chunking, a malformed status line …
            last = f"服务器响应格式错误（{type(e).__name__}）"
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            last = "超时" if isinstance(reason, TimeoutError) or "timed out" in str(reason) else _one_line(reason)
        if time.monotonic() >= end:
            break
    raise InputError(f"下载失败（重试 {retries} 次后仍为：{last}）：{url}")


class _Deadline(Exception):
    """The overall download deadline passed."""


def _one_line(reason: object) -> str:
    return " ".join(str(reason).split())[:200]


def _get(request: urllib.request.Request, url: str, timeout: float, max_bytes: int, end: float) -> Fetched:
    if timeout <= 0:
        raise _Deadline
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        expected = int(length) if length and length.strip().isdigit() else None
        if expected is not None and expected > max_bytes:
            raise InputError(f"下载内容过大（{expected / 1048576:.1f} MB），超过 {max_bytes // 1048576} MB 上限：{url}")
        chunks, size = [], 0
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise _Deadline
            _set_read_timeout(response, min(timeout, remaining))
            try:
                chunk = response.read1(65536)
            except TimeoutError:
                if time.monotonic() >= end:
                    raise _Deadline from None
                raise
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise InputError(f"下载内容超过 {max_bytes // 1048576} MB 上限，已停止：{url}")
            chunks.append(chunk)
        if expected is not None and size < expected:
            raise http.client.IncompleteRead(b"".join(chunks), expected - size)
        data = _decode(b"".join(chunks), response.headers.get("Content-Encoding") or "", max_bytes, url)
        return Fetched(url, response.geturl(), data, response.headers.get("Content-Type"))


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


LOG_NAME = "fetch-log.jsonl"
_PARSE_LOCK = threading.Lock()


@dataclass
class FetchResult:
    """One URL of a list: saved and parsed (`ok`), saved but not a readable report, or not had."""

    url: str
    status: str  # "ok" | "unreadable" (downloaded, not a report) | "failed" (not downloaded)
    saved: str | None = None
    template: str | None = None
    organization: str | None = None
    year: int | None = None
    reason: str | None = None

    def row(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def read_url_list(text: str) -> list[str]:
    """URLs one a line; blank lines and `#` comments ignored; a CSV line's first field is taken."""
    urls: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        urls.append(line.split(",")[0].split("\t")[0].strip().strip('"'))
    return list(dict.fromkeys(urls))


def done_urls(out: Path) -> set[str]:
    """URLs a previous run into `out` already saved and parsed: a rerun skips them (resume)."""
    log = out / LOG_NAME
    done: set[str] = set()
    if not log.exists():
        return done
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue  # a line cut short by a kill: that URL is fetched again
        if isinstance(row, dict) and row.get("status") in ("ok", "unreadable") and isinstance(row.get("url"), str):
            done.add(row["url"])
    return done


def fetch_one(url: str, out: Path, **kwargs: object) -> FetchResult:
    """Download `url` into `out`, parse it and save the result beside: never raises for the URL's sake."""
    from .api import parse_bytes

    try:
        saved, fetched = fetch_to(url, out, **kwargs)
    except InputError as e:
        return FetchResult(url, "failed", reason=str(e))
    except OSError as e:
        return FetchResult(url, "failed", reason=f"无法写入 {out}：{e.strerror or e}")
    try:
        with _PARSE_LOCK:  # downloads overlap; parsing runs one at a time (PDFium is not thread-safe)
            report = parse_bytes(fetched.data, url)
        report.url = fetched.final_url
        result = saved.with_name(saved.name + ".json")
        tmp = result.with_name(result.name + ".part")
        tmp.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(result)
    except InputError as e:
        return FetchResult(url, "unreadable", saved=str(saved), reason=str(e))
    except Exception as e:  # noqa: BLE001 - one URL never stops a list
        return FetchResult(url, "unreadable", saved=str(saved), reason=f"内部错误：{type(e).__name__}: {e}")
    return FetchResult(url, "ok", str(saved), report.template, report.organization, report.year)


def fetch_list(urls: list[str], out: Path, jobs: int = 4, **kwargs: object) -> Iterator[FetchResult]:
    """Fetch `urls` into `out`, `jobs` at a time, yielding each result as it completes and appending
    it to `out/fetch-log.jsonl` (so a rerun resumes: `done_urls`)."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    out.mkdir(parents=True, exist_ok=True)
    with (out / LOG_NAME).open("a", encoding="utf-8") as log, \
            ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(fetch_one, url, out, **kwargs) for url in urls]
        for future in as_completed(futures):
            result = future.result()
            log.write(json.dumps(result.row(), ensure_ascii=False) + "\n")
            log.flush()
            yield result
