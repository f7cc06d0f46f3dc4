"""``RecordStore``: record, list, reprint and verify worksheets (no Qt)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from core.atomic import write_atomic
from core.data_dir import ensure_private_dir
from core.records.models import (
    AlreadyReplacedError,
    RecordCorruptError,
    RecordNotFoundError,
    VerifyReport,
    WorksheetRecord,
    WorksheetRecordSummary,
    format_worksheet_id,
    parse_worksheet_id,
)
from core.records.schema import DB_FILENAME, HASHED_COLUMNS, chain_hash, migrate
from core.records.verify import verify_chain
from core.records.vials import first_vial_mismatch, insert_vials

RenderFn = Callable[[str, int | None], bytes]
"""``render(worksheet_id, replaces) -> PDF bytes``; ``replaces`` is an integer id or None."""

log = logging.getLogger(__name__)

_SUMMARY_COLS = (
    "w.id, w.created_at, w.code, w.mrn, w.patient_name, w.administered_at, "
    "w.prepared_by, w.verified_by, w.replaces, r.id, w.pdf_sha256"
)
_FROM_WITH_REPLACED_BY = "FROM worksheets w LEFT JOIN worksheets r ON r.replaces = w.id"


def _canonical_json(value: Mapping[str, object], what: str) -> str:
    """Sorted-key, compact JSON: equal data always gives the same stored text."""
    _check_json_value(value, what)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _check_json_value(value: object, what: str) -> None:
    """Accept only what round-trips exactly through JSON: str, int, bool, None,
    lists and str-keyed dicts.

    Floats are refused: quantities are Decimal in the engine, a float means
    precision was already lost, and float text is the fragile part of
    "canonical" JSON. ``model_dump(mode="json")`` turns Decimals into strings.
    """
    if value is None or isinstance(value, str | int):  # bool is an int
        return
    if isinstance(value, float):
        raise TypeError(f"{what} contains a float; pass quantities as Decimal strings")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{what} has a non-string key {key!r}")
            _check_json_value(item, what)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_json_value(item, what)
    else:
        raise TypeError(
            f"{what} holds a {type(value).__name__}; pass JSON values "
            "(e.g. model_dump(mode='json'))"
        )


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _local_midnight_utc(day: date) -> str:
    """Local midnight starting ``day``, as a stored-format UTC timestamp."""
    return (
        datetime.combine(day, time.min)
        .astimezone()
        .astimezone(UTC)
        .isoformat(timespec="microseconds")
    )


def _private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if missing; tighten it to 0600 if present."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)


# --------------------------------------------------------------------------- store


class RecordStore:
    """The worksheet records database. Open with ``RecordStore.open(data_dir)``.

    One instance per thread (sqlite3 connections are not shared across
    threads). Several processes may use the same database: each ``add`` holds
    the write lock from id reservation to commit, others wait (busy timeout).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], datetime]):
        self._conn = conn
        self.path = path
        self._clock = clock

    # ---- lifecycle

    @classmethod
    def open(cls, data_dir: Path | str, *, clock: Callable[[], datetime] = _utc_now) -> RecordStore:
        """Open (creating and migrating as needed) ``data_dir/worksheets.sqlite3``.

        The directory is created 0700 if missing; the database, ``-wal`` and
        ``-shm`` files are 0600. ``clock`` (aware datetimes) is for tests.
        """
        data_dir = Path(data_dir)
        ensure_private_dir(data_dir)
        path = data_dir / DB_FILENAME
        _private_file(path)  # SQLite gives -wal/-shm the same mode as the db.
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so every
        # transaction boundary is explicit.
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":  # e.g. some network filesystems; FULL sync still protects
                log.warning("records database could not use WAL (journal mode %s)", mode)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.create_function("search_fold", 1, _search_fold, deterministic=True)
            migrate(conn)
            if os.name == "posix":
                for suffix in ("-wal", "-shm"):
                    side = path.with_name(path.name + suffix)
                    if side.exists():
                        os.chmod(side, 0o600)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, clock)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

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
        inputs_json = _canonical_json(inputs, "inputs")
        result_json = _canonical_json(result, "result")
        documentation_json = _canonical_json(documentation, "documentation")

        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            count, prev_hash = conn.execute(
                "SELECT count, last_hash FROM chain_head WHERE singleton = 1"
            ).fetchone()
            # The id comes from the chain head, not MAX(id): if the newest rows
            # were deleted outside the program, the gap stays visible to verify.
            record_id = count + 1
            if replaces is not None:
                self._check_replaceable(replaces)
            worksheet_id = format_worksheet_id(record_id)
            pdf = render(worksheet_id, replaces)
            if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
                raise ValueError("render() must return the PDF document as bytes")
            values = (
                record_id,
                self._clock().astimezone(UTC).isoformat(timespec="microseconds"),
                code,
                mrn,
                patient_name,
                administered_at,
                prepared_by,
                verified_by,
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
            insert_vials(conn, record_id)
            conn.execute(
                "UPDATE chain_head SET count = ?, last_hash = ? WHERE singleton = 1",
                (record_id, this_hash),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # some errors (disk full) already rolled back
                conn.execute("ROLLBACK")
            raise
        log.info("recorded worksheet %s", worksheet_id)
        return self.get(record_id)

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
        row = self._conn.execute(
            f"SELECT {_SUMMARY_COLS}, w.inputs_json, w.result_json, w.documentation_json,"
            f" w.prev_hash, w.chain_hash {_FROM_WITH_REPLACED_BY}"
            " WHERE w.id = ?",
            (record_id,),
        ).fetchone()
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

    def latest_in_chain(self, record_id: int) -> int:
        """Follow corrections forward: the id of the newest record replacing ``record_id``
        (``record_id`` itself if it was never corrected)."""
        current = self.get(record_id).id
        while True:
            row = self._conn.execute(
                "SELECT id FROM worksheets WHERE replaces = ?", (current,)
            ).fetchone()
            if row is None:
                return current
            current = row[0]

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
        params: list[object] = []
        for column, wanted in (("lot", lot), ("serial", serial)):
            if wanted is not None:
                where.append(
                    "w.id IN (SELECT worksheet_id FROM worksheet_vials"
                    f" WHERE {column} = ? COLLATE NOCASE)"
                )
                params.append(wanted.strip())
        if vial is not None:
            where.append(
                "w.id IN (SELECT worksheet_id FROM worksheet_vials"
                " WHERE lot = ? COLLATE NOCASE OR serial = ? COLLATE NOCASE)"
            )
            params += [vial.strip(), vial.strip()]
        if mrn is not None:
            where.append("w.mrn = ?")
            params.append(mrn)
        if code is not None:
            where.append("w.code = ?")
            params.append(code)
        if patient is not None:
            where.append("instr(search_fold(w.patient_name), ?) > 0")
            params.append(search_fold(patient))
        if since is not None:
            where.append("w.created_at >= ?")
            params.append(_local_midnight_utc(since))
        if until is not None:
            where.append("w.created_at < ?")
            params.append(_local_midnight_utc(until + timedelta(days=1)))
        if worksheet_id is not None:
            where.append("w.id = ?")
            params.append(
                parse_worksheet_id(worksheet_id) if isinstance(worksheet_id, str) else worksheet_id
            )
        sql = f"SELECT {_SUMMARY_COLS} {_FROM_WITH_REPLACED_BY}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY w.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_summary(row) for row in self._conn.execute(sql, params)]

    def serial_recorded_on(
        self, serial: str, *, ndc: str = "", correcting: int | None = None
    ) -> tuple[int, ...]:
        """Ids of the current worksheets (not since corrected) holding a vial with this
        serial. A serial is unique among one NDC's packages: with ``ndc`` given, only
        vials of that NDC (or with none recorded) count. ``correcting`` is the record a
        new worksheet replaces, which does not count (its correction repeats its vials).
        """
        rows = self._conn.execute(
            "SELECT DISTINCT v.worksheet_id FROM worksheet_vials v"
            " WHERE v.serial = ? AND v.serial != '' AND v.worksheet_id IS NOT ?"
            " AND (? = '' OR v.ndc = '' OR v.ndc = ?)"
            " AND NOT EXISTS (SELECT 1 FROM worksheets r WHERE r.replaces = v.worksheet_id)"
            " ORDER BY v.worksheet_id",
            (serial, correcting, ndc, ndc),
        )
        return tuple(row[0] for row in rows)

    def recorded_ndcs(self) -> frozenset[str]:
        """The 11-digit NDCs of scanned vials on recorded worksheets."""
        rows = self._conn.execute("SELECT DISTINCT ndc FROM worksheet_vials WHERE ndc != ''")
        return frozenset(row[0] for row in rows)

    def pdf(self, record_id: int) -> bytes:
        """The PDF exactly as recorded. Raises RecordCorruptError if it no
        longer matches its SHA-256 (never reprint a changed document)."""
        row = self._conn.execute(
            "SELECT p.pdf, w.pdf_sha256 FROM worksheets w"
            " LEFT JOIN worksheet_pdfs p ON p.id = w.id WHERE w.id = ?",
            (record_id,),
        ).fetchone()
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

    def verify(self, *, check_pdfs: bool = False) -> VerifyReport:
        """Check the hash chain; report the first broken record.

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
        database tool. Someone who can run a script against the file can
        recompute every hash and the chain head, and the result will verify.
        To detect that, anchor the chain outside the database: keep the
        ``head_hash`` of a passing verify (audit log, printout, e-mail); a
        rewritten history will no longer reach it.
        """
        conn = self._conn
        # One read transaction so the rows and the chain head are one snapshot
        # even if another process records a worksheet meanwhile.
        conn.execute("BEGIN")
        try:
            report = verify_chain(conn, check_pdfs)
            # The vial rows are checked in the full audit: deriving them again reads
            # every record's JSON, about three times the chain check's time.
            if report.ok and check_pdfs and (edited := first_vial_mismatch(conn)) is not None:
                report = VerifyReport(
                    ok=False,
                    checked=report.checked,
                    first_broken_id=edited,
                    message=f"the vial rows of worksheet {format_worksheet_id(edited)} do not "
                    "match its record: the database was edited",
                )
        finally:
            conn.execute("COMMIT")
        if report.ok:
            log.info("verify ok: %d records", report.checked)
        else:
            log.warning("verify FAILED at record %s", report.first_broken_id)
        return report


# --------------------------------------------------------------------------- helpers


def search_fold(text: str) -> str:
    """Text as a search compares it: no case, no accents ("Nguyen" finds "Nguyễn").

    Technicians often type names without diacritics; "đ" does not decompose, so it is
    mapped to "d" by hand.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _search_fold(value: object) -> str | None:
    return search_fold(value) if isinstance(value, str) else None


def _summary(row: tuple[Any, ...]) -> WorksheetRecordSummary:
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
