"""One dose from typing to record: the state the window shows and the command line drives.

A ``DoseSession`` holds the dose inputs as typed, the result (or the problem with each
field), the documentation, the two-person verification, the claim as reviewed (its
denial-risk checks), what still blocks the chart (``core.blockers``: the one list every
caller shows), the worksheet once recorded, and the worksheet it corrects. It knows nothing of Qt:
the window forwards each edit (``set_dose``, ``set_documentation``, ``verify``) and
redraws from the session; ``main.py worksheet`` does the same from its options::

    session = DoseSession(site.catalog, site.payers)
    session.set_dose(DoseForm(vial_size="10", dose_ordered="12", administered="12"))
    session.result.units_administered            # 3
    session.set_documentation(Documentation(prepared_by="JK", verified_by="MO", ...))
    session.verify()                              # undone by the next change to the dose
    session.blockers()                            # [] when it may go into the chart
    worksheet_id, pdf = session.record(site, build_pdf)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from core.calculation_models import CalculationResult
from core.catalog import Catalog, PayerList
from core.dose_input import FIELD_NAMES, DoseForm, DoseInputError, ImportedCodes, evaluate
from core.errors import InputError
from core.ndc import parse_ndc

if TYPE_CHECKING:
    from core.accounts import Signature
    from core.blockers import Blocker
    from core.claim_review import ClaimReview, ClaimReviewer
    from core.denial_checks import Check
    from core.documentation import Documentation
    from core.recording import BuildPdf
    from core.records import WorksheetRecord
    from core.site import Site

__all__ = [
    "DIFFERENCE_WARNINGS",
    "CodeNote",
    "DoseSession",
    "SessionError",
    "field_sentence",
]

#: Warnings that ask for the reason the amount administered differs from the order.
DIFFERENCE_WARNINGS = frozenset({"administered-more", "administered-less"})


class SessionError(Exception):
    """A step the session refused (verify an incomplete dose, record an unready one)."""


@dataclass(frozen=True)
class CodeNote:
    """Where the chosen code's definition comes from; ``warning`` when not CMS data."""

    text: str
    warning: bool


@dataclass(frozen=True)
class _Verification:
    dose: DoseForm
    prepared_by: str
    verified_by: str
    at: datetime


def _minute(clock: Callable[[], datetime]) -> datetime:
    return clock().replace(second=0, microsecond=0)


class DoseSession:
    """One dose. ``clock`` gives local time (tests pass a fixed one)."""

    def __init__(
        self,
        catalog: Catalog,
        payers: PayerList,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.catalog = catalog  # the site's: every rule of this dose asks these two
        self.payers = payers
        self.clock = clock
        self.dose = DoseForm()
        self._documentation: Documentation | None = None
        self.result: CalculationResult | None = None
        #: Field key (``core.dose_input.FIELD_NAMES``) -> what is wrong with it, in words.
        self.errors: dict[str, str] = {}
        self.prepared_at: datetime | None = None
        #: Record id of the worksheet this dose corrects, while a correction is open.
        self.replaces: int | None = None
        #: Why the last verification was undone, until the dose is verified again.
        self.undone_because: str | None = None
        #: The facility's setting, read when asked (the window's Settings may change it):
        #: a vial expiring on the day of administration blocks.
        self.expiring_today_setting: Callable[[], bool] = lambda: False
        #: How the claim is reviewed: without a site, from the catalog and payers alone;
        #: the window and the command line give one that reads the site's records.
        self.reviewer: ClaimReviewer = self._review_alone
        #: Fields the window could not read, by key (each answering ``{key: why}``).
        self.unreadable_sources: list[Callable[[], Mapping[str, str]]] = []
        #: Codes the catalog does not hold, from the site's imported CMS pricing file
        #: (``Site.imported_codes``); none without a site.
        self.imported_codes: ImportedCodes | None = None
        self._claim: tuple[tuple[object, ...], ClaimReview] | None = None
        self._verification: _Verification | None = None
        self._recorded: tuple[tuple[DoseForm, Documentation], str, bytes] | None = None
        self.set_dose(DoseForm())

    @property
    def expiring_today_blocks(self) -> bool:
        return self.expiring_today_setting()

    @expiring_today_blocks.setter
    def expiring_today_blocks(self, blocks: bool) -> None:
        self.expiring_today_setting = lambda: blocks

    # -- inputs ------------------------------------------------------------------------------

    def set_dose(self, form: DoseForm) -> bool:
        """Take the dose as typed and recalculate; ``True`` if it changed.

        A half-typed NDC must not blank the result, so it is left out of the
        calculation (and named in ``errors``) until it reads as an NDC.
        """
        ndc_problem = self._ndc_problem(form.ndc)
        calculated = form.replace(ndc="") if ndc_problem else form
        try:
            result: CalculationResult | None = evaluate(
                calculated, self.catalog, self.payers, self.imported_codes
            )
            errors: dict[str, str] = {}
        except DoseInputError as problems:
            result, errors = None, problems.messages
        if ndc_problem:
            errors["ndc"] = ndc_problem
        changed = form != self.dose
        if changed:
            self.prepared_at = _minute(self.clock)
        self.dose, self.result, self.errors = form, result, errors
        verification = self._verification
        if verification is not None and verification.dose != form:
            self._undo("the dose changed")
        return changed

    def set_documentation(self, documentation: Documentation) -> None:
        """Take the documentation as typed. Changing who prepared or verified undoes the
        verification; the verification and preparation times are the session's own."""
        verification = self._verification
        if verification is not None and (
            verification.prepared_by != documentation.prepared_by
            or verification.verified_by != documentation.verified_by
        ):
            self._undo("who prepared or verified changed")
        self._documentation = documentation

    @property
    def documentation(self) -> Documentation:
        """The documentation as typed; empty until it is set. Made when first asked for:
        its model loads pydantic, and the dose alone (the first answer) does without."""
        if self._documentation is None:
            from core.documentation import Documentation

            self._documentation = Documentation()
        return self._documentation

    @staticmethod
    def _ndc_problem(text: str) -> str | None:
        if not text.strip():
            return None
        try:
            parse_ndc(text, FIELD_NAMES["ndc"])
        except InputError as error:
            return error.message
        return None

    # -- verification ------------------------------------------------------------------------

    @property
    def verified_at(self) -> datetime | None:
        return self._verification.at if self._verification is not None else None

    def verification_problem(self) -> str | None:
        """Why the dose on screen cannot be verified now, in words; ``None`` if it can
        (the first of the blockers that stop verification)."""
        from core.blockers import stops_verification

        stopping = stops_verification(self.blockers())
        if not stopping:
            return None
        message = stopping[0].message
        return message[:1].upper() + message[1:] + "."

    def names_conflict(self) -> bool:
        from core.blockers import people_blockers

        return any(b.id == "same-person" for b in people_blockers(self.documentation))

    def verify(self, at: datetime | None = None) -> datetime:
        """The nurse confirms the dose on screen (now, or ``at``); raises ``SessionError``."""
        problem = self.verification_problem()
        if problem is not None:
            raise SessionError(problem)
        moment = at or _minute(self.clock)
        doc = self.documentation
        self._verification = _Verification(self.dose, doc.prepared_by, doc.verified_by, moment)
        self.undone_because = None
        return moment

    def _undo(self, why: str) -> None:
        self._verification = None
        self.undone_because = why

    # -- what the dose asks for ------------------------------------------------------------

    @property
    def needs_difference_reason(self) -> bool:
        result = self.result
        return result is not None and any(w.id in DIFFERENCE_WARNINGS for w in result.warnings)

    def opened_vial_sizes(self) -> list[str]:
        """Each vial opened, by its size in mL as shown (``["10", "10"]``)."""
        from core import formats

        if self.result is None:
            return []
        return [
            formats.number(c.size_ml) for c in self.result.vials_by_size for _ in range(c.count)
        ]

    def code_note(self) -> CodeNote:
        """Where the chosen code's definition comes from, and a product billed elsewhere."""
        hcpcs = self.dose.code or self.catalog.default_code.hcpcs
        code = next((c for c in self.catalog.codes if c.hcpcs == hcpcs), None)
        if code is None and self.result is not None and self.result.code == hcpcs.upper():
            from core.claim_review import billed_code

            code = billed_code(self.result, self.catalog)  # from the imported CMS files
        if code is None:
            return CodeNote("", False)
        source = self.result.code_source if self.result is not None else code.source
        if code.cms_verified:
            note = CodeNote(f"Definition: {source}", False)
        else:
            note = CodeNote(f"Definition not CMS-verified. Source: {source}", True)
        product = next((p for p in self.catalog.products if p.name == self.dose.product), None)
        if product is not None and product.hcpcs != code.hcpcs:
            note = CodeNote(f"{note.text} {product.name} is listed under {product.hcpcs}.", True)
        return note

    def product_defaults(self, name: str) -> tuple[str, str] | None:
        """A catalog product's route and concentration percent (``("IV", "10")``)."""
        from core import formats

        product = next((p for p in self.catalog.products if p.name == name), None)
        if product is None:
            return None
        return product.route, formats.number(product.concentration.percent)

    # -- printing and recording --------------------------------------------------------------

    def worksheet_documentation(self, facility: str | None = None) -> Documentation:
        """The documentation as it prints: with preparation and verification times and the
        worksheet it corrects (``facility`` fills the header when given)."""
        update: dict[str, object] = {
            "prepared_at": self.documentation.prepared_at or self.prepared_at,
            "verified_at": self.verified_at,
            "replaces": self.replaces or self.documentation.replaces,
        }
        if facility is not None:
            update["facility"] = facility
        return self.documentation.replace(**update)

    def _review_alone(
        self,
        result: CalculationResult,
        doc: Documentation,
        *,
        service_date: date,
        expiring_today_blocks: bool,
    ) -> tuple[CalculationResult, tuple[Check, ...]]:
        from core.claim_review import check_claim

        return check_claim(
            result,
            doc,
            route=doc.route,
            service_date=service_date,
            catalog=self.catalog,
            payers=self.payers,
            expiring_today_blocks=expiring_today_blocks,
        )

    def claim(self) -> ClaimReview | None:
        """The dose's claim as reviewed (``None`` until calculated). Reviewed again only
        when the dose, the documentation or the day changed (or ``forget_claim``)."""
        from core.claim_review import ClaimReview

        result = self.result
        if result is None:
            return None
        doc = self.worksheet_documentation()
        day = (doc.administered_at or self.clock()).date()
        expiring_today_blocks = self.expiring_today_blocks
        key = (result, doc, day, expiring_today_blocks, self.reviewer)
        if self._claim is not None and self._claim[0] == key:
            return self._claim[1]
        try:
            reviewed, checks = self.reviewer(
                result, doc, service_date=day, expiring_today_blocks=expiring_today_blocks
            )
            claim = ClaimReview(reviewed, checks)
        except InputError as error:  # e.g. a damaged store: the checks are not known
            claim = ClaimReview(result, (), error)
        self._claim = (key, claim)
        return claim

    def forget_claim(self) -> None:
        """Review the claim again next time (the site's records changed)."""
        self._claim = None

    def blockers(self, now: datetime | None = None) -> list[Blocker]:
        """What keeps the dose from the chart (``core.blockers``); empty when it may go.
        ``now`` (default: the session's clock) judges the administration time."""
        from core.blockers import dose_blockers

        unreadable = {"ndc": self.errors["ndc"]} if "ndc" in self.errors else {}
        for source in self.unreadable_sources:
            unreadable.update(source())
        claim = self.claim()
        checks: tuple[Check, ...] | str = ()
        if claim is not None:
            checks = str(claim.error) if claim.error is not None else claim.checks
        return dose_blockers(
            self.result,
            self.worksheet_documentation(),
            checks=checks,
            verified=self.verified_at is not None,
            now=now or self.clock(),
            unreadable=unreadable,
        )

    def record(
        self,
        site: Site,
        build: BuildPdf,
        *,
        facility: str | None = None,
        extra_inputs: Mapping[str, object] | None = None,
        result: CalculationResult | None = None,
        signatures: Mapping[str, Signature] | None = None,
    ) -> tuple[str, bytes]:
        """Record the worksheet and return (worksheet ID, PDF bytes).

        Recording the same worksheet again without a change returns the same record,
        not a duplicate. Raises ``SessionError`` while something blocks printing, and the
        store's ``RecordStoreError`` or ``OSError`` when it cannot write. ``result`` is the
        calculation as billed when review or pricing changed it (route modifiers, dollars).
        """
        from core.recording import record_worksheet

        blockers = self.blockers()
        if blockers or self.result is None:
            raise SessionError("not ready for the chart: " + "; ".join(b.message for b in blockers))
        doc = self.worksheet_documentation(facility)
        key = (self.dose, doc)
        if self._recorded is not None and self._recorded[0] == key:
            return self._recorded[1], self._recorded[2]
        record, pdf = record_worksheet(
            site,
            self.dose,
            doc,
            result or self.result,
            build,
            extra_inputs=extra_inputs,
            signatures=signatures,
        )
        self._recorded = (key, record.worksheet_id, pdf)
        self.forget_claim()  # the authorization's use may count this worksheet now
        return record.worksheet_id, pdf

    @property
    def recorded_id(self) -> str | None:
        """The worksheet ID recorded for the dose and documentation as they are now;
        ``None`` once anything changed since (or nothing was recorded)."""
        if self._recorded is None:
            return None
        (dose, doc), worksheet_id, _ = self._recorded
        current = self.worksheet_documentation(doc.facility)
        return worksheet_id if (self.dose, current) == (dose, doc) else None

    # -- corrections and a new dose ----------------------------------------------------------

    def start_correction(self, record: WorksheetRecord) -> dict[str, str]:
        """Open a recorded worksheet again: its form fields (core names); the worksheet
        recorded next replaces it."""
        from core.drafts import fields_from_record

        self.replaces = record.id
        self._verification = None  # the reopened dose is verified again before printing
        self.undone_because = None
        return fields_from_record(record.inputs)

    def stop_correction(self) -> None:
        self.replaces = None

    def clear(self) -> None:
        """A new dose: inputs, verification and correction forgotten."""
        self._verification = None
        self.undone_because = None
        self.replaces = None
        self._documentation = None
        self.set_dose(DoseForm())


def field_sentence(key: str, message: str) -> str:
    """``dose_ordered`` + ``is empty; enter an amount`` -> ``Dose ordered is empty; ...``."""
    name = FIELD_NAMES.get(key, key.replace("_", " "))
    name = name[:1].upper() + name[1:]
    joined = " " if message.split(" ", 1)[0] in {"is", "must", "has", "cannot"} else ": "
    return f"{name}{joined}{message}"
