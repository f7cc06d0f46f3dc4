"""Every window test starts from nothing: its own data directory, its own settings.

Qt runs offscreen (set before Qt is imported). Settings are INI files under the test's
tmp_path and UNITCALC_DATA_DIR points there too, so drafts and remembered sizes never
leak between tests or into the developer's real profile.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

# The offscreen platform says this whenever a window has size constraints; it is about
# the test platform, not about the window.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("UNITCALC_DATA_DIR", str(data))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "ini"))

    def no_modal(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a modal dialog would block the test")

    monkeypatch.setattr(QMessageBox, "exec", no_modal)
    return data


@pytest.fixture
def open_window(qtbot, isolated: Path) -> Iterator[Callable[[], Any]]:  # type: ignore[no-untyped-def]
    """Opens a real window from main.build_window(): shown, engine loaded; left with
    nothing to autosave when the test closes it. Call it again for a second window."""
    from main import build_window

    opened: list[Any] = []

    def open_one() -> Any:
        win = build_window()
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.ensure_engine()
        opened.append(win)
        return win

    yield open_one
    for win in opened:
        win.mark_saved()


@pytest.fixture
def window(open_window: Callable[[], Any]) -> Any:
    """The real window, shown, engine loaded."""
    return open_window()
