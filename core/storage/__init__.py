"""Storage: one interface (``Connection``) with two backends, SQLite files in the data
directory and a shared PostgreSQL server. Stores are written once against the interface;
``connect`` is the one place that chooses the backend. See ``core.storage.connection``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.storage.connection import Connection, ConnectionOwner, Cursor, Row, Value
from core.storage.errors import (
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
    "Row",
    "Schema",
    "SchemaVersionError",
    "StorageDamaged",
    "StorageError",
    "StorageUnavailable",
    "Value",
    "connect",
    "exists",
    "migrate",
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
