"""The library entry points: bytes or a path in, a checked Report out (the CLI calls these)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .check import run_checks
from .errors import InputError
from .extract import extract
from .model import Report
from .quality import assess
from .read import read_document

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


MAX_BYTES = 64 * 1024 * 1024  # the input cap of every face (CLI, ingest, web upload)


def check_size(size: int) -> None:
    """Refuse an input over the cap, before reading it."""
    if size > MAX_BYTES:
        raise InputError(f"文件过大（{size / 1048576:.1f} MB），超过 64 MB 上限")


def read_input(path: str | Path) -> bytes:
    """The bytes of the report file at `path`; InputError in words when it cannot be read."""
    p = Path(path)
    try:
        check_size(p.stat().st_size)
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise InputError(f"这是一个目录，不是文件：{path}") from None
    except PermissionError:
        raise InputError(f"没有读取权限：{path}") from None
    except OSError as e:
        raise InputError(f"无法读取文件：{path}（{e.strerror}）") from None


def parse_path(path: str | Path, checks: bool = True) -> Report:
    """Parse the report file at `path`."""
    return parse_bytes(read_input(path), str(path), checks=checks)


def report_files(root: str | Path) -> list[Path]:
    """Report files under a directory, recursively, in a stable order."""
    base = Path(root)
    return sorted(p for p in base.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(base).parts))
