"""`uv run main.py`: the application object, the window, the event loop.

The billing engine (catalog, calculation, the documentation's pydantic models) is not
imported here: the window paints first and loads it right after (``MainWindow._start_up``).
Loading it on a second thread meanwhile was measured and gained nothing: the import holds
the interpreter and only delayed the first paint (``bench/bench_startup.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from ui import settings as prefs
from ui.serial_paint import paint_serially

if TYPE_CHECKING:
    from os import PathLike

    from PySide6.QtCore import QSettings

    from core.records.backup import BackupPlan
    from core.site import Site
    from core.work import CancelToken
    from ui.background import Shared
    from ui.main_window import MainWindow

BACKUP_DELAY_MS = 5000


def run(argv: list[str], data_dir: str | None = None) -> int:
    paint_serially()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setOrganizationName(prefs.ORGANIZATION)
    app.setApplicationName(prefs.APPLICATION)
    app.setApplicationDisplayName("unitcalc")
    from core.data_dir import data_dir_problem
    from ui.site_database import window_site

    settings = prefs.open_settings()
    # The start-up read of the environment: the site is this process's one handle on it.
    site = window_site(data_dir, settings, os.environ)
    _usable, problem = data_dir_problem(site.data_dir)
    if problem is not None:  # the dialog's Qt classes are imported only then
        from ui.data_dir_problem import usable_data_dir

        chosen = usable_data_dir(site.data_dir)  # asks for another while it cannot be used
        if chosen is None:
            return 1
        site = window_site(chosen, settings, os.environ)
    refusal = site.server_refusal()  # None on the SQLite files
    if refusal is not None:  # a role that could rewrite records, or tables not set up
        refuse_server(refusal)
        return 1
    with site:
        window = build_main_window(settings=settings, site=site)
        window.show()
        start_backups(site, window)
        return app.exec()


def refuse_server(refusal: str) -> None:
    """Say (once, before any window) why this database may not be used, and what to do."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, "unitcalc cannot use this database", refusal)


def build_main_window(
    data_dir: str | PathLike[str] | None = None,
    settings: QSettings | None = None,
    site: Site | None = None,
) -> MainWindow:
    """The window, built but not shown. ``data_dir`` overrides UNITCALC_DATA_DIR/platformdirs;
    a ``site`` made at start-up (``run``) overrides both (else the window's start-up reads
    the environment here). The window closes its site when it closes."""
    from ui.main_window import MainWindow
    from ui.site_database import window_site

    settings = settings or prefs.open_settings()
    return MainWindow(site or window_site(data_dir, settings, os.environ), settings)


def start_backups(site: Site, owner: QObject) -> None:
    """Backups off the GUI thread (``ui.background``), SQLite's online backup letting the
    window record meanwhile: the one at start a few seconds after it (if any records are
    not backed up yet), and every one a record makes due from then on."""
    from PySide6.QtCore import QTimer

    from ui.background import BackgroundWork, Shared
    from ui.backup_status import BackupStatus

    work = BackgroundWork(owner)
    status = owner.findChild(BackupStatus)
    said = status.refresh if status is not None else _ignore  # a failure stays in view

    def start() -> None:
        work.start("backup", "Backing up the records…", back_up, Shared(site), said, said)

    def after_record(path: Path, plan: BackupPlan) -> None:
        if not work.on_owner_thread():  # a record made on a worker: back up there
            from core.records.backup import backup_now

            backup_now(path, plan)
        elif not work.running("backup"):  # one at a time; the next record makes it due again
            work.start("backup", "Backing up the records…", back_up_after_record, (path, plan),
                       said, said)  # fmt: skip

    site.run_backup = after_record
    QTimer.singleShot(BACKUP_DELAY_MS, work, start)


def back_up(site: Shared[Site], _token: CancelToken) -> Path | None:  # on the worker thread
    """The backup made at start, if the newest lacks records (never raises; logged)."""
    return site.value.backup_at_start()


def back_up_after_record(
    asked: tuple[Path, BackupPlan], _token: CancelToken
) -> None:  # on the worker thread
    """The backup a record made due (never raises: logged and kept for the status line)."""
    from core.records.backup import backup_now

    backup_now(*asked)


def _ignore(_answer: object) -> None:
    """Without the window's status line the backup logs its failures itself."""


if __name__ == "__main__":
    sys.exit(run(sys.argv))
