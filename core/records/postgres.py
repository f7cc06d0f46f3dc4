"""The records on a PostgreSQL server: schema, vial rows and error handling.

The store itself (``core.records.store``) is shared; what differs from SQLite is here:
column types (BIGINT, BYTEA), the immutability triggers (one PL/pgSQL function, also
refusing TRUNCATE), the vial rows derived with ``jsonb`` functions, and which server
errors mean "try the transaction again". Writers are serialized by locking the
``chain_head`` row (``SELECT ... FOR UPDATE``) inside the writing transaction.
"""

from __future__ import annotations

import logging
import random
import time as clock_time
from collections.abc import Callable
from typing import TypeVar

from core.database import (
    PG_MIGRATION_LOCK,
    PgConnection,
    SchemaVersionError,
    connect_postgresql,
    describe,
    migrate_component,
)
from core.records.models import SchemaTooNewError, StoreUnavailableError
from core.records.schema import GENESIS_HASH

T = TypeVar("T")
log = logging.getLogger(__name__)

#: How long ``add`` keeps retrying a transaction the server aborted (deadlock,
#: serialization failure), like the SQLite store's busy deadline.
RETRY_DEADLINE_S = 120.0

_IMMUTABLE = """CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION unitcalc_records_immutable()"""
_NO_TRUNCATE = """CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION unitcalc_records_immutable()"""

# One entry per schema version; never edit an entry once released, append one. Version 1
# is the SQLite schema as of its version 2 (worksheets, PDFs, chain head, vial rows).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE worksheets (
            id BIGINT PRIMARY KEY,
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
            replaces BIGINT REFERENCES worksheets(id),
            pdf_sha256 TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            chain_hash TEXT NOT NULL
        )""",
        "CREATE UNIQUE INDEX worksheets_replaces ON worksheets(replaces)"
        " WHERE replaces IS NOT NULL",
        "CREATE INDEX worksheets_mrn ON worksheets(mrn)",
        "CREATE INDEX worksheets_code ON worksheets(code)",
        "CREATE INDEX worksheets_created_at ON worksheets(created_at)",
        """CREATE FUNCTION unitcalc_records_immutable() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN RAISE EXCEPTION 'worksheet records are immutable'; END $$""",
        """CREATE TABLE worksheet_pdfs (
            id BIGINT PRIMARY KEY REFERENCES worksheets(id),
            pdf BYTEA NOT NULL
        )""",
        """CREATE TABLE chain_head (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            count BIGINT NOT NULL,
            last_hash TEXT NOT NULL
        )""",
        f"INSERT INTO chain_head (singleton, count, last_hash) VALUES (1, 0, '{GENESIS_HASH}')",
        """CREATE TABLE worksheet_vials (
            worksheet_id BIGINT NOT NULL REFERENCES worksheets(id),
            number INTEGER NOT NULL,
            ndc TEXT NOT NULL,
            lot TEXT NOT NULL,
            serial TEXT NOT NULL,
            PRIMARY KEY (worksheet_id, number)
        )""",
        "CREATE INDEX worksheet_vials_lot ON worksheet_vials(lower(lot))",
        "CREATE INDEX worksheet_vials_serial ON worksheet_vials(lower(serial))",
        *(
            trigger.format(table=table)
            for table in ("worksheets", "worksheet_pdfs", "worksheet_vials")
            for trigger in (_IMMUTABLE, _NO_TRUNCATE)
        ),
    ),
)

_FIELD = "CASE WHEN jsonb_typeof(v.value -> '{0}') = 'string' THEN v.value ->> '{0}' ELSE '' END"

#: The SQLite ``DERIVED_VIALS`` in PostgreSQL's words (same rows, same numbering).
DERIVED_VIALS = f"""
    SELECT w.id AS worksheet_id, v.number::integer AS number, {_FIELD.format("ndc")} AS ndc,
           {_FIELD.format("lot")} AS lot, {_FIELD.format("serial")} AS serial
    FROM worksheets w,
         jsonb_array_elements(CASE WHEN jsonb_typeof(w.documentation_json::jsonb -> 'vials')
                                   = 'array'
                              THEN w.documentation_json::jsonb -> 'vials'
                              ELSE '[]'::jsonb END) WITH ORDINALITY AS v(value, number)
    WHERE jsonb_typeof(v.value) = 'object'
"""

INSERT_VIALS = (
    "INSERT INTO worksheet_vials (worksheet_id, number, ndc, lot, serial)" + DERIVED_VIALS
)

_STORED = "SELECT worksheet_id, number, ndc, lot, serial FROM worksheet_vials"
FIRST_VIAL_MISMATCH = (
    f"SELECT min(worksheet_id) FROM (({_STORED} EXCEPT {DERIVED_VIALS})"
    f" UNION ALL ({DERIVED_VIALS} EXCEPT {_STORED})) AS differing"
)


def open_records(url: str) -> PgConnection:
    """Connect and bring the records tables to this program's schema."""
    try:
        conn = connect_postgresql(url)
    except ConnectionError as error:
        raise StoreUnavailableError(str(error)) from None
    try:
        run_with_retry(
            lambda: migrate_component(conn, "records", MIGRATIONS, lock_sql=PG_MIGRATION_LOCK),
            url,
        )
    except SchemaVersionError as error:
        conn.close()
        raise SchemaTooNewError(str(error)) from None
    except BaseException:
        conn.close()
        raise
    return conn


def run_with_retry(work: Callable[[], T], url: str) -> T:
    """Run ``work``; when the server aborted it for a conflict with another writer
    (deadlock, serialization failure), run it again after a short random pause, for up to
    ``RETRY_DEADLINE_S``. Other server errors become ``StoreUnavailableError``."""
    import psycopg
    from psycopg import errors

    deadline = clock_time.monotonic() + RETRY_DEADLINE_S
    pause = 0.01
    while True:
        try:
            return work()
        except (errors.SerializationFailure, errors.DeadlockDetected) as error:
            if clock_time.monotonic() >= deadline:
                raise unavailable(error, url) from None
            log.info("records database conflict; retrying")
        except psycopg.Error as error:
            raise unavailable(error, url) from None
        clock_time.sleep(random.uniform(0, pause))
        pause = min(pause * 2, 1.0)


def unavailable(error: Exception, url: str) -> StoreUnavailableError:
    """A server error as one plain line naming the server (never its password)."""
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return StoreUnavailableError(
        f"the records database on {describe(url)} cannot be used ({reason}): check the "
        "server, then run `main.py verify`"
    )
