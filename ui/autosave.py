"""Autosave of the form into the data directory while it is being filled in.

Saves at most every few seconds (and on close), only when something changed, through
``core.drafts``. The write (with its fsync) runs on one background thread so typing
never stutters; closing the window waits for it. While the "restore the earlier draft?"
question is open, saving waits: writing now would overwrite the draft the user has not
yet decided about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._pending: Future[None] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    def load(self) -> dict[str, str] | None:
        return drafts.load_draft(self.data_dir)

    def mark_changed(self) -> None:
        self._changed = True

    def flush(self, wait: bool = False) -> None:
        """Write the draft if the form changed since the last write (``wait``: finish it)."""
        self._report()
        if self._changed and not self.paused:
            fields = self._fields() if self._has_input() else None  # read on the GUI thread
            self._changed = False
            self._pending = self._writer.submit(self._write, fields)
        if wait and self._pending is not None:
            self._pending.exception()  # blocks until written
            self._report()

    def _write(self, fields: dict[str, str] | None) -> None:
        if fields is None:
            drafts.clear_draft(self.data_dir)
        else:
            drafts.save_draft(self.data_dir, fields)

    def _report(self) -> None:
        """Say how the last background write went (signals stay on the GUI thread)."""
        done, self._pending = self._pending, None
        if done is None:
            return
        if not done.done():
            self._pending = done
            return
        error = done.exception()
        if error is None:
            self.status.emit("Draft saved")
            return
        self._changed = True  # try again at the next tick
        reason = error.strerror if isinstance(error, OSError) else str(error)
        log.warning("draft could not be saved: %s", reason)
        self.status.emit(f"Autosave failed: {reason}. Keep this window open.")

    def discard(self) -> None:
        """Forget the draft on disk (the worksheet was recorded, or the user said so)."""
        self._changed = False
        if self._pending is not None:
            self._pending.exception()  # let a write in flight land first, then remove it
            self._pending = None
        try:
            drafts.clear_draft(self.data_dir)
        except OSError as error:
            self.status.emit(f"Draft could not be removed: {error.strerror}")

    def stop(self) -> None:
        self._timer.stop()
        self._writer.shutdown(wait=True)
