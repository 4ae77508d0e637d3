"""Bytes → str for text reports: UTF-8, GB18030/GBK or Big5, never a crash on bad bytes.

Short Chinese texts fool statistical detectors now and then, so candidates that decode cleanly are
ranked by how much of the report vocabulary they produce; charset-normalizer breaks the tie when
that vocabulary is absent.
"""

from __future__ import annotations

import codecs
import re

from ..errors import InputError

MAX_TEXT_BYTES = 16 * 1024 * 1024
"""A text report is a few tens of kB; anything past this is not one (and would only eat memory)."""

_CANDIDATES = ("utf-8", "gb18030", "big5hkscs")
# Characters that fill every annual report, in both scripts; a wrong decoding yields few of them.
_COMMON = set("政府信息公开開年度报報告申请請情况況行复復议議诉訴讼訟的和本数數量件条條处處理")


_CJK = re.compile("[\u4e00-\u9fff]+")


def _vocabulary_score(text: str) -> float:
    cjk = sum(map(len, _CJK.findall(text)))
    if not cjk:
        return 0.0
    return sum(map(text.count, _COMMON)) / cjk  # every common character is CJK: counted in C


_CONTROL = bytes([*range(0, 9), *range(14, 32)])


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    control = len(sample) - len(sample.translate(None, _CONTROL))
    return control > len(sample) * 0.01


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises InputError for empty, binary or oversized input."""
    if not data.strip():
        raise InputError("文件为空，没有可读取的内容")
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"文件过大（{len(data) / 1048576:.1f} MB），文本报告上限为 {MAX_TEXT_BYTES // 1048576} MB")
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    if _looks_binary(data):
        raise InputError("不是文本文件（含二进制内容），无法作为年度报告读取")
    decoded: list[tuple[float, str, str]] = []
    for name in _CANDIDATES:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "utf-8":
            return text, name  # valid UTF-8 with CJK is never accidentally valid
        decoded.append((_vocabulary_score(text), name, text))
    if decoded:
        decoded.sort(key=lambda t: t[0], reverse=True)
        best = decoded[0]
        if len(decoded) == 1 or best[0] - decoded[1][0] > 0.02:
            return best[2], best[1]
        guess = _detector_guess(data)
        for _, name, text in decoded:
            if guess and codecs.lookup(guess).name == codecs.lookup(name).name:
                return text, name
        return best[2], best[1]
    # Nothing decodes strictly: take the decoding with the fewest replacement characters.
    options = [(data.decode(n, errors="replace"), n) for n in _CANDIDATES]
    text, name = min(options, key=lambda t: t[0].count("\ufffd"))
    return text, name


def _detector_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["gb18030", "big5", "utf_8"]).best()
    return best.encoding if best else None
