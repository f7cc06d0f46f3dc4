"""Each workstation's own journal of the chain heads it saw (issue 23).

The hash chain shows an edit made with a database tool, but whoever holds the server's
owner or superuser credentials can disable the triggers, rewrite a record, recompute
every later hash and move ``chain_head``; or delete the newest records and move the head
back. Inside the database such a history is consistent. What it cannot reach is what
each workstation saw before: every time a workstation records a worksheet, verifies the
chain or opens the records, it appends the chain head it saw (the newest record's ID, its
chain hash and the time; no patient data) to a file of its own, in the user's data
directory, one file per database:

    DATA_DIR/seen-heads/<hash of the database's identity>.jsonl     (0600, one line each)

``verify`` compares the chain with every head the file holds: another hash at an ID it
saw is a rewrite, a newest record below an ID it saw a truncation, each named with the
time this workstation saw it. A workstation that never saw the chain has nothing to
compare it with (the README says so).

The identity is the database's, not the URL's (no password, no role): on PostgreSQL the
cluster's system identifier, the database and the schema; on SQLite the file's path.
Lines are appended with one ``write`` on an ``O_APPEND`` file, so lines of concurrent
processes never interleave; a line torn by a power cut is skipped. A ``restore`` line
(``RecordStore.restore``, SQLite) closes off the IDs above it: those records were set
aside on purpose.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.data_dir import ensure_private_dir
from core.records.models import format_worksheet_id
from core.storage import Connection

__all__ = ["DIRECTORY", "Seen", "WorkstationJournal", "database_identity", "shown_time"]

#: The folder in the data directory holding one journal per database.
DIRECTORY = "seen-heads"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Seen:
    """A chain head this workstation saw: the newest record's ID, its hash, when."""

    count: int
    head: str
    at: str

    @property
    def when(self) -> str:
        return shown_time(self.at)


def shown_time(at: str) -> str:
    """A journal's ISO time as a message shows it: 2026-12-04 03:40:12 UTC."""
    try:
        moment = datetime.fromisoformat(at).astimezone(UTC)
    except ValueError:
        return at[:40]
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def database_identity(conn: Connection) -> str:
    """What names the database whatever URL or role reaches it (never a password)."""
    if conn.file is not None:
        return f"sqlite:{conn.file.resolve()}"
    try:
        row = conn.one(
            "SELECT (SELECT system_identifier FROM pg_control_system()),"
            " current_database(), current_schema()"
        )
    except conn.errors:  # the function revoked: the server's address instead
        row = conn.one(
            "SELECT concat(inet_server_addr(), ':', inet_server_port()),"
            " current_database(), current_schema()"
        )
    return "postgresql:" + "/".join(str(part) for part in row)


class WorkstationJournal:
    """The journal of one database on this workstation (see the module)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:  # where the sightings from before this instance end
            self._opened_at = path.stat().st_size
        except OSError:
            self._opened_at = 0

    @classmethod
    def for_database(cls, conn: Connection, data_dir: Path) -> WorkstationJournal:
        key = hashlib.sha256(database_identity(conn).encode()).hexdigest()[:32]
        return cls(data_dir / DIRECTORY / f"{key}.jsonl")

    def note(self, event: str, count: int, head: str) -> None:
        """Append that this workstation saw ``count`` records ending in ``head``
        (``event``: record, verify, read or restore). Raises ``OSError``."""
        if count <= 0 and event != "restore":
            return  # an empty chain: nothing anyone could take away
        ensure_private_dir(self.path.parent)
        line = {
            "event": event,
            "count": count,
            "head": head,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        data = (json.dumps(line, sort_keys=True) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, data)
            if event == "restore":  # lost, it would make the records set aside look deleted
                os.fsync(fd)
        finally:
            os.close(fd)

    def held(self, *, before_open: bool = False) -> dict[int, list[Seen]]:
        """Every head this workstation saw of the current line of records, by ID (the
        first time each distinct head was seen); ``before_open``: only those noted before
        this instance was made. Raises ``OSError``."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        if before_open:
            raw = raw[: self._opened_at]
        return held_heads(raw.splitlines())

    def problem(self, conn: Connection, held: dict[int, list[Seen]]) -> str | None:
        """Why the chain in ``conn`` is not the one this workstation saw, or None. Run in
        the caller's read snapshot, with ``held`` read before it."""
        if not held:
            return None
        row = conn.execute("SELECT count FROM chain_head WHERE singleton = 1").fetchone()
        newest = row[0] if row is not None and isinstance(row[0], int) else 0
        highest = max(held)
        if newest < highest:
            seen = held[highest][0]
            holds = (
                f"the database's newest record is {format_worksheet_id(newest)}"
                if newest
                else "the database holds no record"
            )
            return (
                f"{holds} but this "
                f"workstation saw {format_worksheet_id(highest)} on {seen.when}: records were "
                f"deleted after it last looked ({self._named})"
            )
        cursor = conn.stream(
            f"SELECT id, chain_hash FROM worksheets WHERE id >= {int(min(held))}"
            f" AND id <= {int(highest)} ORDER BY id"
        )
        try:
            stored = {int(record_id): chain for record_id, chain in cursor}
        finally:
            cursor.close()
        for count in sorted(held):
            for seen in held[count]:
                if stored.get(count) != seen.head:
                    return (
                        f"worksheet {format_worksheet_id(count)} is not the record this "
                        f"workstation saw on {seen.when} (another chain hash): the records "
                        f"were rewritten or deleted after it last looked ({self._named})"
                    )
        return None

    @property
    def _named(self) -> str:
        return (
            f"this workstation's journal {self.path}; if an older copy was put back on "
            "purpose, move that file aside"
        )


def held_heads(lines: Iterable[bytes]) -> dict[int, list[Seen]]:
    """The heads of journal lines, by count: walking back from the end, a restore line
    closes off the counts above it (records set aside since). Torn lines are skipped."""
    heads: dict[int, dict[str, Seen]] = {}
    limit: int | None = None
    for raw in reversed(list(lines)):
        try:
            line = json.loads(raw)
            count, head, event, at = line["count"], line["head"], line["event"], line["at"]
        except (ValueError, KeyError, TypeError):
            continue
        if type(count) is not int or not isinstance(head, str) or not isinstance(at, str):
            continue
        if count > 0 and (limit is None or count <= limit):
            # Walking back, each sighting of the same head is an earlier one.
            heads.setdefault(count, {})[head] = Seen(count, head, at)
        if event == "restore":
            limit = count if limit is None else min(limit, count)
    return {count: list(seen.values()) for count, seen in heads.items()}
