"""Long work off the GUI thread, with a progress bar, Cancel, and answers on the GUI thread.

``BackgroundWork.start(work, success, failure)`` runs ``work(token)`` on a worker thread
(``core.record_jobs`` functions, typically) and calls ``success(value)`` or
``failure(message)`` back on the GUI thread; never call a widget inside ``work``. While
it runs, the progress bar shows that something is happening, or how far it has come
once the job says (``token.report(done, total)``, at most ten times a second:
``core.record_jobs.Throttled``), and the Cancel button cancels it
(``core.record_jobs.Cancelled``: neither callback runs; the bar says so).
A newer job of the same ``kind`` replaces an older one, whose answer is then ignored
(a search typed on supersedes the one before).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from core.record_jobs import Cancelled, CancelToken

Work = Callable[[CancelToken], Any]


class _Answer(QObject):
    """Lives on the GUI thread; a signal emitted from the worker is queued to it."""

    done = Signal(object, object, object)  # job, value, error
    progress = Signal(object, int, int)  # job, done, total


class _Job:
    def __init__(self, kind: str, label: str, success: Callable[[Any], None],
                 failure: Callable[[str], None], answer: _Answer) -> None:  # fmt: skip
        self.kind = kind
        self.label = label
        self.success = success
        self.failure = failure
        self.done = self.total = 0  # how far it has come, once it says
        self._answer = answer
        self.token = CancelToken(progress=self._report)

    def _report(self, done: int, total: int) -> None:  # on the worker thread
        # RuntimeError: the window that asked is gone; nobody is watching the bar.
        with contextlib.suppress(RuntimeError):
            self._answer.progress.emit(self, done, total)


class BackgroundWork(QObject):
    #: No job is running any more (the last one answered, failed or was cancelled).
    idle = Signal()

    def __init__(self, progress: QProgressBar, cancel: QPushButton, note: QLabel) -> None:
        super().__init__(progress)
        self.progress = progress
        self.cancel_button = cancel
        self.note = note
        self._running: dict[str, _Job] = {}
        self._answer = _Answer(self)
        self._answer.done.connect(self._finish)
        self._answer.progress.connect(self._progressed)
        self._threads: list[threading.Thread] = []
        cancel.clicked.connect(self.cancel)
        self._show()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def start(
        self,
        kind: str,
        label: str,
        work: Work,
        success: Callable[[Any], None],
        failure: Callable[[str], None],
    ) -> None:
        """Run ``work`` now; ``label`` says what is happening ("Checking every PDF…")."""
        old = self._running.get(kind)
        if old is not None:
            old.token.cancel()
        job = _Job(kind, label, success, failure, self._answer)
        self._running[kind] = job
        thread = threading.Thread(
            target=self._run, args=(job, work), name=f"unitcalc-{kind}", daemon=True
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        self._show()

    def _run(self, job: _Job, work: Work) -> None:  # on the worker thread
        try:
            value, error = work(job.token), None
        except Exception as problem:
            value, error = None, problem
        # RuntimeError: the window that asked is gone; nobody is waiting for the answer.
        with contextlib.suppress(RuntimeError):
            self._answer.done.emit(job, value, error)

    def _finish(self, job: _Job, value: object, error: object) -> None:  # GUI thread
        current = self._running.get(job.kind) is job
        if current:
            del self._running[job.kind]
        if current and not job.token.cancelled:
            if error is None:
                job.success(value)
            elif isinstance(error, Cancelled):
                pass
            else:
                job.failure(str(error) if isinstance(error, Exception) else "failed")
        elif current:
            self.note.setText(f"Cancelled: {job.label.rstrip('…').lower()}.")
        self._show()
        if not self._running:
            self.idle.emit()

    def _progressed(self, job: _Job, done: int, total: int) -> None:  # GUI thread
        if self._running.get(job.kind) is job and not job.token.cancelled:
            job.done, job.total = done, total
            self._show()

    def cancel(self) -> None:
        for job in self._running.values():
            job.token.cancel()

    def wait(self, timeout_s: float = 30.0) -> None:
        """Block until the worker threads end (closing the window; tests)."""
        for thread in self._threads:
            thread.join(timeout_s)

    def _show(self) -> None:
        busy = bool(self._running)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            jobs = list(self._running.values())
            if len(jobs) == 1 and jobs[0].total > 0:
                self.progress.setRange(0, jobs[0].total)
                self.progress.setValue(jobs[0].done)
            else:
                self.progress.setRange(0, 0)  # a moving bar until the job says how far
            self.note.setText(" · ".join(job.label for job in jobs))
