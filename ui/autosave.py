"""Autosave of the form into the data directory while it is being filled in.

Saves at most every few seconds (and on close), only when something changed, through
``core.drafts``. The write (with its fsync) runs off the GUI thread through
``ui.background.BackgroundWork`` (the fields are read on the GUI thread and sent across
as a frozen ``Draft``), so typing never stutters; one write at a time, in order, and
closing the window waits for the last. While the "restore the earlier draft?" question
is open, saving waits: writing now would overwrite the draft the user has not yet
decided about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from core import drafts
from core.work import CancelToken
from ui.background import BackgroundWork

INTERVAL_MS = 3000
_KIND = "autosave"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """What one write is given: the form's fields, or None to clear the draft."""

    data_dir: Path
    fields: tuple[tuple[str, str], ...] | None
    #: The account signed in at the window (the draft is theirs after a crash).
    account: int | None = None


def write_draft(draft: Draft, _token: CancelToken) -> None:  # on the worker thread
    if draft.fields is None:
        drafts.clear_draft(draft.data_dir)
    else:
        drafts.save_draft(draft.data_dir, dict(draft.fields), signed_in=draft.account)


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
        #: The account signed in at the window (``ui.window_lock``), if any.
        self.account: int | None = None
        self.work = BackgroundWork(self)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    def load(self) -> dict[str, str] | None:
        """The draft to offer whoever starts the window (one saved while someone was
        signed in is set aside for them instead)."""
        from core.idle_lock import window_draft

        return window_draft(self.data_dir)

    def mark_changed(self) -> None:
        self._changed = True

    def flush(self, wait: bool = False) -> None:
        """Write the draft if the form changed since the last write (``wait``: finish it).
        A write still under way is finished first (``wait``) or left to finish, and the
        change is written at the next tick: two writes never race."""
        if wait:
            self.work.wait()
        if self._changed and not self.paused and not self.work.running(_KIND):
            fields = self._fields() if self._has_input() else None  # read on the GUI thread
            self._changed = False
            kept = None if fields is None else tuple(fields.items())
            draft = Draft(self.data_dir, kept, self.account)
            self.work.start(_KIND, "Saving…", write_draft, draft, self._saved, self._failed)
        if wait:
            self.work.wait()

    def _saved(self, _nothing: None) -> None:
        self.status.emit("Draft saved")

    def _failed(self, reason: str) -> None:
        self._changed = True  # try again at the next tick
        log.warning("draft could not be saved: %s", reason)
        self.status.emit(f"Autosave failed: {reason}. Keep this window open.")

    def discard(self) -> None:
        """Forget the draft on disk (the worksheet was recorded, or the user said so)."""
        self._changed = False
        self.work.wait()  # let a write in flight land first, then remove it
        try:
            drafts.clear_draft(self.data_dir)
        except OSError as error:
            self.status.emit(f"Draft could not be removed: {error.strerror}")

    def stop(self) -> None:
        self._timer.stop()
        self.work.wait()
