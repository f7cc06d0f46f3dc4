"""A worksheet ID is never given twice (issue 23).

An ID is the chain head's count plus one, so a restore that sets the database back would
give the IDs of the records it set aside (``restore --keep-newer``: kept only in the copy
beside the backups, but already printed on charts), or of records lost with the database
after its last backup, to new worksheets. So a restore notes in the restored database the
IDs above its newest record that were ever given: the highest in the database it replaced
and in the two journals of the chain heads (beside the backups, and this workstation's).
The next record takes the ID above them, linked in the chain to the newest record present,
and ``verify`` takes exactly such a range as no deletion.

Only a file restore sets IDs aside: on a server the table stays empty and is not read
(its chain head moves one ID at a time, ``core.storage.roles``).
"""

from __future__ import annotations

import json
from pathlib import Path

from core.storage import Connection
from core.storage.ddl import Table, big_integer, text

__all__ = ["IDS_SET_ASIDE", "highest_given", "highest_in_journal", "next_id", "set_aside"]

IDS_SET_ASIDE = Table(
    "ids_set_aside",
    (
        big_integer("first_id", primary_key=True),
        big_integer("last_id"),
        text("restored_at"),
        text("backup"),
    ),
)


def set_aside(conn: Connection) -> dict[int, int]:
    """The ranges of IDs a restore set aside, first ID to last (none on a server, or in
    a backup made before there were any)."""
    if conn.file is None:
        return {}
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ids_set_aside'"
    ).fetchone()
    if exists is None:
        return {}
    rows = conn.execute("SELECT first_id, last_id FROM ids_set_aside").fetchall()
    return {int(first): int(last) for first, last in rows}


def past_set_aside(record_id: int, ranges: dict[int, int]) -> int:
    """``record_id``, or the first ID after the set-aside range(s) starting there."""
    while record_id in ranges:
        record_id = ranges[record_id] + 1
    return record_id


def highest_given(conn: Connection) -> int:
    """The highest ID this database gave or knows was given."""
    row = conn.execute("SELECT count FROM chain_head WHERE singleton = 1").fetchone()
    count = row[0] if row is not None and isinstance(row[0], int) else 0
    return max([count, *set_aside(conn).values()])


def next_id(conn: Connection, count: int) -> int:
    """The ID of the next record after a chain head of ``count``."""
    return max([count, *set_aside(conn).values()]) + 1


def highest_in_journal(path: Path) -> int:
    """The highest count any line of a journal of chain heads names (0: none, or no
    journal), whatever a restore did since."""
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        return 0
    highest = 0
    for raw in lines:
        try:
            count = json.loads(raw)["count"]
        except (ValueError, KeyError, TypeError):
            continue  # a torn line
        if type(count) is int:
            highest = max(highest, count)
    return highest


def set_aside_above(conn: Connection, highest: int, restored_at: str, backup: str) -> None:
    """In the restored database (in the caller's transaction): the IDs above what it
    holds or already set aside, up to ``highest``, are never given again."""
    accounted = highest_given(conn)
    if highest > accounted:
        conn.execute(
            "INSERT INTO ids_set_aside (first_id, last_id, restored_at, backup)"
            " VALUES (?, ?, ?, ?)",
            (accounted + 1, highest, restored_at, backup),
        )
