"""The window's process paints on one thread (no waiting for Qt's fill threads)."""

from __future__ import annotations

import os

import pytest

import ui.app


class Made(Exception):
    """The application object was about to be made (the test stops there)."""


def test_the_app_keeps_painting_on_one_thread_from_before_qt_starts(monkeypatch) -> None:
    monkeypatch.delenv("QT_NO_GUI_THREADPOOL", raising=False)
    seen: list[str | None] = []

    class Application:
        @staticmethod
        def instance() -> None:
            return None

        def __init__(self, _argv: list[str]) -> None:
            seen.append(os.environ.get("QT_NO_GUI_THREADPOOL"))
            raise Made

    monkeypatch.setattr(ui.app, "QApplication", Application)
    with pytest.raises(Made):
        ui.app.run(["unitcalc"])
    assert seen == ["1"]


def test_a_setting_made_by_hand_is_kept(monkeypatch) -> None:
    from ui.serial_paint import paint_serially

    monkeypatch.setenv("QT_NO_GUI_THREADPOOL", "yes")
    paint_serially()
    assert os.environ["QT_NO_GUI_THREADPOOL"] == "yes"
