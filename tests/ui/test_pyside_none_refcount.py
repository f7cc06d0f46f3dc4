"""Guard against a PySide6 build that leaks references to None (6.12.0 on Python 3.11).

Such a build drops one reference to ``None`` on every Qt call that returns nothing; a
window making ~66 of them per keystroke then dies with "none_dealloc" after a few hundred
keystrokes. pyproject pins PySide6 below 6.12 for this; this test fails if the pin is
lifted while the bug is still there.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot


def test_void_qt_calls_keep_none_referenced(qtbot: QtBot) -> None:
    button, label = QPushButton(), QLabel()
    qtbot.addWidget(button)
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(500):
        button.setEnabled(True)
        label.setText("3")
    assert sys.getrefcount(None) - before > -100  # a leaking build loses 1,000 here
