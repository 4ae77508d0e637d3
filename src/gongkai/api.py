"""The library entry points: bytes or a path in, a checked Report out (the CLI calls these)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from .check import run_checks
from .errors import InputError
from .extract import extract
from .model import Report
from .quality import assess
from .read import MAX_BYTES, read_document

REPORT_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".doc",
                             ".wps", ".xlsx", ".xls", ".jpg", ".jpeg", ".png"})


def parse_bytes(data: bytes, path: str = "<stdin>", checks: bool = True) -> Report:
    """Parse one report's bytes: bytes → document → report → findings.

    Raises InputError when they are not a readable report.
    """
    report = extract(read_document(data), path, hashlib.sha256(data).hexdigest())
    if checks:
        report.findings.extend(run_checks(report))
        report.quality = assess(report)
    return report


def parse_path(path: str | Path, checks: bool = True) -> Report:
    """Parse the report file at `path`.

    Only a regular file is read: a FIFO would block forever, `/dev/zero` or `/dev/urandom` would
    never end, a directory cannot be parsed. The file is opened without blocking and checked again
    on the open descriptor (the path may change in between), and at most the size cap plus one
    byte is read, so a file that grows while it is read is refused, not read without end.
    """
    data = read_input_file(path)
    return parse_bytes(data, str(path), checks=checks)


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
