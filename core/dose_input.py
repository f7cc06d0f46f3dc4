"""From what the user typed to a validated request, with every problem named by field.

The window and the command line share this: ``DoseForm`` holds the raw text,
``evaluate`` parses it, resolves code, product and payer in the catalog, and runs the
calculation. Problems come back together in ``DoseInputError`` so the window can show each
beside its field and the command line can print them on one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from core.body_surface import mosteller
from core.calculation import calculate
from core.calculation_models import CalculationRequest, CalculationResult, ClaimSetting
from core.catalog import BillingCode, Catalog, PayerList
from core.errors import InputError
from core.ndc import parse_ndc
from core.quantities import (
    Quantity,
    parse_bsa,
    parse_concentration,
    parse_count,
    parse_dose,
    parse_height,
    parse_quantity,
    parse_weight,
)
from core.text import check_text
from core.values import Value

if TYPE_CHECKING:
    from core.cms.ndc_vials import NdcVials

#: Form field -> the words used for it in messages (and the label in the window).
FIELD_NAMES: dict[str, str] = {
    "code": "code",
    "product": "product",
    "concentration": "concentration",
    "vial_size": "vial size",
    "vials": "vials opened",
    "dose_ordered": "dose ordered",
    "weight": "patient weight",
    "bsa": "body surface area",
    "height": "patient height",
    "administered": "amount administered",
    "payer": "payer",
    "setting": "claim setting",
    "ndc": "NDC",
    "prior_authorization": "prior authorization",
}
#: Longest text a dose field takes: "0.4 g/kg" or "Gammagard Liquid 10%" fit many times.
MAX_FIELD_CHARS = 100
MAX_PRIOR_AUTHORIZATION_CHARS = 64
_KEY_FOR_NAME = {name: key for key, name in FIELD_NAMES.items()}


class DoseForm(Value, frozen=True, kw_only=True):
    """The calculation's inputs exactly as typed. Empty text means "not given"."""

    code: str = ""
    product: str = ""
    concentration: str = ""
    #: ``None`` takes the product's vial type (single-dose without a product).
    multi_dose: bool | None = None
    vial_size: str = ""
    vials: str = ""
    dose_ordered: str = ""
    weight: str = ""
    #: Body surface area in m², or the height in cm (Mosteller with the weight), for a
    #: dose per m² (issue 20).
    bsa: str = ""
    height: str = ""
    administered: str = ""
    payer: str = ""
    setting: str = ""
    ndc: str = ""
    prior_authorization: str = ""

    #: Left out of the JSON while empty: records written before them keep their bytes.
    OMITTED_WHEN_EMPTY: ClassVar[tuple[str, ...]] = ("bsa", "height")


class DoseInputError(Exception):
    """One message per form field (keys of ``FIELD_NAMES``), in form order."""

    def __init__(self, errors: dict[str, InputError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors.values()))

    @property
    def messages(self) -> dict[str, str]:
        return {key: error.message for key, error in self.errors.items()}


def field_key(error: InputError) -> str:
    """The form field an error belongs to (errors name fields in words)."""
    return _KEY_FOR_NAME.get(error.field, error.field)


T = TypeVar("T")


class _Collector:
    def __init__(self) -> None:
        self.errors: dict[str, InputError] = {}

    def take(self, key: str, parse: Callable[[str], T], text: str) -> T | None:
        if not text.strip():
            return None
        try:
            check_text(text, FIELD_NAMES[key], MAX_FIELD_CHARS)
            return parse(text)
        except InputError as error:
            self.errors[key] = error
            return None


class ImportedCodes(Protocol):
    """What the imported CMS files answer (the site's ``imported_codes``): a code the
    catalog does not hold, and what the crosswalk says about an NDC; ``None`` when no
    file lists it."""

    def code(self, hcpcs: str, field: str) -> BillingCode | None: ...

    def ndc_vials(self, ndc11: str, field: str) -> NdcVials | None: ...


def resolve_code(
    catalog: Catalog, text: str, field: str, imported: ImportedCodes | None = None
) -> BillingCode:
    """The catalog's code (its entries and sources come first), else the imported
    pricing file's; the catalog's refusal when neither holds it."""
    try:
        return catalog.code(text, field)
    except InputError:
        found = imported.code(text.strip().upper(), field) if imported is not None else None
        if found is None:
            raise
        return found


def build_request(
    form: DoseForm, catalog: Catalog, payers: PayerList, imported: ImportedCodes | None = None
) -> CalculationRequest:
    """Parse and resolve every field by ``catalog`` and ``payers`` (the site's) and the
    codes ``imported`` from the CMS files; raise ``DoseInputError`` naming each bad or
    missing one."""
    found = _Collector()
    name = FIELD_NAMES

    code = found.take("code", lambda t: resolve_code(catalog, t, name["code"], imported), form.code)
    product = found.take("product", lambda t: catalog.product(t, name["product"]), form.product)
    ndc = found.take("ndc", lambda t: parse_ndc(t, name["ndc"]), form.ndc)
    # An NDC is enough (issue 20): without a product, the crosswalk gives the code (when
    # none is typed) and the vial sizes (when no size is typed).
    crosswalk = None
    if ndc is not None and imported is not None and product is None and not form.product:
        try:
            crosswalk = imported.ndc_vials(ndc.billing, name["ndc"])
        except InputError as error:
            found.errors["ndc"] = error
    if crosswalk is not None and code is None and "code" not in found.errors:
        try:
            code = resolve_code(catalog, crosswalk.code, name["code"], imported)
        except InputError as error:
            found.errors["code"] = error
    # A product chosen without a code bills under its own code; another code given with
    # it is a deliberate choice, which the calculation warns about (``product-code``).
    if code is None and "code" not in found.errors:
        code = catalog.code(product.hcpcs) if product is not None else catalog.default_code
    concentration = found.take(
        "concentration", lambda t: parse_concentration(t, name["concentration"]), form.concentration
    )
    if concentration is None and product is not None and "concentration" not in found.errors:
        concentration = product.concentration
    vial_size = found.take(
        "vial_size", lambda t: parse_quantity(t, name["vial_size"]), form.vial_size
    )
    vials = found.take("vials", lambda t: parse_count(t, name["vials"]), form.vials)
    dose = found.take(
        "dose_ordered", lambda t: parse_dose(t, name["dose_ordered"]), form.dose_ordered
    )
    weight = found.take("weight", lambda t: parse_weight(t, name["weight"]), form.weight)
    bsa = found.take("bsa", lambda t: parse_bsa(t, name["bsa"]), form.bsa)
    height = found.take("height", lambda t: parse_height(t, name["height"]), form.height)
    bsa_from = ""
    if bsa is not None and height is not None:
        found.errors["height"] = InputError(name["height"], "give the BSA or the height, not both")
    elif height is not None and weight is not None:
        bsa, bsa_from = mosteller(height, weight)
    elif height is not None and "weight" not in found.errors:
        found.errors["weight"] = InputError(
            name["weight"], "is needed with the height for the body surface area"
        )
    administered = found.take(
        "administered", lambda t: parse_quantity(t, name["administered"]), form.administered
    )
    payer = found.take("payer", lambda t: payers.get(t, name["payer"]), form.payer)
    payer = payer or (None if "payer" in found.errors else payers.default)
    setting = found.take("setting", lambda t: _setting(t), form.setting) or ClaimSetting.OUTPATIENT
    prior_authorization = form.prior_authorization.strip()
    try:
        check_text(prior_authorization, name["prior_authorization"], MAX_PRIOR_AUTHORIZATION_CHARS)
    except InputError as error:
        found.errors["prior_authorization"] = error

    for key, value in (("dose_ordered", dose), ("administered", administered)):
        if value is None and key not in found.errors:
            found.errors[key] = InputError(name[key], "is empty; enter an amount")
    sizes: tuple[Quantity, ...] = ()
    if crosswalk is not None and code is not None and crosswalk.code == code.hcpcs:
        sizes = crosswalk.sizes if vial_size is None else ()
    if vial_size is None and product is None and not sizes and "vial_size" not in found.errors:
        found.errors["vial_size"] = InputError(name["vial_size"], "is empty; enter the size in mL")

    # Whether a concentration is needed (a mass vial for a dose in mL, or billed per
    # mL) is the calculation's rule: ``working_measure``; a 6 g vial for a dose in mg
    # billed per mg needs none.
    if found.errors:
        raise DoseInputError(found.errors)
    assert code is not None and payer is not None and dose is not None
    assert administered is not None
    multi_dose = form.multi_dose
    if multi_dose is None:
        multi_dose = product.multi_dose if product is not None else False
    return CalculationRequest(
        code=code,
        payer=payer,
        product=product,
        concentration=concentration,
        multi_dose=multi_dose,
        vial_size=vial_size,
        vials_opened=vials,
        dose_ordered=dose,
        weight_kg=weight,
        administered=administered,
        setting=setting,
        ndc=ndc,
        prior_authorization=prior_authorization,
        vial_sizes=sizes,
        bsa_m2=bsa,
        bsa_from=bsa_from,
        vial_sizes_from=crosswalk.how if sizes and crosswalk is not None else "",
    )


def _setting(text: str) -> ClaimSetting:
    try:
        return ClaimSetting(text.strip().lower())
    except ValueError:
        known = ", ".join(s.value for s in ClaimSetting)
        raise InputError(
            FIELD_NAMES["setting"], f"'{text.strip()}' is not one of {known}"
        ) from None


def evaluate(
    form: DoseForm, catalog: Catalog, payers: PayerList, imported: ImportedCodes | None = None
) -> CalculationResult:
    """Parse, resolve and calculate by the site's ``catalog``, ``payers`` and imported
    codes; every problem comes back as ``DoseInputError``."""
    request = build_request(form, catalog, payers, imported)
    try:
        return calculate(request)
    except InputError as error:
        raise DoseInputError({field_key(error): error}) from None
