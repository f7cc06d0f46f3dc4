"""In the window, the backup that a record makes due runs through its one background way
(``ui.background``), off the GUI thread; a command backs up right after its record."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from core.records import backup as backup_module
from core.records.backup import BackupPlan, backups
from tests.sites import site_at
from ui.app import start_backups


def _record(store: object) -> None:
    store.add(  # type: ignore[attr-defined]
        code="J1410",
        mrn="MRN-1",
        patient_name="Doe, Jane",
        administered_at=None,
        prepared_by="AB",
        verified_by="CD",
        inputs={},
        result={},
        documentation={},
        render=lambda wid, replaces: f"%PDF-1.7 {wid}".encode(),
    )


def test_the_window_backs_up_after_a_record_off_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: object
) -> None:
    site = site_at(tmp_path / "data")
    plan = site.backup_plan
    threads: list[int] = []
    real = backup_module.backup_now

    def watched(path: Path, due_plan: BackupPlan) -> None:
        threads.append(threading.get_ident())
        real(path, due_plan)

    monkeypatch.setattr(backup_module, "backup_now", watched)  # type: ignore[attr-defined]
    owner = QObject()
    start_backups(site, owner)
    with site.open_records() as store:
        _record(store)  # the first record: a backup is due
    qtbot.waitUntil(lambda: len(backups(plan)) == 1, timeout=10_000)
    assert threads and threads[0] != threading.get_ident()
    site.close()


def test_a_command_backs_up_right_after_its_record(tmp_path: Path) -> None:
    site = site_at(tmp_path / "data")
    with site.open_records() as store:
        _record(store)
        assert len(backups(site.backup_plan)) == 1  # no thread to wait for
    site.close()


def test_a_failed_backup_stays_in_the_status_line_until_one_succeeds(
    qtbot: QtBot, tmp_path: Path, monkeypatch: object
) -> None:
    """The attack (issue 23, item 8): automatic backups that failed on a full disk said
    nothing in the window."""
    import errno

    from PySide6.QtWidgets import QMainWindow

    from ui import announce
    from ui.backup_status import BackupStatus

    site = site_at(tmp_path / "data")
    real = backup_module.backup_database
    full = [True]

    def disk(conn: object, plan: BackupPlan) -> Path:
        if full[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(conn, plan)  # type: ignore[arg-type]

    monkeypatch.setattr(backup_module, "backup_database", disk)  # type: ignore[attr-defined]
    monkeypatch.setattr(backup_module, "last_backup_problem", None)  # type: ignore[attr-defined]
    window = QMainWindow()
    qtbot.addWidget(window)
    status = BackupStatus(window)
    window.show()
    start_backups(site, window)
    with site.open_records() as store:
        _record(store)  # a backup is due, and the disk is full
    qtbot.waitUntil(status.isVisible, timeout=10_000)
    assert "No space left on device" in status.text()
    assert "records are kept" in status.text() and "Doe" not in status.text()
    assert status.text() in announce.spoken
    full[0] = False
    with site.open_records() as store:
        _record(store)  # the next backup works: the warning goes
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=10_000)
    assert len(backups(site.backup_plan)) == 1
    site.close()
