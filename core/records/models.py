"""Worksheet ids, record models and errors of the records store."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import computed_field

from core.model import Model

# --------------------------------------------------------------------------- errors


class RecordStoreError(Exception):
    """Base class for record store errors (messages never contain patient data)."""


class RecordNotFoundError(RecordStoreError, LookupError):
    def __init__(self, record_id: int) -> None:
        super().__init__(f"worksheet {format_worksheet_id(record_id)} does not exist")
        self.record_id = record_id


class AlreadyReplacedError(RecordStoreError, ValueError):
    """Raised when correcting a record that already has a correction."""

    def __init__(self, record_id: int, replaced_by: int) -> None:
        super().__init__(
            f"worksheet {format_worksheet_id(record_id)} was already replaced by "
            f"{format_worksheet_id(replaced_by)}; correct {format_worksheet_id(replaced_by)} "
            "instead"
        )
        self.record_id = record_id
        self.replaced_by = replaced_by


class RecordCorruptError(RecordStoreError):
    """The stored PDF no longer matches its recorded SHA-256."""


class SchemaTooNewError(RecordStoreError):
    """The database was written by a newer unitcalc; refusing to touch it."""


class StoreUnavailableError(RecordStoreError):
    """The database or its directory cannot be used just now (disk full, read-only,
    locked too long, unreadable); the message says where and what to do."""


class DatabaseMissingError(StoreUnavailableError):
    """The database file is gone while the backup journal says it held records."""


class DatabaseDamagedError(StoreUnavailableError):
    """The database file is not a readable SQLite database any more."""


class BackupError(RecordStoreError):
    """A backup could not be made, read or restored; the message says which and why."""


class NewerRecordsError(BackupError):
    """Nothing restored: the database holds records the backup lacks (``lacking``, their
    IDs); ``keep_newer`` restores anyway, keeping them in the copy of the replaced one."""

    def __init__(self, message: str, lacking: list[int]) -> None:
        super().__init__(message)
        self.lacking = lacking


# --------------------------------------------------------------------------- ids


_ID_RE = re.compile(r"\s*(?:[Ww]-?)?(\d{1,18})\s*")


def format_worksheet_id(record_id: int) -> str:
    """``42 -> "W-000042"`` (more digits once past 999999)."""
    return f"W-{record_id:06d}"


def parse_worksheet_id(text: str) -> int:
    """Accept ``"W-000042"``, ``"w-42"``, ``"W42"`` or ``"42"``; return 42.

    Raises ValueError for anything else, including 0 and negative numbers.
    """
    match = _ID_RE.fullmatch(text)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"not a worksheet id: {text!r} (expected e.g. W-000042 or 42)")
    return int(match.group(1))


# --------------------------------------------------------------------------- models


class WorksheetRecordSummary(Model):
    """One row of the history list (no inputs/result/PDF: cheap to list)."""

    id: int
    created_at: datetime
    """When the record was written, timezone-aware UTC."""
    code: str
    mrn: str
    patient_name: str
    administered_at: str | None
    prepared_by: str
    verified_by: str
    replaces: int | None
    replaced_by: int | None
    """Id of the correction of this record, if any (not hashed: derived)."""
    pdf_sha256: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def worksheet_id(self) -> str:
        """``W-000042``; included in ``model_dump`` (JSON output, exports)."""
        return format_worksheet_id(self.id)


class WorksheetRecord(WorksheetRecordSummary):
    """A full record; fetch the PDF bytes with ``RecordStore.pdf``."""

    inputs: dict[str, Any]
    result: dict[str, Any]
    documentation: dict[str, Any]
    prev_hash: str
    chain_hash: str


class VerifyReport(Model):
    ok: bool
    checked: int
    """Records verified good (in id order) before the first problem."""
    first_broken_id: int | None
    message: str
    head_hash: str | None = None
    """Chain hash of the newest record when ok: write it down (or print it) to
    anchor the chain outside the database; see ``RecordStore.verify``."""
    pdfs_checked: bool = False
    """Whether every PDF blob was rehashed (``verify(check_pdfs=True)``)."""
    seen_heads: int = 0
    """Record IDs whose chain head this workstation saw before, compared (see
    ``core.records.workstation_journal``)."""
    seen_since: str | None = None
    """When (ISO UTC) this workstation first saw a head it still holds."""
