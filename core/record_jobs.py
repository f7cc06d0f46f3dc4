"""Long work over the records store, made to run off the window's thread and be cancelled.

Each job opens its own ``RecordStore`` (a SQLite connection belongs to the thread that
opened it), takes a ``CancelToken``, and raises ``RecordStoreError`` for anything the
database says, so callers (the history window) never see ``sqlite3``. Cancelling
interrupts SQLite between steps (``Cancelled`` is raised); the store is left as it was.

    token = CancelToken()
    report = verify_records(data_dir, full=True, token=token)  # token.cancel() elsewhere
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from core.records import RecordStore, RecordStoreError, VerifyReport, to_csv
from core.records.models import WorksheetRecordSummary

__all__ = [
    "CancelToken",
    "Cancelled",
    "export_records",
    "read_pdf",
    "search_records",
    "verify_records",
]

#: SQLite virtual-machine steps between looks at the cancel token.
_STEPS_PER_CHECK = 20_000
T = TypeVar("T")


class Cancelled(Exception):
    """The job was cancelled before it finished; nothing was changed."""


class CancelToken:
    """Shared between the job and whoever may cancel it (any thread)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled


@contextmanager
def _store(data_dir: Path, token: CancelToken) -> Iterator[RecordStore]:
    """The store, opened in this thread, interrupted by the token; database errors as
    ``RecordStoreError``."""
    token.check()
    try:
        with RecordStore.open(data_dir) as store:
            # The store keeps its connection private; interrupting it is this module's job.
            connection: sqlite3.Connection = store._conn
            connection.set_progress_handler(lambda: int(token.cancelled), _STEPS_PER_CHECK)
            yield store
    except sqlite3.OperationalError as error:
        if token.cancelled:
            raise Cancelled from None
        raise RecordStoreError(f"the records could not be read ({error})") from None
    except sqlite3.Error as error:
        raise RecordStoreError(f"the records could not be read ({error})") from None
    token.check()


def _run(data_dir: Path, token: CancelToken, work: Callable[[RecordStore], T]) -> T:
    with _store(data_dir, token) as store:
        return work(store)


def verify_records(data_dir: Path, *, full: bool, token: CancelToken) -> VerifyReport:
    """The tamper check (``full``: every PDF rehashed too)."""
    return _run(data_dir, token, lambda store: store.verify(check_pdfs=full))


def search_records(
    data_dir: Path, filters: Mapping[str, Any], *, limit: int | None, token: CancelToken
) -> list[WorksheetRecordSummary]:
    """Summaries matching ``filters`` (``RecordStore.list`` keywords), newest first."""
    return _run(data_dir, token, lambda store: store.list(**filters, limit=limit))


def export_records(
    data_dir: Path, filters: Mapping[str, Any], path: Path, *, token: CancelToken
) -> int:
    """Every worksheet matching ``filters`` as CSV at ``path`` (atomic, with a byte-order
    mark so spreadsheets read accented names as UTF-8); the number of rows."""
    from core.atomic import write_atomic

    rows = search_records(data_dir, filters, limit=None, token=token)
    token.check()
    write_atomic(path, to_csv(rows).encode("utf-8-sig"))
    return len(rows)


def read_pdf(data_dir: Path, record_id: int, *, token: CancelToken) -> bytes:
    """The recorded PDF bytes (refused if they no longer match their SHA-256)."""
    return _run(data_dir, token, lambda store: store.pdf(record_id))
