"""Long work over the records store, made to run off the window's thread and be cancelled.

Each job opens its own ``RecordStore`` from the site (a SQLite connection belongs to the
thread that opened it), takes a ``CancelToken``, and raises ``RecordStoreError`` for anything the
database says, so callers (the history window) never see ``sqlite3``. Cancelling
interrupts SQLite between steps (``Cancelled`` is raised); the store is left as it was.

    token = CancelToken()
    report = verify_records(site, full=True, token=token)  # token.cancel() elsewhere
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.queues
import os
import queue
import sys
import typing
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from core.records import RecordStore, RecordStoreError, VerifyReport, to_csv
from core.records.models import WorksheetRecordSummary
from core.records.verify import Progress
from core.work import PROGRESS_INTERVAL_S, Cancelled, CancelToken, Throttled

if TYPE_CHECKING:
    from core.site import Site

__all__ = [
    "PROGRESS_INTERVAL_S",
    "CancelToken",
    "Cancelled",
    "Throttled",
    "export_records",
    "read_pdf",
    "search_records",
    "verify_records",
]

#: How much lower a check in its own process runs than the window (POSIX niceness, the
#: ``nice`` command's default; Linux disk schedulers that weigh priorities follow it).
BACKGROUND_NICENESS = 10
#: Windows: ``SetPriorityClass``'s BELOW_NORMAL_PRIORITY_CLASS.
_BELOW_NORMAL_PRIORITY_CLASS = 0x4000
T = TypeVar("T")


@contextmanager
def _store(site: Site, token: CancelToken) -> Iterator[RecordStore]:
    """The store, opened in this thread, interrupted by the token; database errors as
    ``RecordStoreError``."""
    token.check()
    try:
        with site.open_records() as store:
            store.interrupt_when(lambda: token.cancelled)
            yield store
    except RecordStoreError:
        if token.cancelled:
            raise Cancelled from None
        raise
    token.check()


def _run(site: Site, token: CancelToken, work: Callable[[RecordStore], T]) -> T:
    with _store(site, token) as store:
        return work(store)


def verify_records(site: Site, *, full: bool, token: CancelToken) -> VerifyReport:
    """The tamper check (``full``: every PDF rehashed too).

    The full check reads and hashes every PDF (about half a minute for 100,000
    worksheets), so it runs in a separate process at a lower priority: the window's
    process keeps its interpreter to itself, and typing does not wait for it or for a
    processor it keeps busy. Cancelling ends that process (it only reads). Either check
    reports how many records it has checked through ``token`` (``Throttled``).
    """
    if full:
        return _in_process_of_its_own(_verify_full, site, token)
    progress = Throttled(token.report)
    return _run(site, token, lambda store: store.verify(check_pdfs=False, progress=progress))


def _verify_full(site: Site, progress: Progress) -> VerifyReport:
    with site.open_records() as store:
        return store.verify(check_pdfs=True, progress=progress)


def _step_back() -> None:
    """This process (a background check) gives way to the window's: on a two-core desk
    computer the technician's typing must win the processor whenever both want it. A
    platform that refuses leaves the priority as it was; the check still runs."""
    with contextlib.suppress(OSError, AttributeError):
        if sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), _BELOW_NORMAL_PRIORITY_CLASS)
        else:
            os.nice(BACKGROUND_NICENESS)


def _child(
    work: Callable[[Site, Progress], T],
    site: Site,
    answers: multiprocessing.queues.Queue[Any],
) -> None:  # in the child process
    _step_back()
    progress = Throttled(lambda done, total: answers.put(("progress", (done, total))))
    try:
        answers.put(("ok", work(site, progress)))
    except RecordStoreError as error:
        answers.put(("error", str(error)))
    except Exception as error:
        answers.put(("error", f"{type(error).__name__}: {error}"))


def _in_process_of_its_own(
    work: Callable[[Site, Progress], T], site: Site, token: CancelToken
) -> T:
    """``work(site, progress)`` in a new process (a top-level function); its answer,
    or ``RecordStoreError`` with its message; ``Cancelled`` (the process ended) on
    cancel. What it reports to ``progress`` is passed on to ``token.report``."""
    token.check()
    context = multiprocessing.get_context("spawn")
    answers: multiprocessing.queues.Queue[Any] = context.Queue()
    child = context.Process(target=_child, args=(work, site, answers), daemon=True)
    child.start()
    try:
        while True:
            if token.cancelled:
                child.terminate()
                raise Cancelled
            try:
                kind, value = answers.get(timeout=0.05)
            except queue.Empty:
                if not child.is_alive() and answers.empty():
                    raise RecordStoreError("the check stopped unexpectedly") from None
                continue
            if kind == "progress":
                token.report(*value)
                continue
            if kind == "ok":
                return typing.cast(T, value)
            raise RecordStoreError(str(value))
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
        answers.close()


def search_records(
    site: Site, filters: Mapping[str, Any], *, limit: int | None, token: CancelToken
) -> list[WorksheetRecordSummary]:
    """Summaries matching ``filters`` (``RecordStore.list`` keywords), newest first."""
    return _run(site, token, lambda store: store.list(**filters, limit=limit))


def export_records(
    site: Site, filters: Mapping[str, Any], path: Path, *, token: CancelToken
) -> int:
    """Every worksheet matching ``filters`` as CSV at ``path`` (atomic, with a byte-order
    mark so spreadsheets read accented names as UTF-8); the number of rows."""
    from core.atomic import write_atomic

    rows = search_records(site, filters, limit=None, token=token)
    token.check()
    write_atomic(path, to_csv(rows).encode("utf-8-sig"))
    return len(rows)


def read_pdf(site: Site, record_id: int, *, token: CancelToken) -> bytes:
    """The recorded PDF bytes (refused if they no longer match their SHA-256)."""
    return _run(site, token, lambda store: store.pdf(record_id))
