"""The one way to run work off the GUI thread: a cancel token, throttled progress, and the
answer called back on the GUI thread (like Anki's ``QueryOp``/``CollectionOp``).

``BackgroundWork.start(kind, label, work, given, success, failure)`` runs
``work(given, token)`` on a worker thread and calls ``success(value)`` or
``failure(message)`` back on the GUI thread. The tamper check's own process
(``core.record_jobs``) is started and watched by such work, and the autosave, the
history's searches, the CMS import and the audit all run through it.

What may cross to the worker thread is kept by ``start``, not by comments:

- ``work`` is a plain function (module level: no closure, not a bound method), so it
  cannot reach a widget; it gets ``given`` and the ``CancelToken``, nothing else.
- ``given`` is immutable (``check_crossing``: text, numbers, dates, paths, enums, None,
  and tuples, frozensets, frozen dataclasses, msgspec Structs and pydantic models of
  these), so neither thread can change it under the other. An object made to be read
  from several threads (the CMS store) goes across only wrapped in ``Shared``, which
  says so where it is sent.
- The value comes back only through ``success``; the worker never touches it again.

While a job runs, the optional bar shows that something is happening, or how far it has
come once the job says (``token.report(done, total)``, passed on at most ten times a
second: ``core.work.Throttled``), and the Cancel button cancels it
(``core.work.Cancelled``: neither callback runs; the note says so). A newer job of
the same ``kind`` replaces an older one, whose answer is then ignored (a search typed on
supersedes the one before).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import inspect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePath
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from core.work import Cancelled, CancelToken, Throttled

Given = TypeVar("Given")
Value = TypeVar("Value")
T = TypeVar("T")

#: Values that cannot change once made.
_IMMUTABLE = (str, bytes, int, float, Decimal, Fraction, date, time_of_day, timedelta)
_IMMUTABLE_TOO = (PurePath, enum.Enum, range, type(None))
#: A bar's range is an int; larger totals (bytes of a big file) are shown in thousandths.
_BAR_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class Shared(Generic[T]):
    """An object made to be used from several threads, sent across as it is: the sender
    vouches that the work only reads it and that it allows that (the CMS store opens its
    connection with ``check_same_thread=False`` and is only queried)."""

    value: T


def check_crossing(given: object, where: str = "given") -> None:
    """``TypeError`` unless ``given`` can cross to a worker thread (see the module's rule)."""
    if isinstance(given, _IMMUTABLE + _IMMUTABLE_TOO + (Shared,)):
        return
    if isinstance(given, tuple | frozenset):
        for index, item in enumerate(given):
            check_crossing(item, f"{where}[{index}]")
        return
    struct = getattr(type(given), "__struct_config__", None)  # msgspec, not imported here
    if struct is not None and struct.frozen:
        for name in type(given).__struct_fields__:  # type: ignore[attr-defined]
            check_crossing(getattr(given, name), f"{where}.{name}")
        return
    config = getattr(type(given), "model_config", None)  # pydantic, not imported here
    if isinstance(config, dict) and config.get("frozen") and hasattr(type(given), "model_fields"):
        for name in type(given).model_fields:  # type: ignore[attr-defined]
            check_crossing(getattr(given, name), f"{where}.{name}")
        return
    params = getattr(type(given), "__dataclass_params__", None)
    if dataclasses.is_dataclass(given) and params is not None and params.frozen:
        for field in dataclasses.fields(given):
            check_crossing(getattr(given, field.name), f"{where}.{field.name}")
        return
    raise TypeError(
        f"{where} ({type(given).__name__}) may not cross to a worker thread: send immutable "
        "values (text, numbers, paths, tuples, frozen dataclasses) or wrap an object made "
        "for sharing in Shared"
    )


def check_work(work: Callable[..., object]) -> None:
    """``TypeError`` unless ``work`` is a plain function that can reach only what it is
    given (a closure or a bound method could reach a widget from the worker thread)."""
    if inspect.ismethod(work) or not inspect.isfunction(work):
        raise TypeError(f"{work!r} is not a plain function: pass what it needs as 'given'")
    if work.__closure__:
        names = ", ".join(work.__code__.co_freevars)
        raise TypeError(f"{work.__qualname__} reaches {names} from around it: pass it as 'given'")


def _in_words(error: object) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror  # "No space left on device", without the path
    return str(error) or type(error).__name__


class _Job:
    """One run of ``work``: what to call back, on the GUI thread."""

    def __init__(
        self,
        kind: str,
        label: str,
        success: Callable[[Any], None],
        failure: Callable[[str], None],
        progress: Callable[[int, int], None] | None,
        report: Callable[[_Job, int, int], None],
        clock: Callable[[], float],
    ) -> None:
        self.kind, self.label = kind, label
        self.success, self.failure, self.on_progress = success, failure, progress
        self.done = self.total = 0  # how far it has come, once it says
        self.token = CancelToken(progress=Throttled(self._report, clock))
        self._reporter = report

    def _report(self, done: int, total: int) -> None:  # on the worker thread
        self._reporter(self, done, total)


class _Answers(QObject):
    """Lives on the GUI thread; a signal emitted from a worker is queued to it."""

    done = Signal(object, object, object)  # job, value, error
    progress = Signal(object, object, object)  # job, done, total (Python ints: any size)


class BackgroundWork(QObject):
    """Runs jobs off the GUI thread for one owner (a dialog, the autosave). The bar,
    the Cancel button and the note are optional: the autosave shows none."""

    #: No job is running any more (the last one answered, failed or was cancelled).
    idle = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        bar: QProgressBar | None = None,
        cancel: QPushButton | None = None,
        note: QLabel | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.bar, self.cancel_button, self.note = bar, cancel, note
        self._clock = clock
        self._owner = threading.get_ident()  # the GUI thread: callbacks run there
        self._running: dict[str, _Job] = {}
        self._threads: list[threading.Thread] = []
        self._answers = _Answers(self)
        self._answers.done.connect(self._finish)
        self._answers.progress.connect(self._progressed)
        if cancel is not None:
            cancel.clicked.connect(self.cancel)
        self._show()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def running(self, kind: str) -> bool:
        return kind in self._running

    def on_owner_thread(self) -> bool:
        """Whether this is the thread that owns the work (the only one that may start it)."""
        return threading.get_ident() == self._owner

    def start(
        self,
        kind: str,
        label: str,
        work: Callable[[Given, CancelToken], Value],
        given: Given,
        success: Callable[[Value], None],
        failure: Callable[[str], None],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Run ``work(given, token)`` now; ``label`` says what is happening ("Checking
        every PDF…"); ``progress(done, total)`` hears the job's reports (GUI thread)."""
        if not self.on_owner_thread():
            raise RuntimeError("BackgroundWork.start is called on the thread that owns it")
        check_work(work)
        check_crossing(given)
        old = self._running.get(kind)
        if old is not None:
            old.token.cancel()
        job = _Job(kind, label, success, failure, progress, self._report, self._clock)
        self._running[kind] = job
        thread = threading.Thread(
            target=self._run, args=(job, work, given), name=f"unitcalc-{kind}", daemon=True
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        self._show()

    # -- on the worker thread: only the job, its token and the signals' queue

    def _run(self, job: _Job, work: Callable[[Any, CancelToken], object], given: object) -> None:
        try:
            value, error = work(given, job.token), None
        except Exception as problem:
            value, error = None, problem
        # RuntimeError: the owner is gone; nobody is waiting for the answer.
        with contextlib.suppress(RuntimeError):
            self._answers.done.emit(job, value, error)

    def _report(self, job: _Job, done: int, total: int) -> None:
        with contextlib.suppress(RuntimeError):
            self._answers.progress.emit(job, done, total)

    # -- on the GUI thread

    def _finish(self, job: _Job, value: object, error: object) -> None:
        current = self._running.get(job.kind) is job
        if current:
            del self._running[job.kind]
        if current and not job.token.cancelled:
            if error is None:
                job.success(value)
            elif not isinstance(error, Cancelled):
                job.failure(_in_words(error))
        elif current and self.note is not None:
            self.note.setText(f"Cancelled: {job.label.rstrip('…').lower()}.")
        self._show()
        if not self._running:
            self.idle.emit()

    def _progressed(self, job: _Job, done: int, total: int) -> None:
        if self._running.get(job.kind) is job and not job.token.cancelled:
            job.done, job.total = done, total
            if job.on_progress is not None:
                job.on_progress(done, total)
            self._show()

    def cancel(self) -> None:
        for job in self._running.values():
            job.token.cancel()

    def wait(self, timeout_s: float | None = 30.0) -> None:
        """Block until the worker threads end, then give their answers (closing the
        window, the autosave's last write, tests)."""
        for thread in self._threads:
            thread.join(timeout_s)
        from PySide6.QtCore import QCoreApplication

        # The answers are queued to this (the GUI) thread: deliver them now.
        QCoreApplication.sendPostedEvents(self)
        QCoreApplication.sendPostedEvents(self._answers)

    def _show(self) -> None:
        busy = bool(self._running)
        for widget in (self.bar, self.cancel_button):
            if widget is not None:
                widget.setVisible(busy)
        if not busy:
            return
        jobs = list(self._running.values())
        if self.bar is not None:
            if len(jobs) == 1 and jobs[0].total > 0:
                done, total = jobs[0].done, jobs[0].total
                if total > _BAR_LIMIT:
                    done, total = done * 1000 // total, 1000
                self.bar.setRange(0, total)
                self.bar.setValue(done)
            else:
                self.bar.setRange(0, 0)  # a moving bar until the job says how far
        if self.note is not None:
            self.note.setText(" · ".join(job.label for job in jobs))
