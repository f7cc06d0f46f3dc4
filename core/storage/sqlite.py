"""The SQLite backend: one file in the data directory, private (0600), WAL journal.

Transactions are begun by the SQL sent (``isolation_level=None``): ``BEGIN IMMEDIATE``
takes the file's write lock for a writer, so its reads are already of the newest data
(``lock_rows`` needs nothing more); ``BEGIN`` is a reader's snapshot. Another process
holding the file is waited for (busy timeout), then the whole transaction is retried.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from core.storage.connection import Connection, Cursor, Value
from core.storage.ddl import (
    Column,
    DropIndex,
    Immutable,
    Index,
    Kind,
    Seed,
    Statement,
    Table,
    create_index,
    create_table,
    insert_seed,
)
from core.storage.errors import StorageDamaged, StorageUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)

#: How long one statement waits for another process's lock, and how long ``retry``
#: keeps running a whole transaction again after that.
BUSY_TIMEOUT_S = 15.0
BUSY_DEADLINE_S = 120.0

# SQLite primary result codes (``sqlite3.Error.sqlite_errorcode & 0xFF``).
_PERM, _BUSY, _LOCKED, _READONLY = 3, 5, 6, 8
_IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 10, 11, 13, 14, 26

_TYPES = {
    Kind.ID: "INTEGER PRIMARY KEY",
    Kind.INTEGER: "INTEGER",
    Kind.BIG_INTEGER: "INTEGER",
    Kind.TEXT: "TEXT",
    Kind.BYTES: "BLOB",
}


def _type(column: Column) -> str:
    return _TYPES[column.kind]


def primary_code(error: sqlite3.Error) -> int:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else -1


def is_busy(error: BaseException) -> bool:
    return isinstance(error, sqlite3.Error) and primary_code(error) in (_BUSY, _LOCKED)


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


class SqliteConnection(Connection):
    dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection, path: Path, label: str) -> None:
        super().__init__(str(path.parent))
        self.raw = raw
        self.path = path
        #: What the file holds, for messages ("records database").
        self.label = label

    def execute(self, sql: str, params: Sequence[Value] = ()) -> Cursor:
        return self.raw.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Value]]) -> None:
        self.raw.executemany(sql, (tuple(row) for row in rows))

    def lock_rows(self, sql: str, params: Sequence[Value] = ()) -> Cursor:
        # BEGIN IMMEDIATE holds the file's write lock: no other writer runs meanwhile.
        return self.execute(sql, params)

    def lock_table(self, table: str) -> None:
        pass  # BEGIN IMMEDIATE holds the whole file

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def _begin(self, *, write: bool) -> None:
        self.raw.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def retry(self, work: Callable[[], T]) -> T:
        deadline = time.monotonic() + BUSY_DEADLINE_S
        pause = 0.01
        while True:
            try:
                return work()
            except sqlite3.Error as error:
                if not is_busy(error) or time.monotonic() >= deadline:
                    raise self.unavailable(error) from None
                log.info("%s busy; retrying", self.label)
            except OSError as error:
                raise self.unavailable(error) from None
            time.sleep(random.uniform(0, pause))
            pause = min(pause * 2, 1.0)

    def unavailable(self, error: sqlite3.Error | OSError) -> StorageUnavailable:
        """A database or file-system error as one plain line saying where and what to do."""
        return unavailable(error, self.path, self.label)

    def is_unique_violation(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error).upper()

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def now(self) -> datetime:
        return datetime.now(UTC)

    # ---- schema

    def render(self, statement: Statement) -> list[str]:
        if isinstance(statement, Table):
            return [create_table(statement, _type, clustered=" WITHOUT ROWID")]
        if isinstance(statement, Index):
            return [create_index(statement)]
        if isinstance(statement, DropIndex):
            return [f"DROP INDEX IF EXISTS {statement.name}"]
        if isinstance(statement, Seed):
            return [insert_seed(statement)]
        if isinstance(statement, Immutable):
            table, message = statement.table, statement.message.replace("'", "''")
            return [
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{event.lower()} BEFORE {event} ON "
                f"{table} BEGIN SELECT RAISE(ABORT, '{message}'); END"
                for event in ("UPDATE", "DELETE")
            ]
        raise TypeError(f"not a schema statement: {statement!r}")

    def lock_for_migration(self) -> None:
        pass  # BEGIN IMMEDIATE already holds the file

    def schema_version(
        self, component: str, *, file_header: bool, renumbered: Mapping[int, int]
    ) -> int:
        if file_header:
            return int(self.one("PRAGMA user_version")[0])
        self._versions_table()
        row = self.execute(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        ).fetchone()
        return int(row[0]) if row else 0

    def set_schema_version(self, component: str, version: int, *, file_header: bool) -> None:
        if file_header:
            self.execute(f"PRAGMA user_version = {int(version)}")
            return
        self.execute("DELETE FROM schema_versions WHERE component = ?", (component,))
        self.execute(
            "INSERT INTO schema_versions (component, version) VALUES (?, ?)", (component, version)
        )

    def _versions_table(self) -> None:
        self.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions ("
            " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )

    # ---- the whole file

    @property
    def file(self) -> Path | None:
        return self.path

    def copy_to(self, target: Path) -> None:
        """SQLite's online backup (one consistent snapshot while others keep writing),
        into a single file (no WAL) readable from a read-only disk."""
        try:
            copy = sqlite3.connect(target, isolation_level=None)
            try:
                self.raw.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        except sqlite3.Error as error:
            raise self.unavailable(error) from None

    def replace_with(self, source: Path) -> None:
        try:
            copy = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
            try:
                copy.backup(self.raw)
            finally:
                copy.close()
        except sqlite3.Error as error:
            raise self.unavailable(error) from None

    def interrupt_when(self, check: Callable[[], bool]) -> None:
        self.raw.set_progress_handler(lambda: int(check()), 20_000)  # VM steps between checks

    def close(self) -> None:
        self.raw.close()


def connect(
    path: Path,
    *,
    label: str,
    durable: bool = True,
    threads: bool = False,
    missing: Callable[[], None] | None = None,
) -> SqliteConnection:
    """Open ``path`` (created 0600 if missing, in a private directory): WAL journal,
    full sync unless not ``durable`` (data that can be imported again), foreign keys on.
    ``threads``: the connection may be used from another thread (one at a time).
    Raises ``StorageUnavailable`` (``StorageDamaged`` for a damaged file)."""
    from core.data_dir import ensure_private_dir

    try:
        ensure_private_dir(path.parent)
        if missing is not None and not path.exists():
            missing()
        private_file(path)  # SQLite gives -wal/-shm the same mode as the database
        raw = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=not threads
        )
    except (OSError, sqlite3.Error) as error:
        raise unavailable(error, path, label) from None
    conn = SqliteConnection(raw, path, label)
    try:
        mode = raw.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":  # e.g. some network filesystems; FULL sync still protects
            log.warning("%s could not use WAL (journal mode %s)", label, mode)
        raw.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        raw.execute("PRAGMA foreign_keys=ON")
        if os.name == "posix":
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    os.chmod(side, 0o600)
    except (OSError, sqlite3.Error) as error:
        raw.close()
        raise unavailable(error, path, label) from None
    except BaseException:
        raw.close()
        raise
    return conn


def open_file(path: Path, *, label: str, read_only: bool = False) -> SqliteConnection:
    """An existing file opened as it is, no settings changed (a backup, a file of an
    earlier version, the records for a background backup); raises ``StorageUnavailable``."""
    try:
        if read_only:
            raw = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        else:
            raw = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise unavailable(error, path, label) from None
    return SqliteConnection(raw, path, label)


def unavailable(error: sqlite3.Error | OSError, path: Path, label: str) -> StorageUnavailable:
    """A database or file-system error as one plain line saying where and what to do."""
    where = path.parent
    other = "or choose another data directory with --data-dir (or UNITCALC_DATA_DIR)"
    if isinstance(error, OSError):
        reason = error.strerror or type(error).__name__
        return StorageUnavailable(
            f"cannot use the data directory {where} ({reason}): fix it {other}"
        )
    code = primary_code(error)
    if code == _FULL:
        text = f"the disk holding the {label} ({where}) is full: free some space there {other}"
    elif code in (_READONLY, _PERM):
        text = f"the {label} in {where} is read-only: make it writable {other}"
    elif code in (_BUSY, _LOCKED):
        text = (
            f"the {label} in {where} stayed locked by another program for "
            f"{BUSY_DEADLINE_S:.0f} s: try again"
        )
    elif code in (_CANTOPEN, _IOERR):
        text = f"cannot read or write the {label} in {where} ({error}): check the disk {other}"
    elif code in (_CORRUPT, _NOTADB):
        return StorageDamaged(f"the {label} in {where} is damaged ({error})")
    else:
        text = f"the {label} in {where} cannot be used ({error}): run `main.py verify`"
    return StorageUnavailable(text)


def schema_objects(conn: Connection, kind: str) -> dict[str, str]:
    """Name -> SQL (spaces folded) of the file's objects of one kind (table, view...)."""
    rows = conn.execute(
        "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = ?"
        " AND name NOT LIKE 'sqlite_%'",
        (kind,),
    ).fetchall()
    return {str(name): " ".join(str(sql).split()) for name, sql in rows}


def table_columns(conn: Connection, table: str) -> list[str]:
    return [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")').fetchall()]
