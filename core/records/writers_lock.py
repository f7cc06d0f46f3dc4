"""The records file's writers' lock: every writer of the SQLite records file
(``RecordStore.add``, the background backup) shares it from reading the journal to
journaling its record; a restore has it alone for its whole duration (issue 23)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def writers_lock(database: Path | None, *, exclusive: bool) -> Iterator[None]:
    """Hold the records file's writers' lock (nothing on a server: no file to replace).

    Writers share it; a restore has it alone. ``flock`` does not make new sharers wait for
    a waiting restore, so each passes a turnstile first, which a restore holds while it
    waits: a steady stream of writers cannot keep a restore out."""
    if database is None:
        yield
        return
    turnstile = os.open(database.with_name(database.name + ".turnstile"), _FLAGS, 0o600)
    try:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        lock = os.open(database.with_name(database.name + ".lock"), _FLAGS, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            if not exclusive:
                fcntl.flock(turnstile, fcntl.LOCK_UN)
            yield
        finally:
            os.close(lock)  # closing releases the lock
    finally:
        os.close(turnstile)


_FLAGS = os.O_RDWR | os.O_CREAT
