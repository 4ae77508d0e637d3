"""The README and docs/*.md point only at files that are in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CODE = re.compile(r"`([^`\n]+)`")
# a path: optional folders, then a file name with an extension a repository file has, or a folder ending in /
_PATH = re.compile(r"(?<![\w/.:@-])((?:\.\.?/)?(?:[\w.-]+/)*[\w-]+(?:\.[\w-]+)*\.(?:md|py|png|json|txt|toml|html|css|js|"
                   r"csv|tsv|pdf|xlsx|docx|doc|xls)|(?:src|docs|tools|tests|examples)/(?:[\w.-]+/)*)(?![\w/])")
_TOP = ("src/", "docs/", "tools/", "tests/", "examples/", "./", "../")


def _mentions(text: str) -> set[str]:
    """Paths the prose points at: link targets, and path-like words outside fenced code blocks
    (those hold commands with placeholder file names: 报告.pdf, 目录/)."""
    prose = _FENCE.sub("", text)
    found = {m for m in _LINK.findall(prose) if "://" not in m and not m.startswith("#")}
    for span in [*_CODE.findall(prose), _CODE.sub("", prose)]:
        for m in _PATH.findall(span):
            if "/" in m.rstrip("/") or m.startswith(_TOP) or re.fullmatch(r"[A-Z][\w-]*\.md", m):
                found.add(m)
    return {m.split("#")[0] for m in found}


def _exists(doc: Path, path: str) -> bool:
    """Relative to the document, the repository root, or the package (read/pdf.py = src/gongkai/read/pdf.py)."""
    return any((base / path).exists() for base in (doc.parent, ROOT, ROOT / "src" / "gongkai"))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_point_only_at_files_in_the_repository(doc):
    mentions = _mentions(doc.read_text(encoding="utf-8"))
    assert [m for m in sorted(mentions) if not _exists(doc, m)] == []


def test_the_check_finds_a_missing_file(tmp_path):
    assert "docs/nowhere.md" in _mentions("见 `docs/nowhere.md` 与 [图](docs/img/none.png)。")
    assert "docs/img/none.png" in _mentions("[图](docs/img/none.png)")
    assert "SPEC.md" in _mentions("见 SPEC.md §3")
    assert not _exists(ROOT / "README.md", "docs/nowhere.md") and _exists(ROOT / "README.md", "read/pdf.py")
    assert _mentions("```\ngongkai parse 报告目录/ --jsonl\n```") == set()
