"""The layout docs/architecture.md describes: its folders exist and imports run down them.

The folders and what each may import are read from the doc itself, so the doc and
the code cannot drift apart. Imports are read with `ast`, lazy ones inside functions
included: a cycle through a lazy import is still a cycle in the design.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .conftest import REPO

# The restructure script (issue 17) moves the flat modules into the doc's folders and
# sets this to True; from then on every module must sit in a folder the doc names.
LAYOUT_IN_PLACE = True

PACKAGE = REPO / "mkbcopy"
DOC = REPO / "docs" / "architecture.md"
TOP = "top level"
CLI = "cli"


def _doc_folders() -> dict[str, set[str] | None]:
    """Folder -> the folders it may import (None: everything), from the doc's folder list."""
    folders: dict[str, set[str] | None] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"- `mkbcopy/(?:(\w+)/|(\w+\.py))?`", line)
        if not match:
            continue
        name = match.group(1) or (CLI if match.group(2) == "cli.py" else TOP)
        if name == "cli":
            folders[CLI] = None
            continue
        allowed = re.search(r"May import: ([^.]*)\.", line)
        folders[name] = set(allowed.group(1).split(", ")) if allowed else set()
    return folders


def _top_level_modules() -> set[str]:
    line = next(
        line for line in DOC.read_text(encoding="utf-8").splitlines() if "(top level)" in line
    )
    return set(re.findall(r"`(\w+)\.py`", line)) | {"__init__"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The mkbcopy modules (and third-party top-level names) a module imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                names.add(sub if sub in modules else node.module)
    return names


def _folder(module: str, top: set[str]) -> str | None:
    parts = module.split(".")[1:]
    if len(parts) >= 2 or (parts and (PACKAGE / parts[0]).is_dir()):
        return parts[0]
    name = parts[0] if parts else "__init__"
    if name in ("cli", "__main__"):
        return CLI
    return TOP if name in top else None  # a flat module the restructure has not moved yet


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def test_the_folders_in_the_doc_exist() -> None:
    folders = _doc_folders()
    assert {"research", "compose", "writers", "checks", "review", "contacts"} <= set(folders)
    missing = [f for f in folders if f not in (TOP, CLI) and not (PACKAGE / f).is_dir()]
    if LAYOUT_IN_PLACE:
        assert not missing
        assert all((PACKAGE / f / "__init__.py").is_file() for f in folders if f not in (TOP, CLI))
    assert (PACKAGE / "writers").is_dir() and (PACKAGE / "review" / "templates").is_dir()


def test_imports_run_down_the_folders() -> None:
    folders = _doc_folders()
    top = _top_level_modules()
    wrong: list[str] = []
    for module, imports in _graph().items():
        mine = _folder(module, top)
        if mine is None:
            if LAYOUT_IN_PLACE:
                wrong.append(f"{module} is in no folder that docs/architecture.md names")
            continue
        allowed = folders[mine]
        for name in sorted(i for i in imports if i.startswith("mkbcopy")):
            theirs = _folder(name, top)
            if theirs is None or theirs == mine or allowed is None or theirs in allowed:
                continue
            wrong.append(f"{module} ({mine}) imports {name} ({theirs})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = {m: {i for i in imports if i in set(_modules())} for m, imports in _graph().items()}
    graph = {
        m: {i for i in deps if i != m and not m.startswith(f"{i}.")} for m, deps in graph.items()
    }
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            assert (cycle := visit(module)) is None, " -> ".join(cycle)


# python-docx is imported only by the writers/docx package: the writer, and `read.py`,
# which lint and the preview use to read a Word draft back.
DOCX_PACKAGE = "mkbcopy.writers.docx"
DOCX_READERS = {DOCX_PACKAGE}


def test_only_the_cli_imports_typer_and_only_the_docx_writer_python_docx() -> None:
    for module, imports in _graph().items():
        if "typer" in imports or any(i.startswith("typer.") for i in imports):
            assert module == "mkbcopy.cli" or module.startswith("mkbcopy.cli."), module
        if "docx" in imports or any(i.startswith("docx.") for i in imports):
            assert module in DOCX_READERS or module.startswith(f"{DOCX_PACKAGE}."), module
