"""The calculation's input and output models.

``CalculationRequest`` is fully validated and resolved against the catalog and payer
profiles (see ``core.dose_input`` for turning typed text into one). ``calculate`` turns it
into a ``CalculationResult``; both serialise to JSON with decimals as plain strings.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from core import formats
from core.catalog import BillingCode, PayerProfile, Product
from core.ndc import Ndc
from core.quantities import BsaDose, Concentration, Quantity, Unit, WeightBasedDose
from core.values import Value


class ClaimSetting(StrEnum):
    """Where the drug is billed; JW/JZ apply to some settings only."""

    OUTPATIENT = "outpatient"  # physician office, hospital outpatient, 340B, CAH
    INPATIENT = "inpatient"  # IPPS claims
    FQHC_RHC = "fqhc-rhc"
    PACKAGED = "packaged"  # not separately payable (OPPS/ASC packaged)

    @property
    def waste_modifiers_apply(self) -> bool:
        return self is ClaimSetting.OUTPATIENT


class CalculationRequest(Value, frozen=True, kw_only=True):
    code: BillingCode
    payer: PayerProfile
    product: Product | None = None
    concentration: Concentration | None = None
    multi_dose: bool = False
    #: Labeled size of each vial in mL; ``None`` plans the least-waste mix of the
    #: product's vial sizes.
    vial_size_ml: Decimal | None = None
    #: The labeled size as written (``12 g`` or ``10 mL``), kept exact: a mass is
    #: converted once, in the code's billing measure. Use this or ``vial_size_ml``.
    vial_size: Quantity | None = None
    #: ``None`` derives the fewest vials that cover the dose ordered.
    vials_opened: int | None = None
    #: Labeled sizes to plan the least-waste mix from, without a product or a size: the
    #: crosswalk's for an NDC's labeler and code (``core.cms.ndc_vials``), and how they
    #: were read (a step of the arithmetic).
    vial_sizes: tuple[Quantity, ...] = ()
    vial_sizes_from: str = ""
    dose_ordered: Quantity | WeightBasedDose | BsaDose
    weight_kg: Decimal | None = None
    #: Body surface area in m² for a dose per m², and the Mosteller step that gave it
    #: (empty when the BSA was entered).
    bsa_m2: Decimal | None = None
    bsa_from: str = ""
    administered: Quantity
    setting: ClaimSetting = ClaimSetting.OUTPATIENT
    ndc: Ndc | None = None
    prior_authorization: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.vial_size is not None and self.vial_size_ml is not None:
            raise ValueError("give vial_size or vial_size_ml, not both")
        for name in ("vial_size_ml", "weight_kg"):
            amount = getattr(self, name)
            if amount is not None and amount <= 0:
                raise ValueError(f"{name} must be greater than 0")
        if self.vials_opened is not None and self.vials_opened < 1:
            raise ValueError("vials_opened must be at least 1")

    @property
    def labeled_vial_size(self) -> Quantity | None:
        """The labeled vial size, however it was given."""
        if self.vial_size_ml is not None:
            return Quantity(amount=self.vial_size_ml, unit=Unit.ML)
        return self.vial_size


class VialUse(Value, frozen=True, kw_only=True, omit_defaults=True):
    """A vial size opened and how many. ``unit`` is left out of the JSON when it is mL,
    so records of doses in mL keep their bytes (``test_model_rules``)."""

    #: The labeled size in ``unit`` (the calculation's measure: mL unless no volume is
    #: involved; the name predates doses in mg or units without a concentration).
    size_ml: Decimal
    count: int
    unit: Unit = Unit.ML

    def __str__(self) -> str:
        return f"{self.count} × {formats.quantity(self.size_ml, self.unit.value)}"


class ClaimLine(Value, frozen=True, kw_only=True):
    hcpcs: str
    modifiers: tuple[str, ...]
    units: int
    ndc: str | None = None
    ndc_quantity_ml: Decimal | None = None
    #: Drug identification as sent on the claim: ``N400002759701ML12``.
    ndc_segment: str | None = None
    #: Dollars, set by ``core.pricing`` when a price is known (exact, never rounded).
    payment_per_unit: Decimal | None = None
    payment: Decimal | None = None

    @property
    def billed_code(self) -> str:
        """``J1410`` or ``J1410-JW``."""
        return "-".join((self.hcpcs, *self.modifiers))

    def __str__(self) -> str:
        return f"{self.billed_code} x {formats.units(self.units)}"


class BillingWarning(Value, frozen=True, kw_only=True):
    """Something to fix or document before the claim goes out."""

    id: str
    message: str
    action: str

    def __str__(self) -> str:
        return f"{self.message} {self.action}"


class Pricing(Value, frozen=True, kw_only=True):
    """What priced the claim lines (``core.pricing``)."""

    #: The CMS quarter, e.g. ``2026Q1``; None when a payer's fee schedule priced them.
    quarter: str | None
    source: str
    service_date: str


class CodeUnitConflict(Value, frozen=True, kw_only=True):
    """The CMS pricing file bills the code in another unit than the catalog."""

    code: str
    catalog_unit: str
    cms_unit: str
    quarter: str
    message: str


class CalculationResult(Value, frozen=True, kw_only=True):
    code: str
    descriptor: str
    dosage: Quantity
    code_source: str
    code_cms_verified: bool
    payer: str
    product: str | None
    concentration: Concentration | None
    multi_dose: bool
    setting: ClaimSetting
    vials_by_size: tuple[VialUse, ...]
    vials_opened: int
    vials_derived: bool
    ordered_ml: Decimal
    opened_ml: Decimal
    administered_ml: Decimal
    waste_ml: Decimal
    units_administered: int
    units_wasted: int
    labeled_units: int
    jz: bool
    claim_lines: tuple[ClaimLine, ...]
    warnings: tuple[BillingWarning, ...]
    steps: tuple[str, ...]
    # Set by ``core.pricing`` from the imported CMS files; None without them.
    pricing: Pricing | None = None
    code_unit_conflict: CodeUnitConflict | None = None
    #: The code's billing unit as the CMS pricing file states it, e.g. ``500 MG``.
    cms_billing_unit: str | None = None
    #: The patient weight a per-kg dose was calculated with.
    weight_kg: Decimal | None = None
    #: The route the claim lines' JA/JB modifier was chosen for (``apply_route_modifiers``).
    route: str | None = None

    @property
    def measure(self) -> Unit:
        """The unit of ``ordered_ml``, ``opened_ml``, ``administered_ml``, ``waste_ml`` and
        each vial's size: mL, unless neither an amount nor the code's descriptor is a
        volume; then mg (mass) or units, and no concentration was needed
        (``core.calculation.working_measure``). Kept on the vials, so records of doses in
        mL keep their bytes."""
        return self.vials_by_size[0].unit if self.vials_by_size else Unit.ML

    def amount(self, value: Decimal) -> str:
        """One of the result's amounts as printed, in its measure: ``12 mL``, ``200 mg``."""
        return formats.quantity(value, self.measure.value)
