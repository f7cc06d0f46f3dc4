"""Autosave of the form into the data directory while it is being filled in.

Saves at most every few seconds (and on close), only when something changed, through
``core.drafts``. While the "restore the earlier draft?" question is open, saving waits:
writing now would overwrite the draft the user has not yet decided about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from core import drafts

INTERVAL_MS = 3000

log = logging.getLogger(__name__)


class Autosave(QObject):
    #: Short text for the status bar ("Draft saved 14:32") or a failure in words.
    status = Signal(str)

    def __init__(
        self, data_dir: Path, fields: Callable[[], dict[str, str]], has_input: Callable[[], bool]
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self._fields = fields
        self._has_input = has_input
        self._changed = False
        self.paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    def load(self) -> dict[str, str] | None:
        return drafts.load_draft(self.data_dir)

    def mark_changed(self) -> None:
        self._changed = True

    def flush(self) -> None:
        """Write the draft now if the form changed since the last write."""
        if not self._changed or self.paused:
            return
        try:
            if self._has_input():
                drafts.save_draft(self.data_dir, self._fields())
                self.status.emit("Draft saved")
            else:
                drafts.clear_draft(self.data_dir)
        except OSError as error:
            log.warning("draft could not be saved: %s", error.strerror)
            self.status.emit(f"Autosave failed: {error.strerror}. Keep this window open.")
            return
        self._changed = False

    def discard(self) -> None:
        """Forget the draft on disk (the worksheet was recorded, or the user said so)."""
        self._changed = False
        try:
            drafts.clear_draft(self.data_dir)
        except OSError as error:
            self.status.emit(f"Draft could not be removed: {error.strerror}")

    def stop(self) -> None:
        self._timer.stop()
