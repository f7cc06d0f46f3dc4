"""The denial-risk check: every known cause of a denied claim, each pass, warn or fail.

``review`` completes a calculation for a claim (route modifiers, diagnosis and prior
authorization warnings); ``denial_checks`` then lists the checks the window shows beside
Print and the worksheet prints. A failure blocks printing for the chart; a warning prints
with the reason the user gave (``Documentation.check_reasons``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Literal

from core import formats
from core.blockers import (
    Blocker,
    authorization_blockers,
    diagnosis_blockers,
    necessity_blockers,
    vial_blockers,
    waste_blockers,
)
from core.calculation import ROUTE_MODIFIERS, apply_route_modifiers
from core.calculation_models import BillingWarning, CalculationResult
from core.catalog import BillingCode, PayerProfile
from core.documentation import Documentation
from core.errors import InputError
from core.icd10 import diagnosis_codes, is_covered
from core.model import Model
from core.reference import NO_REFERENCE, CrosswalkSource

if TYPE_CHECKING:
    from core.authorizations import AuthorizationState

CheckState = Literal["pass", "warn", "fail"]

#: Check id -> what it is about, in the order shown.
CHECKS = {
    "medical-necessity": "Medical necessity",
    "diagnosis": "Diagnosis covered",
    "modifiers": "Modifiers",
    "billed-units": "Billed units = dose",
    "ndc": "NDC",
    "prior-authorization": "Prior authorization",
    "lots-expiries": "Lots and expiries",
    "waste": "Waste documented",
}

#: Check id -> the field whose value settles it, where typing one does: Enter in the
#: window goes there while the check warns and the field is empty (``fields_asked``).
SETTLED_BY = {
    "diagnosis": "diagnosis",
    "ndc": "ndc",
    "prior-authorization": "prior_authorization",
}


class Check(Model):
    """One check. A failing one carries what it blocks (``core.blockers``): the blockers
    of the rule it is about, else one naming the check itself."""

    id: str
    state: CheckState
    message: str
    blockers: tuple[Blocker, ...] = ()

    @property
    def title(self) -> str:
        return CHECKS[self.id]


def fields_asked(checks: Sequence[Check]) -> set[str]:
    """The fields the warning or failing checks ask for (a missing NDC: the NDC)."""
    return {SETTLED_BY[c.id] for c in checks if c.state != "pass" and c.id in SETTLED_BY}


def diagnosis_warnings(diagnosis: str, code: BillingCode) -> list[BillingWarning]:
    """``diagnosis-missing``, ``diagnosis-format`` or ``diagnosis-not-covered``."""
    if not diagnosis.strip():
        return [
            BillingWarning(
                id="diagnosis-missing",
                message="No diagnosis is given.",
                action="Enter the ICD-10 code the dose treats; claims without one are denied.",
            )
        ]
    try:
        codes = diagnosis_codes(diagnosis)
    except InputError as error:
        return [
            BillingWarning(id="diagnosis-format", message=f"Diagnosis: {error.message}.", action="")
        ]
    covered = code.covered_diagnoses
    if covered is None or not covered.codes:
        return []
    if any(is_covered(c, covered.codes) for c in codes):
        return []
    return [
        BillingWarning(
            id="diagnosis-not-covered",
            message=f"{', '.join(codes)} is not among the diagnoses {covered.policy} "
            f"covers for {code.hcpcs}.",
            action="Check the diagnosis and the payer policy; document why it is medically "
            "necessary.",
        )
    ]


def review(
    result: CalculationResult,
    *,
    code: BillingCode,
    payer: PayerProfile,
    diagnosis: str,
    route: str = "",
    authorization: AuthorizationState | None = None,
    service_date: date,
) -> CalculationResult:
    """The result as the claim goes out: JA/JB where the payer asks, and the diagnosis and
    prior authorization warnings added to the calculation's own."""
    result = apply_route_modifiers(result, payer, route)
    extra = diagnosis_warnings(diagnosis, code)
    if authorization is not None:
        # Loaded with the authorization: the store's module loads the database driver.
        from core.authorizations import authorization_warnings

        extra += authorization_warnings(authorization, result, service_date)
    return result.replace(warnings=(*result.warnings, *extra))


def _fail(check_id: str, message: str, blockers: Sequence[Blocker] = ()) -> Check:
    """A failed check and what it blocks: ``blockers`` from a rule, else the check itself."""
    blocking = tuple(blockers) or (
        Blocker(id=check_id, message=f"{CHECKS[check_id].lower()}: {message}", field=check_id),
    )
    return Check(id=check_id, state="fail", message=message, blockers=blocking)


def _ids(result: CalculationResult) -> dict[str, BillingWarning]:
    return {w.id: w for w in result.warnings}


def _necessity(result: CalculationResult, doc: Documentation, payer: PayerProfile) -> Check:
    missing = necessity_blockers(doc, result, payer)
    if missing:
        words = ", ".join(b.message.removesuffix(" is empty") for b in missing)
        return _fail(
            "medical-necessity",
            f"{payer.name} needs: {words}. Document them before billing.",
            missing,
        )
    return Check(
        id="medical-necessity",
        state="pass",
        message=f"all {payer.name} asks for is documented.",
    )


def _diagnosis(result: CalculationResult, code: BillingCode) -> Check:
    warnings = _ids(result)
    failing = diagnosis_blockers(result)
    if failing:
        return _fail("diagnosis", str(warnings[failing[0].id]), failing)
    if "diagnosis-not-covered" in warnings:
        return Check(id="diagnosis", state="warn", message=str(warnings["diagnosis-not-covered"]))
    covered = code.covered_diagnoses
    if covered is None or not covered.codes:
        message = f"no list for {code.hcpcs}; format checked."
    else:
        message = f"covered by {covered.policy}."
    return Check(id="diagnosis", state="pass", message=message)


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _modifiers(result: CalculationResult, payer: PayerProfile) -> Check:
    lines = result.claim_lines
    problems: list[str] = []
    waste_rules = result.setting.waste_modifiers_apply and not result.multi_dose
    administered = lines[0].modifiers if lines else ()
    jw_billed = any("JW" in line.modifiers for line in lines)
    if waste_rules and payer.jw_required and result.units_wasted and not jw_billed:
        problems.append("JW is missing from the waste line")
    if waste_rules and payer.jz_required and not result.units_wasted and "JZ" not in administered:
        problems.append("JZ is missing: nothing billable was discarded")
    if result.units_wasted == 0 and jw_billed:
        problems.append("a JW line is billed but no waste units were calculated")
    notes: list[str] = []
    if payer.route_modifiers:
        wanted = ROUTE_MODIFIERS.get(result.route or "")
        if wanted is None:
            notes.append(
                f"{payer.name} asks for a route modifier (JA or JB) and the route is "
                f"{result.route or 'not given'}; check the payer's rule for it"
            )
        elif any(wanted not in line.modifiers for line in lines):
            problems.append(f"{wanted} ({result.route}) is missing from the claim lines")
    if problems:
        return _fail("modifiers", _sentence(problems))
    if notes:
        return Check(id="modifiers", state="warn", message=_sentence(notes))
    shown = ", ".join(line.billed_code for line in lines)
    return Check(id="modifiers", state="pass", message=f"{shown}.")


def _billed_units(result: CalculationResult) -> Check:
    lines = result.claim_lines
    administered = sum(line.units for line in lines if "JW" not in line.modifiers)
    wasted = sum(line.units for line in lines if "JW" in line.modifiers)
    if administered != result.units_administered or wasted != result.units_wasted:
        return _fail(
            "billed-units",
            f"The claim lines bill {formats.units(administered)} and "
            f"{formats.units(wasted)} JW; the dose documented is "
            f"{formats.units(result.units_administered)} and "
            f"{formats.units(result.units_wasted)} JW. Recalculate.",
        )
    warnings = _ids(result)
    if "units-above-labeled" in warnings:
        return _fail("billed-units", str(warnings["units-above-labeled"]))
    for differs in ("administered-more", "administered-less"):
        if differs in warnings:
            return Check(id="billed-units", state="warn", message=str(warnings[differs]))
    return Check(
        id="billed-units",
        state="pass",
        message=f"{formats.units(administered + wasted)} for "
        f"{result.amount(result.administered_ml)} given"
        + (f" + {result.amount(result.waste_ml)} discarded." if wasted else "."),
    )


def _ndc(result: CalculationResult, crosswalk: CrosswalkSource, service_date: date) -> Check:
    ndc = next((line.ndc for line in result.claim_lines if line.ndc), None)
    if ndc is None:
        return Check(
            id="ndc",
            state="warn",
            message="No NDC on the claim lines; most payers require the 11-digit NDC. "
            "Enter it from the carton.",
        )
    codes = crosswalk.codes_for_ndc(ndc, service_date)
    if codes is None:
        return Check(
            id="ndc",
            state="pass",
            message=f"{ndc} well-formed; not in an imported crosswalk.",
        )
    if result.code not in codes:
        return _fail(
            "ndc",
            f"NDC {ndc} bills under {', '.join(sorted(codes))} in the CMS crosswalk, "
            f"not {result.code}. Check the code or the NDC.",
        )
    return Check(
        id="ndc", state="pass", message=f"{ndc} bills under {result.code} (CMS crosswalk)."
    )


#: What the authorization warnings say, short of what blocks (``core.blockers``).
_AUTH_WARNINGS = frozenset(
    {"prior-authorization-exceeded", "prior-authorization-unknown", "prior-authorization-amount"}
)


def _authorization(
    result: CalculationResult, doc: Documentation, payer: PayerProfile, looked_up: bool
) -> Check:
    refused = authorization_blockers(doc, result)
    if refused:
        return _fail(
            "prior-authorization",
            " ".join(b.message[:1].upper() + b.message[1:] for b in refused),
            refused,
        )
    number = doc.prior_authorization.strip()
    found = [w for w in result.warnings if w.id in _AUTH_WARNINGS]
    if found:
        return Check(
            id="prior-authorization", state="warn", message=" ".join(str(w) for w in found)
        )
    if number and looked_up:
        return Check(
            id="prior-authorization",
            state="pass",
            message=f"{number} in date and within the amount.",
        )
    if number:
        return Check(
            id="prior-authorization",
            state="pass",
            message=f"{number} given; not looked up.",
        )
    return Check(
        id="prior-authorization", state="pass", message=f"{payer.name} does not ask for one."
    )


def _lots(doc: Documentation, day: date, expiring_today_blocks: bool) -> Check:
    failing = vial_blockers(doc, day, expiring_today_blocks)
    if failing:
        return _fail("lots-expiries", _sentence([b.message for b in failing]), failing)
    return Check(id="lots-expiries", state="pass", message="every vial has both, in date.")


def _waste(result: CalculationResult, doc: Documentation) -> Check:
    if result.multi_dose or result.waste_ml == 0:
        return Check(id="waste", state="pass", message="nothing was discarded.")
    missing = waste_blockers(doc, result)
    if missing:
        what = " and ".join(
            "the reason" if b.id == "waste-reason" else "the witness" for b in missing
        )
        return _fail(
            "waste", f"{result.amount(result.waste_ml)} discarded: record {what}.", missing
        )
    return Check(
        id="waste",
        state="pass",
        message=f"{result.amount(result.waste_ml)}, with reason and witness.",
    )


def denial_checks(
    result: CalculationResult,
    doc: Documentation,
    *,
    code: BillingCode,
    payer: PayerProfile,
    service_date: date,
    crosswalk: CrosswalkSource = NO_REFERENCE,
    authorization_looked_up: bool = False,
    expiring_today_blocks: bool = False,
) -> tuple[Check, ...]:
    """Every denial cause, in the order of ``CHECKS``, for a reviewed result.
    ``authorization_looked_up``: ``review`` was given the recorded authorization;
    ``expiring_today_blocks``: the facility's setting for a vial expiring that day."""
    return (
        _necessity(result, doc, payer),
        _diagnosis(result, code),
        _modifiers(result, payer),
        _billed_units(result),
        _ndc(result, crosswalk, service_date),
        _authorization(result, doc, payer, authorization_looked_up),
        _lots(doc, service_date, expiring_today_blocks),
        _waste(result, doc),
    )
