"""`uv run main.py`: the application object, the window, the event loop.

The billing engine (catalog, calculation, the documentation's pydantic models) is not
imported here: the window paints first and loads it right after (``MainWindow._start_up``).
Loading it on a second thread meanwhile was measured and gained nothing: the import holds
the interpreter and only delayed the first paint (``bench/bench_startup.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from ui import settings as prefs
from ui.serial_paint import paint_serially

if TYPE_CHECKING:
    from core.work import CancelToken

BACKUP_DELAY_MS = 5000


def run(argv: list[str], data_dir: str | None = None) -> int:
    paint_serially()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setOrganizationName(prefs.ORGANIZATION)
    app.setApplicationName(prefs.APPLICATION)
    app.setApplicationDisplayName("unitcalc")
    from core.data_dir import data_dir_problem
    from ui.main_window import build_main_window

    usable, problem = data_dir_problem(data_dir)
    if problem is not None:  # the dialog's Qt classes are imported only then
        from ui.data_dir_problem import usable_data_dir

        chosen = usable_data_dir(data_dir)  # asks for another while it cannot be used
        if chosen is None:
            return 1
        usable = chosen
    window = build_main_window(usable)
    window.show()
    start_backup_soon(usable, window)
    return app.exec()


def start_backup_soon(data_dir: Path, owner: QObject) -> None:
    """Back the records up (if any are not yet) a few seconds after start, off the GUI
    thread (``ui.background``): SQLite's online backup lets the window record meanwhile."""
    from PySide6.QtCore import QTimer

    from ui.background import BackgroundWork

    work = BackgroundWork(owner)

    def start() -> None:
        work.start("backup", "Backing up the records…", back_up, data_dir, _ignore, _ignore)

    QTimer.singleShot(BACKUP_DELAY_MS, work, start)


def back_up(data_dir: Path, _token: CancelToken) -> Path | None:  # on the worker thread
    """The backup made at start, if the newest lacks records (never raises; logged)."""
    from core.records.store import backup_at_start

    return backup_at_start(data_dir)


def _ignore(_answer: object) -> None:
    """The backup says nothing on screen: it logs its failures itself."""


if __name__ == "__main__":
    sys.exit(run(sys.argv))
