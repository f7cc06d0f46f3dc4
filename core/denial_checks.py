"""The denial-risk check: every known cause of a denied claim, each pass, warn or fail.

``review`` completes a calculation for a claim (route modifiers, diagnosis and prior
authorization warnings); ``denial_checks`` then lists the checks the window shows beside
Print and the worksheet prints. A failure blocks printing for the chart; a warning prints
with the reason the user gave (``Documentation.check_reasons``).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from core import formats
from core.authorizations import AuthorizationState, authorization_warnings
from core.calculation import ROUTE_MODIFIERS, apply_route_modifiers
from core.calculation_models import BillingWarning, CalculationResult
from core.catalog import BillingCode, PayerProfile
from core.documentation import Documentation, undocumented
from core.errors import InputError
from core.icd10 import diagnosis_codes, is_covered
from core.model import Model
from core.reference import NO_REFERENCE, CrosswalkSource

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


class Check(Model):
    id: str
    state: CheckState
    message: str

    @property
    def title(self) -> str:
        return CHECKS[self.id]


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
        extra += authorization_warnings(authorization, result, service_date)
    return result.replace(warnings=(*result.warnings, *extra))


def _ids(result: CalculationResult) -> dict[str, BillingWarning]:
    return {w.id: w for w in result.warnings}


def _necessity(result: CalculationResult, doc: Documentation, payer: PayerProfile) -> Check:
    # The diagnosis has its own check.
    required = [item for item in payer.necessity_required if item != "diagnosis"]
    missing = undocumented(required, doc, result.weight_kg)
    if missing:
        return Check(
            id="medical-necessity",
            state="fail",
            message=f"{payer.name} needs: {', '.join(missing)}. Document them before billing.",
        )
    return Check(
        id="medical-necessity",
        state="pass",
        message=f"all {payer.name} asks for is documented.",
    )


def _diagnosis(result: CalculationResult, code: BillingCode) -> Check:
    warnings = _ids(result)
    for failing in ("diagnosis-missing", "diagnosis-format"):
        if failing in warnings:
            return Check(id="diagnosis", state="fail", message=str(warnings[failing]))
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
        return Check(id="modifiers", state="fail", message=_sentence(problems))
    if notes:
        return Check(id="modifiers", state="warn", message=_sentence(notes))
    shown = ", ".join(line.billed_code for line in lines)
    return Check(id="modifiers", state="pass", message=f"{shown}.")


def _billed_units(result: CalculationResult) -> Check:
    lines = result.claim_lines
    administered = sum(line.units for line in lines if "JW" not in line.modifiers)
    wasted = sum(line.units for line in lines if "JW" in line.modifiers)
    if administered != result.units_administered or wasted != result.units_wasted:
        return Check(
            id="billed-units",
            state="fail",
            message=(
                f"The claim lines bill {formats.units(administered)} and "
                f"{formats.units(wasted)} JW; the dose documented is "
                f"{formats.units(result.units_administered)} and "
                f"{formats.units(result.units_wasted)} JW. Recalculate."
            ),
        )
    warnings = _ids(result)
    if "units-above-labeled" in warnings:
        return Check(id="billed-units", state="fail", message=str(warnings["units-above-labeled"]))
    for differs in ("administered-more", "administered-less"):
        if differs in warnings:
            return Check(id="billed-units", state="warn", message=str(warnings[differs]))
    return Check(
        id="billed-units",
        state="pass",
        message=f"{formats.units(administered + wasted)} for "
        f"{formats.quantity(result.administered_ml, 'mL')} given"
        + (f" + {formats.quantity(result.waste_ml, 'mL')} discarded." if wasted else "."),
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
        return Check(
            id="ndc",
            state="fail",
            message=f"NDC {ndc} bills under {', '.join(sorted(codes))} in the CMS crosswalk, "
            f"not {result.code}. Check the code or the NDC.",
        )
    return Check(
        id="ndc", state="pass", message=f"{ndc} bills under {result.code} (CMS crosswalk)."
    )


_AUTH_STATES: dict[str, CheckState] = {
    "prior-authorization": "fail",
    "prior-authorization-expired": "fail",
    "prior-authorization-code": "fail",
    "prior-authorization-exceeded": "warn",
    "prior-authorization-unknown": "warn",
    "prior-authorization-amount": "warn",
}


def _authorization(
    result: CalculationResult, doc: Documentation, payer: PayerProfile, looked_up: bool
) -> Check:
    number = doc.prior_authorization.strip()
    # The calculation asks for a number it was not given; the documentation may hold it.
    found = [
        w
        for w in result.warnings
        if w.id in _AUTH_STATES and not (w.id == "prior-authorization" and number)
    ]
    if found:
        state: CheckState = "fail" if any(_AUTH_STATES[w.id] == "fail" for w in found) else "warn"
        return Check(id="prior-authorization", state=state, message=" ".join(str(w) for w in found))
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
    required = "asks for" if payer.prior_authorization_required else "does not ask for"
    state = "fail" if payer.prior_authorization_required else "pass"
    return Check(id="prior-authorization", state=state, message=f"{payer.name} {required} one.")


def _lots(doc: Documentation, day: date) -> Check:
    if not doc.vials or any(not v.lot.strip() or v.expiry is None for v in doc.vials):
        return Check(
            id="lots-expiries",
            state="fail",
            message="Each vial needs its lot and expiry.",
        )
    expired = [v.lot for v in doc.vials if v.expired_on(day)]
    if expired:
        return Check(
            id="lots-expiries",
            state="warn",
            message=f"lot {', '.join(expired)} expired before use.",
        )
    return Check(id="lots-expiries", state="pass", message="every vial has both.")


def _waste(result: CalculationResult, doc: Documentation) -> Check:
    if result.multi_dose or result.waste_ml == 0:
        return Check(id="waste", state="pass", message="nothing was discarded.")
    missing = []
    if not doc.waste_reason.strip():
        missing.append("the reason")
    if result.units_wasted and not doc.waste_witness.strip():
        missing.append("the witness")
    if missing:
        return Check(
            id="waste",
            state="fail",
            message=f"{formats.quantity(result.waste_ml, 'mL')} discarded: record "
            f"{' and '.join(missing)}.",
        )
    return Check(
        id="waste",
        state="pass",
        message=f"{formats.quantity(result.waste_ml, 'mL')}, with reason and witness.",
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
) -> tuple[Check, ...]:
    """Every denial cause, in the order of ``CHECKS``, for a reviewed result.
    ``authorization_looked_up``: ``review`` was given the recorded authorization."""
    return (
        _necessity(result, doc, payer),
        _diagnosis(result, code),
        _modifiers(result, payer),
        _billed_units(result),
        _ndc(result, crosswalk, service_date),
        _authorization(result, doc, payer, authorization_looked_up),
        _lots(doc, service_date),
        _waste(result, doc),
    )


#: Checks whose failures ``core.documentation.missing_for_print`` already names.
_NAMED_BY_DOCUMENTATION = {"medical-necessity", "diagnosis", "lots-expiries", "waste"}


def blocking(checks: tuple[Check, ...], missing: list[str]) -> list[str]:
    """What the failed checks add to ``missing`` (``missing_for_print``'s list): every
    reason not to print, each named once."""
    named = set(_NAMED_BY_DOCUMENTATION)
    if "prior authorization number is empty" in missing:
        named.add("prior-authorization")
    return [
        f"{c.title.lower()}: {c.message}" for c in checks if c.state == "fail" and c.id not in named
    ]
