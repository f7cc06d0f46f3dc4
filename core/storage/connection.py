"""The one storage interface every store is written against: ``Connection``.

A store speaks one SQL: ``?`` placeholders, standard SQL that SQLite and PostgreSQL
both run (``RETURNING``, ``lower()``, partial and expression indexes). What differs
between the two databases is said here as an operation and done by the backend
(``core.storage.sqlite``, ``core.storage.postgresql``), never by a store:

- a writing transaction (``writing``) and a reading snapshot (``reading``);
- rows a writer depends on (``lock_rows``: the chain head, a queued dose) and a table a
  writer must have to itself (``lock_table``);
- conflicts with other writers (busy file, serialization failure) retried (``retry``);
- the clock records are stamped with (``now``: the server's on a shared database);
- the schema, rendered from one definition (``core.storage.schema``) and migrated by
  version, one workstation at a time;
- rows streamed for a long read (``stream``), a long read interrupted (``interrupt_when``),
  a copy of the whole database (``copy_to``, ``replace_with``: a file's only).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, TypeVar

from core.storage.errors import StorageError

if TYPE_CHECKING:
    from core.storage.ddl import Statement

T = TypeVar("T")
log = logging.getLogger(__name__)

#: What a store may pass as a parameter.
Value = str | int | bytes | None
#: A row as read: database values (text, integers, bytes, NULL; a time from the server).
Row = tuple[Any, ...]


class Cursor(Protocol):
    """Rows of one statement (the drivers' cursors have this face)."""

    def fetchone(self) -> Row | None: ...

    def fetchall(self) -> list[Row]: ...

    def __iter__(self) -> Iterator[Row]: ...

    def close(self) -> None: ...


class Connection(ABC):
    """A connection to one database, SQLite file or PostgreSQL server (see the module)."""

    #: "sqlite" or "postgresql": for messages and tests; stores never branch on it.
    dialect: ClassVar[str]
    #: Whether this connection creates and migrates tables: a SQLite file's always; on a
    #: server only the owner's setup (``main.py db-roles``), never the application role.
    may_migrate: bool = True

    def __init__(self, where: str) -> None:
        #: Where the data is, for messages: a directory or a server (never a password).
        self.where = where

    # ---- statements

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Value] = ()) -> Cursor:
        """Run one statement; outside ``writing``/``reading`` it commits on its own."""

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Value]]) -> None: ...

    def one(self, sql: str, params: Sequence[Value] = ()) -> Row:
        """The single row a statement must give (a count, ``RETURNING``)."""
        row = self.execute(sql, params).fetchone()
        if row is None:
            raise LookupError("the statement gave no row")
        return row

    def stream(self, sql: str) -> Cursor:
        """Rows of a long read, fetched a batch at a time (inside ``reading``)."""
        return self.execute(sql)

    @abstractmethod
    def lock_rows(self, sql: str, params: Sequence[Value] = ()) -> Cursor:
        """``SELECT`` rows this writing transaction depends on: another writer waits until
        this one commits, then reads what it wrote."""

    @abstractmethod
    def lock_table(self, table: str) -> None:
        """Hold ``table`` for this writing transaction (two first admins at once)."""

    # ---- transactions

    @property
    @abstractmethod
    def in_transaction(self) -> bool: ...

    @abstractmethod
    def _begin(self, *, write: bool) -> None: ...

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One writing transaction: committed at the end of the block, rolled back if it
        raises. Writers are serialized: see ``lock_rows``."""
        with self._transaction(write=True):
            yield

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One snapshot: every statement in the block sees the same committed data."""
        with self._transaction(write=False):
            yield

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[None]:
        self._begin(write=write)
        try:
            yield
        except BaseException:
            if self.in_transaction:  # some errors (disk full) already rolled back
                self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    @abstractmethod
    def retry(self, work: Callable[[], T]) -> T:
        """Run ``work`` (a whole transaction); while another writer holds it off (busy,
        serialization failure, deadlock) run it again after a short random pause, for up
        to two minutes. Database errors become ``StorageUnavailable``."""

    @abstractmethod
    def is_unique_violation(self, error: BaseException) -> bool: ...

    @property
    @abstractmethod
    def errors(self) -> tuple[type[BaseException], ...]:
        """The driver's exceptions."""

    # ---- time, schema, whole-database operations

    @abstractmethod
    def now(self) -> datetime:
        """The time (UTC) records are stamped with: one clock for every workstation."""

    @abstractmethod
    def render(self, statement: Statement) -> list[str]:
        """One schema statement in this database's words."""

    @abstractmethod
    def lock_for_migration(self) -> None:
        """Inside the migration's transaction: one workstation migrates at a time."""

    @abstractmethod
    def schema_version(
        self, component: str, *, file_header: bool, renumbered: Mapping[int, int]
    ) -> int:
        """The version of ``component``'s tables (0: none yet); see ``Schema`` for
        ``file_header`` and ``renumbered``."""

    @abstractmethod
    def set_schema_version(self, component: str, version: int, *, file_header: bool) -> None: ...

    @property
    def file(self) -> Path | None:
        """The database file when the data is in one file on this workstation; None on a
        server, whose own tools (pg_dump) back it up."""
        return None

    def copy_to(self, target: Path) -> None:
        """Copy the whole database into a new file ``target`` (a backup)."""
        raise StorageError(f"the data is on {self.where}: back it up with the server's tools")

    def replace_with(self, source: Path) -> None:
        """Replace the whole database with the copy ``source`` (one transaction)."""
        raise StorageError(f"the data is on {self.where}: restore it with the server's tools")

    @abstractmethod
    def interrupt_when(self, check: Callable[[], bool]) -> None:
        """Stop a long statement (raising the driver's error) once ``check()`` is true."""

    @abstractmethod
    def close(self) -> None: ...


class ConnectionOwner:
    """A store that owns one connection: it closes it, and ``with Store.open(...) as
    store`` closes it at the end of the block."""

    _conn: Connection

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
