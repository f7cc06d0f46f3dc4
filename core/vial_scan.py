"""A scanned package as a vial of the dose: its 11-digit NDC, expiry and serial checks.

The GTIN carries the 10-digit NDC, and a 10-digit NDC pads to the 11-digit billing form
in three ways (4-4-2, 5-3-2, 5-4-1), depending on which segment is short: the digits
alone cannot say which. The padding is settled only by an NDC the project already knows
(a catalog product, the CMS crosswalk, a vial recorded on an earlier worksheet); when
none or several are known, the candidates are shown and the user picks. Never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from core.catalog import Catalog, Product
from core.documentation import VialRecord
from core.errors import InputError
from core.gs1 import PackageScan, parse_scan
from core.model import Model
from core.ndc import Ndc, parse_ndc
from core.reference import NO_REFERENCE, CrosswalkSource

#: 11-digit NDC -> where the project knows it from ("the catalog"), or None.
KnownNdc = Callable[[str], str | None]

_SHORT_SEGMENT_FORMS = ((4, 4, 2), (5, 3, 2), (5, 4, 1))


def ndc_forms(ndc10: str) -> tuple[Ndc, ...]:
    """The three label forms a 10-digit NDC may have, each with its own billing form."""
    forms: list[Ndc] = []
    for widths in _SHORT_SEGMENT_FORMS:
        start, segments = 0, []
        for width in widths:
            segments.append(ndc10[start : start + width])
            start += width
        forms.append(Ndc(segments=tuple(segments)))
    return tuple(forms)


def known_ndcs(
    catalog: Catalog | None = None,
    crosswalk: CrosswalkSource = NO_REFERENCE,
    recorded: Iterable[str] = (),
) -> KnownNdc:
    """Where an 11-digit NDC is known: catalog products, the crosswalk, earlier worksheets."""
    in_catalog = {
        vial.ndc.billing
        for product in (catalog.products if catalog else ())
        for vial in product.vial_sizes
        if vial.ndc is not None
    }
    in_records = frozenset(recorded)

    def known(ndc11: str) -> str | None:
        if ndc11 in in_catalog:
            return "the catalog"
        if crosswalk.has_ndc(ndc11):
            return "the CMS crosswalk"
        if ndc11 in in_records:
            return "an earlier worksheet"
        return None

    return known


class NdcResolution(Model):
    """The 11-digit NDC of a scanned package, or the candidates the user picks from."""

    ndc10: str
    ndc: Ndc | None = None
    #: The known forms when several are known, else all three forms.
    candidates: tuple[Ndc, ...] = ()
    known_in: str = ""

    @property
    def ambiguous(self) -> bool:
        return self.ndc is None

    def describe(self) -> str:
        """``44151-0123-04 (44151012304), known from the catalog``, or the candidates."""
        if self.ndc is not None:
            return f"{self.ndc.label} ({self.ndc.billing}), known from {self.known_in}"
        listed = ", ".join(f"{c.label} ({c.billing})" for c in self.candidates)
        why = f"several are known from {self.known_in}" if self.known_in else "none is known"
        return f"{self.ndc10} is ambiguous ({why}): it may be {listed}; pick the one on the carton"

    def settle(self, chosen: str, field: str = "NDC") -> Ndc:
        """The user's pick; it must be one of the forms of the scanned NDC."""
        ndc = parse_ndc(chosen, field)
        allowed = self.candidates if self.ndc is None else (self.ndc,)
        if ndc.billing not in {c.billing for c in allowed}:
            listed = ", ".join(c.label for c in allowed)
            raise InputError(
                field,
                f"{ndc.label} is not the scanned NDC {self.ndc10}; the package is {listed}",
            )
        return next(c for c in allowed if c.billing == ndc.billing)


def resolve_ndc(ndc10: str, known: KnownNdc) -> NdcResolution:
    forms = ndc_forms(ndc10)
    found = [(form, where) for form in forms if (where := known(form.billing))]
    if len(found) == 1:
        form, where = found[0]
        return NdcResolution(ndc10=ndc10, ndc=form, candidates=(form,), known_in=where)
    if found:
        return NdcResolution(
            ndc10=ndc10,
            candidates=tuple(form for form, _ in found),
            known_in=", ".join(sorted({where for _, where in found})),
        )
    return NdcResolution(ndc10=ndc10, candidates=forms)


def scanned_vial(scan: PackageScan, ndc: Ndc | None, size_ml: str = "") -> VialRecord:
    return VialRecord(
        size_ml=size_ml,
        lot=scan.lot,
        expiry=scan.expiry,
        serial=scan.serial,
        ndc=ndc.billing if ndc else "",
    )


def check_new_serial(vials: Sequence[VialRecord], scan: PackageScan) -> None:
    """Refuse a package whose serial is already among this dose's vials."""
    if not scan.serial:
        return
    for number, vial in enumerate(vials, start=1):
        if vial.serial == scan.serial:
            raise InputError(
                "scan", f"this vial was already scanned (serial {scan.serial}, vial {number})"
            )


def serial_warnings(
    vials: Sequence[VialRecord],
    multi_dose: bool,
    recorded_on: Callable[[VialRecord], list[str]],
    first_number: int = 1,
) -> list[str]:
    """A single-dose vial whose serial is on an earlier worksheet cannot be used again.

    ``recorded_on(vial)`` gives the worksheet IDs that already hold the vial's serial.
    A multi-dose vial is meant to be used again, so it is not warned about.
    """
    if multi_dose:
        return []
    warnings = []
    for number, vial in enumerate(vials, start=first_number):
        if vial.serial and (earlier := recorded_on(vial)):
            warnings.append(
                f"vial {number} (serial {vial.serial}) is already recorded on worksheet "
                f"{', '.join(earlier)}; a single-dose vial cannot be used twice"
            )
    return warnings


def ndc_warnings(
    ndc: Ndc,
    code: str,
    product: Product | None,
    day: date,
    crosswalk: CrosswalkSource = NO_REFERENCE,
    entered: Ndc | None = None,
) -> list[str]:
    """The scanned NDC does not belong to the chosen product, the crosswalk bills it
    under another code, or it is not the NDC ``entered`` for the claim."""
    warnings = []
    if entered is not None and entered.billing != ndc.billing:
        warnings.append(f"NDC {ndc.label} is not the NDC entered for the claim, {entered.label}")
    product_ndcs = {c.ndc.billing for c in product.vial_sizes if c.ndc} if product else set()
    if product is not None and product_ndcs and ndc.billing not in product_ndcs:
        warnings.append(f"NDC {ndc.label} is not an NDC of {product.name}")
    codes = crosswalk.codes_for_ndc(ndc.billing, day)
    if codes is not None and code not in codes:
        warnings.append(
            f"NDC {ndc.label} bills under {', '.join(sorted(codes))} in the CMS crosswalk, "
            f"not {code}"
        )
    return warnings


def read_scans(
    texts: Sequence[str], known: KnownNdc, *, separator: str = "", chosen_ndc: str = ""
) -> tuple[VialRecord, ...]:
    """One vial per scanned code, in order (sizes are filled from the vials opened).

    ``chosen_ndc`` settles an ambiguous NDC and must be one of the scanned package's forms;
    an ambiguous NDC without it is an error listing the candidates. A serial scanned twice
    is refused.
    """
    vials: list[VialRecord] = []
    for number, text in enumerate(texts, start=1):
        field = f"scan {number}"
        try:
            scan = parse_scan(text, separator)
            check_new_serial(vials, scan)
        except InputError as error:
            raise InputError(field, error.message) from None
        ndc = None
        if scan.ndc10 is not None:
            resolution = resolve_ndc(scan.ndc10, known)
            if chosen_ndc:
                ndc = resolution.settle(chosen_ndc)
            elif resolution.ndc is None:
                raise InputError(field, f"NDC {resolution.describe()} (give it with --ndc)")
            else:
                ndc = resolution.ndc
        vials.append(scanned_vial(scan, ndc))
    return tuple(vials)


class ScanReading(Model):
    """One code scanned into a dose: the package, and its NDC or the candidates."""

    scan: PackageScan
    resolution: NdcResolution | None = None  # None: the GTIN carries no NDC


def read_one_scan(
    text: str, vials: Sequence[VialRecord], known: KnownNdc, separator: str = ""
) -> ScanReading:
    """A code scanned beside the vials already in the dose; a serial among them is refused."""
    scan = parse_scan(text, separator)
    check_new_serial(vials, scan)
    ndc10 = scan.ndc10
    return ScanReading(scan=scan, resolution=resolve_ndc(ndc10, known) if ndc10 else None)
