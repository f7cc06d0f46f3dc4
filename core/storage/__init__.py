"""Storage: one interface (``Connection``) with two backends, SQLite files in the data
directory and a shared PostgreSQL server. Stores are written once against the interface;
``connect`` is the one place that chooses the backend. See ``core.storage.connection``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from core.storage.connection import Connection, ConnectionOwner, Cursor, Row, Value
from core.storage.errors import (
    RoleRefused,
    SchemaNotSetUp,
    SchemaVersionError,
    StorageDamaged,
    StorageError,
    StorageUnavailable,
)
from core.storage.schema import Schema, migrate

__all__ = [
    "Connection",
    "ConnectionOwner",
    "Cursor",
    "RoleRefused",
    "Row",
    "Schema",
    "SchemaNotSetUp",
    "SchemaVersionError",
    "StorageDamaged",
    "StorageError",
    "StorageUnavailable",
    "Value",
    "connect",
    "exists",
    "migrate",
    "server_refusal",
]


def connect(
    url: str | None,
    file: Path,
    *,
    label: str,
    durable: bool = True,
    threads: bool = False,
    missing: Callable[[], None] | None = None,
) -> Connection:
    """The database: the PostgreSQL server at ``url``, else the SQLite ``file`` (its
    directory created private if needed; ``durable``: full sync; ``threads``: usable from
    another thread, one at a time; ``missing()`` is called before a missing file is
    created, and may refuse by raising). ``label`` names the file in messages. Raises
    ``StorageUnavailable``."""
    if url is not None:
        from core.storage import postgresql

        return postgresql.connect(url)
    from core.storage import sqlite

    return sqlite.connect(file, label=label, durable=durable, threads=threads, missing=missing)


def exists(url: str | None, file: Path) -> bool:
    """Whether there is a database to open: a server always has one; a file, once made."""
    return url is not None or file.is_file()


def server_refusal(url: str, schemas: Iterable[Schema]) -> str | None:
    """Why the application may not use the server at ``url`` at all: its role could
    change records (``RoleRefused``), or ``schemas``' tables are missing or older than
    the program (``SchemaNotSetUp``). None when it may, and when the server cannot be
    reached now (the stores say so when they are opened)."""
    try:
        conn = connect(url, Path(), label="the database")
    except RoleRefused as refused:
        return str(refused)
    except StorageError:
        return None
    try:
        for schema in schemas:
            conn.retry(partial(migrate, conn, schema))  # the application role only checks
    except SchemaNotSetUp as missing:
        return str(missing)
    except StorageError:
        return None
    finally:
        conn.close()
    return None
