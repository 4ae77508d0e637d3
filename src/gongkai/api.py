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
    """Report files under a directory, recursively, in a stable order."""
    base = Path(root)
    return sorted(p for p in base.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(base).parts))
