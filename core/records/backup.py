"""Backups of the records database and the chain-head journal beside them.

The hash chain inside the database proves its records were not edited, but not that
the database is still the one that was written: deleted, emptied or swapped for an old
copy, it verifies as a smaller, intact chain. So a second trace is kept elsewhere, in the
backup directory (``UNITCALC_BACKUP_DIR``, by default ``backups`` in the data
directory; point it at another disk):

- ``journal.jsonl``: one line per record written (its count and chain hash), per backup
  and per restore, appended and fsynced after each commit. ``verify`` compares the
  database with it: a database behind its journal, or whose record at the journal's count
  has another hash, was replaced or lost records.
- ``worksheets-<UTC time>-n<count>.sqlite3``: copies made with SQLite's online backup
  API (consistent while other processes write), the newest ``UNITCALC_BACKUP_KEEP``
  kept, one made after every ``UNITCALC_BACKUP_EVERY`` records, when none exists yet,
  and when the window starts with records not yet backed up.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.atomic import fsync_dir
from core.data_dir import ensure_private_dir
from core.records.models import BackupError, VerifyReport, format_worksheet_id
from core.records.verify import verify_chain
from core.storage import Connection, StorageError

__all__ = [
    "ENV_DIR",
    "ENV_EVERY",
    "ENV_KEEP",
    "JOURNAL_FILENAME",
    "BackupPlan",
    "BackupRunner",
    "JournalHead",
    "append_journal",
    "backup_database",
    "backup_now",
    "backups",
    "check_against_journal",
    "read_journal",
]

ENV_DIR = "UNITCALC_BACKUP_DIR"
ENV_EVERY = "UNITCALC_BACKUP_EVERY"
ENV_KEEP = "UNITCALC_BACKUP_KEEP"
DEFAULT_EVERY = 20
DEFAULT_KEEP = 10
JOURNAL_FILENAME = "journal.jsonl"
_BACKUP_RE = re.compile(r"worksheets-\d{8}T\d{12}Z-n\d+\.sqlite3")
#: Settings larger than this are typing mistakes, not plans.
_MAX_SETTING = 1_000_000

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupPlan:
    """Where backups and the journal go, how often, and how many are kept."""

    directory: Path
    every: int = DEFAULT_EVERY
    keep: int = DEFAULT_KEEP

    @classmethod
    def for_data_dir(cls, data_dir: Path, environ: Mapping[str, str] | None = None) -> BackupPlan:
        """The plan from the settings read at start-up (``core.site.Site``); none given:
        the defaults."""
        env = environ or {}
        chosen = env.get(ENV_DIR) or ""
        directory = Path(chosen).expanduser().absolute() if chosen else data_dir / "backups"
        return cls(
            directory=directory,
            every=_setting(env, ENV_EVERY, DEFAULT_EVERY),
            keep=_setting(env, ENV_KEEP, DEFAULT_KEEP),
        )

    @property
    def journal(self) -> Path:
        return self.directory / JOURNAL_FILENAME


def _setting(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= _MAX_SETTING:
        raise BackupError(f"{name}: {text[:20]!r} is not a whole number from 1 to {_MAX_SETTING}")
    return int(text)


# --------------------------------------------------------------------------- journal


@dataclass(frozen=True)
class JournalHead:
    """What the journal says the database holds: ``count`` records ending in ``head``."""

    count: int
    head: str
    restored_from: str | None = None


def append_journal(plan: BackupPlan, event: str, count: int, head: str, **extra: str) -> None:
    """Append one line. One ``write`` with ``O_APPEND``, so lines from several processes
    never interleave.

    Only a restore is fsynced: a record or backup line lost in a power cut leaves the
    journal behind the database, which verify accepts (the database extends it), while
    a lost restore line would make the restored database look behind its journal.
    Skipping the fsync keeps recording at the speed of the database's own fsyncs.
    """
    ensure_private_dir(plan.directory)
    line = {
        "event": event,
        "count": count,
        "head": head,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }
    data = (json.dumps(line, sort_keys=True) + "\n").encode()
    fd = os.open(plan.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
        if event == "restore":
            os.fsync(fd)
    finally:
        os.close(fd)


def read_journal(plan: BackupPlan, *, tail: int | None = None) -> JournalHead | None:
    """The journal's view of the database, or None if there is no journal.

    Records are journaled after their commit, so lines from concurrent writers can come
    out of order: the head is the highest count since the last restore (a restore sets the
    database back on purpose). A torn last line (power cut mid-append) is skipped.

    ``tail`` reads only the last so many bytes: enough before each record, since counts
    only go down at a restore, the head of the tail is never above the true head.
    """
    try:
        handle = plan.journal.open("rb")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise BackupError(f"cannot read the journal {plan.journal} ({error.strerror})") from None
    best: JournalHead | None = None
    with handle:
        if tail is not None:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - tail))
            if size > tail:
                handle.readline()  # the partial line the seek landed in
        for raw in handle:
            try:
                line = json.loads(raw)
                count, head, event = line["count"], line["head"], line["event"]
            except (ValueError, KeyError, TypeError):
                continue
            if not isinstance(count, int) or not isinstance(head, str):
                continue
            if event == "restore":
                best = JournalHead(count, head, restored_from=str(line.get("from", "")))
            elif best is None or count > best.count:
                best = JournalHead(count, head, best.restored_from if best else None)
    return best


def check_against_journal(
    conn: Connection, journal: JournalHead | None, plan: BackupPlan
) -> str | None:
    """Why the database does not match its journal, or None when it does (or extends it).

    ``journal`` must be read before the database snapshot the caller holds, so a record
    committed meanwhile cannot look missing.
    """
    if journal is None or journal.count == 0:
        return None
    head = conn.execute("SELECT count FROM chain_head WHERE singleton = 1").fetchone()
    count = head[0] if head is not None and isinstance(head[0], int) else 0
    where = f"the journal in {plan.directory}"
    if count < journal.count:
        return (
            f"the database holds {count} worksheet record(s) but {where} says "
            f"{journal.count} were written: the database is behind its journal (records "
            "lost, or an old copy put back); restore the newest backup with "
            "`main.py restore BACKUP`"
        )
    row = conn.execute(
        "SELECT chain_hash FROM worksheets WHERE id = ?", (journal.count,)
    ).fetchone()
    # A missing row is a deletion inside this database, which the chain check names.
    if row is not None and row[0] != journal.head:
        return (
            f"worksheet {format_worksheet_id(journal.count)} in the database is not the one "
            f"{where} recorded: the database was replaced; restore the newest backup with "
            "`main.py restore BACKUP`"
        )
    return None


# --------------------------------------------------------------------------- backups


def backups(plan: BackupPlan) -> list[Path]:
    """The rotated backups, oldest first (names start with their UTC time)."""
    try:
        names = os.listdir(plan.directory)
    except FileNotFoundError:
        return []
    return [plan.directory / name for name in sorted(names) if _BACKUP_RE.fullmatch(name)]


def backup_database(conn: Connection, plan: BackupPlan, *, label: str = "") -> Path:
    """Copy the database behind ``conn`` into the backup directory; return the copy.

    SQLite's online backup reads one consistent snapshot while others keep writing. The
    copy is written to a temporary name, switched out of WAL mode (a single file, readable
    from a read-only disk), fsynced and renamed, then journaled; old backups beyond
    ``plan.keep`` are removed. ``label`` makes a copy outside the rotation (e.g. the
    database as it was before a restore).
    """
    from core.storage.sqlite import open_file  # sqlite3 only once a backup is made

    ensure_private_dir(plan.directory)
    _remove_stale_temporaries(plan.directory)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    tmp = plan.directory / f".backup-{stamp}-{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        conn.copy_to(tmp)
        copy = open_file(tmp, label="backup", read_only=True)
        try:
            # (a database removed meanwhile leaves an empty copy: a StorageError)
            count, head = copy.retry(
                lambda: copy.one("SELECT count, last_hash FROM chain_head WHERE singleton = 1")
            )
        finally:
            copy.close()
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        name = (
            f"worksheets-{label}-{stamp}-n{count}.sqlite3"
            if label
            else (f"worksheets-{stamp}-n{count}.sqlite3")
        )
        target = plan.directory / name
        os.replace(tmp, target)
        fsync_dir(plan.directory)
    except (OSError, StorageError, LookupError) as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise BackupError(f"cannot back up the records to {plan.directory} ({error})") from None
    append_journal(plan, "backup", count, head, file=name)
    if not label:
        for old in backups(plan)[: -plan.keep]:
            with contextlib.suppress(OSError):
                old.unlink()
    log.info("records backed up: %d records", count)
    return target


def _remove_stale_temporaries(directory: Path) -> None:
    """Remove what a backup killed mid-way left (an hour old: none still being written)."""
    cutoff = time.time() - 3600
    for tmp in directory.glob(".backup-*.tmp"):
        with contextlib.suppress(OSError):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()


def open_backup(path: Path) -> Connection:
    """A read-only connection to a backup, after checking it is an intact records database."""
    from core.storage.sqlite import open_file  # sqlite3 only once a backup is made

    if not path.is_file():
        raise BackupError(f"{path} is not a backup file")
    try:
        conn = open_file(path, label="backup", read_only=True)
    except StorageError as error:
        raise BackupError(f"cannot open {path} ({error})") from None
    try:
        with conn.reading():
            report: VerifyReport = verify_chain(conn, check_pdfs=True)
    except conn.errors as error:
        conn.close()
        raise BackupError(f"{path} is not a records backup ({error})") from None
    if not report.ok:
        conn.close()
        raise BackupError(f"{path} fails verify ({report.message}); choose another backup")
    return conn


# Who runs a backup that recording made due: by default the recorder itself, right after
# its record (a command waits for it anyway); the window hands it to its one way of
# working off the GUI thread (``ui.background``), so a large copy never holds it up.
BackupRunner = Callable[[Path, BackupPlan], None]


def backup_now(path: Path, plan: BackupPlan) -> None:
    """Back the records database at ``path`` up with a connection of its own (any thread);
    failures are logged and kept for the status line, never raised: the journal already
    holds the record."""
    from core.storage.sqlite import open_file  # sqlite3 only once a backup is made

    try:
        from core.records.writers_lock import writers_lock

        with writers_lock(path, exclusive=False):  # not a copy of a database being replaced
            conn = open_file(path, label="records database")
            try:
                backup_database(conn, plan)
            finally:
                conn.close()
    except (StorageError, OSError, BackupError) as error:
        report_backup_failure(error)
        return
    global last_backup_problem
    last_backup_problem = None  # backed up: an earlier failure is behind us


#: Why the last automatic backup (or the journal beside the backups) failed, for the
#: window's status line; None when none has, or a backup succeeded since.
last_backup_problem: str | None = None


def report_journal_failure(problem: str) -> None:
    """The journal beside the backups could not be written after a record (the record is
    kept): the status line says so until a backup succeeds."""
    global last_backup_problem
    last_backup_problem = f"{problem}; records are kept, back up soon"


def report_backup_failure(error: BaseException) -> str:
    """An automatic backup that failed (a full disk) says so: one line on standard error
    and in ``last_backup_problem``, never silently. The reason names no patient data."""
    global last_backup_problem
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    last_backup_problem = f"automatic backup failed ({reason}); records are kept, back up soon"
    log.warning("automatic backup failed: %s", reason)
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"unitcalc: {last_backup_problem}\n")
        sys.stderr.flush()
    return last_backup_problem
