"""What the project knows about scanned vials: NDCs recorded or listed, serials used.

Reading only: a site without a records database knows nothing, and none is created for a
look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from core.documentation import VialRecord
from core.records import DB_FILENAME, format_worksheet_id
from core.reference import CrosswalkSource
from core.vial_scan import KnownNdc, known_ndcs

if TYPE_CHECKING:
    from core.site import Site


def _has_records(site: Site) -> bool:
    return site.on_server or site.has_file(DB_FILENAME)


def recorded_ndcs(site: Site) -> frozenset[str]:
    """11-digit NDCs of the vials on recorded worksheets."""
    if not _has_records(site):
        return frozenset()
    with site.open_records() as store:
        return store.recorded_ndcs()


def serial_lookup(site: Site, correcting: int | None = None) -> Callable[[VialRecord], list[str]]:
    """``serial -> worksheet IDs`` already holding it (current versions only; the worksheet
    being corrected does not count)."""
    if not _has_records(site):
        return lambda serial: []

    def recorded_on(vial: VialRecord) -> list[str]:
        with site.open_records() as store:
            found = store.serial_recorded_on(vial.serial, ndc=vial.ndc, correcting=correcting)
        return [format_worksheet_id(record_id) for record_id in found]

    return recorded_on


def crosswalk_source(site: Site) -> CrosswalkSource:
    """The CMS NDC-HCPCS crosswalk imported into the site (``NO_REFERENCE`` when none
    is): the reference data the site holds open."""
    return site.reference()


def known_in_project(site: Site) -> KnownNdc:
    """NDCs known from the site's catalog, the CMS crosswalk and earlier worksheets."""
    return known_ndcs(site.catalog, crosswalk_source(site), recorded_ndcs(site))
