"""What makes a restore safe: writers held off, the backup checked as data, records the
backup lacks never dropped silently (issue 23).

- ``core.records.writers_lock``: every writer of the SQLite records file (``RecordStore.add``, the
  background backup) holds a shared ``flock`` on ``worksheets.sqlite3.lock`` from reading
  the journal to journaling its record; a restore holds it exclusively for its whole
  duration (copy aside, replace, journal), so no record is committed into a database about
  to be replaced, and none is given the ID of a record being put back.
- ``check_backup``: before a backup is read as records, its schema is the live database's
  (no view, no trigger of its own: a recursive view hung restore), and its chain agrees
  with the journal at every count they share (a backup rewritten with a recomputed chain
  verifies on its own, but not against the heads the journal saw).
- ``records_the_backup_lacks``: the live records from the first one the backup does not
  hold (a count beyond it, or another hash at the same count) to the newest.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.records.backup import BackupPlan
from core.records.models import BackupError, format_worksheet_id
from core.storage import Connection


def check_schema(backup: Connection, live: Connection, path: Path) -> None:
    """The backup holds the live database's tables (an older version may lack columns and
    tables, which migrating adds), no view and no trigger of its own."""
    from core.storage.sqlite import schema_objects, table_columns  # sqlite3 only now

    views = schema_objects(backup, "view")
    if views:
        raise BackupError(f"{path} holds a view ({sorted(views)[0]}), which a backup never does")
    ours = schema_objects(live, "trigger")
    for name, sql in schema_objects(backup, "trigger").items():
        if ours.get(name) != sql:
            raise BackupError(f"{path} holds a trigger of its own ({name}); choose another backup")
    live_tables = schema_objects(live, "table")
    for table in schema_objects(backup, "table"):
        if table not in live_tables:
            raise BackupError(f"{path} holds a table unknown to unitcalc ({table})")
        extra = set(table_columns(backup, table)) - set(table_columns(live, table))
        if extra:
            raise BackupError(f"{path}: table {table} has unknown columns ({sorted(extra)[0]})")


def journal_heads(plan: BackupPlan) -> dict[int, str]:
    """Every chain head the journal saw of the current line of records: walking back from
    the end, a restore line closes off the counts above it (records since replaced)."""
    try:
        lines = plan.journal.read_bytes().splitlines()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise BackupError(f"cannot read the journal {plan.journal} ({error.strerror})") from None
    heads: dict[int, str] = {}
    limit: int | None = None
    for raw in reversed(lines):
        try:
            line = json.loads(raw)
            count, head, event = line["count"], line["head"], line["event"]
        except (ValueError, KeyError, TypeError):
            continue  # a torn line
        if not isinstance(count, int) or not isinstance(head, str):
            continue
        if (limit is None or count <= limit) and count not in heads:
            heads[count] = head
        if event == "restore":
            limit = count if limit is None else min(limit, count)
    return heads


def check_against_journal(backup: Connection, plan: BackupPlan, path: Path) -> None:
    """The backup's record at every count the journal saw has the hash the journal saw."""
    heads = journal_heads(plan)
    if not heads:
        return
    hashes: dict[int, str] = dict(
        backup.execute(
            "SELECT id, chain_hash FROM worksheets WHERE id <= ?", (max(heads),)
        ).fetchall()
    )
    for count in sorted(heads):
        if count in hashes and hashes[count] != heads[count]:
            raise BackupError(
                f"{path} is not the records the journal in {plan.directory} saw: its "
                f"{format_worksheet_id(count)} has another hash (a rewritten backup); "
                "choose another backup"
            )


def records_the_backup_lacks(live: Connection, backup: Connection) -> list[int]:
    """The IDs of live records the backup does not hold, the same, at the same ID."""
    theirs: dict[int, str] = dict(
        backup.execute("SELECT id, chain_hash FROM worksheets").fetchall()
    )
    lacking: list[int] = []
    for record_id, chain in live.execute("SELECT id, chain_hash FROM worksheets ORDER BY id"):
        if lacking or theirs.get(record_id) != chain:
            lacking.append(int(record_id))
    return lacking


def named(ids: list[int]) -> str:
    """IDs as a short phrase: "W-000004..W-000009 (6 records)"."""
    if len(ids) == 1:
        return format_worksheet_id(ids[0])
    return f"{format_worksheet_id(ids[0])}..{format_worksheet_id(ids[-1])} ({len(ids)} records)"


def open_checked_backup(path: Path, live: Connection, plan: BackupPlan) -> Connection:
    """A read-only connection to ``path`` once it is checked as data: the schema first
    (nothing of the backup's own runs), then its chain (``open_backup``), then the journal."""
    from core.records.backup import open_backup
    from core.storage import StorageError
    from core.storage.sqlite import open_file

    try:
        if not path.is_file():
            raise BackupError(f"{path} is not a backup file")
    except OSError as error:  # a name too long, a directory that cannot be read
        raise BackupError(f"cannot read the backup {path} ({error.strerror})") from None
    try:
        first = open_file(path, label="backup", read_only=True)
    except StorageError as error:
        raise BackupError(f"cannot open {path} ({error})") from None
    try:
        check_schema(first, live, path)
    except first.errors as error:
        raise BackupError(f"{path} is not a records backup ({error})") from None
    finally:
        first.close()
    conn = open_backup(path)
    try:
        check_against_journal(conn, plan, path)
    except BaseException:
        conn.close()
        raise
    return conn
