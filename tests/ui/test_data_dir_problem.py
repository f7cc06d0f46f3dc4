"""Start-up with an unusable data directory: the problem and the place shown, another
directory offered, the window built on the directory chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

import ui.app
from ui.data_dir_problem import DataDirProblem, ask_for_another, usable_data_dir


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A data directory that cannot be created: its parent is a file."""
    parent = tmp_path / "not-a-directory"
    parent.write_text("")
    return parent / "data"


def test_a_usable_directory_asks_nothing(tmp_path: Path) -> None:
    def ask(path: Path, problem: str) -> Path | None:
        raise AssertionError("asked")

    assert usable_data_dir(str(tmp_path / "data"), ask) == tmp_path / "data"


def test_an_unusable_directory_is_shown_and_another_chosen(blocked: Path, tmp_path: Path) -> None:
    asked: list[tuple[Path, str]] = []

    def ask(path: Path, problem: str) -> Path | None:
        asked.append((path, problem))
        return tmp_path / "elsewhere"

    assert usable_data_dir(str(blocked), ask) == tmp_path / "elsewhere"
    assert asked == [(blocked, "Not a directory")]
    assert (tmp_path / "elsewhere").is_dir()


def test_quitting_returns_none(blocked: Path) -> None:
    assert usable_data_dir(str(blocked), lambda path, problem: None) is None


def test_the_dialog_says_what_and_where(qtbot, blocked: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = DataDirProblem(blocked, "Not a directory")
    qtbot.addWidget(dialog)
    assert str(blocked) in dialog.text() and "Not a directory" in dialog.text()
    assert "--data-dir" in dialog.informativeText()
    assert dialog.choose.text().startswith("Choose another directory")
    assert dialog.defaultButton() is dialog.choose


def test_choosing_opens_a_directory_picker(
    qtbot, blocked: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def click_choose(self: DataDirProblem) -> int:
        self.choose.click()
        return 0

    monkeypatch.setattr(DataDirProblem, "exec", click_choose)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(tmp_path / "picked"))
    assert ask_for_another(blocked, "Not a directory") == tmp_path / "picked"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: "")
    assert ask_for_another(blocked, "Not a directory") == blocked  # cancelled: ask again


def test_the_application_starts_on_the_chosen_directory(
    qtbot, blocked: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    chosen = tmp_path / "chosen"

    def choose(self: DataDirProblem) -> int:
        self.choose.click()
        return 0

    monkeypatch.setattr(DataDirProblem, "exec", choose)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(chosen))
    monkeypatch.setattr(ui.app, "BACKUP_DELAY_MS", 0)
    built: list[object] = []
    real_build = ui.app.build_main_window

    def build(data_dir=None, settings=None, site=None):  # type: ignore[no-untyped-def]
        window = real_build(data_dir, settings, site)
        built.append(window)
        return window

    monkeypatch.setattr(ui.app, "build_main_window", build)
    app = QApplication.instance()
    assert app is not None

    def close_when_ready() -> None:
        window = built[0]
        window.ensure_engine()  # type: ignore[attr-defined]
        assert window.data_dir == chosen  # type: ignore[attr-defined]
        window.mark_saved()  # type: ignore[attr-defined]
        window.close()  # type: ignore[attr-defined]

    # The test's own event loop stands in for app.exec(): a real exec() and quit() in the
    # middle of the suite left later background work without its answers.
    def exec_until_closed() -> int:
        qtbot.wait(200)
        close_when_ready()
        return 0

    monkeypatch.setattr(app, "exec", exec_until_closed)
    assert ui.app.run([], data_dir=str(blocked)) == 0
