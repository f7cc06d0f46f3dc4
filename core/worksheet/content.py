"""What the worksheet says, as plain text: every field an auditor looks for, in order.

This module decides the wording and the ISMP formatting; ``core.worksheet.render`` only
lays it out. Keeping the two apart means the wording is tested without ReportLab, and
the layout never formats a number itself. Text is kept exactly as typed here; escaping
for Paragraph markup happens at the one place markup is made (``render.markup``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal

from core import formats
from core.calculation_models import CalculationResult, ClaimLine
from core.documentation import Documentation, VialRecord, local_time
from core.pricing import dollars
from core.vial_picture import VialBar, vial_bars

if TYPE_CHECKING:
    from core.accounts.models import Signature
    from core.blockers import Blocker
    from core.denial_checks import Check

TITLE = "Drug Administration and Waste Worksheet"
NOT_RECORDED = "not recorded"
DRAFT_MARK = "DRAFT \N{EM DASH} not for the chart"

#: Paper sizes the worksheet is laid out for; both fit the normal case on one page.
Paper = Literal["a4", "letter"]


def format_worksheet_id(record_id: int) -> str:
    """``42 -> "W-000042"``: the records store's id format (``core.records``).

    Repeated here so the worksheet does not depend on the store; a test checks that the
    two agree.
    """
    return f"W-{record_id:06d}"


def format_date(day: date | None) -> str:
    # ISO dates: unambiguous for any reader (03/04 is March or April depending on who reads).
    return day.isoformat() if day is not None else NOT_RECORDED


def format_datetime(moment: datetime | None) -> str:
    if moment is None:
        return NOT_RECORDED
    text = moment.strftime("%Y-%m-%d %H:%M")
    offset = moment.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{text} (UTC{sign}{hours:02d}:{mins:02d})"


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    #: Print the value so it catches the eye: missing, expired, not CMS-verified.
    flagged: bool = False
    #: A smaller line under the value (e.g. where a code's definition came from).
    note: str = ""
    note_flagged: bool = False


@dataclass(frozen=True)
class VialRow:
    number: int
    size: str
    lot: str
    expiry: str
    kind: str
    status: str
    expired: bool
    missing: bool
    serial: str = ""  # from the package's scanned code; "" when typed by hand


@dataclass(frozen=True)
class ClaimRow:
    number: int
    billed_code: str
    modifiers: str
    units: str
    ndc_segment: str
    meaning: str
    #: "56 units × $41.234 = $2,309.104", or "" without pricing.
    payment: str = ""


@dataclass(frozen=True)
class SignRow:
    role: str
    name: str
    when: str
    #: "signed 2026-11-30 14:02" when the person signed with their PIN (the name is the
    #: account's), "typed, not signed" for a name typed in, "" when none was given.
    how: str = ""


@dataclass(frozen=True)
class CheckRow:
    """One line of the denial-risk check: PASS / WARN / FAIL, what, and the user's reason."""

    state: str
    title: str
    message: str
    reason: str  # for a warning: the reason the user gave, or that none was given


@dataclass(frozen=True)
class WorksheetContent:
    facility: str
    worksheet_id: str
    printed: str
    replaces: str  # "" or "Replaces worksheet W-000041"
    draft: bool
    missing: tuple[str, ...]  # what stops printing for the chart (shown on drafts)
    #: Rows of one or two label|value pairs, as laid out.
    patient: tuple[tuple[Field, ...], ...]
    order: tuple[tuple[Field, ...], ...]
    vials_summary: str
    vials: tuple[VialRow, ...]
    totals: tuple[Field, ...]
    steps: tuple[str, ...]
    claim_lines: tuple[ClaimRow, ...]
    claim_note: str
    waste: tuple[tuple[Field, ...], ...]
    waste_statement: str
    warnings: tuple[str, ...]
    reasons: tuple[Field, ...]
    signoff: tuple[SignRow, ...]
    footer_patient: str
    necessity: tuple[tuple[Field, ...], ...] = ()
    checks: tuple[CheckRow, ...] = ()
    #: Each vial as a bar (given, waste, unit ticks, JW), as the window shows it.
    bars: tuple[VialBar, ...] = ()


def _given(label: str, value: str, required: bool = True) -> Field:
    if value.strip():
        return Field(label, value)
    return Field(label, NOT_RECORDED if required else "none given", flagged=required)


def _size_text(size: str, result: CalculationResult) -> str:
    try:
        return result.amount(Decimal(size.strip()))
    except InvalidOperation:
        return size  # as typed; the form validates sizes, the worksheet never hides one


def _vial_rows(doc: Documentation, result: CalculationResult, day: date) -> tuple[VialRow, ...]:
    kind = "multi-dose" if result.multi_dose else "single-dose"
    records = doc.vials or tuple(
        VialRecord(size_ml=formats.plain(use.size_ml))
        for use in result.vials_by_size
        for _ in range(use.count)
    )
    rows = []
    for number, vial in enumerate(records, start=1):
        expired = vial.expired_on(day)
        missing = not vial.lot.strip() or vial.expiry is None
        if expired:
            status = f"EXPIRED before use on {day.isoformat()}"
        elif missing:
            status = "lot or expiry missing"
        else:
            status = "in date"
        rows.append(
            VialRow(
                number=number,
                size=_size_text(vial.size_ml, result) if vial.size_ml.strip() else NOT_RECORDED,
                lot=vial.lot or NOT_RECORDED,
                expiry=format_date(vial.expiry),
                kind=kind,
                status=status,
                expired=expired,
                missing=missing,
                serial=vial.serial,
            )
        )
    return tuple(rows)


def _claim_meaning(line: ClaimLine) -> str:
    if "JW" in line.modifiers:
        return "discarded (waste)"
    if "JZ" in line.modifiers:
        return "administered; no waste"
    return "administered"


def _payment(line: ClaimLine) -> str:
    if line.payment is None or line.payment_per_unit is None:
        return ""
    amount = (
        f"{formats.units(line.units)} × {dollars(line.payment_per_unit)} = {dollars(line.payment)}"
    )
    return f"billing the waste recovers {amount}" if "JW" in line.modifiers else amount


def _claim_rows(result: CalculationResult) -> tuple[ClaimRow, ...]:
    rows = []
    for number, line in enumerate(result.claim_lines, start=1):
        payment = _payment(line)
        rows.append(
            ClaimRow(
                number=number,
                billed_code=line.billed_code,
                modifiers=" ".join(line.modifiers) or "none",
                units=formats.units(line.units),
                ndc_segment=line.ndc_segment or "no NDC given",
                meaning=_claim_meaning(line) + (f"; {payment}" if payment else ""),
                payment=payment,
            )
        )
    return tuple(rows)


def _pricing_note(result: CalculationResult) -> str:
    """Which file or fee schedule priced the lines, and the code's CMS billing unit."""
    parts = []
    if result.pricing is not None:
        parts.append(
            f"Dollars from the {result.pricing.source} for the service date "
            f"{result.pricing.service_date}."
        )
    if result.code_unit_conflict is not None:
        parts.append(result.code_unit_conflict.message)
    elif result.cms_billing_unit is not None:
        parts.append(f"CMS billing unit for {result.code}: {result.cms_billing_unit}.")
    return " ".join(parts)


def _claim_note(result: CalculationResult) -> str:
    """Why the lines are what they are, in one sentence an auditor can check."""
    if result.multi_dose:
        why = "Multi-dose vial: no JW or JZ modifier; waste is not billed."
    elif not result.setting.waste_modifiers_apply:
        why = f"JW and JZ do not apply to {result.setting.value} claims."
    elif result.units_wasted:
        why = (
            f"Units administered + JW units = "
            f"{formats.units(result.units_administered + result.units_wasted)}, not more than "
            f"the {formats.units(result.labeled_units)} labeled in the vials opened."
        )
    elif result.jz:
        why = "JZ: no billable amount was discarded."
    else:
        why = "No billable waste."
    return f"Bill exactly these lines. {why}"


def _ndc_text(doc: Documentation, result: CalculationResult) -> Field:
    billing = next((line.ndc for line in result.claim_lines if line.ndc), None)
    label = doc.ndc.strip()
    if billing and label and label.replace("-", "") != billing:
        return Field("NDC", f"{label} (label); {billing} (11-digit, 5-4-2, as billed)")
    if billing:
        return Field("NDC", f"{billing} (11-digit, 5-4-2, as billed)")
    if label:
        return Field("NDC", f"{label} (label; not on the claim lines)", flagged=True)
    return Field("NDC", NOT_RECORDED, flagged=True)


def _concentration(result: CalculationResult) -> str:
    c = result.concentration
    if c is None:
        return "not given"
    return f"{formats.number(c.percent)}% ({c})"


def _order(doc: Documentation, result: CalculationResult) -> tuple[tuple[Field, ...], ...]:
    converted = any(step.startswith("Dose ordered:") for step in result.steps)
    ordered = result.amount(result.ordered_ml) + (
        " (converted; see the arithmetic)" if converted else ""
    )
    verified = result.code_cms_verified
    source = f"Definition from: {result.code_source}"
    return (
        (
            Field(
                "Code",
                f"{result.code} \N{EM DASH} {result.descriptor}"
                + ("" if verified else " (not verified CMS data)"),
                note=source,
                note_flagged=not verified,
            ),
        ),
        (
            Field("Product", result.product or "not given"),
            Field("Concentration", _concentration(result)),
        ),
        (_ndc_text(doc, result),),
        (
            Field("Dose ordered", ordered),
            Field("Payer / setting", f"{result.payer} / {result.setting.value}"),
        ),
    )


def _patient(doc: Documentation) -> tuple[tuple[Field, ...], ...]:
    return (
        (
            _given("Patient name", doc.patient_name),
            _given("MRN", doc.mrn),
            Field("Date of birth", format_date(doc.date_of_birth), doc.date_of_birth is None),
        ),
        (
            Field(
                "Administered",
                format_datetime(doc.administered_at),
                doc.administered_at is None,
            ),
            _given("Route", doc.route),
            _given("Prior auth.", doc.prior_authorization, required=False),
        ),
    )


def _waste(
    doc: Documentation, result: CalculationResult
) -> tuple[tuple[tuple[Field, ...], ...], str]:
    if result.multi_dose:
        return (), (
            f"Multi-dose vial: the remaining {result.amount(result.waste_ml)} stays in the "
            "vial and is not waste; waste is not billed (no JW or JZ)."
        )
    if result.waste_ml == 0:
        return (), "Nothing was discarded: the vials opened were used completely."
    billed = (
        f"{formats.units(result.units_wasted)} billed with JW"
        if result.units_wasted
        else "not billed (no whole billing unit, or JW does not apply)"
    )
    fields = (
        (
            Field("Amount discarded", f"{result.amount(result.waste_ml)}; {billed}"),
            _given("Witness", doc.waste_witness),
        ),
        (_given("Reason", doc.waste_reason),),
    )
    statement = (
        f"The {result.amount(result.waste_ml)} left in the single-dose vial(s) was discarded and "
        "disposed of per facility policy."
    )
    return fields, statement


def _warnings(
    result: CalculationResult, vials: tuple[VialRow, ...], doc: Documentation
) -> list[str]:
    shown = [str(w) for w in result.warnings]
    shown += [
        f"Vial {v.number} (lot {v.lot}) expired on {v.expiry}, before the administration "
        "date. Document why it was used and report it per facility policy."
        for v in vials
        if v.expired
    ]
    if doc.vials and len(doc.vials) != result.vials_opened:
        shown.append(
            f"{len(doc.vials)} vial(s) documented but {result.vials_opened} opened in the "
            "calculation. Check the vials."
        )
    return shown


def _signoff(
    doc: Documentation, result: CalculationResult, signatures: Mapping[str, Signature]
) -> tuple[SignRow, ...]:
    def row(role: str, field: str, when: datetime | None) -> SignRow:
        name: str = getattr(doc, field)
        signature = signatures.get(field)
        if signature is not None:
            how = f"signed {format_datetime(local_time(signature.signed_at))}"
            when = when or local_time(signature.signed_at)  # a witness has no time of its own
        else:
            how = "typed, not signed" if name.strip() else ""
        return SignRow(role, name or NOT_RECORDED, format_datetime(when), how)

    rows = [
        row("Prepared by", "prepared_by", doc.prepared_at),
        row("Verified by", "verified_by", doc.verified_at),
    ]
    if result.waste_ml > 0 and not result.multi_dose:
        rows.append(row("Waste witnessed by", "waste_witness", None))
    return tuple(rows)


#: Characters that fit in half a row of the label|value grid on either paper size.
_HALF_ROW = 36


def _necessity(
    doc: Documentation, result: CalculationResult, checks: Sequence[Check]
) -> tuple[tuple[Field, ...], ...]:
    """Label|value pairs, two to a row: what was entered and what the payer requires
    (the medical-necessity check's blockers); optional items nobody entered are left
    out, so an ordinary case stays on one page."""
    missing = {b.field for c in checks for b in c.blockers if b.id == "necessity"}
    weight = ""
    if result.weight_kg is not None:
        weight = formats.quantity(result.weight_kg, "kg") + (
            f" on {doc.weighed_on.isoformat()}" if doc.weighed_on else " (date not recorded)"
        )
    items = (
        ("Diagnosis", "diagnosis", doc.diagnosis),
        ("Indication", "indication", doc.indication),
        ("Results", "labs", "; ".join(map(str, doc.labs))),
        ("Dosing weight", "weight", weight),
        ("Prior treatments", "prior_treatments", "; ".join(t for t in doc.prior_treatments)),
        ("Rationale", "rationale", doc.rationale),
    )
    shown: list[Field] = []
    for label, name, value in items:
        if value.strip():
            shown.append(Field(label, value))
        elif name in missing or label == "Diagnosis":
            shown.append(Field(label, NOT_RECORDED, flagged=True))
    # Short values two to a row, long ones a row each: fewest lines on paper.
    short = [f for f in shown if len(f.value) <= _HALF_ROW]
    rows = [tuple(short[i : i + 2]) for i in range(0, len(short), 2)]
    return (*rows, *((f,) for f in shown if len(f.value) > _HALF_ROW))


def _check_rows(checks: Sequence[Check], doc: Documentation) -> tuple[CheckRow, ...]:
    rows = []
    for check in checks:
        reason = ""
        if check.state == "warn":
            given = doc.check_reasons.get(check.id, "").strip()
            reason = f"Reason: {given}" if given else "Reason: none given"
        rows.append(CheckRow(check.state.upper(), check.title, check.message, reason))
    return tuple(rows)


def worksheet_content(
    result: CalculationResult,
    doc: Documentation,
    *,
    worksheet_id: str,
    printed_at: datetime,
    replaces: int | None = None,
    draft: bool = False,
    notices: tuple[str, ...] = (),
    checks: Sequence[Check] = (),
    signatures: Mapping[str, Signature] | None = None,
    blockers: Sequence[Blocker] = (),
) -> WorksheetContent:
    """Everything the worksheet prints, worded and formatted, from the calculation and
    the documentation fields. ``replaces`` (a record id) wins over ``doc.replaces``;
    ``notices`` are extra warnings (e.g. text the font cannot print). ``signatures`` are
    the PIN signatures by documentation field (``prepared_by``, ``verified_by``,
    ``waste_witness``); a name without one prints as "typed, not signed". A draft lists
    the ``blockers`` (``DoseSession.blockers``) as what keeps it from the chart."""
    replaced = replaces if replaces is not None else doc.replaces
    # Expiry is judged on the day the dose was given; without that, on the day printed.
    day = doc.administered_at.date() if doc.administered_at else printed_at.date()
    vials = _vial_rows(doc, result, day)
    waste_fields, waste_statement = _waste(doc, result)
    claim_note = " ".join(filter(None, (_claim_note(result), _pricing_note(result))))
    reasons = []
    if doc.difference_reason.strip():
        reasons.append(Field("Reason for difference / override", doc.difference_reason))
    if doc.notes.strip():
        reasons.append(Field("Notes (adverse events, patient-specific)", doc.notes))
    footer_patient = " \N{MIDDLE DOT} ".join(
        part
        for part in (
            doc.patient_name.strip(),
            f"MRN {doc.mrn.strip()}" if doc.mrn.strip() else "",
            f"DOB {format_date(doc.date_of_birth)}" if doc.date_of_birth else "",
        )
        if part
    )
    return WorksheetContent(
        facility=doc.facility,
        worksheet_id=worksheet_id,
        printed=format_datetime(printed_at),
        replaces=f"Replaces worksheet {format_worksheet_id(replaced)}" if replaced else "",
        draft=draft,
        missing=tuple(b.message for b in blockers) if draft else (),
        patient=_patient(doc),
        order=_order(doc, result),
        vials_summary=(
            " + ".join(str(c) for c in result.vials_by_size)
            + f" = {result.amount(result.opened_ml)} opened"
            + (" (planned by the calculator)" if result.vials_derived else " (entered)")
        ),
        vials=vials,
        totals=(
            Field("Administered", result.amount(result.administered_ml)),
            Field("Units administered", formats.units(result.units_administered)),
            Field("Waste", result.amount(result.waste_ml)),
            Field("Waste units (JW)", formats.units(result.units_wasted)),
        ),
        steps=result.steps,
        claim_lines=_claim_rows(result),
        claim_note=claim_note,
        waste=waste_fields,
        waste_statement=waste_statement,
        warnings=(*_warnings(result, vials, doc), *notices),
        reasons=tuple(reasons),
        signoff=_signoff(doc, result, signatures or {}),
        footer_patient=footer_patient,
        necessity=_necessity(doc, result, checks),
        checks=_check_rows(checks, doc),
        bars=tuple(vial_bars(result)),
    )
