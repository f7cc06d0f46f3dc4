"""Schema, migrations and the chain hash of the records database."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable

from core.records.models import SchemaTooNewError
from core.records.vials import INSERT_VIALS

DB_FILENAME = "worksheets.sqlite3"
#: ``prev_hash`` of the first record.
GENESIS_HASH = "0" * 64
#: Versions the canonical serialization hashed into the chain.
_HASH_DOMAIN = "unitcalc-worksheet-v1"

log = logging.getLogger(__name__)

# One entry per schema version; never edit an entry once released, append one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE worksheets (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            code TEXT NOT NULL,
            mrn TEXT NOT NULL,
            patient_name TEXT NOT NULL,
            administered_at TEXT,
            prepared_by TEXT NOT NULL,
            verified_by TEXT NOT NULL,
            inputs_json TEXT NOT NULL,
            result_json TEXT NOT NULL,
            documentation_json TEXT NOT NULL,
            replaces INTEGER REFERENCES worksheets(id),
            pdf_sha256 TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            chain_hash TEXT NOT NULL
        )""",
        # One correction per record: a second one must correct the newest.
        "CREATE UNIQUE INDEX worksheets_replaces ON worksheets(replaces)"
        " WHERE replaces IS NOT NULL",
        "CREATE INDEX worksheets_mrn ON worksheets(mrn)",
        "CREATE INDEX worksheets_code ON worksheets(code)",
        "CREATE INDEX worksheets_created_at ON worksheets(created_at)",
        # Guards against program bugs and casual edits; a tamperer can drop
        # them, which is what the hash chain is for.
        """CREATE TRIGGER worksheets_no_update BEFORE UPDATE ON worksheets
           BEGIN SELECT RAISE(ABORT, 'worksheet records are immutable'); END""",
        """CREATE TRIGGER worksheets_no_delete BEFORE DELETE ON worksheets
           BEGIN SELECT RAISE(ABORT, 'worksheet records are immutable'); END""",
        # The PDFs live in their own table so that listing and the chain check
        # never read (or page through) megabytes of PDF blobs.
        """CREATE TABLE worksheet_pdfs (
            id INTEGER PRIMARY KEY REFERENCES worksheets(id),
            pdf BLOB NOT NULL
        )""",
        """CREATE TRIGGER worksheet_pdfs_no_update BEFORE UPDATE ON worksheet_pdfs
           BEGIN SELECT RAISE(ABORT, 'worksheet records are immutable'); END""",
        """CREATE TRIGGER worksheet_pdfs_no_delete BEFORE DELETE ON worksheet_pdfs
           BEGIN SELECT RAISE(ABORT, 'worksheet records are immutable'); END""",
        # Count and hash of the newest record, updated in the same transaction
        # as each insert: deleting the newest rows leaves it ahead of the table.
        """CREATE TABLE chain_head (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            count INTEGER NOT NULL,
            last_hash TEXT NOT NULL
        )""",
        f"INSERT INTO chain_head (singleton, count, last_hash) VALUES (1, 0, '{GENESIS_HASH}')",
    ),
    # Scanned vials (issue 10): one row per vial of each worksheet, so a recall finds the
    # worksheets by lot or serial without reading every record's JSON. The rows repeat
    # what documentation_json holds (which the chain hash covers); existing records are
    # filled in here from it.
    (
        """CREATE TABLE worksheet_vials (
            worksheet_id INTEGER NOT NULL REFERENCES worksheets(id),
            number INTEGER NOT NULL,
            ndc TEXT NOT NULL,
            lot TEXT NOT NULL,
            serial TEXT NOT NULL,
            PRIMARY KEY (worksheet_id, number)
        )""",
        "CREATE INDEX worksheet_vials_lot ON worksheet_vials(lot COLLATE NOCASE)",
        "CREATE INDEX worksheet_vials_serial ON worksheet_vials(serial COLLATE NOCASE)",
        """CREATE TRIGGER worksheet_vials_no_update BEFORE UPDATE ON worksheet_vials
           BEGIN SELECT RAISE(ABORT, 'worksheet records are immutable'); END""",
        """CREATE TRIGGER worksheet_vials_no_delete BEFORE DELETE ON worksheet_vials
           BEGIN SELECT RAISE(ABORT, 'worksheet records are immutable'); END""",
        INSERT_VIALS,
    ),
)

# Columns covered by the chain hash, in hashing order. ``id`` and ``prev_hash``
# are included so a row cannot be moved or re-linked without detection.
HASHED_COLUMNS = (
    "id",
    "created_at",
    "code",
    "mrn",
    "patient_name",
    "administered_at",
    "prepared_by",
    "verified_by",
    "inputs_json",
    "result_json",
    "documentation_json",
    "replaces",
    "pdf_sha256",
    "prev_hash",
)


def chain_hash(values: Iterable[object]) -> str:
    """SHA-256 over a canonical JSON array of the ``HASHED_COLUMNS`` column values.

    JSON gives an unambiguous encoding of strings, integers and NULL, so no
    two different rows serialize the same.
    """
    blob = json.dumps([_HASH_DOMAIN, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to version ``len(MIGRATIONS)`` in one IMMEDIATE transaction.

    ``user_version`` lives in the database header and is written in the same
    transaction as the schema changes (SQLite DDL is transactional), so a
    crash mid-migration leaves the previous version intact and the steps are
    simply redone on the next start. A database from a newer program is
    refused rather than guessed at.
    """
    target = len(MIGRATIONS)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > target:
            raise SchemaTooNewError(
                f"the records database has schema version {version}, newer than this "
                f"program's {target}: update unitcalc"
            )
        for number in range(version, target):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            log.info("records database migrated to schema %d", number + 1)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
