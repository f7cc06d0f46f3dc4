"""The catalog of billing codes and products, and the payer profiles, from resources/.

Both are JSON files read into frozen values (``core.values``, msgspec structs: the window
reads them for its first answer). A broken file raises ``CatalogError`` with the file and
the problem (and where it is) in one line, never a traceback for the user.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from core import formats
from core.errors import CatalogError, InputError
from core.icd10 import parse_coverage_entry
from core.ndc import Ndc, parse_ndc
from core.quantities import (
    MAX_VOLUME_ML,
    Concentration,
    Quantity,
    parse_concentration,
    parse_quantity,
)
from core.terminal import printable
from core.text import check_json_nesting
from core.values import Value, ValueProblem, read, where_and_what

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
CATALOG_FILE = RESOURCES / "catalog.json"
PAYERS_FILE = RESOURCES / "payers.json"
MAX_VIAL_SIZES = 20
_HCPCS = re.compile(r"[A-Z][0-9]{4}")
_PAYER_ID = re.compile(r"[a-z0-9_-]+")


def _not_empty(text: str, field: str) -> None:
    if not text:
        raise ValueError(f"{field} is empty")


class CoveredDiagnoses(Value, frozen=True, kw_only=True):
    """The ICD-10 codes a payer policy covers for a drug code, and the policy they come from.

    An entry is a code (``D80.1``; a category such as ``D80`` covers its subcodes) or an
    inclusive range (``D80.0-D80.9``).
    """

    policy: str
    codes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        _not_empty(self.policy, "policy")
        for entry in self.codes:
            parse_coverage_entry(entry)


class BillingCode(Value, frozen=True, kw_only=True):
    """A HCPCS code and what one billing unit of it stands for."""

    hcpcs: str
    descriptor: str
    dosage: Quantity
    source: str
    cms_verified: bool
    default: bool = False
    #: ``None``: no sourced list; the diagnosis is then checked for format only.
    covered_diagnoses: CoveredDiagnoses | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if _HCPCS.fullmatch(self.hcpcs) is None:
            raise ValueError(f"hcpcs '{self.hcpcs}' is not a HCPCS code such as J1410")
        _not_empty(self.descriptor, "descriptor")
        _not_empty(self.source, "source")
        # One billing unit of nothing would divide by zero; of more than 2,000 g or
        # 10,000 mL, it is a typo.
        dosage = self.dosage
        parse_quantity(f"{formats.plain(dosage.amount)} {dosage.unit.value}", "dosage")

    @property
    def label(self) -> str:
        return f"{self.hcpcs} (per {self.dosage})"


class VialSize(Value, frozen=True, kw_only=True):
    """One vial size as labeled; overfill is never part of it."""

    ml: Decimal
    ndc: Ndc | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.ml <= MAX_VOLUME_ML:
            raise ValueError(f"ml must be greater than 0 and at most {MAX_VOLUME_ML}")


class Product(Value, frozen=True, kw_only=True):
    name: str
    hcpcs: str
    concentration: Concentration
    route: Literal["IV", "SC", "IM"]
    multi_dose: bool
    vial_sizes: tuple[VialSize, ...]

    def __post_init__(self) -> None:
        super().__post_init__()
        _not_empty(self.name, "name")
        if not 1 <= len(self.vial_sizes) <= MAX_VIAL_SIZES:
            raise ValueError(f"vial_sizes must list 1 to {MAX_VIAL_SIZES} sizes")


class Catalog(Value, frozen=True, kw_only=True):
    version: int
    codes: tuple[BillingCode, ...]
    products: tuple[Product, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.codes:
            raise ValueError("codes must list at least one code")
        known = {c.hcpcs for c in self.codes}
        if len(known) != len(self.codes):
            raise ValueError("a HCPCS code is listed twice")
        if sum(c.default for c in self.codes) != 1:
            raise ValueError("exactly one code must be the default")
        for product in self.products:
            if product.hcpcs not in known:
                raise ValueError(f"product {product.name} bills {product.hcpcs}, not in codes")

    @property
    def default_code(self) -> BillingCode:
        return next(c for c in self.codes if c.default)

    def code(self, hcpcs: str, field: str = "code") -> BillingCode:
        wanted = hcpcs.strip().upper()
        for code in self.codes:
            if code.hcpcs == wanted:
                return code
        known = ", ".join(c.hcpcs for c in self.codes)
        raise InputError(field, f"'{hcpcs.strip()}' is not in the catalog; known codes: {known}")

    def product(self, name: str, field: str = "product") -> Product:
        wanted = name.strip().casefold()
        matches = [p for p in self.products if p.name.casefold() == wanted]
        if not matches:  # allow "privigen" for "Privigen 10%" when it is unambiguous
            matches = [p for p in self.products if p.name.casefold().startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        known = "; ".join(p.name for p in self.products)
        problem = "matches several products" if matches else "is not in the catalog"
        raise InputError(field, f"'{name.strip()}' {problem}; products: {known}")


Rounding = Literal["up", "nearest"]
#: What a payer may ask for to show medical necessity (``core.necessity`` names them).
NecessityItem = Literal[
    "diagnosis", "indication", "labs", "prior_treatments", "rationale", "weight"
]


class PayerProfile(Value, frozen=True, kw_only=True):
    """How a payer wants units rounded and which waste modifiers it requires."""

    id: str
    name: str
    rounding: Rounding
    jw_required: bool
    jz_required: bool
    prior_authorization_required: bool
    default: bool = False
    #: The medical-necessity items a worksheet must hold before it is printed.
    necessity_required: tuple[NecessityItem, ...] = ("diagnosis",)
    #: Append JA (intravenous) / JB (subcutaneous) to the claim lines.
    route_modifiers: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if _PAYER_ID.fullmatch(self.id) is None:
            raise ValueError(f"id '{self.id}' must be lower-case letters, digits, - or _")


class PayerList(Value, frozen=True, kw_only=True):
    version: int
    payers: tuple[PayerProfile, ...]

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.payers:
            raise ValueError("payers must list at least one payer")
        if sum(p.default for p in self.payers) != 1:
            raise ValueError("exactly one payer must be the default")

    @property
    def default(self) -> PayerProfile:
        return next(p for p in self.payers if p.default)

    def get(self, payer_id: str, field: str = "payer") -> PayerProfile:
        wanted = payer_id.strip().lower()
        for payer in self.payers:
            if payer.id == wanted:
                return payer
        known = ", ".join(p.id for p in self.payers)
        raise InputError(field, f"'{payer_id.strip()}' is not a payer profile; known: {known}")


#: The shipped catalog is 6 kB; a file of megabytes or deep nesting is not a catalog.
MAX_CATALOG_BYTES = 1024 * 1024
MAX_CATALOG_DEPTH = 16


def _read(path: Path) -> object:
    where = printable(str(path))
    try:
        with path.open("rb") as file:  # /dev/zero is read no further than the limit
            data = file.read(MAX_CATALOG_BYTES + 1)
    except OSError as error:
        raise CatalogError(f"{where}: cannot be read ({error.strerror})") from None
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogError(f"{where}: larger than {MAX_CATALOG_BYTES:,} bytes; not a catalog")
    try:
        text = data.decode("utf-8")
        check_json_nesting(text, "catalog", MAX_CATALOG_DEPTH)
        return json.loads(text)
    except InputError as error:
        raise CatalogError(f"{where}: {error.message}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogError(f"{where}: not valid JSON ({error})") from None
    except ValueError:  # an integer of thousands of digits
        raise CatalogError(f"{where}: not valid JSON (a number is too large)") from None


def _as_labeled(data: object) -> object:
    """The catalog as written for people, in the values' own shapes: a product's
    concentration as on its label (``10%``), a vial size's NDC as printed
    (``0944-2700-02``), and ``containers``, the key catalogs used for ``vial_sizes``
    before "vial" was settled on."""
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        return data
    products = []
    for i, product in enumerate(data["products"]):
        if isinstance(product, dict):
            product = dict(product)
            if "containers" in product and "vial_sizes" not in product:
                product["vial_sizes"] = product.pop("containers")
            if isinstance(product.get("concentration"), str):
                where = f"products.{i}.concentration"
                product["concentration"] = _labeled(
                    parse_concentration, product["concentration"], where
                )
            if isinstance(product.get("vial_sizes"), list):
                product["vial_sizes"] = [
                    {
                        **size,
                        "ndc": _labeled(
                            _catalog_ndc, size["ndc"], f"products.{i}.vial_sizes.{j}.ndc"
                        ),
                    }
                    if isinstance(size, dict) and isinstance(size.get("ndc"), str)
                    else size
                    for j, size in enumerate(product["vial_sizes"])
                ]
        products.append(product)
    return {**data, "products": products}


def _catalog_ndc(text: str) -> Ndc:
    return parse_ndc(text, "catalog NDC")


def _labeled(parse: Callable[[str], Value], text: str, where: str) -> Value:
    try:
        return parse(text)
    except InputError as error:
        raise CatalogError(f"{where}: {error}") from None


def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    try:
        return read(Catalog, _as_labeled(_read(path)))
    except CatalogError as error:
        raise CatalogError(f"{path}: invalid catalog ({error})") from None
    except ValueProblem as error:
        raise CatalogError(f"{path}: invalid catalog ({where_and_what(error)})") from None


def load_payers(path: Path = PAYERS_FILE) -> PayerList:
    try:
        return read(PayerList, _read(path))
    except ValueProblem as error:
        raise CatalogError(f"{path}: invalid payer profiles ({where_and_what(error)})") from None


@cache
def default_catalog() -> Catalog:
    """The shipped catalog, read once per process."""
    return load_catalog()


@cache
def default_payers() -> PayerList:
    return load_payers()
