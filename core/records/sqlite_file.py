"""The SQLite file under ``RecordStore``: opened private and in WAL mode, its errors said
as one plain line naming the data directory, and a transaction retried while another
process holds the file."""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from core.records.models import DatabaseDamagedError, StoreUnavailableError
from core.records.schema import migrate

__all__ = [
    "BUSY_DEADLINE_S",
    "BUSY_TIMEOUT_S",
    "connect",
    "is_busy",
    "private_file",
    "retry_busy",
    "search_fold",
    "unavailable",
]

T = TypeVar("T")

log = logging.getLogger(__name__)


#: How long one statement waits for another process's lock before SQLite gives up, and
#: how long ``add`` keeps retrying its whole transaction after that.
BUSY_TIMEOUT_S = 15.0
BUSY_DEADLINE_S = 120.0

# SQLite primary result codes (``sqlite3.Error.sqlite_errorcode & 0xFF``).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB = 26


def is_busy(error: sqlite3.Error) -> bool:
    return primary_code(error) in (_SQLITE_BUSY, _SQLITE_LOCKED)


def primary_code(error: sqlite3.Error) -> int:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else -1


def unavailable(error: sqlite3.Error | OSError, path: Path) -> StoreUnavailableError:
    """A database or file-system error as one plain line saying where and what to do."""
    where = path.parent
    other = "or choose another data directory with --data-dir (or UNITCALC_DATA_DIR)"
    if isinstance(error, OSError):
        reason = error.strerror or type(error).__name__
        return StoreUnavailableError(
            f"cannot use the data directory {where} ({reason}): fix it {other}"
        )
    code = primary_code(error)
    if code == _SQLITE_FULL:
        text = f"the disk holding the records ({where}) is full: free some space there {other}"
    elif code in (_SQLITE_READONLY, _SQLITE_PERM):
        text = f"the records database in {where} is read-only: make it writable {other}"
    elif code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        text = (
            f"the records database in {where} stayed locked by another program for "
            f"{BUSY_DEADLINE_S:.0f} s: try again"
        )
    elif code in (_SQLITE_CANTOPEN, _SQLITE_IOERR):
        text = (
            f"cannot read or write the records database in {where} ({error}): "
            f"check the disk {other}"
        )
    elif code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return DatabaseDamagedError(
            f"the records database in {where} is damaged ({error}): restore the newest "
            "backup with `main.py restore BACKUP`"
        )
    else:
        text = f"the records database in {where} cannot be used ({error}): run `main.py verify`"
    return StoreUnavailableError(text)


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if missing; tighten it to 0600 if present.

    An existing database is never opened here: closing any descriptor of a file drops
    every POSIX lock this process holds on it, including those of another connection
    (a background backup, the history window), and another process could then
    checkpoint and reset the WAL under that connection, losing its commits.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)


def connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so every
    # transaction boundary is explicit.
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":  # e.g. some network filesystems; FULL sync still protects
            log.warning("records database could not use WAL (journal mode %s)", mode)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.create_function("search_fold", 1, _search_fold, deterministic=True)
        migrate(conn)
        if os.name == "posix":
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    os.chmod(side, 0o600)
    except BaseException:
        conn.close()
        raise
    return conn


def retry_busy(work: Callable[[], T], path: Path) -> T:
    """Run ``work``; while another process holds the database (busy or locked even after
    the busy timeout, which SQLite does not apply to every wait), roll back and run it
    again after a short random pause, for up to ``BUSY_DEADLINE_S``. Other database and
    file errors become ``StoreUnavailableError``."""
    deadline = time.monotonic() + BUSY_DEADLINE_S
    pause = 0.01
    while True:
        try:
            return work()
        except sqlite3.Error as error:
            if not is_busy(error) or time.monotonic() >= deadline:
                raise unavailable(error, path) from None
            log.info("records database busy; retrying")
        except OSError as error:
            raise unavailable(error, path) from None
        time.sleep(random.uniform(0, pause))
        pause = min(pause * 2, 1.0)


def search_fold(text: str) -> str:
    """Text as a search compares it: no case, no accents ("Nguyen" finds "Nguyễn").

    Technicians often type names without diacritics; "đ" does not decompose, so it is
    mapped to "d" by hand.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _search_fold(value: object) -> str | None:
    return search_fold(value) if isinstance(value, str) else None
