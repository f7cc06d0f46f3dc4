"""Tables defined once, with their migrations by version.

A store's ``Schema`` is its component name and its migrations: entry N brings the tables
to version N + 1 (never edit a released entry; append one). A migration holds schema
statements (``core.storage.ddl``), which each backend renders, or a function of the
connection for moving data. ``migrate`` applies what a database lacks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from core.storage.connection import Connection
from core.storage.ddl import (
    Column,
    DropIndex,
    Immutable,
    Index,
    Kind,
    Seed,
    Statement,
    Table,
    big_integer,
    blob,
    ident,
    integer,
    text,
)
from core.storage.errors import SchemaNotSetUp, SchemaVersionError

__all__ = [
    "Column",
    "DropIndex",
    "Immutable",
    "Index",
    "Kind",
    "Schema",
    "Seed",
    "Statement",
    "Step",
    "Table",
    "big_integer",
    "blob",
    "ident",
    "integer",
    "migrate",
    "text",
]

log = logging.getLogger(__name__)

Step = Statement | Callable[[Connection], None]


@dataclass(frozen=True)
class Schema:
    """One component's tables (``records``, ``accounts``...) and their migrations."""

    component: str
    migrations: tuple[tuple[Step, ...], ...]
    #: Before the storage interface, a SQLite file of this component kept its version
    #: in the file header (``PRAGMA user_version``); it still does.
    file_header_version: bool = False
    #: Before the storage interface, PostgreSQL versions of this component were
    #: numbered differently: {version stored then: the version it is now}.
    server_versions: Mapping[int, int] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        return [step for steps in self.migrations for step in steps if isinstance(step, Table)]


def migrate(conn: Connection, schema: Schema) -> None:
    """Bring ``schema``'s tables to its newest version in one transaction (DDL is
    transactional in both databases: a crash mid-migration leaves the previous version,
    and the steps are redone), one workstation at a time. A database from a newer
    program is refused (``SchemaVersionError``)."""
    target = len(schema.migrations)
    with conn.writing():
        conn.lock_for_migration()
        version = conn.schema_version(
            schema.component,
            file_header=schema.file_header_version,
            renumbered=schema.server_versions,
        )
        if version > target:
            raise SchemaVersionError(
                f"the {schema.component} tables have schema version {version}, newer "
                f"than this program's {target}: update unitcalc"
            )
        if version < target and not conn.may_migrate:
            raise _not_set_up(conn, schema.component, version, target)
        for number in range(version, target):
            for step in schema.migrations[number]:
                if isinstance(step, Table | Index | DropIndex | Immutable | Seed):
                    for sql in conn.render(step):
                        conn.execute(sql)
                else:
                    step(conn)
            log.info("%s tables migrated to schema %d", schema.component, number + 1)
        if version < target:
            conn.set_schema_version(
                schema.component, target, file_header=schema.file_header_version
            )


def _not_set_up(conn: Connection, component: str, version: int, target: int) -> SchemaNotSetUp:
    """The application role met tables it may not create or migrate: who does, and how."""
    if version == 0:
        state = f"the {component} tables are not on {conn.where} yet"
    else:
        state = (
            f"the {component} tables on {conn.where} are at schema version {version}, "
            f"this program needs {target}"
        )
    return SchemaNotSetUp(
        f"{state}: an administrator runs `main.py db-roles --database ADMIN-URL` (it "
        "creates and migrates them as the owner role; see the README's Security section)"
    )
