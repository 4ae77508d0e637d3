"""The library entry points: bytes or a path in, a checked Report out (the CLI calls these)."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .check import run_checks
from .errors import InputError
from .extract import extract
from .model import Report
from .quality import assess
from .read import MAX_BYTES, read_document

REPORT_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".doc",
                             ".wps", ".xlsx", ".xls", ".jpg", ".jpeg", ".png"})


def parse_bytes(data: bytes, path: str = "<stdin>", checks: bool = True, meta: Metadata | None = None) -> Report:
    """Parse one report's bytes: bytes → document → report → findings.

    `meta` (a manifest row) overrides what the report says of its body, year, publication date
    and URL before the checks run, so deadlines and form-year checks use the known values.
    Raises InputError when they are not a readable report.
    """
    report = extract(read_document(data), path, hashlib.sha256(data).hexdigest())
    if meta is not None:
        meta.apply(report)
    if checks:
        report.findings.extend(run_checks(report))
        report.quality = assess(report)
    return report


def parse_path(path: str | Path, checks: bool = True, meta: Metadata | None = None) -> Report:
    """Parse the report file at `path`.

    Only a regular file is read: a FIFO would block forever, `/dev/zero` or `/dev/urandom` would
    never end, a directory cannot be parsed. The file is opened without blocking and checked again
    on the open descriptor (the path may change in between), and at most the size cap plus one
    byte is read, so a file that grows while it is read is refused, not read without end.
    """
    data = read_input_file(path)
    return parse_bytes(data, str(path), checks=checks, meta=meta)


def check_size(size: int) -> None:
    """Refuse an input over the cap before parsing it (bytes that came from an upload, not a file)."""
    if size > MAX_BYTES:
        raise InputError(f"文件过大（{size / 1048576:.1f} MB），超过 {MAX_BYTES // 1048576} MB 上限")


def read_input_file(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at `path` (InputError, in Chinese, for anything else)."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"这是一个目录，不是文件：{path}")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"不是普通文件（设备、管道或套接字），不读取：{path}")
        if st.st_size > max_bytes:
            raise InputError(f"文件过大（{st.st_size / 1048576:.1f} MB），超过 {max_bytes // 1048576} MB 上限")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise InputError(f"不是普通文件（设备、管道或套接字），不读取：{path}")
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise InputError(f"这是一个目录，不是文件：{path}") from None
    except PermissionError:
        raise InputError(f"没有读取权限：{path}") from None
    except OSError as e:
        raise InputError(f"无法读取文件：{path}（{e.strerror or type(e).__name__}）") from None
    except ValueError:  # a path with a NUL byte
        raise InputError(f"文件路径无效：{path!r}") from None
    if len(data) > max_bytes:
        raise InputError(f"文件过大（读取中超过 {max_bytes // 1048576} MB 上限，文件可能仍在增长）：{path}")
    return data


def report_files(root: str | Path) -> list[Path]:
    """Every regular file under a directory, recursively, in a stable order (hidden files and
    folders, such as .git, excepted).

    Files are judged by their bytes, not their names: a report saved as `.jsp`, `nb.shtml?x=1`,
    `.PDF` or with no extension is read like any other. `skip_reason` tells the files that are
    clearly not reports (archives, programs, media) so that a run can count them as skipped.
    """
    base = Path(root)
    return sorted(p for p in base.rglob("*") if p.is_file() and not p.is_symlink()
                  and not any(part.startswith(".") for part in p.relative_to(base).parts))


_NOT_REPORTS: tuple[tuple[int, bytes, str], ...] = (
    (0, b"Rar!", "RAR 压缩包"), (0, b"7z\xbc\xaf", "7z 压缩包"), (0, b"\x1f\x8b", "gzip 压缩文件"),
    (0, b"BZh", "bzip2 压缩文件"), (0, b"\xfd7zXZ", "xz 压缩文件"), (257, b"ustar", "tar 归档"),
    (0, b"\x7fELF", "程序文件"), (0, b"MZ", "Windows 程序文件"), (0, b"\xca\xfe\xba\xbe", "程序文件"),
    (0, b"GIF8", "GIF 图片"), (8, b"WEBP", "WebP 图片"), (8, b"AVI ", "视频文件"), (8, b"WAVE", "音频文件"),
    (4, b"ftyp", "音视频文件"), (0, b"ID3", "音频文件"), (0, b"OggS", "音频文件"), (0, b"fLaC", "音频文件"),
    (0, b"\x1aE\xdf\xa3", "视频文件"), (0, b"SQLite format 3\x00", "数据库文件"), (8, b"DUCK", "数据库文件"),
    (0, b"wOFF", "字体文件"), (0, b"wOF2", "字体文件"), (0, b"OTTO", "字体文件"),
)


def skip_reason(path: str | Path) -> str | None:
    """Why the file at `path` is clearly not a report (None when it may be one, or cannot be read:
    then reading it says why). Judged from the first bytes, and for a zip from its member names."""
    try:
        with open(path, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            head = f.read(4096)
    except (OSError, ValueError):
        return None
    for offset, magic, name in _NOT_REPORTS:
        if head[offset:offset + len(magic)] == magic:
            return f"{name}，不是报告"
    if head.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None  # a damaged Word file, perhaps: reading it says so
        if not any(n in ("word/document.xml", "xl/workbook.xml") for n in names):
            return f"压缩包（{len(names)} 个文件，不是 Word 或 Excel 文件），不是报告"
    return None


# ------------------------------------------------------------------------------------ manifests
_MANIFEST_COLUMNS = {
    "path": ("path", "file", "路径", "文件", "文件路径"),
    "url": ("url", "网址", "链接", "来源网址"),
    "organization": ("body", "organization", "单位", "机关", "发布机关"),
    "year": ("year", "年度", "报告年度"),
    "published": ("published", "date", "发布日期", "发布时间"),
}
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


@dataclass(frozen=True)
class Metadata:
    """What a manifest row says about one report; None fields leave the report's own reading."""

    where: str  # 清单 m.csv 第 3 行: shown as the source of every field it sets
    organization: str | None = None
    year: int | None = None
    published: str | None = None  # ISO date
    url: str | None = None

    def apply(self, report: Report) -> None:
        for key in ("organization", "year", "published"):
            value = getattr(self, key)
            if value is not None:
                setattr(report, key, value)
                report.meta_sources[key] = self.where
        if self.url is not None:
            report.url = self.url


def read_manifest(path: str | Path) -> dict[str, Metadata]:
    """A manifest CSV (header row: path or URL, body, year, published date, URL; Chinese or English
    names) as {resolved path or URL: Metadata}. InputError, naming the line, for a bad manifest."""
    data = read_input_file(path, max_bytes=16 * 1024 * 1024)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(f"清单文件不是 UTF-8 或 GBK 编码的 CSV：{path}") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError(f"清单文件是空的：{path}")
    header = [h.strip().lower() for h in rows[0]]
    index: dict[str, int] = {}
    for key, names in _MANIFEST_COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                index.setdefault(key, i)
    if "path" not in index and "url" not in index:
        raise InputError(f"清单文件第 1 行应为表头，且有「路径」（path）或「网址」（url）列：{path}")
    base = Path(path).resolve().parent
    out: dict[str, Metadata] = {}
    name = Path(path).name
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue

        def cell(key: str, row: list[str] = row) -> str | None:
            i = index.get(key)
            value = row[i].strip() if i is not None and i < len(row) else ""
            return value or None

        where = f"清单 {name} 第 {n} 行"
        year_text = cell("year")
        year = None
        if year_text is not None:
            digits = year_text.rstrip("年").strip()
            if not digits.isdigit() or not 1990 <= int(digits) <= 2100:
                raise InputError(f"清单 {name} 第 {n} 行：年度无效（{year_text}）")
            year = int(digits)
        published = cell("published")
        if published is not None:
            m = _DATE.match(published)
            try:
                published = datetime.date(*(int(g) for g in m.groups())).isoformat() if m else None
            except ValueError:
                published = None
            if published is None:
                raise InputError(f"清单 {name} 第 {n} 行：发布日期无效（{cell('published')}），应如 2024-01-20")
        url = cell("url")
        meta = Metadata(where, cell("organization"), year, published, url)
        key = cell("path")
        if key is not None:
            out[manifest_key(key, base)] = meta
        if url is not None:
            out.setdefault(url, meta)
    return out


def manifest_key(item: str, base: Path | None = None) -> str:
    """How an input is looked up in a manifest: a URL as is, a path resolved (relative paths from
    `base`, the manifest's folder, when the file is there, else from the current directory)."""
    if item.startswith(("http://", "https://")):
        return item
    p = Path(item)
    if not p.is_absolute() and base is not None and (base / p).exists():
        p = base / p
    return str(p.resolve())
