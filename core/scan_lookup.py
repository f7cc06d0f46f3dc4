"""What the project knows about scanned vials: NDCs recorded or listed, serials used.

Reading only: a data directory without a records database knows nothing, and none is
created for a look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.catalog import default_catalog
from core.documentation import VialRecord
from core.records import DB_FILENAME, RecordStore, format_worksheet_id
from core.reference import CrosswalkSource
from core.vial_scan import KnownNdc, known_ndcs


def _has_records(data_dir: Path) -> bool:
    return (data_dir / DB_FILENAME).is_file()


def recorded_ndcs(data_dir: Path) -> frozenset[str]:
    """11-digit NDCs of the vials on recorded worksheets."""
    if not _has_records(data_dir):
        return frozenset()
    with RecordStore.open(data_dir) as store:
        return store.recorded_ndcs()


def serial_lookup(
    data_dir: Path, correcting: int | None = None
) -> Callable[[VialRecord], list[str]]:
    """``serial -> worksheet IDs`` already holding it (current versions only; the worksheet
    being corrected does not count)."""
    if not _has_records(data_dir):
        return lambda serial: []

    def recorded_on(vial: VialRecord) -> list[str]:
        with RecordStore.open(data_dir) as store:
            found = store.serial_recorded_on(vial.serial, ndc=vial.ndc, correcting=correcting)
        return [format_worksheet_id(record_id) for record_id in found]

    return recorded_on


def crosswalk_source(data_dir: Path) -> CrosswalkSource:
    """The CMS NDC-HCPCS crosswalk imported into ``data_dir`` (``NO_REFERENCE`` when none
    is). Read-only; its connection lives as long as the answer that asks it."""
    from core.reference_data import open_reference

    return open_reference(data_dir)


def known_in_project(data_dir: Path) -> KnownNdc:
    """NDCs known from the catalog, the CMS crosswalk and earlier worksheets."""
    return known_ndcs(default_catalog(), crosswalk_source(data_dir), recorded_ndcs(data_dir))
