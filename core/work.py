"""What a job off the caller's thread shares with whoever started it: a ``CancelToken``
(cancel from any thread; the job looks between steps) through which the job reports how
far it has come, and ``Throttled``, which passes such reports on at most ten times a
second. Light on purpose (no database, no Qt): the window imports it at start-up.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

#: ``progress(done, total)``: how far a job has come (records, rows, files).
Progress = Callable[[int, int], None]
#: Seconds at least between two progress reports: the window redraws its bar for each,
#: on the thread that also handles the typing.
PROGRESS_INTERVAL_S = 0.1


class Cancelled(Exception):
    """The job was cancelled before it finished; nothing was changed."""


class CancelToken:
    """Shared between the job and whoever may cancel it (any thread). A job that can
    say how far it has come reports it through the token to ``progress``, if given."""

    def __init__(self, progress: Progress | None = None) -> None:
        self._event = threading.Event()
        self._progress = progress

    def report(self, done: int, total: int) -> None:
        """``done`` of ``total`` (records, say); called on the job's thread."""
        if self._progress is not None:
            self._progress(done, total)

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled


class Throttled:
    """Passes a progress report on at most every ``PROGRESS_INTERVAL_S`` (the first at
    once); the ones between are dropped, the next one says more anyway."""

    def __init__(self, report: Progress, clock: Callable[[], float] = time.monotonic) -> None:
        self._report = report
        self._clock = clock
        self._last = -math.inf

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if now - self._last >= PROGRESS_INTERVAL_S:
            self._last = now
            self._report(done, total)
