"""Tamper-evidence check of the worksheet records hash chain."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator

from core.records.ids import past_set_aside, set_aside
from core.records.models import VerifyReport, format_worksheet_id
from core.records.schema import GENESIS_HASH, HASHED_COLUMNS, chain_hash
from core.records.vials import VialRow, derived_vials
from core.storage import Connection, Row

# Positions in the selected row: the hashed columns, then chain_hash, then the PDF.
_SHA = HASHED_COLUMNS.index("pdf_sha256")
_PREV = HASHED_COLUMNS.index("prev_hash")
_HASH = len(HASHED_COLUMNS)
_PDF = _HASH + 1
_DOCUMENTATION = HASHED_COLUMNS.index("documentation_json")

#: ``progress(checked, total)``: how far a check has come, in records.
Progress = Callable[[int, int], None]
#: Records between two progress reports (about 15 a second for a full check).
PROGRESS_EVERY = 1000


def verify_chain(
    conn: Connection, check_pdfs: bool, progress: Progress | None = None
) -> VerifyReport:
    """Check every record in id order; see ``RecordStore.verify`` for what and why.

    Runs inside the caller's read transaction (one snapshot). Rows are
    streamed from a cursor, so memory stays flat for any number of records.
    ``progress`` hears every ``PROGRESS_EVERY`` records how many of the chain head's
    count are checked. With ``check_pdfs`` (the full audit) the vial rows (recalls,
    serials) must also be the ones each record's documentation gives.
    """
    head = conn.execute("SELECT count, last_hash FROM chain_head WHERE singleton = 1").fetchone()
    if head is None:
        return _broken(0, None, "the chain head is missing: the database was edited")
    head_count, head_hash = head
    columns = ", ".join(f"w.{name}" for name in HASHED_COLUMNS)
    if check_pdfs:
        sql = (
            f"SELECT {columns}, w.chain_hash, p.pdf FROM worksheets w"
            " LEFT JOIN worksheet_pdfs p ON p.id = w.id ORDER BY w.id"
        )
    else:
        sql = f"SELECT {columns}, w.chain_hash, NULL FROM worksheets w ORDER BY w.id"
    vials = _VialCheck(conn) if check_pdfs else None
    cursor = conn.stream(sql)
    try:
        report = _check_rows(
            cursor, head_count, head_hash, check_pdfs, progress, vials, set_aside(conn)
        )
    finally:
        cursor.close()  # a server-side cursor holds the server's resources until closed
    edited = vials.first_mismatch() if vials is not None and report.ok else None
    if edited is not None:
        return _broken(
            report.checked,
            edited,
            f"the vial rows of worksheet {format_worksheet_id(edited)} do not match its "
            "record: the database was edited",
        )
    return report


class _VialCheck:
    """The stored vial rows, in order, against those each record gives (one pass)."""

    def __init__(self, conn: Connection) -> None:
        self._stored: Iterator[Row] = iter(
            conn.execute(
                "SELECT worksheet_id, number, ndc, lot, serial FROM worksheet_vials"
                " ORDER BY worksheet_id, number"
            )
        )
        self._next: Row | None = next(self._stored, None)
        self._first: int | None = None

    def record(self, record_id: int, documentation_json: object) -> None:
        stored: list[Row] = []
        while self._next is not None and self._next[0] <= record_id:
            stored.append(tuple(self._next))
            self._next = next(self._stored, None)
        derived: list[VialRow] = derived_vials(record_id, documentation_json)
        if self._first is None and stored != derived:
            self._first = record_id

    def first_mismatch(self) -> int | None:
        if self._first is None and self._next is not None:  # rows of no record
            return int(self._next[0])
        return self._first


def _check_rows(
    cursor: Iterable[Row],
    head_count: int,
    head_hash: str,
    check_pdfs: bool,
    progress: Progress | None,
    vials: _VialCheck | None = None,
    set_aside: dict[int, int] | None = None,
) -> VerifyReport:
    """``set_aside``: ranges of IDs a restore set aside (first to last), skipped over."""
    expected_prev = GENESIS_HASH
    checked = 0
    newest = 0
    for row in cursor:
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(checked, head_count)
        record_id = row[0]
        wid = format_worksheet_id(record_id) if isinstance(record_id, int) else "?"
        expected_id = past_set_aside(newest + 1, set_aside or {})
        if record_id != expected_id:
            missing = expected_id
            if isinstance(record_id, int) and record_id > missing:
                return _broken(
                    checked,
                    missing,
                    f"worksheet {format_worksheet_id(missing)} is missing "
                    f"(next present is {wid}): records were deleted",
                )
            return _broken(checked, missing, f"unexpected record id {record_id!r}")
        if row[_PREV] != expected_prev:
            return _broken(
                checked,
                record_id,
                f"worksheet {wid} does not follow the previous record in the chain: "
                "records were deleted, inserted or reordered",
            )
        if _recompute(row[:_HASH]) != row[_HASH]:
            return _broken(
                checked,
                record_id,
                f"worksheet {wid} was changed after it was recorded",
            )
        if check_pdfs and (
            not isinstance(row[_PDF], bytes) or hashlib.sha256(row[_PDF]).hexdigest() != row[_SHA]
        ):
            return _broken(
                checked,
                record_id,
                f"the PDF of worksheet {wid} was changed or removed after it was recorded",
            )
        if vials is not None:
            vials.record(record_id, row[_DOCUMENTATION])
        expected_prev = row[_HASH]
        checked += 1
        newest = record_id
    if head_count > newest:
        return _broken(
            checked,
            newest + 1,
            f"the newest {head_count - newest} record(s) are missing, from worksheet "
            f"{format_worksheet_id(newest + 1)}: records were deleted",
        )
    if head_count < newest:
        return _broken(
            head_count,
            head_count + 1,
            f"worksheet {format_worksheet_id(head_count + 1)} and later are not covered "
            "by the chain head: records were added outside the program",
        )
    if head_hash != expected_prev:
        return _broken(
            max(checked - 1, 0),
            newest or None,
            "the chain head does not match the newest record: the database was edited",
        )
    return VerifyReport(
        ok=True,
        checked=checked,
        first_broken_id=None,
        message=f"{checked} worksheet record(s) verified"
        + ("" if check_pdfs else " (PDF contents not checked)"),
        head_hash=expected_prev,
        pdfs_checked=check_pdfs,
    )


def _broken(checked: int, first_broken_id: int | None, message: str) -> VerifyReport:
    return VerifyReport(ok=False, checked=checked, first_broken_id=first_broken_id, message=message)


def _recompute(values: Row) -> str | None:
    """The chain hash of stored values, or None if an edit stored a value of a
    type the program never writes (e.g. a BLOB in a text column)."""
    try:
        return chain_hash(values)
    except (TypeError, ValueError):
        return None
