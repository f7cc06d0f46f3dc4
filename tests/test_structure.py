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


#: The one module that starts threads (``BackgroundWork``), and the one that starts the
#: tamper check's process; nothing else in core or ui may start either.
THREAD_MODULE = "ui.background"
PROCESS_MODULE = "core.record_jobs"
#: Known exception, not yet moved: the backup after a record (the store starts it on a
#: thread of its own; the command line and the window both record through the store).
BACKUP_AFTER_RECORD = "core.records.backup"
_THREADS = {"Thread", "Timer", "ThreadPoolExecutor", "ProcessPoolExecutor", "QThread",
            "QThreadPool", "QRunnable", "start_new_thread", "QtConcurrent"}  # fmt: skip
_THREAD_MODULES = {"concurrent.futures", "_thread", "PySide6.QtConcurrent", "asyncio"}


def ways_off_the_calling_thread(path: Path) -> set[str]:
    """Each thread, pool or process ``path`` names (imported or used as an attribute)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in _THREAD_MODULES)
            found.update(a.name for a in node.names if a.name.startswith("multiprocessing"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in _THREAD_MODULES or node.module.startswith("multiprocessing"):
                found.add(node.module)
            found.update(a.name for a in node.names if a.name in _THREADS)
        elif isinstance(node, ast.Attribute) and node.attr in _THREADS:
            found.add(node.attr)
        elif isinstance(node, ast.Name) and node.id in _THREADS:
            found.add(node.id)
    return found


def test_work_leaves_the_gui_thread_only_through_background_work() -> None:
    """One way off the GUI thread (``ui.background``); the tamper check's own process is
    started only by ``core.record_jobs``, itself run through ``BackgroundWork``."""
    offenders = {}
    for name, path in modules().items():
        found = ways_off_the_calling_thread(path)
        if name == PROCESS_MODULE:
            found = {f for f in found if not f.startswith("multiprocessing")}
        if name in (THREAD_MODULE, BACKUP_AFTER_RECORD):
            found -= {"Thread"}
        if found:
            offenders[name] = sorted(found)
    assert offenders == {}
    assert ways_off_the_calling_thread(modules()[THREAD_MODULE]) == {"Thread"}


def test_the_check_finds_each_way_off_the_thread(tmp_path: Path) -> None:
    samples = {
        "from PySide6.QtCore import QThread": {"QThread"},
        "import threading\nthreading.Thread(target=print).start()": {"Thread"},
        "from concurrent.futures import ThreadPoolExecutor": {
            "concurrent.futures",
            "ThreadPoolExecutor",
        },
        "import multiprocessing": {"multiprocessing"},
        "from PySide6.QtCore import QThreadPool, QRunnable": {"QThreadPool", "QRunnable"},
        "import threading\nstop = threading.Event()": set(),
    }
    for source, expected in samples.items():
        path = tmp_path / "sample.py"
        path.write_text(source, encoding="utf-8")
        assert ways_off_the_calling_thread(path) == expected, source
