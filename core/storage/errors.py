"""What the storage backends raise, in words fit for the user."""

from __future__ import annotations


class StorageError(Exception):
    """A database that cannot be used; the message says where and what to do."""


class StorageUnavailable(StorageError):
    """The database cannot be reached, read or written (full, read-only, locked too
    long, a server error)."""


class StorageDamaged(StorageUnavailable):
    """The database file is damaged: restore a backup."""


class SchemaVersionError(StorageError):
    """Tables written by a newer unitcalc."""
