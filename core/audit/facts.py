"""An administration's facts as values: what its lines share, and the vials they name.

Two lines that write a fact differently (``10 mL`` and ``10mL``, a blank payer and
``medicare``, ``1.2 g`` and ``1200 mg``) say the same thing: facts are compared after
reading, with the defaults the calculator takes for blanks (the default payer, the
outpatient setting, the product's concentration and vial type).

Vials are per line. Lines naming the same vial size describe the same vials (a count on
one line and none on the other is that count; a line naming no vials says nothing about
them); lines naming different sizes add up (a 20 g vial on the administered line, a
10 g vial on the JW line: 30 g opened), and then each must give its count. Reading is
cached on the text, with bounded caches.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from core.audit.engine import DoseFacts, Refused, VialsGiven
from core.audit.lines import FactsText
from core.audit.numbers import Amount, Unreadable, read_amount, read_concentration, read_count
from core.calculation_models import ClaimSetting
from core.catalog import BillingCode, Catalog, PayerList
from core.errors import InputError
from core.ndc import parse_ndc
from core.reference import DescriptorSource

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d", "%m/%d/%y")
_YES = frozenset({"y", "yes", "true", "1", "x", "multi", "multi-dose", "multiple"})
_NO = frozenset({"n", "no", "false", "0", "single", "single-dose"})
CACHE_SIZE = 4096


@lru_cache(maxsize=CACHE_SIZE)
def parse_date(text: str) -> date:
    if not text:
        raise Refused("service_date: is empty")
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise Refused(f"service_date: '{text}' is not a date such as 2026-07-14")


def parse_multi_dose(text: str) -> bool | None:
    word = text.casefold()
    if not word:
        return None
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise Refused(f"multi_dose: '{text}' is not yes or no")


@lru_cache(maxsize=256)
def _exact(value: Decimal) -> Fraction:
    return Fraction(value)


@lru_cache(maxsize=64)
def _setting(text: str) -> ClaimSetting:
    if not text:
        return ClaimSetting.OUTPATIENT
    try:
        return ClaimSetting(text.lower())
    except ValueError:
        known = ", ".join(s.value for s in ClaimSetting)
        raise Refused(f"setting: '{text}' is not one of {known}") from None


class Imported(NamedTuple):
    """A code the catalog does not hold, as the imported pricing file for a date bills it."""

    code: BillingCode
    quarter: str
    #: No imported quarter covers the date: the newest earlier one's descriptor is used.
    out_of_date: bool


class Resolver:
    """Reads facts text into values against one catalog and payer list, and the imported
    CMS pricing files (``descriptors``) for codes the catalog does not hold."""

    def __init__(
        self, catalog: Catalog, payers: PayerList, descriptors: DescriptorSource | None = None
    ) -> None:
        self.catalog = catalog
        self.payers = payers
        self.descriptors = descriptors
        self.dose = lru_cache(maxsize=CACHE_SIZE)(self._dose)
        self.code = lru_cache(maxsize=256)(catalog.code)
        self.product = lru_cache(maxsize=256)(catalog.product)
        self.payer = lru_cache(maxsize=256)(payers.get)
        self.default_payer = payers.default
        self._in_catalog = lru_cache(maxsize=256)(self._catalog_holds)
        self._imported = lru_cache(maxsize=CACHE_SIZE)(self._imported_code)

    def facts(self, text: FactsText) -> tuple[date, DoseFacts]:
        """The service date and the dose facts; ``Refused`` names the unusable field."""
        day = parse_date(text[0])
        imported = self.imported(text[3], day)
        return day, self.dose(text[1:], None if imported is None else imported.code)

    def imported(self, hcpcs: str, day: date) -> Imported | None:
        """The code as the pricing file for ``day`` bills it, when the catalog does not
        hold it (the catalog's entries come first: J1410 stays per 5 mL); ``None`` for a
        catalog code (or without files); ``Refused`` when neither holds it. The files are
        asked only for a code the catalog does not hold, once per code and date (cached)."""
        if self.descriptors is None or not hcpcs or self._in_catalog(hcpcs):
            return None
        found = self._imported(hcpcs.strip().upper(), day)
        if isinstance(found, str):
            raise Refused(found)
        if found is None:
            raise Refused(
                f"hcpcs: '{hcpcs}' is neither in the catalog nor in the imported CMS pricing "
                f"file for {day.isoformat()}"
            )
        return found

    def _catalog_holds(self, hcpcs: str) -> bool:
        try:
            self.code(hcpcs, "hcpcs")
        except InputError:
            return False
        return True

    def _imported_code(self, hcpcs: str, day: date) -> Imported | str | None:
        from core.cms.codes import billing_code

        assert self.descriptors is not None
        cms = self.descriptors.code_dosage(hcpcs, day)
        if cms is None:
            return None
        try:
            return Imported(billing_code(cms, "hcpcs"), cms.quarter, cms.out_of_date)
        except InputError as error:  # not an amount: the line naming code and descriptor
            return str(error)

    def _dose(self, text: FactsText, imported: BillingCode | None = None) -> DoseFacts:
        payer_text, setting, hcpcs, product_text, concentration_text, multi, given = text
        if not hcpcs:
            raise Refused("hcpcs: is empty")
        if not given:
            raise Refused("administered: is empty")
        try:
            code = imported if imported is not None else self.code(hcpcs, "hcpcs")
            product = self.product(product_text, "product") if product_text else None
            payer = self.payer(payer_text, "payer") if payer_text else self.default_payer
            administered = read_amount(given, "administered")
            concentration = (
                read_concentration(concentration_text)
                if concentration_text
                else _exact(product.concentration.mg_per_ml)
                if product is not None
                else None
            )
        except (InputError, Unreadable) as error:
            raise Refused(str(error)) from None
        multi_dose = parse_multi_dose(multi)
        if multi_dose is None:
            multi_dose = product.multi_dose if product is not None else False
        return DoseFacts(
            code=code,
            payer=payer,
            setting=_setting(setting),
            product=product,
            concentration=concentration,
            multi_dose=multi_dose,
            administered=administered,
        )


@lru_cache(maxsize=CACHE_SIZE)
def _vial(size_text: str, count_text: str) -> tuple[Amount | None, int | None]:
    try:
        size = read_amount(size_text, "vial_size") if size_text else None
        count = read_count(count_text) if count_text else None
    except Unreadable as error:
        raise Refused(str(error)) from None
    return size, count


def vials(given: set[tuple[str, str]], has_product: bool) -> tuple[VialsGiven, ...]:
    """The vials the lines name: () when the product's sizes are to be planned."""
    counts: dict[Amount | None, set[int]] = {}
    if len(given) > 1:
        # A line that says nothing about vials (a JW line without them) does not
        # contradict the lines that do.
        given = given - {("", "")} or given
    for size_text, count_text in given:
        size, count = _vial(size_text, count_text)
        counts.setdefault(size, set()).update(() if count is None else (count,))
    if None in counts:
        if len(counts) > 1:
            raise Refused("vial_size: given on some lines of the administration, not on others")
        if not has_product:
            raise Refused("vial_size: is empty; give the vial size (or the product)")
        if counts[None]:
            raise Refused("vial_size: give the vial size with the count of vials opened")
        return ()
    found: list[VialsGiven] = []
    for size, numbers in counts.items():
        assert size is not None
        if len(numbers) > 1:
            listed = " and ".join(str(n) for n in sorted(numbers))
            raise Refused(f"vials_opened: {listed} {size} vials on different lines")
        if len(counts) > 1 and not numbers:
            raise Refused("vials_opened: needed on each line when the lines name different sizes")
        found.append((size, next(iter(numbers), None)))
    return tuple(sorted(found, key=lambda vial: (vial[0].unit, vial[0].value)))


@lru_cache(maxsize=CACHE_SIZE)
def ndc11(text: str) -> str | None:
    """The 11-digit billing NDC, or None when ``text`` is not an NDC."""
    try:
        return parse_ndc(text).billing
    except InputError:
        return None
