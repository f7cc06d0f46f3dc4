"""The catalog of billing codes and products, and the payer profiles, from resources/.

Both are JSON files read into frozen values (``core.values``, not pydantic: the window
reads them for its first answer). A broken file raises ``CatalogError`` with the file and
the problem in one line, never a traceback for the user.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import ClassVar, Literal

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
from core.values import JsonReaders, Value, ValueProblem, field_problem, limits

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
CATALOG_FILE = RESOURCES / "catalog.json"
PAYERS_FILE = RESOURCES / "payers.json"


def _ndc(value: object) -> object:
    """A catalog NDC as printed on the label (``0944-2700-02``)."""
    return parse_ndc(value, "catalog NDC") if isinstance(value, str) else value


def _concentration(value: object) -> object:
    """A catalog concentration as written on the label (``10%``)."""
    return parse_concentration(value) if isinstance(value, str) else value


class _Frozen(Value):
    """Immutable; read from JSON, where unknown keys are refused."""


class CoveredDiagnoses(_Frozen):
    """The ICD-10 codes a payer policy covers for a drug code, and the policy they come from.

    An entry is a code (``D80.1``; a category such as ``D80`` covers its subcodes) or an
    inclusive range (``D80.0-D80.9``).
    """

    policy: str = limits(min_length=1)
    codes: tuple[str, ...] = ()

    def _check(self) -> None:
        with field_problem("codes"):
            for entry in self.codes:
                parse_coverage_entry(entry)


class BillingCode(_Frozen):
    """A HCPCS code and what one billing unit of it stands for."""

    hcpcs: str = limits(pattern=r"^[A-Z][0-9]{4}$")
    descriptor: str = limits(min_length=1)
    dosage: Quantity
    source: str = limits(min_length=1)
    cms_verified: bool
    default: bool = False
    #: ``None``: no sourced list; the diagnosis is then checked for format only.
    covered_diagnoses: CoveredDiagnoses | None = None

    def _check(self) -> None:
        # One billing unit of nothing would divide by zero; of more than 2,000 g or
        # 10,000 mL, it is a typo.
        with field_problem("dosage"):
            dosage = self.dosage
            parse_quantity(f"{formats.plain(dosage.amount)} {dosage.unit.value}", "dosage")

    @property
    def label(self) -> str:
        return f"{self.hcpcs} (per {self.dosage})"


class VialSize(_Frozen):
    """One vial size as labeled; overfill is never part of it."""

    ml: Decimal = limits(gt=0, le=MAX_VOLUME_ML)
    ndc: Ndc | None = None

    json_readers: ClassVar[JsonReaders] = {"ndc": _ndc}


class Product(_Frozen):
    name: str = limits(min_length=1)
    hcpcs: str
    concentration: Concentration
    route: Literal["IV", "SC", "IM"]
    multi_dose: bool
    vial_sizes: tuple[VialSize, ...] = limits(min_length=1, max_length=20)

    json_readers: ClassVar[JsonReaders] = {"concentration": _concentration}
    #: Catalogs written before "vial" was settled on call the sizes ``containers``.
    json_aliases: ClassVar[Mapping[str, str]] = {"containers": "vial_sizes"}


class Catalog(_Frozen):
    version: int
    codes: tuple[BillingCode, ...] = limits(min_length=1)
    products: tuple[Product, ...] = ()

    def _check(self) -> None:
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


class PayerProfile(_Frozen):
    """How a payer wants units rounded and which waste modifiers it requires."""

    id: str = limits(pattern=r"^[a-z0-9_-]+$")
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


class PayerList(_Frozen):
    version: int
    payers: tuple[PayerProfile, ...] = limits(min_length=1)

    def _check(self) -> None:
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


def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    try:
        return Catalog.model_validate(_read(path))
    except (ValueProblem, InputError) as error:
        raise CatalogError(f"{path}: invalid catalog ({error})") from None


def load_payers(path: Path = PAYERS_FILE) -> PayerList:
    try:
        return PayerList.model_validate(_read(path))
    except ValueProblem as error:
        raise CatalogError(f"{path}: invalid payer profiles ({error})") from None


@cache
def default_catalog() -> Catalog:
    """The shipped catalog, read once per process."""
    return load_catalog()


@cache
def default_payers() -> PayerList:
    return load_payers()
