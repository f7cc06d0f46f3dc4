"""What the records store knows about scanned vials: NDCs recorded, serials used.

Reading only: a data directory without a records database knows nothing, and none is
created for a look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.records import DB_FILENAME, RecordStore, format_worksheet_id


def _has_records(data_dir: Path) -> bool:
    return (data_dir / DB_FILENAME).is_file()


def recorded_ndcs(data_dir: Path) -> frozenset[str]:
    """11-digit NDCs of the vials on recorded worksheets."""
    if not _has_records(data_dir):
        return frozenset()
    with RecordStore.open(data_dir) as store:
        return store.recorded_ndcs()


def serial_lookup(data_dir: Path, correcting: int | None = None) -> Callable[[str], list[str]]:
    """``serial -> worksheet IDs`` already holding it (current versions only; the worksheet
    being corrected does not count)."""
    if not _has_records(data_dir):
        return lambda serial: []

    def recorded_on(serial: str) -> list[str]:
        with RecordStore.open(data_dir) as store:
            found = store.serial_recorded_on(serial, correcting=correcting)
        return [format_worksheet_id(record_id) for record_id in found]

    return recorded_on
