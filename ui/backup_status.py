"""The status line's warning that records are not backed up (a full backup disk): shown
until a backup succeeds, and said to a screen reader once when it appears.

Backups run off the GUI thread (``ui.app.start_backups``); a failed one is kept in
``core.records.backup.last_backup_problem`` (never raised: the record is kept). This
label asks for it after every backup and every record.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from ui.announce import announce


class BackupStatus(QLabel):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("backupStatus")
        self.setAccessibleName("Backup problem")
        self.setStyleSheet("color: #a00000; font-weight: bold;")
        self.setWordWrap(False)
        self._shown: str | None = None
        window.statusBar().addPermanentWidget(self)
        self.hide()

    def refresh(self, _done: object = None) -> None:
        from core.records import backup

        problem = backup.last_backup_problem
        if problem == self._shown:
            return
        self._shown = problem
        if problem is None:
            self.clear()
            self.hide()
            return
        text = f"Not backed up: {problem}"
        self.setText(text)
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self.show()
        announce(self, text, assertive=True)
