"""The documentation fields of a worksheet: who, when, which vials, why, and who checked.

The window fills these in, the worksheet prints them, the records store keeps them.
What must be filled in before a worksheet may go into the chart is ``core.blockers``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeGuard

from pydantic import Field, field_validator

from core.dates import parse_date, parse_datetime
from core.errors import InputError
from core.model import Model
from core.necessity import LabResult, missing_items, parse_lab
from core.quantities import MAX_VIALS
from core.text import check_text

#: Highest worksheet ID number accepted where one is typed (W-999999999); 2^64 overflowed
#: the records store.
MAX_WORKSHEET_ID = 999_999_999


def _us_date(value: object) -> TypeGuard[str]:
    """Text written the US way (03/14/2025): read by ``core.dates``, not by pydantic."""
    return isinstance(value, str) and "/" in value


class VialRecord(Model):
    """One vial opened: its labeled size, lot and expiry (and, when its package
    code was scanned, its serial number and 11-digit NDC)."""

    size_ml: str = ""  # as shown to the user, e.g. "10"
    lot: str = ""
    expiry: date | None = None
    serial: str = ""
    ndc: str = ""  # 11 digits, from the scanned GTIN

    @field_validator("expiry", mode="before")
    @classmethod
    def _expiry_as_printed(cls, value: object) -> object:
        """A case file may write the expiry as the window takes it: 01/31/2027, 01/2027."""
        return parse_date(value, month_only=True) if _us_date(value) else value

    def expired_on(self, day: date, expiring_today_blocks: bool = False) -> bool:
        return is_expired(self.expiry, day, expiring_today_blocks)


def is_expired(expiry: date | None, day: date, expiring_today_blocks: bool = False) -> bool:
    """Expired at ``day``: a vial is good through its expiry date, unless the facility
    treats the expiry day itself as too late."""
    if expiry is None:
        return False
    return expiry <= day if expiring_today_blocks else expiry < day


class Documentation(Model):
    """Everything on the worksheet that is not arithmetic. Text is kept exactly as typed."""

    facility: str = ""
    patient_name: str = ""
    mrn: str = ""
    date_of_birth: date | None = None
    administered_at: datetime | None = None
    route: str = "IV"
    diagnosis: str = ""  # ICD-10 code(s), e.g. "D80.1"
    prior_authorization: str = ""
    ndc: str = ""  # as on the label; the claim form comes from core.ndc
    vials: tuple[VialRecord, ...] = Field(default=(), max_length=MAX_VIALS)
    waste_reason: str = ""
    waste_witness: str = ""
    difference_reason: str = ""  # why administered differs from ordered, or an override
    notes: str = ""  # adverse events, patient-specific notes
    prepared_by: str = ""
    prepared_at: datetime | None = None
    verified_by: str = ""
    verified_at: datetime | None = None
    #: Worksheet this one corrects (records store id), printed as "replaces worksheet N".
    replaces: int | None = Field(default=None, ge=1, le=MAX_WORKSHEET_ID)
    # Medical necessity (core.necessity): what the payer needs to see why the dose was given.
    indication: str = ""  # the condition in words, e.g. "CVID, recurrent pneumonia"
    labs: tuple[LabResult, ...] = ()
    prior_treatments: tuple[str, ...] = ()
    rationale: str = ""
    weighed_on: date | None = None  # the day the dosing weight was taken
    #: The user's reason for printing despite a warning, by check id (core.denial_checks).
    check_reasons: dict[str, str] = Field(default_factory=dict)

    @field_validator("date_of_birth", "weighed_on", mode="before")
    @classmethod
    def _date_as_typed(cls, value: object) -> object:
        """MM/DD/YYYY in a case file as in the window and on the command line (one parser,
        ``core.dates``); ISO text is left to pydantic."""
        return parse_date(value) if _us_date(value) else value

    @field_validator("administered_at", "prepared_at", "verified_at", mode="before")
    @classmethod
    def _datetime_as_typed(cls, value: object) -> object:
        return parse_datetime(value) if _us_date(value) else value

    @field_validator("labs", mode="before")
    @classmethod
    def _labs_as_typed(cls, value: object) -> object:
        """A case file may write a result as typed: ``"IgG trough=450 mg/dL on 2026-11-01"``."""
        if isinstance(value, list | tuple):
            return tuple(parse_lab(v, "labs") if isinstance(v, str) else v for v in value)
        return value


#: Longest text each field takes, in characters: every real name, MRN, lot or note fits;
#: more is a paste gone wrong, and 10,000 characters took seconds to lay out.
TEXT_LIMITS: dict[str, int] = {
    "facility": 200,
    "patient_name": 200,
    "mrn": 64,
    "route": 8,
    "diagnosis": 200,
    "prior_authorization": 64,
    "ndc": 32,
    "waste_reason": 2000,
    "waste_witness": 200,
    "difference_reason": 2000,
    "notes": 10_000,
    "prepared_by": 200,
    "verified_by": 200,
    "indication": 2000,
    "rationale": 4000,
}
VIAL_LIMITS: dict[str, int] = {"size_ml": 32, "lot": 64, "serial": 64, "ndc": 32}
#: Fields typed in several lines (the window's notes boxes): tab and newline allowed.
_MULTI_LINE = frozenset({"waste_reason", "difference_reason", "notes", "indication", "rationale"})
#: Each prior treatment (a drug, dose and dates), and how many are listed.
PRIOR_TREATMENT_LIMIT = 500
MAX_PRIOR_TREATMENTS = 20
#: Field -> the words for it in messages.
FIELD_WORDS: dict[str, str] = {
    "facility": "facility",
    "patient_name": "patient name",
    "mrn": "MRN",
    "route": "route",
    "diagnosis": "diagnosis",
    "prior_authorization": "prior authorization",
    "ndc": "NDC",
    "waste_reason": "waste reason",
    "waste_witness": "waste witness",
    "difference_reason": "difference reason",
    "notes": "notes",
    "prepared_by": "prepared by",
    "verified_by": "verified by",
    "indication": "indication",
    "rationale": "clinical rationale",
}


def text_problems(doc: Documentation) -> list[InputError]:
    """Each text field that is too long or holds what is not text, named."""
    problems: list[InputError] = []
    for key, limit in TEXT_LIMITS.items():
        try:
            check_text(getattr(doc, key), FIELD_WORDS[key], limit, lines=key in _MULTI_LINE)
        except InputError as error:
            problems.append(error)
    for number, vial in enumerate(doc.vials, start=1):
        for key, limit in VIAL_LIMITS.items():
            words = "size" if key == "size_ml" else key
            try:
                check_text(getattr(vial, key), f"vial {number} {words}", limit)
            except InputError as error:
                problems.append(error)
    if len(doc.prior_treatments) > MAX_PRIOR_TREATMENTS:
        problems.append(
            InputError("prior treatments", f"list at most {MAX_PRIOR_TREATMENTS}; summarize")
        )
    for number, treatment in enumerate(doc.prior_treatments, start=1):
        try:
            check_text(treatment, f"prior treatment {number}", PRIOR_TREATMENT_LIMIT)
        except InputError as error:
            problems.append(error)
    return problems


def printable_documentation(doc: Documentation) -> Documentation:
    """``doc`` with each text that fails its check replaced by the reason in brackets.

    A draft of bad input then lays out at once (a 10,000-character name took ReportLab
    half a minute) and says what to fix; a worksheet for the chart is refused before.
    """
    update: dict[str, object] = {}
    for key, limit in TEXT_LIMITS.items():
        try:
            check_text(getattr(doc, key), FIELD_WORDS[key], limit, lines=key in _MULTI_LINE)
        except InputError as error:
            update[key] = f"[not printed: {error.message}]"
    vials = []
    for vial in doc.vials:
        fixed: dict[str, object] = {}
        for key, limit in VIAL_LIMITS.items():
            try:
                check_text(getattr(vial, key), key, limit)
            except InputError as error:
                fixed[key] = "" if key == "size_ml" else f"[not printed: {error.message}]"
        vials.append(vial.replace(**fixed) if fixed else vial)
    if any(a is not b for a, b in zip(vials, doc.vials, strict=True)):
        update["vials"] = tuple(vials)
    return doc.replace(**update) if update else doc


def check_documentation_text(doc: Documentation) -> None:
    """Raise the first of ``text_problems``."""
    problems = text_problems(doc)
    if problems:
        raise problems[0]


#: A worksheet records a dose given; an administration time further ahead than this is
#: a typo (a month or year off), not a plan.
MAX_AHEAD = timedelta(days=1)
MAX_AGE_YEARS = 120


def local_time(moment: datetime) -> datetime:
    """A time with an offset (``+02:00``) as local wall time, comparable with ``now``."""
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone().replace(tzinfo=None)
    except OverflowError:  # year 1 or 9999 shifted past the calendar: keep the wall time
        return moment.replace(tzinfo=None)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def fact_problems(doc: Documentation, now: datetime) -> list[InputError]:
    """Facts that cannot be true: an administration more than a day ahead of ``now``."""
    given = doc.administered_at
    # A difference of two times, not now + a day: that overflows on 9999-12-31.
    if given is not None and local_time(given) - local_time(now) > MAX_AHEAD:
        return [
            InputError(
                "administered at",
                f"{given:%Y-%m-%d %H:%M} is more than a day ahead of now; "
                "enter when the dose was given",
            )
        ]
    return []


def fact_warnings(doc: Documentation, now: datetime) -> list[str]:
    """Facts to check before the worksheet goes into the chart, as sentences."""
    found: list[str] = []
    given = local_time(doc.administered_at) if doc.administered_at else None
    if given is not None and given > local_time(now):
        found.append(
            f"The administration time {given:%Y-%m-%d %H:%M} is after the time of "
            f"printing ({local_time(now):%Y-%m-%d %H:%M}). Check the date and time."
        )
    born = doc.date_of_birth
    day = given.date() if given is not None else local_time(now).date()
    if born is not None and born > day:
        found.append(
            f"The date of birth {born:%Y-%m-%d} is after the administration "
            f"({day:%Y-%m-%d}). Check the date of birth."
        )
    elif born is not None and _age(born, day) > MAX_AGE_YEARS:
        found.append(
            f"The date of birth {born:%Y-%m-%d} makes the patient {_age(born, day)} years "
            "old. Check the date of birth."
        )
    return found


def same_person(a: str, b: str) -> bool:
    """Names or initials compared the way a person would: case and spacing do not count."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def undocumented(
    required: Iterable[str], doc: Documentation, weight_kg: Decimal | None
) -> list[str]:
    """Which of the ``required`` medical-necessity items ``doc`` does not document (the
    weight is the one the dose was calculated with)."""
    return missing_items(
        required,
        diagnosis=doc.diagnosis,
        indication=doc.indication,
        labs=doc.labs,
        prior_treatments=doc.prior_treatments,
        rationale=doc.rationale,
        weight_kg=weight_kg,
        weighed_on=doc.weighed_on,
    )
