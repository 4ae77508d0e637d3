"""Old office formats (.doc/.wps, .xls) and formula recalculation through LibreOffice, when installed.

One place runs `soffice --headless --convert-to`: its own throw-away profile (two conversions at once
would otherwise fight over the user's), a time limit, and every failure said in Chinese.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError

CONVERT_TIMEOUT = 120
"""Seconds LibreOffice may take for one file (its first start builds a profile: several seconds)."""


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, source_ext: str, filter_: str, target_ext: str, what: str) -> bytes:
    """`data` (a `.source_ext` file) converted by LibreOffice with `--convert-to filter_`.

    `what` names the input in messages (e.g. "这个 .xls 文件"). InputError when LibreOffice is absent,
    fails or writes nothing.
    """
    command = soffice()
    if command is None:
        raise InputError(f"读取{what}需要安装 LibreOffice")
    with tempfile.TemporaryDirectory(prefix="gongkai-office-") as tmp:
        source = Path(tmp) / "in" / f"file.{source_ext}"
        source.parent.mkdir()
        source.write_bytes(data)
        try:
            subprocess.run([command, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", filter_, "--outdir", tmp, str(source)],
                           check=True, capture_output=True, timeout=CONVERT_TIMEOUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
            raise InputError(f"LibreOffice 无法转换{what}（{type(e).__name__}）") from None
        converted = Path(tmp) / f"file.{target_ext}"
        if not converted.exists():
            raise InputError(f"LibreOffice 没有转换出 .{target_ext} 文件")
        return converted.read_bytes()
