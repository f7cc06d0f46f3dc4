"""A picture of the window with a filled, verified example, for the README.

    uv run python -m ui.screenshot docs/window.png [WIDTHxHEIGHT]
    QT_SCALE_FACTOR=1.5 uv run python -m ui.screenshot /tmp/150.png 1024x600

Runs offscreen, at 1366x768 unless a size is given (logical pixels: at 150 % the picture
is half as large again), with a throwaway data directory and settings, so it never
touches the user's drafts or preferences.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from ui.main_window import MainWindow

EXAMPLE = {
    "vialSize": "10",
    "doseOrdered": "12",
    "amountAdministered": "12",
    "patientName": "Jane Example",
    "mrn": "00123456",
    "dateOfBirth": "1958-04-02",
    "administeredAt": "2025-03-14 09:30",
    "diagnosis": "D80.1",
    "ndc": "0002-7597-01",
    "vialLot1": "P100234",
    "vialExpiry1": "2026-09",
    "vialLot2": "P100234",
    "vialExpiry2": "2026-09",
    "wasteReason": "Remainder of single-dose vial discarded",
    "wasteWitness": "R. Patel, RN",
    "preparedBy": "T. Nguyen, CPhT",
    "verifiedBy": "R. Patel, RN",
}


def fill(window: QWidget, values: dict[str, str]) -> None:
    """Type each value into the widget of that object name, as a user would."""
    for name, text in values.items():
        widget = window.findChild(QWidget, name)
        if widget is None:
            raise SystemExit(f"no widget named {name}")
        QTest.keyClicks(widget, text)
        QApplication.processEvents()


@contextmanager
def example_window(width: int = 1366, height: int = 768) -> Iterator[MainWindow]:
    """The window at ``width`` x ``height``, filled with EXAMPLE, in throwaway settings
    and data."""
    with tempfile.TemporaryDirectory() as scratch:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch)
        from ui import settings as prefs
        from ui.app import build_main_window

        settings = prefs.open_settings()
        settings.setValue(prefs.SET_UP, True)
        settings.setValue(prefs.FACILITY, "Riverside Infusion Center")
        settings.sync()

        window = build_main_window(data_dir=Path(scratch) / "data")
        window.resize(width, height)
        window.show()
        window.ensure_engine()
        fill(window, EXAMPLE)
        try:
            yield window
        finally:
            window.mark_saved()
            window.close()


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "docs/window.png")
    width, _, height = (argv[2] if len(argv) > 2 else "1366x768").partition("x")
    app = QApplication.instance() or QApplication(argv[:1])
    with example_window(int(width), int(height)) as window:
        window.findChild(QWidget, "verifyButton").click()  # type: ignore[union-attr]
        app.processEvents()
        target.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(target)):
            raise SystemExit(f"could not write {target}")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
