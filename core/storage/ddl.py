"""Schema statements as data; each backend renders them in its own words.

``Table``, ``Index``, ``DropIndex``, ``Immutable`` (rows never updated or deleted) and
``Seed`` (a row every database starts with). Column kinds are abstract (``ID``,
``INTEGER``, ``BIG_INTEGER``, ``TEXT``, ``BYTES``); which SQL type each becomes is the
backend's business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypedDict, Unpack


class Kind(Enum):
    #: An auto-numbered primary key.
    ID = "id"
    INTEGER = "integer"
    #: An integer that may pass 2**31 (record ids, counts).
    BIG_INTEGER = "big integer"
    TEXT = "text"
    BYTES = "bytes"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    null: bool = False
    #: A SQL literal (``1``, ``'x'``).
    default: str | None = None
    primary_key: bool = False
    unique: bool = False
    #: ``table(column)``.
    references: str | None = None
    cascade: bool = False
    check: str | None = None


class ColumnOptions(TypedDict, total=False):
    null: bool
    default: str
    primary_key: bool
    unique: bool
    references: str
    cascade: bool
    check: str


def text(name: str, **options: Unpack[ColumnOptions]) -> Column:
    return Column(name, Kind.TEXT, **options)


def integer(name: str, **options: Unpack[ColumnOptions]) -> Column:
    return Column(name, Kind.INTEGER, **options)


def big_integer(name: str, **options: Unpack[ColumnOptions]) -> Column:
    return Column(name, Kind.BIG_INTEGER, **options)


def blob(name: str, **options: Unpack[ColumnOptions]) -> Column:
    return Column(name, Kind.BYTES, **options)


def ident(name: str = "id") -> Column:
    return Column(name, Kind.ID)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    #: Rows kept in primary-key order with no separate row number (SQLite ``WITHOUT
    #: ROWID``), for tables looked up by their composite key.
    clustered: bool = False

    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    #: Columns or expressions (``lower(name)``).
    on: tuple[str, ...]
    unique: bool = False
    where: str | None = None


@dataclass(frozen=True)
class DropIndex:
    name: str


@dataclass(frozen=True)
class Immutable:
    """The table's rows are never updated or deleted (a guard against program bugs and
    casual edits; the hash chain is what catches a determined one)."""

    table: str
    message: str = "worksheet records are immutable"


@dataclass(frozen=True)
class Seed:
    """A row the table starts with."""

    table: str
    values: tuple[tuple[str, int | str], ...]


Statement = Table | Index | DropIndex | Immutable | Seed


# ---- rendering shared by the backends (the types come from the backend)


def quote(value: int | str) -> str:
    """A SQL literal."""
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def create_table(table: Table, type_name: Callable[[Column], str], *, clustered: str = "") -> str:
    parts = []
    for column in table.columns:
        words = [column.name if column.name != "end" else '"end"', type_name(column)]
        if column.primary_key:
            words.append("PRIMARY KEY")
        if column.check:
            words.append(f"CHECK ({column.check})")
        if not column.null and not column.primary_key and column.kind is not Kind.ID:
            words.append("NOT NULL")
        if column.default is not None:
            words.append(f"DEFAULT {column.default}")
        if column.unique:
            words.append("UNIQUE")
        if column.references:
            words.append(f"REFERENCES {column.references}")
            if column.cascade:
                words.append("ON DELETE CASCADE")
        parts.append(" ".join(words))
    if table.primary_key:
        parts.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    parts += [f"UNIQUE ({', '.join(columns)})" for columns in table.unique]
    body = ",\n    ".join(parts)
    suffix = clustered if table.clustered else ""
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n    {body}\n){suffix}"


def create_index(index: Index) -> str:
    unique = "UNIQUE " if index.unique else ""
    sql = (
        f"CREATE {unique}INDEX IF NOT EXISTS {index.name} ON {index.table} ({', '.join(index.on)})"
    )
    return sql + (f" WHERE {index.where}" if index.where else "")


def insert_seed(seed: Seed) -> str:
    names = ", ".join(name for name, _ in seed.values)
    values = ", ".join(quote(value) for _, value in seed.values)
    return f"INSERT INTO {seed.table} ({names}) VALUES ({values})"
