"""What the storage backends raise, in words fit for the user."""

from __future__ import annotations


class StorageError(Exception):
    """A database that cannot be used; the message says where and what to do."""


class StorageUnavailable(StorageError):
    """The database cannot be reached, read or written (full, read-only, locked too
    long, a server error)."""


class RoleRefused(StorageUnavailable):
    """The server's role could change records behind the program (a superuser, the
    tables' owner): the workstations connect as the application role."""


class StorageDamaged(StorageUnavailable):
    """The database file is damaged: restore a backup."""


class SchemaVersionError(StorageError):
    """Tables written by a newer unitcalc."""


class SchemaNotSetUp(StorageError):
    """Tables the application role may not create or migrate are missing or older than
    the program: the owner's setup (``main.py db-roles``) must run first."""
