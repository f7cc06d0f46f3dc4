"""Worksheet records: the legal record of every printed or saved worksheet.

Each record holds the validated inputs, the result, the documentation fields,
who prepared and verified the dose, when it was recorded (UTC), the exact PDF
bytes and their SHA-256. Records are never updated in place: a correction is a
new record whose ``replaces`` names the record it corrects.

Usage (the CLI and the Qt history view are thin layers over this)::

    from core.records import parse_worksheet_id, to_csv

    with site.open_records() as store:  # core.site.Site, made at start-up
        # Record: the id is reserved first so the PDF can print it.
        rec = store.add(
            code="J1410", mrn="123456", patient_name="Doe, Jane",
            administered_at="2025-03-01T14:30", prepared_by="AB", verified_by="CD",
            inputs={"dose": to_data(form)}, result=to_data(result),
            documentation={"lot": "X1", "reason_for_waste": "single-dose vial"},
            render=lambda worksheet_id, replaces: build_pdf(..., worksheet_id, replaces),
        )
        rec.worksheet_id                         # "W-000042"

        # Correct it: a new record pointing to the old one ("replaces worksheet W-000042").
        fixed = store.add(..., replaces=rec.id)

        # History / CLI. Filters combine; pass limit= for a long history.
        rows = store.list(patient="doe", since=date(2025, 3, 1))   # newest first
        rows = store.list(lot="LX2231A")         # a recall: also serial=, vial= (either)
        csv_text = to_csv(rows)
        n = parse_worksheet_id("w-42")           # 42; also "W-000042" or "42"
        store.latest_in_chain(n)                 # id of the newest correction
        store.write_pdf(n, Path("reprint.pdf"))  # byte-identical reprint, atomic, 0600

        report = store.verify()                  # tamper evidence: the hash chain
        report = store.verify(check_pdfs=True)   # full audit: also rehash every PDF
        if not report.ok:
            print(report.message)                # names the first broken worksheet

Errors are ``RecordStoreError`` subclasses (``RecordNotFoundError``,
``AlreadyReplacedError``, ``RecordCorruptError``, ``SchemaTooNewError``,
``StoreUnavailableError`` for database and disk failures (full, read-only, locked too
long, damaged), ``DatabaseMissingError``, ``BackupError``) with messages fit for the
user, never a raw sqlite3 error; bad arguments to ``add`` raise ValueError/TypeError.
Writers wait for each other: a busy database is retried, whole transaction, for up to
two minutes.

Backups (``core.records.backup``): after each record its chain head is journaled in the
backup directory (``UNITCALC_BACKUP_DIR``, default ``DATA_DIR/backups``), and every
``UNITCALC_BACKUP_EVERY`` records (20) the database is copied there with SQLite's online
backup, the newest ``UNITCALC_BACKUP_KEEP`` (10) kept. ``verify`` compares the database
with that journal; ``store.restore(path)`` puts a backup back.

Storage: ``worksheets.sqlite3`` in the data directory, WAL journal,
``synchronous=FULL``, one IMMEDIATE transaction per record, so a process
killed at any moment leaves either the whole record or none. Schema changes
are a new entry in ``schema.MIGRATIONS`` (applied in order, tracked by
``PRAGMA user_version``).

Logging carries ids and counts only, never names, MRNs or other patient data.
"""

from core.records.backup import BackupPlan, BackupRunner, backup_now
from core.records.export import to_csv
from core.records.models import (
    AlreadyReplacedError,
    BackupError,
    DatabaseDamagedError,
    DatabaseMissingError,
    RecordCorruptError,
    RecordNotFoundError,
    RecordStoreError,
    SchemaTooNewError,
    StoreUnavailableError,
    VerifyReport,
    WorksheetRecord,
    WorksheetRecordSummary,
    format_worksheet_id,
    parse_worksheet_id,
)
from core.records.schema import DB_FILENAME, GENESIS_HASH
from core.records.store import RecordStore, RenderFn

__all__ = [
    "DB_FILENAME",
    "GENESIS_HASH",
    "AlreadyReplacedError",
    "BackupError",
    "BackupPlan",
    "BackupRunner",
    "DatabaseDamagedError",
    "DatabaseMissingError",
    "RecordCorruptError",
    "RecordNotFoundError",
    "RecordStore",
    "RecordStoreError",
    "RenderFn",
    "SchemaTooNewError",
    "StoreUnavailableError",
    "VerifyReport",
    "WorksheetRecord",
    "WorksheetRecordSummary",
    "backup_now",
    "format_worksheet_id",
    "parse_worksheet_id",
    "to_csv",
]
