"""The calculation's input and output models.

``CalculationRequest`` is fully validated and resolved against the catalog and payer
profiles (see ``core.dose_input`` for turning typed text into one). ``calculate`` turns it
into a ``CalculationResult``; both serialise to JSON with decimals as plain strings.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from core import formats
from core.catalog import BillingCode, PayerProfile, Product
from core.ndc import Ndc
from core.quantities import Concentration, PlainDecimal, Quantity, WeightBasedDose


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClaimSetting(StrEnum):
    """Where the drug is billed; JW/JZ apply to some settings only."""

    OUTPATIENT = "outpatient"  # physician office, hospital outpatient, 340B, CAH
    INPATIENT = "inpatient"  # IPPS claims
    FQHC_RHC = "fqhc-rhc"
    PACKAGED = "packaged"  # not separately payable (OPPS/ASC packaged)

    @property
    def waste_modifiers_apply(self) -> bool:
        return self is ClaimSetting.OUTPATIENT


class CalculationRequest(_Frozen):
    code: BillingCode
    payer: PayerProfile
    product: Product | None = None
    concentration: Concentration | None = None
    multi_dose: bool = False
    #: Labeled size of each container in mL; ``None`` plans the least-waste mix of the
    #: product's container sizes.
    vial_size_ml: PlainDecimal | None = Field(default=None, gt=0)
    #: ``None`` derives the fewest containers that cover the dose ordered.
    vials_opened: int | None = Field(default=None, ge=1)
    dose_ordered: Quantity | WeightBasedDose
    weight_kg: PlainDecimal | None = Field(default=None, gt=0)
    administered: Quantity
    setting: ClaimSetting = ClaimSetting.OUTPATIENT
    ndc: Ndc | None = None
    prior_authorization: str = ""


class ContainerUse(_Frozen):
    size_ml: PlainDecimal
    count: int

    def __str__(self) -> str:
        return f"{self.count} × {formats.quantity(self.size_ml, 'mL')}"


class ClaimLine(_Frozen):
    hcpcs: str
    modifiers: tuple[str, ...]
    units: int
    ndc: str | None = None
    ndc_quantity_ml: PlainDecimal | None = None
    #: Drug identification as sent on the claim: ``N400002759701ML12``.
    ndc_segment: str | None = None

    @property
    def billed_code(self) -> str:
        """``J1410`` or ``J1410-JW``."""
        return "-".join((self.hcpcs, *self.modifiers))

    def __str__(self) -> str:
        return f"{self.billed_code} x {formats.units(self.units)}"


class BillingWarning(_Frozen):
    """Something to fix or document before the claim goes out."""

    id: str
    message: str
    action: str

    def __str__(self) -> str:
        return f"{self.message} {self.action}"


class CalculationResult(_Frozen):
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
    containers: tuple[ContainerUse, ...]
    vials_opened: int
    vials_derived: bool
    ordered_ml: PlainDecimal
    opened_ml: PlainDecimal
    administered_ml: PlainDecimal
    waste_ml: PlainDecimal
    units_administered: int
    units_wasted: int
    labeled_units: int
    jz: bool
    claim_lines: tuple[ClaimLine, ...]
    warnings: tuple[BillingWarning, ...]
    steps: tuple[str, ...]
