"""The shape the project keeps: layers, no import cycles, short window modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "ui")
MAX_UI_LINES = 350


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: Path, known: set[str]) -> set[str]:
    """Every project module ``path`` imports, anywhere in it (functions and
    TYPE_CHECKING blocks included: a cycle there is still a cycle to a reader)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name in known}


def test_the_ui_never_talks_to_the_database_directly() -> None:
    for name, path in modules().items():
        if name.startswith("ui"):
            assert "sqlite3" not in imports(path, {"sqlite3"}), name
            assert "import sqlite3" not in path.read_text(encoding="utf-8"), name


def test_core_never_imports_qt() -> None:
    for name, path in modules().items():
        if name.startswith("core"):
            text = path.read_text(encoding="utf-8")
            assert "PySide6" not in text, name


def test_no_window_module_is_long() -> None:
    for name, path in modules().items():
        if name.startswith("ui"):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            assert lines <= MAX_UI_LINES, f"{name}: {lines} lines"


def test_no_import_cycles() -> None:
    found = modules()
    known = set(found)
    graph = {
        name: {m for m in imports(path, known) if m != name and not name.startswith(m + ".")}
        for name, path in found.items()
    }
    # A package's __init__ re-exporting its own modules is not a cycle to a reader.
    for name in graph:
        graph[name] = {m for m in graph[name] if not m.startswith(name + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycle = [*stack[stack.index(target) :], target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_the_constants_load_without_pydantic() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import core.constants, core.dates; "
        "assert 'pydantic' not in sys.modules, 'pydantic'"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_vial_is_the_one_word_for_what_the_drug_comes_in() -> None:
    # "container" meant the same thing as "vial" in code, window and worksheet; only the
    # readers of older drafts and catalogs may still name the old keys.
    allowed = {"core/drafts.py": "container_type", "core/catalog.py": "containers"}
    found = []
    for path in [*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/**/*.py"), ROOT / "main.py"]:
        name = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "container" in line.lower() and allowed.get(name, "\0") not in line:
                found.append(f"{name}:{number}: {line.strip()}")
    catalog = (ROOT / "resources" / "catalog.json").read_text(encoding="utf-8")
    assert "container" not in catalog
    assert found == []
