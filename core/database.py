"""Where the shared data lives: SQLite files in the data directory (the default, one
workstation) or one PostgreSQL server that several workstations point at.

``--database postgresql://...`` on the command line or the ``UNITCALC_DATABASE``
environment variable choose the server, read once at start-up into the ``core.site.Site``
that opens every store with its URL; without either, each store keeps its SQLite file in
the data directory exactly as before.

The stores speak one SQL dialect, SQLite's: ``?`` placeholders, ``BEGIN IMMEDIATE`` for
a writing transaction and ``BEGIN`` for a reading snapshot. ``PgConnection`` is the seam:
it gives a psycopg 3 connection that same face (``execute``, ``in_transaction``,
``close``), translating placeholders and transaction starts; what cannot be translated
word for word (triggers, ``FOR UPDATE``, JSON functions, BYTEA) is chosen by the store
from ``is_postgresql``.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import psycopg

ENV_VAR = "UNITCALC_DATABASE"
#: How long to wait for the server before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10

log = logging.getLogger(__name__)


class DatabaseUrlError(ValueError):
    """The database setting is not a PostgreSQL URL."""


def database_url(
    explicit: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """The PostgreSQL URL chosen (option, then ``environ``: the settings read at start-up;
    none given: the option only), or None for SQLite files.

    An empty setting counts as unset; anything but ``postgresql://`` or ``postgres://``
    is refused rather than guessed at.
    """
    env = environ or {}
    url = (explicit or env.get(ENV_VAR) or "").strip()
    if not url:
        return None
    if not url.startswith(("postgresql://", "postgres://")):
        raise DatabaseUrlError(
            "the database must be a URL such as postgresql://host/unitcalc (or unset for "
            "the SQLite files in the data directory)"
        )
    return url


def describe(url: str) -> str:
    """The URL without its password, fit for messages and logs."""
    hidden = re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", url)
    return re.sub(r"(password=)[^&]*", r"\1***", hidden, flags=re.IGNORECASE)


class PgConnection:
    """A psycopg 3 connection in autocommit mode with the SQLite-dialect face the stores
    use: transactions are begun and ended by the SQL they send, as with
    ``sqlite3.connect(..., isolation_level=None)``."""

    is_postgresql = True

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[object] | None = None) -> psycopg.Cursor[Any]:
        if params is None or len(params) == 0:
            return self.raw.execute(_translate_bare(sql))
        return self.raw.execute(_translate(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        cursor.executemany(_translate(sql), (tuple(row) for row in rows))
        return cursor

    def stream(self, sql: str) -> psycopg.ServerCursor[Any]:
        """Rows of ``sql`` fetched from the server a batch at a time (a server-side
        cursor), so a full verify of every PDF keeps memory flat. Inside a transaction."""
        cursor: psycopg.ServerCursor[Any] = self.raw.cursor(name="unitcalc_stream")
        cursor.itersize = 100
        cursor.execute(_translate_bare(sql))
        return cursor

    @property
    def in_transaction(self) -> bool:
        from psycopg import pq

        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


@functools.lru_cache(maxsize=256)
def _translate_bare(sql: str) -> str:
    text = sql.strip()
    if text == "BEGIN IMMEDIATE":
        # The writer then locks the rows it depends on (SELECT ... FOR UPDATE).
        return "BEGIN ISOLATION LEVEL READ COMMITTED"
    if text == "BEGIN":
        # A reader's snapshot: every statement sees the same committed data.
        return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    return sql


@functools.lru_cache(maxsize=256)
def _translate(sql: str) -> str:
    # psycopg's placeholders are %s; a literal % must be doubled first.
    return _translate_bare(sql).replace("%", "%%").replace("?", "%s")


def connect_postgresql(url: str) -> PgConnection:
    """Connect; a server that cannot be reached raises ``ConnectionError`` with a message
    naming the server (never its password)."""
    import psycopg

    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        raise ConnectionError(
            f"cannot reach the database server {describe(url)} ({reason}): check that it "
            "runs and the URL (--database or UNITCALC_DATABASE)"
        ) from None
    return PgConnection(conn)


def migrate_component(
    conn: Any, component: str, steps: Sequence[Sequence[str]], *, lock_sql: str
) -> None:
    """Bring one component's tables (``accounts``, ``queue``, ...) to ``len(steps)``.

    The version lives in ``schema_versions`` beside the tables, written in the same
    transaction as the changes (DDL is transactional in both databases), so a crash
    mid-migration leaves the previous version and the steps are redone. ``lock_sql``
    serializes workstations starting at once (``BEGIN IMMEDIATE`` on SQLite; an advisory
    lock on PostgreSQL). A database from a newer program is refused.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        if lock_sql:
            conn.execute(lock_sql)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions ("
            " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
        row = conn.execute(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        ).fetchone()
        version = int(row[0]) if row else 0
        if version > len(steps):
            raise SchemaVersionError(
                f"the {component} tables have schema version {version}, newer than this "
                f"program's {len(steps)}: update unitcalc"
            )
        for number in range(version, len(steps)):
            for statement in steps[number]:
                conn.execute(statement)
            log.info("%s tables migrated to schema %d", component, number + 1)
        if version < len(steps):
            if row is None:
                conn.execute(
                    "INSERT INTO schema_versions (component, version) VALUES (?, ?)",
                    (component, len(steps)),
                )
            else:
                conn.execute(
                    "UPDATE schema_versions SET version = ? WHERE component = ?",
                    (len(steps), component),
                )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class SchemaVersionError(Exception):
    """Tables written by a newer unitcalc."""


#: Advisory lock key serializing migrations on one PostgreSQL database ("unitcalc").
PG_MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(756269746361)"


#: The SQLite file of the accounts and the verification queue (one workstation).
SITE_DB_FILENAME = "site.sqlite3"


def connect_site(data_dir: os.PathLike[str] | str, url: str | None) -> Any:
    """The connection holding accounts and the verification queue: the PostgreSQL
    server when ``url`` is given, else ``site.sqlite3`` in the data directory (0600, WAL,
    full sync). Raises ``ConnectionError`` or ``OSError`` with a message for the user."""
    if url is not None:
        return connect_postgresql(url)
    import sqlite3
    from pathlib import Path

    from core.data_dir import ensure_private_dir

    directory = Path(data_dir)
    ensure_private_dir(directory)
    path = directory / SITE_DB_FILENAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # SQLite gives -wal/-shm the database's mode
    conn = sqlite3.connect(path, isolation_level=None, timeout=15.0, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    except sqlite3.Error as error:
        conn.close()
        raise ConnectionError(f"cannot open {path} ({error})") from None
    return conn


def server_clock(conn: PgConnection) -> Callable[[], datetime]:
    """The server's clock (UTC): every workstation then stamps records, signatures and
    lock-outs with one clock, whatever its own says."""
    from datetime import UTC

    def now() -> datetime:
        row = conn.execute("SELECT clock_timestamp()").fetchone()
        assert row is not None  # one row, always
        moment: datetime = row[0]
        return moment.astimezone(UTC)

    return now


def is_postgresql(conn: object) -> bool:
    return getattr(conn, "is_postgresql", False) is True


def id_column(conn: object) -> str:
    """An auto-numbered primary key column in either dialect."""
    if is_postgresql(conn):
        return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    return "INTEGER PRIMARY KEY"


def migration_lock(conn: object) -> str:
    return PG_MIGRATION_LOCK if is_postgresql(conn) else ""


def database_errors() -> tuple[type[BaseException], ...]:
    """The exceptions of either database driver (psycopg only once imported)."""
    import sqlite3
    import sys

    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        errors += (psycopg.Error,)
    return errors


class ConnectionOwner:
    """A store that owns one database connection, SQLite or PostgreSQL: it closes it, and
    ``with Store.open(...) as store`` closes it at the end of the block."""

    _conn: Any

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
