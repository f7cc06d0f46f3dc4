"""What stands between a dose and the chart: one list, each rule written once, here.

A ``Blocker`` names what must change (``id``, stable for scripts and tests), says it in
words (``message``), points at the field or denial-risk check it belongs to (``field``)
and says which step it stops (``step``): ``"verify"`` stops the second person's check
(and so printing), ``"print"`` only the worksheet for the chart.

``DoseSession.blockers`` is the one list the window, ``main.py worksheet`` (printing,
recording and ``--dry-run``), the verification queue and the pending-verification pane
show. It is made by ``dose_blockers`` from the session's state, the documentation and
the denial-risk check (``core.denial_checks``), whose failing checks carry the blockers
of the rules below that they are about (vials, waste, medical necessity, prior
authorization, diagnosis). No other module decides what blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from core.constants import DIFFERENT_PEOPLE, ROUTES
from core.documentation import (
    FIELD_WORDS,
    Documentation,
    fact_problems,
    same_person,
    text_problems,
    undocumented,
)
from core.model import Model

if TYPE_CHECKING:
    from core.calculation_models import CalculationResult
    from core.catalog import PayerProfile

Step = Literal["verify", "print"]


class Blocker(Model):
    """One thing that keeps the dose from the chart."""

    id: str
    message: str
    #: The documentation or dose field (``patient_name``, ``vials``...), else the
    #: denial-risk check (``modifiers``) or the step (``dose``, ``verification``).
    field: str
    step: Step = "print"


class Checked(Protocol):
    """A denial-risk check (``core.denial_checks.Check``) as far as blocking goes."""

    @property
    def blockers(self) -> tuple[Blocker, ...]: ...


def stops_verification(blockers: Iterable[Blocker]) -> list[Blocker]:
    return [b for b in blockers if b.step == "verify"]


# -- the dose and the session ----------------------------------------------------------------

NOT_CALCULATED = Blocker(
    id="not-calculated", message="the dose is not calculated", field="dose", step="verify"
)
NOT_VERIFIED = Blocker(
    id="not-verified", message="the dose has not been verified", field="verification"
)


def unreadable_blockers(problems: Mapping[str, str]) -> list[Blocker]:
    """A field that could not be read would silently be left out: it blocks."""
    return [
        Blocker(id="unreadable", message=f"{_words(key)}: {message}", field=key)
        for key, message in problems.items()
    ]


def review_blocker(problem: str) -> Blocker:
    """The denial-risk check could not run (e.g. a damaged store): nothing is known."""
    return Blocker(id="checks-unavailable", message=problem, field="checks")


# -- the documentation -----------------------------------------------------------------------

_KEYS = {words: key for key, words in FIELD_WORDS.items()}
#: Who signs: without both, and two different people, nobody can verify.
_PEOPLE = ("prepared_by", "verified_by")
_REQUIRED_TEXT = ("patient_name", "mrn", "route")


#: Fields without a text limit, in words.
_MORE_WORDS = {"labs": "supporting results", "weighed_on": "weighed on"}


def _words(key: str) -> str:
    return FIELD_WORDS.get(key) or _MORE_WORDS.get(key) or key.replace("_", " ")


def _lower(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


def _text_field(words: str) -> str:
    if words in _KEYS:
        return _KEYS[words]
    return "vials" if words.startswith("vial ") else "prior_treatments"


def documentation_blockers(
    doc: Documentation, result: CalculationResult, now: datetime
) -> list[Blocker]:
    """The documentation's own rules: text that cannot print, facts that cannot be
    true, the fields every worksheet needs, the two people, the reason for a difference."""
    found = [
        Blocker(id="text", message=str(problem), field=_text_field(problem.field))
        for problem in text_problems(doc)
    ]
    found += [
        Blocker(id="administered-ahead", message=str(problem), field="administered_at")
        for problem in fact_problems(doc, now)
    ]
    found += [
        Blocker(id="required", message=f"{_words(key)} is empty", field=key)
        for key in _REQUIRED_TEXT
        if not str(getattr(doc, key)).strip()
    ]
    if doc.date_of_birth is None:
        found.append(
            Blocker(id="required", message="date of birth is empty", field="date_of_birth")
        )
    if doc.administered_at is None:
        found.append(
            Blocker(
                id="required",
                message="date and time of administration is empty",
                field="administered_at",
            )
        )
    if doc.route.strip() and doc.route not in ROUTES:
        found.append(
            Blocker(id="route", message=f"route must be one of {', '.join(ROUTES)}", field="route")
        )
    found += people_blockers(doc)
    differs = any(w.id in {"administered-more", "administered-less"} for w in result.warnings)
    if differs and not doc.difference_reason.strip():
        found.append(
            Blocker(
                id="difference-reason",
                message="reason the amount administered differs from the order is empty",
                field="difference_reason",
            )
        )
    return found


def people_blockers(doc: Documentation) -> list[Blocker]:
    """Who prepared and who verifies, two different people: both stop verification."""
    found = [
        Blocker(id="required", message=f"{_words(key)} is empty", field=key, step="verify")
        for key in _PEOPLE
        if not str(getattr(doc, key)).strip()
    ]
    if doc.verified_by.strip() and same_person(doc.prepared_by, doc.verified_by):
        found.append(
            Blocker(
                id="same-person",
                message=f"verified by {DIFFERENT_PEOPLE}",
                field="verified_by",
                step="verify",
            )
        )
    return found


# -- the rules the denial-risk check is about (``core.denial_checks`` asks these) ------------


def vial_blockers(doc: Documentation, day: date, expiring_today_blocks: bool) -> list[Blocker]:
    """Each vial with its lot and expiry; an expired vial (or, if the facility says so,
    one expiring on ``day``) must not go into the dose: it stops verification."""
    found = []
    if not doc.vials or any(not v.lot.strip() or v.expiry is None for v in doc.vials):
        found.append(
            Blocker(
                id="vial-lot-expiry", message="each vial needs its lot and expiry", field="vials"
            )
        )
    return found + [
        Blocker(
            id="vial-expired",
            message=f"vial {number} (lot {vial.lot or 'not recorded'}) "
            + (
                "expires on the day of administration"
                if vial.expiry == day
                else f"expired on {vial.expiry}, before the administration"
            ),
            field="vials",
            step="verify",
        )
        for number, vial in enumerate(doc.vials, start=1)
        if vial.expired_on(day, expiring_today_blocks)
    ]


def waste_blockers(doc: Documentation, result: CalculationResult) -> list[Blocker]:
    """Drug discarded from a single-dose vial is documented with its reason, billable
    (JW) or not, and billed waste with its witness; a multi-dose remainder stays."""
    if result.multi_dose or result.waste_ml == 0:
        return []
    found = []
    if not doc.waste_reason.strip():
        found.append(
            Blocker(
                id="waste-reason",
                message="waste reason is empty (discarded drug must be documented)",
                field="waste_reason",
            )
        )
    if result.units_wasted and not doc.waste_witness.strip():
        found.append(
            Blocker(id="waste-witness", message="waste witness is empty", field="waste_witness")
        )
    return found


def necessity_blockers(
    doc: Documentation, result: CalculationResult, payer: PayerProfile
) -> list[Blocker]:
    """Each medical-necessity item the payer requires that is not documented (the
    diagnosis is the diagnosis check's)."""
    return [
        Blocker(id="necessity", message=f"{words} is empty", field=item)
        for item in payer.necessity_required
        if item != "diagnosis"
        for words in undocumented([item], doc, result.weight_kg)
    ]


def diagnosis_blockers(result: CalculationResult) -> list[Blocker]:
    """No diagnosis, or one that is not ICD-10 (``core.denial_checks.review`` reads it)."""
    words = {"diagnosis-missing": "diagnosis (ICD-10) is empty", "diagnosis-format": ""}
    return [
        Blocker(id=w.id, message=words[w.id] or _lower(w.message.rstrip(".")), field="diagnosis")
        for w in result.warnings
        if w.id in words
    ]


#: What the authorization recorded on this site says that stops a claim.
_AUTHORIZATION_REFUSALS = frozenset({"prior-authorization-expired", "prior-authorization-code"})


def authorization_blockers(doc: Documentation, result: CalculationResult) -> list[Blocker]:
    """The calculation says the payer asks for prior authorization (``prior-authorization``,
    written in ``core.calculation``) and the documentation gives no number either; or the
    number recorded on this site is out of date or for another code."""
    asked = next((w for w in result.warnings if w.id == "prior-authorization"), None)
    if asked is not None and not doc.prior_authorization.strip():
        return [
            Blocker(
                id="prior-authorization",
                message=f"prior authorization number is empty ({asked.message.rstrip('.')})",
                field="prior_authorization",
            )
        ]
    return [
        Blocker(id=w.id, message=str(w), field="prior_authorization")
        for w in result.warnings
        if w.id in _AUTHORIZATION_REFUSALS
    ]


# -- the one list ----------------------------------------------------------------------------


def dose_blockers(
    result: CalculationResult | None,
    doc: Documentation,
    *,
    checks: Sequence[Checked] | str,
    verified: bool,
    now: datetime,
    unreadable: Mapping[str, str] | None = None,
) -> list[Blocker]:
    """Everything that keeps the dose from the chart, each named once; empty when it may
    go. ``checks`` is the denial-risk check of the reviewed result, or why it could not
    run; ``unreadable`` the fields (by key) that could not be read."""
    found = unreadable_blockers(unreadable or {})
    if result is None:
        return [NOT_CALCULATED, *found]
    found += documentation_blockers(doc, result, now)
    if isinstance(checks, str):
        found.append(review_blocker(checks))
    else:
        found += [b for check in checks for b in check.blockers]
    if not verified:
        found.append(NOT_VERIFIED)
    return found
