"""Schema, migrations and the chain hash of the records database (either backend)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from core.charges.outbox import OUTBOX_INDEX, OUTBOX_TABLE
from core.records.ids import IDS_SET_ASIDE
from core.records.vials import fill_vials
from core.storage.schema import (
    DropIndex,
    Immutable,
    Index,
    Schema,
    Seed,
    Table,
    big_integer,
    blob,
    integer,
    text,
)

DB_FILENAME = "worksheets.sqlite3"
#: ``prev_hash`` of the first record.
GENESIS_HASH = "0" * 64
#: Versions the canonical serialization hashed into the chain.
_HASH_DOMAIN = "unitcalc-worksheet-v1"

WORKSHEETS = Table(
    "worksheets",
    (
        # The id comes from the chain head (not auto-numbered): see ``RecordStore.add``.
        big_integer("id", primary_key=True),
        text("created_at"),
        text("code"),
        text("mrn"),
        text("patient_name"),
        text("administered_at", null=True),
        text("prepared_by"),
        text("verified_by"),
        text("inputs_json"),
        text("result_json"),
        text("documentation_json"),
        big_integer("replaces", null=True, references="worksheets(id)"),
        text("pdf_sha256"),
        text("prev_hash"),
        text("chain_hash"),
    ),
)

# The PDFs live in their own table so that listing and the chain check never read (or
# page through) megabytes of PDF blobs.
WORKSHEET_PDFS = Table(
    "worksheet_pdfs",
    (big_integer("id", primary_key=True, references="worksheets(id)"), blob("pdf")),
)

# Count and hash of the newest record, updated in the same transaction as each insert:
# deleting the newest rows leaves it ahead of the table.
CHAIN_HEAD = Table(
    "chain_head",
    (
        integer("singleton", primary_key=True, check="singleton = 1"),
        big_integer("count"),
        text("last_hash"),
    ),
)

# Scanned vials (issue 10): one row per vial of each worksheet, so a recall finds the
# worksheets by lot or serial without reading every record's JSON. The rows repeat what
# documentation_json holds (which the chain hash covers).
WORKSHEET_VIALS = Table(
    "worksheet_vials",
    (
        big_integer("worksheet_id", references="worksheets(id)"),
        integer("number"),
        text("ndc"),
        text("lot"),
        text("serial"),
    ),
    primary_key=("worksheet_id", "number"),
)

#: Lots and serials are searched ignoring case, by an index on ``lower()``.
_VIAL_INDEXES = (
    Index("worksheet_vials_lot", "worksheet_vials", ("lower(lot)",)),
    Index("worksheet_vials_serial", "worksheet_vials", ("lower(serial)",)),
)

# One entry per schema version; never edit an entry once released, append one.
RECORDS = Schema(
    "records",
    (
        (
            WORKSHEETS,
            # One correction per record: a second one must correct the newest.
            Index(
                "worksheets_replaces",
                "worksheets",
                ("replaces",),
                unique=True,
                where="replaces IS NOT NULL",
            ),
            Index("worksheets_mrn", "worksheets", ("mrn",)),
            Index("worksheets_code", "worksheets", ("code",)),
            Index("worksheets_created_at", "worksheets", ("created_at",)),
            # Guards against program bugs and casual edits; a tamperer can drop them,
            # which is what the hash chain is for.
            Immutable("worksheets"),
            WORKSHEET_PDFS,
            Immutable("worksheet_pdfs"),
            CHAIN_HEAD,
            Seed("chain_head", (("singleton", 1), ("count", 0), ("last_hash", GENESIS_HASH))),
        ),
        # Existing records' vial rows are filled in from their documentation.
        (WORKSHEET_VIALS, *_VIAL_INDEXES, Immutable("worksheet_vials"), fill_vials),
        # SQLite files of version 2 indexed lots and serials with COLLATE NOCASE, which
        # a search by lower() does not use: the same indexes, on lower().
        (*(DropIndex(index.name) for index in _VIAL_INDEXES), *_VIAL_INDEXES),
        # Charges out (issue 21): the outbox of charge messages, queued with each record.
        (OUTBOX_TABLE, OUTBOX_INDEX),
        # IDs a restore set aside, never given again (issue 23, ``core.records.ids``).
        (IDS_SET_ASIDE, Immutable("ids_set_aside")),
    ),
    # SQLite files keep the records' version in their header, as they always have.
    file_header_version=True,
    # PostgreSQL's first version was SQLite's second (the vials came with it).
    server_versions={1: 2},
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
