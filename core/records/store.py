"""``RecordStore``: record, list, reprint and verify worksheets (no Qt)."""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import NamedTuple, TypeVar

from core.atomic import write_atomic
from core.records.backup import (
    BackupPlan,
    BackupRunner,
    JournalHead,
    append_journal,
    backup_database,
    backup_now,
    backups,
    check_against_journal,
    read_journal,
    report_journal_failure,
)
from core.records.canonical import canonical_json
from core.records.ids import highest_given, highest_in_journal, next_id, set_aside_above
from core.records.models import (
    AlreadyReplacedError,
    BackupError,
    DatabaseDamagedError,
    DatabaseMissingError,
    NewerRecordsError,
    RecordCorruptError,
    RecordNotFoundError,
    SchemaTooNewError,
    StoreUnavailableError,
    VerifyReport,
    WorksheetRecord,
    WorksheetRecordSummary,
    format_worksheet_id,
    parse_worksheet_id,
)
from core.records.restore import (
    named,
    open_checked_backup,
    records_the_backup_lacks,
)
from core.records.schema import DB_FILENAME, HASHED_COLUMNS, RECORDS, chain_hash
from core.records.verify import Progress, verify_chain
from core.records.vials import insert_vials
from core.records.workstation_journal import WorkstationJournal
from core.records.writers_lock import writers_lock
from core.storage import (
    Connection,
    ConnectionOwner,
    Row,
    SchemaVersionError,
    StorageDamaged,
    StorageError,
    connect,
    migrate,
)

T = TypeVar("T")

RenderFn = Callable[[str, int | None], bytes]
"""``render(worksheet_id, replaces) -> PDF bytes``; ``replaces`` is an integer id or None."""

AlsoFn = Callable[[Connection, int], None]
"""``also(connection, record_id)``: more writes in the recording's own transaction (the
use of a prior authorization, a message to send): all of them are committed, or none."""

#: What the SQLite file is called in messages.
_LABEL = "records database"

log = logging.getLogger(__name__)

_SUMMARY_COLS = (
    "w.id, w.created_at, w.code, w.mrn, w.patient_name, w.administered_at, "
    "w.prepared_by, w.verified_by, w.replaces, r.id, w.pdf_sha256"
)
_FROM_WITH_REPLACED_BY = "FROM worksheets w LEFT JOIN worksheets r ON r.replaces = w.id"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _local_midnight_utc(day: date) -> str:
    """Local midnight starting ``day``, as a stored-format UTC timestamp.

    At the ends of the calendar (year 1, year 9999) the time-zone shift can leave
    ``datetime``'s range; no record is that old or new, so the day's UTC midnight does.
    """
    midnight = datetime.combine(day, time.min)
    try:
        moment = midnight.astimezone().astimezone(UTC)
    except (OverflowError, ValueError, OSError):
        moment = midnight.replace(tzinfo=UTC)
    return moment.isoformat(timespec="microseconds")


def _head_missing() -> RecordCorruptError:
    """The ``chain_head`` row deleted or edited: no ID can be given safely."""
    return RecordCorruptError(
        "the chain head is missing or damaged: the database was edited; run verify"
    )


#: SQLite integers are signed 64-bit; a larger id cannot name a record.
_MAX_ID = 2**63 - 1


def _check_id(record_id: object) -> int:
    """A record id as SQLite can take it; a number out of its range names no record."""
    if isinstance(record_id, bool) or not isinstance(record_id, int):
        raise TypeError("a record id is an int")
    if not 0 < record_id <= _MAX_ID:
        raise RecordNotFoundError(record_id)
    return record_id


# --------------------------------------------------------------------------- store


class Restored(NamedTuple):
    """What a restore did: records restored, the copy of the replaced database (None if it
    was empty) and the IDs it held that the backup lacks (kept only in that copy)."""

    records: int
    kept: Path | None
    set_aside: list[int]


class RecordStore(ConnectionOwner):
    """The worksheet records database. Open with ``RecordStore.open(data_dir)``.

    One instance per thread (sqlite3 connections are not shared across
    threads). Several processes may use the same database: each ``add`` holds
    the write lock from id reservation to commit, others wait (busy timeout),
    and a writer still refused after it rolls back and runs its whole
    transaction again, for up to ``BUSY_DEADLINE_S``.
    """

    def __init__(
        self,
        conn: Connection,
        path: Path,
        clock: Callable[[], datetime],
        backup_plan: BackupPlan,
        url: str | None = None,
        run_backup: BackupRunner = backup_now,
        workstation: WorkstationJournal | None = None,
    ):
        self._conn = conn
        #: This workstation's journal of the chain heads it saw (see the module).
        self.workstation = workstation or WorkstationJournal.for_database(conn, path.parent)
        #: Runs a backup that a record made due (see ``core.records.backup.BackupRunner``).
        self.run_backup = run_backup
        self.path = path
        self._clock = clock
        self.backup_plan = backup_plan
        #: The PostgreSQL server's URL, or None for the SQLite file ``path`` (for
        #: messages: the store itself never asks).
        self.url = url
        #: Why the last journal line or backup could not be written (the record itself
        #: was committed), or None. Callers may show it as a warning.
        self.backup_problem: str | None = None

    # ---- lifecycle

    @classmethod
    def open(
        cls,
        data_dir: Path | str,
        *,
        clock: Callable[[], datetime] = _utc_now,
        backup_plan: BackupPlan | None = None,
        allow_missing: bool = False,
        url: str | None = None,
        run_backup: BackupRunner = backup_now,
    ) -> RecordStore:
        """Open (creating and migrating as needed) ``data_dir/worksheets.sqlite3``.

        The directory is created 0700 if missing; the database, ``-wal`` and
        ``-shm`` files are 0600. ``clock`` (aware datetimes) is for tests.
        ``backup_plan`` defaults to ``BackupPlan.for_data_dir`` (the environment).

        A missing database whose backup journal says records were written is not
        silently started afresh (its worksheet IDs would be handed out again):
        ``DatabaseMissingError``, unless ``allow_missing`` (for ``restore``).
        Database and file-system failures raise ``StoreUnavailableError``.

        With a PostgreSQL ``url`` (default: ``UNITCALC_DATABASE``, see ``core.database``)
        the records live on that server instead; the data directory then holds nothing
        of them, and backups are the server's (``pg_dump``).
        """
        from core.database import DatabaseUrlError, database_url

        data_dir = Path(data_dir)
        path = data_dir / DB_FILENAME
        plan = backup_plan or BackupPlan.for_data_dir(data_dir)
        try:
            url = database_url(url)
        except DatabaseUrlError as error:
            raise StoreUnavailableError(str(error)) from None

        def refuse_a_lost_database() -> None:
            """A missing file whose journal says records were written is not started
            afresh (its worksheet IDs would be handed out again)."""
            journal = None if allow_missing else read_journal(plan)
            if journal is not None and journal.count > 0:
                raise DatabaseMissingError(
                    f"the records database {path} is missing, but the journal in "
                    f"{plan.directory} says {journal.count} worksheet record(s) were "
                    "written: restore the newest backup with `main.py restore BACKUP`"
                )

        conn = _storage_errors(lambda: open_records(url, path, missing=refuse_a_lost_database))
        try:
            seen = _storage_errors(partial(WorkstationJournal.for_database, conn, data_dir))
            # One clock for every workstation: the database's (tests pass their own).
            clock = conn.now if clock is _utc_now else clock
            store = cls(conn, path, clock, plan, url, run_backup, seen)
            store._note_head("read")
        except BaseException:
            conn.close()
            raise
        return store

    def _note_head(self, event: str) -> None:
        """Note the chain head as this workstation sees it now in its journal; a head
        that is missing (verify names it) or a journal that cannot be written (logged)
        does not stop the work."""
        try:
            count, head = self._read(self._head)
            self.workstation.note(event, count, head)
        except RecordCorruptError:
            pass
        except OSError as error:
            log.warning("this workstation's journal failed (%s)", error.strerror)

    # ---- writing

    def add(
        self,
        *,
        code: str,
        mrn: str,
        patient_name: str,
        administered_at: str | None,
        prepared_by: str,
        verified_by: str,
        inputs: Mapping[str, object],
        result: Mapping[str, object],
        documentation: Mapping[str, object],
        render: RenderFn,
        replaces: int | None = None,
        also: AlsoFn | None = None,
    ) -> WorksheetRecord:
        """Record a worksheet and return the stored record.

        Inside one IMMEDIATE transaction (holding the database write lock):
        reserve the next id, check ``replaces``, call
        ``render(worksheet_id, replaces)`` for the PDF bytes (so the PDF can
        print its own id and "replaces worksheet N"), insert, advance the
        chain head, commit. If ``render`` or anything else fails nothing is
        stored and the id is not consumed. ``render`` must not use this store.

        ``inputs``/``result``/``documentation`` must be JSON values without
        floats (e.g. ``model_dump(mode="json")``, which turns Decimals into
        strings); they are stored as canonical JSON. The text fields are
        stored exactly as given (the PDF shows them as given) and must not be
        blank.

        Raises RecordNotFoundError if ``replaces`` does not exist and
        AlreadyReplacedError if it already has a correction (correct the
        newest one, see ``latest_in_chain``).

        ``also(connection, record_id)`` writes more in the same transaction (see
        ``AlsoFn``); if it raises, nothing is recorded.
        """
        for name, text in (
            ("code", code),
            ("mrn", mrn),
            ("patient_name", patient_name),
            ("prepared_by", prepared_by),
            ("verified_by", verified_by),
        ):
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{name} must be a non-empty string")
        if administered_at is not None and not isinstance(administered_at, str):
            raise TypeError("administered_at must be a string or None")
        inputs_json = canonical_json(inputs, "inputs")
        result_json = canonical_json(result, "result")
        documentation_json = canonical_json(documentation, "documentation")

        if replaces is not None:
            replaces = _check_id(replaces)
        # Read before the transaction: every line in it is then of a committed record.
        # Held from reading the journal to journaling the record: a restore waits.
        with writers_lock(self._conn.file, exclusive=False):
            journal = self._journal_tail()

            def transaction() -> tuple[int, str]:
                with self._conn.writing():
                    problem = check_against_journal(self._conn, journal, self.backup_plan)
                    if problem is not None:
                        # Recording on would hand out worksheet IDs already printed on charts.
                        raise StoreUnavailableError(f"nothing was recorded: {problem}")
                    return self._insert(
                        inputs_json, result_json, documentation_json, render, replaces, texts, also
                    )

            texts = (code, mrn, patient_name, administered_at, prepared_by, verified_by)
            record_id, this_hash = self._retry(transaction)
            log.info("recorded worksheet %s", format_worksheet_id(record_id))
            backup_due = self._after_commit(record_id, this_hash)
            record = self._read(lambda: self.get(record_id))  # before a restore can replace it
        # After the writers' lock is let go: a backup takes it too, behind a waiting restore.
        if backup_due:
            self.run_backup(self.path, self.backup_plan)
        return record

    def _insert(
        self,
        inputs_json: str,
        result_json: str,
        documentation_json: str,
        render: RenderFn,
        replaces: int | None,
        texts: tuple[str | None, ...],
        also: AlsoFn | None,
    ) -> tuple[int, str]:
        """The body of ``add``'s transaction: (id, chain hash) of the record."""
        conn = self._conn
        # The chain head is held until commit: the next writer waits here and then reads
        # the head this one wrote.
        head = conn.lock_rows("SELECT count, last_hash FROM chain_head WHERE singleton = 1")
        count, prev_hash = head.fetchone() or (None, None)
        if not isinstance(count, int) or not isinstance(prev_hash, str):
            raise _head_missing()
        # The id comes from the chain head, not MAX(id): if the newest rows
        # were deleted outside the program, the gap stays visible to verify. Above any ID
        # a restore set aside: an ID is never given twice.
        record_id = next_id(conn, count)
        if replaces is not None:
            self._check_replaceable(replaces)
        worksheet_id = format_worksheet_id(record_id)
        pdf = render(worksheet_id, replaces)
        if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
            raise ValueError("render() must return the PDF document as bytes")
        values = (
            record_id,
            self._clock().astimezone(UTC).isoformat(timespec="microseconds"),
            *texts,
            inputs_json,
            result_json,
            documentation_json,
            replaces,
            hashlib.sha256(pdf).hexdigest(),
            prev_hash,
        )
        this_hash = chain_hash(values)
        conn.execute(
            f"INSERT INTO worksheets ({', '.join(HASHED_COLUMNS)}, chain_hash)"
            f" VALUES ({', '.join('?' * (len(HASHED_COLUMNS) + 1))})",
            (*values, this_hash),
        )
        conn.execute("INSERT INTO worksheet_pdfs (id, pdf) VALUES (?, ?)", (record_id, pdf))
        insert_vials(conn, record_id, documentation_json)
        if also is not None:
            also(conn, record_id)
        conn.execute(
            "UPDATE chain_head SET count = ?, last_hash = ? WHERE singleton = 1",
            (record_id, this_hash),
        )
        return record_id, this_hash

    def _after_commit(self, record_id: int, this_hash: str) -> bool:
        """Journal the new chain head beside the backups; say whether a backup is due.

        The record is committed whatever happens here: a journal failure is logged and
        kept in ``backup_problem`` for the caller to show, never raised. The backup is
        run by ``run_backup`` (given at open: the recorder's thread, or the window's
        background work).
        """
        plan = self.backup_plan
        self.backup_problem = None
        try:
            self.workstation.note("record", record_id, this_hash)
        except OSError as error:
            self.backup_problem = f"this workstation's journal failed ({error.strerror})"
            log.warning("workstation journal failed after record %d", record_id)
        if self._conn.file is None:  # a server's own backups keep its records
            return False
        try:
            append_journal(plan, "record", record_id, this_hash)
            due = record_id % plan.every == 0 or not backups(plan)
        except (OSError, BackupError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            self.backup_problem = f"the journal in {plan.directory} failed ({reason})"
            report_journal_failure(self.backup_problem)
            log.warning("journal failed after record %d", record_id)
            return False
        return due

    def _journal_tail(self, *, whole: bool = False) -> JournalHead | None:
        """The journal's head, from its last 8 KB; None if it cannot be read (a backup
        disk that is away must not stop recording), or on PostgreSQL (no journal: the
        server's own backups and WAL keep the records). ``whole``: read all of it, and
        say when it cannot be read (``BackupError``), for verify."""
        if self._conn.file is None:
            return None
        if whole:
            return read_journal(self.backup_plan)
        # 8 KB is about 60 lines, far more than writers can journal out of order (one
        # line each after its commit). A shorter tail can only find a lower head (fewer
        # refusals), never a false one; 64 KB, parsed before every record, made recording
        # about 3 times slower (see the commit message).
        try:
            return read_journal(self.backup_plan, tail=8_192)
        except BackupError:
            return None

    # ---- backups

    def backup(self, *, label: str = "") -> Path:
        """Back the database up now (see ``core.records.backup``); the copy's path."""
        self._file("back up")
        return backup_database(self._conn, self.backup_plan, label=label)

    def backup_if_behind(self) -> Path | None:
        """Back up when the newest backup lacks records the database holds (at start)."""
        if self._conn.file is None:
            return None
        newest = backups(self.backup_plan)
        count = self._read(self._count)
        if newest and newest[-1].stem.endswith(f"-n{count}"):
            return None
        if not newest and count == 0:
            return None
        return self.backup()

    def restore(self, backup: Path, *, keep_newer: bool = False) -> Restored:
        """Put ``backup`` back as the database (see ``core.records.restore``).

        Every writer of the file is held off for the whole restore. The backup is checked
        as data (schema, its chain, the journal's heads) before it is read. A database
        holding records the backup lacks is not replaced unless ``keep_newer``; then those
        records stay in the copy kept beside the backups (``worksheets-before-restore-...``)
        and are named in the result. The backup goes in with SQLite's backup API (one
        transaction) and the restore is journaled, so ``verify`` takes it as the new start.
        """
        database = self._file("restore")
        try:
            if backup.resolve() == database.resolve():
                raise BackupError(f"{backup} is the records database itself; choose a backup")
        except OSError as error:  # a name too long, a directory that cannot be read
            raise BackupError(f"cannot read the backup {backup} ({error.strerror})") from None
        with writers_lock(database, exclusive=True):
            source = open_checked_backup(backup, self._conn, self.backup_plan)
            try:
                lacking = self._read(partial(records_the_backup_lacks, self._conn, source))
            finally:
                source.close()
            if lacking and not keep_newer:
                raise NewerRecordsError(
                    f"the records database holds {named(lacking)} that {backup.name} lacks: "
                    "nothing was restored (to restore anyway, keeping them aside, add "
                    "--keep-newer)",
                    lacking,
                )
            kept = self.backup(label="before-restore") if self._read(self._count) else None
            given = max(
                self._read(partial(highest_given, self._conn)),
                highest_in_journal(self.backup_plan.journal),
                highest_in_journal(self.workstation.path),
            )
            self._read(partial(self._conn.replace_with, backup))
            self._read(partial(migrate, self._conn, RECORDS))  # a backup of an older program
            self._retry(partial(self._set_aside_above, given, backup.name))
            count, head = self._read(self._head)
            append_journal(self.backup_plan, "restore", count, head, **{"from": backup.name})
            try:
                self.workstation.note("restore", count, head)
            except OSError as error:
                self.backup_problem = f"this workstation's journal failed ({error.strerror})"
        if lacking:
            log.warning("restore set aside %d records the backup lacks", len(lacking))
        log.info("records restored from a backup: %d records", count)
        return Restored(count, kept, lacking)

    def _set_aside_above(self, given: int, backup: str) -> None:
        """The IDs given before a restore and above what it put back: never again."""
        with self._conn.writing():
            at = self._clock().astimezone(UTC).isoformat(timespec="microseconds")
            set_aside_above(self._conn, given, at, backup)

    def _file(self, what: str) -> Path:
        """The database file, which backups copy; on a server, its own tools do."""
        if self._conn.file is None:
            raise BackupError(
                f"the records are on a PostgreSQL server: {what} them with the server's "
                "tools (pg_dump / pg_restore, see the README)"
            )
        return self._conn.file

    def _count(self) -> int:
        return self._head()[0]

    def _head(self) -> tuple[int, str]:
        row = self._conn.execute(
            "SELECT count, last_hash FROM chain_head WHERE singleton = 1"
        ).fetchone()
        if row is None or not isinstance(row[0], int) or not isinstance(row[1], str):
            raise _head_missing()
        return row[0], row[1]

    def _read(self, work: Callable[[], T]) -> T:
        """Run a read, with database errors as ``StoreUnavailableError``."""
        return self._retry(work)

    def _retry(self, work: Callable[[], T]) -> T:
        return _storage_errors(partial(self._conn.retry, work))

    @property
    def connection(self) -> Connection:
        """The store's connection, for tables written in its transactions (``also``)."""
        return self._conn

    def interrupt_when(self, check: Callable[[], bool]) -> None:
        """Stop a long read (the store's error) once ``check()`` is true (cancelling)."""
        self._conn.interrupt_when(check)

    def _check_replaceable(self, replaces: int) -> None:
        row = self._conn.execute(
            "SELECT w.id, r.id " + _FROM_WITH_REPLACED_BY + " WHERE w.id = ?", (replaces,)
        ).fetchone()
        if row is None:
            raise RecordNotFoundError(replaces)
        if row[1] is not None:
            raise AlreadyReplacedError(replaces, row[1])

    # ---- reading

    def get(self, record_id: int) -> WorksheetRecord:
        record_id = _check_id(record_id)
        row = self._read(lambda: self._get_row(record_id))
        if row is None:
            raise RecordNotFoundError(record_id)
        summary = _summary(row[:11])
        return WorksheetRecord(
            **summary.model_dump(exclude={"worksheet_id"}),
            inputs=json.loads(row[11]),
            result=json.loads(row[12]),
            documentation=json.loads(row[13]),
            prev_hash=row[14],
            chain_hash=row[15],
        )

    def _get_row(self, record_id: int) -> Row | None:
        return self._conn.execute(
            f"SELECT {_SUMMARY_COLS}, w.inputs_json, w.result_json, w.documentation_json,"
            f" w.prev_hash, w.chain_hash {_FROM_WITH_REPLACED_BY}"
            " WHERE w.id = ?",
            (record_id,),
        ).fetchone()

    def latest_in_chain(self, record_id: int) -> int:
        """Follow corrections forward: the id of the newest record replacing ``record_id``
        (``record_id`` itself if it was never corrected)."""
        current = self.get(record_id).id
        while True:
            row = self._read(partial(self._replaced_by, current))
            if row is None:
                return current
            current = row[0]

    def _replaced_by(self, record_id: int) -> Row | None:
        return self._conn.execute(
            "SELECT id FROM worksheets WHERE replaces = ?", (record_id,)
        ).fetchone()

    def list(
        self,
        *,
        mrn: str | None = None,
        patient: str | None = None,
        code: str | None = None,
        since: date | None = None,
        until: date | None = None,
        worksheet_id: int | str | None = None,
        limit: int | None = None,
        lot: str | None = None,
        serial: str | None = None,
        vial: str | None = None,
    ) -> list[WorksheetRecordSummary]:
        """Summaries matching all given filters, newest first.

        ``mrn`` and ``code`` match exactly; ``patient`` is a substring of the patient
        name, ignoring case and accents (``search_fold``); ``since``/``until``
        are inclusive calendar dates in the computer's local time zone,
        compared with the record time (``created_at``). ``lot`` and ``serial`` find
        the worksheets that used such a vial (a recall), ignoring case; ``vial`` is
        either one (the window's single search field).
        """
        where: list[str] = []
        params: list[str | int] = []

        def same(column: str) -> str:  # ignoring case, by the index on lower()
            return f"lower({column}) = lower(?)"

        for column, wanted in (("lot", lot), ("serial", serial)):
            if wanted is not None:
                where.append(
                    f"w.id IN (SELECT worksheet_id FROM worksheet_vials WHERE {same(column)})"
                )
                params.append(wanted.strip())
        if vial is not None:
            where.append(
                "w.id IN (SELECT worksheet_id FROM worksheet_vials"
                f" WHERE {same('lot')} OR {same('serial')})"
            )
            params += [vial.strip(), vial.strip()]
        if mrn is not None:
            where.append("w.mrn = ?")
            params.append(mrn)
        if code is not None:
            where.append("w.code = ?")
            params.append(code)
        if since is not None:
            where.append("w.created_at >= ?")
            params.append(_local_midnight_utc(since))
        if until is not None and until < date.max:  # date.max: no end
            where.append("w.created_at < ?")
            params.append(_local_midnight_utc(until + timedelta(days=1)))
        if worksheet_id is not None:
            wanted_id = (
                parse_worksheet_id(worksheet_id) if isinstance(worksheet_id, str) else worksheet_id
            )
            where.append("w.id = ?")
            params.append(wanted_id if 0 < wanted_id <= _MAX_ID else 0)
        sql = f"SELECT {_SUMMARY_COLS} {_FROM_WITH_REPLACED_BY}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY w.id DESC"
        if limit is not None and patient is None:
            sql += " LIMIT ?"
            params.append(max(0, min(limit, _MAX_ID)))
        # The patient filter (no case, no accents) runs here, on rows as they come.
        wanted = None if patient is None else search_fold(patient)
        stop = None if limit is None else max(0, limit)

        def matching() -> list[Row]:
            found: list[Row] = []
            if stop == 0:
                return found
            for row in self._conn.execute(sql, params):
                if wanted is None or wanted in search_fold(row[4]):
                    found.append(row)
                    if stop is not None and len(found) >= stop:
                        break
            return found

        return [_summary(row) for row in self._read(matching)]

    def serial_recorded_on(
        self, serial: str, *, ndc: str = "", correcting: int | None = None
    ) -> tuple[int, ...]:
        """Ids of the current worksheets (not since corrected) holding a vial with this
        serial. A serial is unique among one NDC's packages: with ``ndc`` given, only
        vials of that NDC (or with none recorded) count. ``correcting`` is the record a
        new worksheet replaces, which does not count (its correction repeats its vials).
        """
        sql = (
            "SELECT DISTINCT v.worksheet_id FROM worksheet_vials v"
            " WHERE v.serial = ? AND v.serial != ''"
            " AND (CAST(? AS BIGINT) IS NULL OR v.worksheet_id <> ?)"
            " AND (? = '' OR v.ndc = '' OR v.ndc = ?)"
            " AND NOT EXISTS (SELECT 1 FROM worksheets r WHERE r.replaces = v.worksheet_id)"
            " ORDER BY v.worksheet_id"
        )
        params = (serial, correcting, correcting, ndc, ndc)
        rows = self._read(lambda: self._conn.execute(sql, params).fetchall())
        return tuple(row[0] for row in rows)

    def recorded_ndcs(self) -> frozenset[str]:
        """The 11-digit NDCs of scanned vials on recorded worksheets."""
        sql = "SELECT DISTINCT ndc FROM worksheet_vials WHERE ndc != ''"
        rows = self._read(lambda: self._conn.execute(sql).fetchall())
        return frozenset(row[0] for row in rows)

    def pdf(self, record_id: int) -> bytes:
        """The PDF exactly as recorded. Raises RecordCorruptError if it no
        longer matches its SHA-256 (never reprint a changed document)."""
        record_id = _check_id(record_id)
        row = self._read(
            lambda: self._conn.execute(
                "SELECT p.pdf, w.pdf_sha256 FROM worksheets w"
                " LEFT JOIN worksheet_pdfs p ON p.id = w.id WHERE w.id = ?",
                (record_id,),
            ).fetchone()
        )
        if row is None:
            raise RecordNotFoundError(record_id)
        data, sha = row
        if not isinstance(data, bytes) or hashlib.sha256(data).hexdigest() != sha:
            raise RecordCorruptError(
                f"the PDF of worksheet {format_worksheet_id(record_id)} is missing or does "
                "not match its recorded SHA-256; run verify"
            )
        return data

    def write_pdf(self, record_id: int, path: Path) -> None:
        """Write the recorded PDF to ``path`` atomically, mode 0600."""
        write_atomic(Path(path), self.pdf(record_id))
        log.info("wrote PDF of worksheet %s", format_worksheet_id(record_id))

    # ---- tamper evidence

    def _verify(self, check_pdfs: bool, progress: Progress | None) -> VerifyReport:
        conn = self._conn
        # The journal first: a record committed after this read cannot look missing.
        journal = self._journal_tail(whole=True)
        try:
            held = self.workstation.held()
        except OSError as error:
            return VerifyReport(
                ok=False,
                checked=0,
                first_broken_id=None,
                message=f"cannot read this workstation's journal {self.workstation.path} "
                f"({error.strerror})",
            )
        # One read transaction so the rows and the chain head are one snapshot
        # even if another process records a worksheet meanwhile.
        with conn.reading():
            report = verify_chain(conn, check_pdfs, progress)
            problem = check_against_journal(conn, journal, self.backup_plan)
            if report.ok and problem is None:
                problem = self.workstation.problem(conn, held)
        if report.ok and problem is not None:
            return VerifyReport(
                ok=False, checked=report.checked, first_broken_id=None, message=problem
            )
        if report.ok:
            self._note_head("verify")
        try:  # what this workstation saw before this store was opened, for the message
            before = self.workstation.held(before_open=True)
        except OSError:
            before = held
        since = min((seen.at for heads in before.values() for seen in heads), default=None)
        return report.replace(seen_heads=len(before), seen_since=since)

    def verify(self, *, check_pdfs: bool = False, progress: Progress | None = None) -> VerifyReport:
        """Check the hash chain; report the first broken record (``progress(checked,
        total)`` hears how far it has come, every thousand records).

        In id order, for every record: ids are contiguous from 1 (a deleted
        row leaves a gap), ``prev_hash`` equals the previous record's chain
        hash (catches reordering/re-linking), and the chain hash recomputed
        from the stored fields matches (catches any edit). Finally the
        ``chain_head`` row must agree with the last record, which catches
        deletion of the newest records.

        PDFs: the chain covers each PDF's stored SHA-256, so changing a PDF
        *and* its SHA breaks the chain. Changing only the PDF blob is caught
        by ``check_pdfs=True``, which reads and rehashes every PDF, and in any
        case by ``pdf``/``write_pdf``, which refuse to hand out a PDF that does
        not match its SHA. The default is the quick path because the full one
        is bound by reading every PDF (``bench/bench_records.py``, 100,000
        records: chain only 0.7-0.9 s whatever the PDF size; with every PDF
        1.2 s for 4 KB PDFs but 6.3 s for 50 KB ones, the size of a real
        worksheet). Use ``check_pdfs=True`` for a full audit; it also checks that the
        vial rows (recalls, serials) still match each record's documentation.

        Limits, honestly: this is tamper *evidence* against edits made with a
        database tool. Someone who can run a script against the file (or the server's
        owner) can recompute every hash and the chain head, and the chain alone will
        verify. So it is anchored outside the database: the backup journal (SQLite) and
        this workstation's journal of the heads it saw (``core.records.workstation_journal``)
        are compared too, and a rewritten or shortened history no longer reaches them. A
        workstation that never saw the records cannot tell; keep the ``head_hash`` of a
        passing verify elsewhere too (audit log, printout).
        """
        report = self._read(lambda: self._verify(check_pdfs, progress))
        if report.ok:
            log.info("verify ok: %d records", report.checked)
        else:
            log.warning("verify FAILED at record %s", report.first_broken_id)
        return report


# --------------------------------------------------------------------------- helpers


def _summary(row: Row) -> WorksheetRecordSummary:
    return WorksheetRecordSummary(
        id=row[0],
        created_at=datetime.fromisoformat(row[1]),
        code=row[2],
        mrn=row[3],
        patient_name=row[4],
        administered_at=row[5],
        prepared_by=row[6],
        verified_by=row[7],
        replaces=row[8],
        replaced_by=row[9],
        pdf_sha256=row[10],
    )


def open_records(
    url: str | None, path: Path, *, missing: Callable[[], None] | None = None
) -> Connection:
    """The records database (the server at ``url``, else the file ``path``, its directory
    made private), migrated to this program's schema. ``missing`` is called before a
    missing file is created, and may refuse. Raises ``StorageError``."""
    conn = connect(url, path, label=_LABEL, missing=missing)
    try:
        conn.retry(partial(migrate, conn, RECORDS))
    except BaseException:
        conn.close()
        raise
    return conn


def _storage_errors(work: Callable[[], T]) -> T:
    """``work()``, with storage errors as the records' own."""
    try:
        return work()
    except SchemaVersionError as error:
        raise SchemaTooNewError(str(error)) from None
    except StorageDamaged as error:
        raise DatabaseDamagedError(
            f"{error}: restore the newest backup with `main.py restore BACKUP`"
        ) from None
    except StorageError as error:
        raise StoreUnavailableError(str(error)) from None


def search_fold(text: str) -> str:
    """Text as a search compares it: no case, no accents ("Nguyen" finds "Nguyễn").

    Technicians often type names without diacritics; "đ" does not decompose, so it is
    mapped to "d" by hand.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
