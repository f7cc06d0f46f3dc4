"""`main.py worksheet`: the documentation worksheet as PDF, recorded in the records store.

The dose comes from the calc options, the documentation from the options below or from
a JSON case file (``--case``; options given on the command line win). A worksheet for the
chart is refused, naming what is missing, while the session's blockers (``core.blockers``)
are not empty; ``--draft`` writes a watermarked draft instead, which is not recorded, and
``--dry-run`` only says what blocks (``--json``: with the checks and the claim lines).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from core.calculation_models import CalculationResult
from core.cli.calc import add_calc_options, form_from_args
from core.constants import DRAFT_ID, PAPER_SIZES, Paper
from core.dates import parse_date, parse_datetime
from core.documentation import (
    MAX_WORKSHEET_ID,
    Documentation,
    VialRecord,
    check_documentation_text,
    fact_problems,
    fact_warnings,
    local_time,
)
from core.dose_input import FIELD_NAMES, DoseForm, DoseInputError, evaluate
from core.errors import InputError
from core.session import DoseSession, SessionError
from core.terminal import printable
from core.text import shown
from core.worksheet.case import Case

if TYPE_CHECKING:
    from collections.abc import Mapping

    from core.accounts import Signature
    from core.cli import SubParsers
    from core.denial_checks import Check
    from core.recording import BuildPdf
    from core.site import Site

#: Command-line option (argparse dest) -> Documentation field, for the plain text fields.
_TEXT_OPTIONS = {
    "facility": "facility",
    "patient": "patient_name",
    "mrn": "mrn",
    "route": "route",
    "diagnosis": "diagnosis",
    "prepared_by": "prepared_by",
    "verified_by": "verified_by",
    "waste_reason": "waste_reason",
    "witness": "waste_witness",
    "difference_reason": "difference_reason",
    "notes": "notes",
    "indication": "indication",
    "rationale": "rationale",
}


def _date(text: str, field: str, *, month_only: bool = False) -> date:
    """A date as the window reads it (``core.dates``: ISO or MM/DD/YYYY)."""
    try:
        parsed = parse_date(text, month_only=month_only)
    except ValueError as error:
        raise InputError(field, str(error)) from None
    if parsed is None:
        raise InputError(field, "is empty; write a date such as 2025-03-01")
    return parsed


def _datetime(text: str, field: str) -> datetime:
    try:
        parsed = parse_datetime(text)
    except ValueError as error:
        raise InputError(field, str(error)) from None
    if parsed is None:
        raise InputError(field, "is empty; write a date and time such as 2025-03-01 14:30")
    # A time with an offset is kept as the local wall time, like one typed without.
    return local_time(parsed)


def _record_id(text: str) -> int:
    digits = len(str(MAX_WORKSHEET_ID))
    match = re.fullmatch(rf"\s*(?:[Ww]-?)?0*([1-9][0-9]{{0,{digits - 1}}})\s*", text)
    if match is None:
        raise InputError("replaces", f"'{shown(text)}' is not a worksheet ID such as W-000042")
    return int(match.group(1))


def _vials(args: argparse.Namespace, result: CalculationResult) -> tuple[VialRecord, ...]:
    """``--lot``/``--expiry`` pairs, one per vial opened, or one pair for all of them."""
    lots: list[str] = args.lot or []
    expiries = [_date(text, "expiry", month_only=True) for text in args.expiry or []]
    if len(lots) != len(expiries):
        raise InputError(
            "lot",
            f"{len(lots)} --lot and {len(expiries)} --expiry given; give one of each per vial",
        )
    sizes = [use.size_ml for use in result.vials_by_size for _ in range(use.count)]
    if len(lots) == 1:
        lots, expiries = lots * len(sizes), expiries * len(sizes)
    elif len(lots) != len(sizes):
        raise InputError(
            "lot",
            f"{len(lots)} given for {len(sizes)} vials opened; give one --lot and --expiry "
            "per vial, or one for all",
        )
    return tuple(
        VialRecord(size_ml=format(size.normalize(), "f"), lot=lot, expiry=expiry)
        for size, lot, expiry in zip(sizes, lots, expiries, strict=True)
    )


def _scanned(args: argparse.Namespace, site: Site) -> tuple[VialRecord, ...]:
    """``--scan`` codes, one per vial; ``--ndc`` settles an ambiguous NDC."""
    from core.scan_lookup import known_in_project
    from core.vial_scan import read_scans

    if args.lot or args.expiry:
        raise InputError("scan", "give --scan or --lot and --expiry, not both")
    known = known_in_project(site)
    return read_scans(args.scan, known, separator=args.separator, chosen_ndc=args.ndc or "")


def _scan_warnings(
    site: Site, dose: DoseForm, doc: Documentation, result: CalculationResult
) -> list[str]:
    """Serials already used on earlier worksheets, NDCs that are not the product's."""
    from core.ndc import parse_ndc
    from core.scan_lookup import crosswalk_source, serial_lookup
    from core.vial_scan import ndc_warnings, serial_warnings

    warnings = serial_warnings(
        doc.vials, result.multi_dose, serial_lookup(site, correcting=doc.replaces)
    )
    product = site.catalog.product(dose.product) if dose.product.strip() else None
    day = (doc.administered_at or datetime.now()).date()
    crosswalk = crosswalk_source(site)
    for ndc in dict.fromkeys(v.ndc for v in doc.vials if v.ndc):
        warnings += ndc_warnings(parse_ndc(ndc), result.code, product, day, crosswalk)
    return warnings


def _dose(args: argparse.Namespace, base: DoseForm) -> DoseForm:
    given = {
        k: v for k, v in msgspec.structs.asdict(form_from_args(args)).items() if v not in ("", None)
    }
    return base.replace(**given)


def _documentation(args: argparse.Namespace, base: Documentation) -> Documentation:
    given: dict[str, Any] = {
        field: getattr(args, option)
        for option, field in _TEXT_OPTIONS.items()
        if getattr(args, option) is not None
    }
    if args.ndc:
        given["ndc"] = args.ndc
    if args.prior_auth:
        given["prior_authorization"] = args.prior_auth
    if args.dob is not None:
        given["date_of_birth"] = _date(args.dob, "date of birth")
    if args.administered_at is not None:
        given["administered_at"] = _datetime(args.administered_at, "administered at")
    if args.replaces is not None:
        given["replaces"] = _record_id(args.replaces)
    given.update(_necessity(args, base))
    return base.replace(**given)


def _necessity(args: argparse.Namespace, base: Documentation) -> dict[str, Any]:
    """The medical-necessity options; repeated ones replace the case file's list."""
    from core.denial_checks import CHECKS
    from core.necessity import parse_lab

    given: dict[str, Any] = {}
    if args.lab:
        given["labs"] = tuple(parse_lab(text, "lab") for text in args.lab)
    if args.prior_treatment:
        given["prior_treatments"] = tuple(args.prior_treatment)
    if args.weighed_on is not None:
        given["weighed_on"] = _date(args.weighed_on, "weighed on")
    if args.check_reason:
        reasons = dict(base.check_reasons)
        for text in args.check_reason:
            check_id, sep, reason = text.partition("=")
            if not sep or not check_id.strip() or not reason.strip():
                raise InputError("check reason", "write it as CHECK-ID=REASON")
            if check_id.strip() not in CHECKS:
                known = ", ".join(CHECKS)
                raise InputError("check reason", f"the check IDs are {known}")
            reasons[check_id.strip()] = reason.strip()
        given["check_reasons"] = reasons
    return given


def _service_day(doc: Documentation) -> date:
    return (doc.administered_at or datetime.now()).date()


def _calculate(site: Site, dose: DoseForm, day: date) -> CalculationResult:
    try:
        return evaluate(dose, site.catalog, site.payers, site.imported_codes(day))
    except DoseInputError as errors:
        raise next(iter(errors.errors.values())) from None


def _write(path: Path, pdf: bytes, recorded: str = "") -> None:
    from core.atomic import write_output

    try:
        write_output(path, pdf)
    except OSError as error:
        kept = (
            f"; the worksheet was recorded as {recorded}: `main.py reprint {recorded} -o FILE`"
            if recorded
            else ""
        )
        raise InputError("output file", f"cannot write {path} ({error.strerror}){kept}") from None


def _say(message: str, output: Path) -> None:
    """The one line saying what was done; on stderr when the PDF itself went to stdout."""
    from core.atomic import STDOUT
    from core.terminal import printable

    print(printable(message), file=sys.stderr if str(output) == STDOUT else sys.stdout)


def _record(
    site: Site,
    session: DoseSession,
    build: BuildPdf,
    result: CalculationResult,
    signatures: Mapping[str, Signature],
) -> tuple[str, bytes]:
    """Record through the session, which reserves the ID the PDF prints; (ID, PDF bytes).
    ``result`` is the calculation as billed: priced, with the payer's route modifiers."""
    from core.records import RecordStoreError

    try:
        return session.record(site, build, result=result, signatures=signatures)
    except SessionError as error:
        raise InputError("worksheet", f"{error} (--draft writes a draft)") from None
    except RecordStoreError as error:
        raise InputError("records", str(error)) from None
    except OSError as error:
        raise InputError(
            "data directory",
            f"cannot record the worksheet in {error.filename} ({error.strerror}): choose "
            "another with --data-dir or UNITCALC_DATA_DIR",
        ) from None


def _session(
    args: argparse.Namespace, site: Site, dose: DoseForm, doc: Documentation
) -> DoseSession:
    """The dose and its documentation as a session, signed off as the options say, its
    claim reviewed as it goes out (priced from the site's CMS files, the authorization
    looked up there)."""
    from core.claim_review import as_billed

    def as_it_goes_out(
        result: CalculationResult,
        doc: Documentation,
        *,
        service_date: date,
        expiring_today_blocks: bool,
    ) -> tuple[CalculationResult, tuple[Check, ...]]:
        return as_billed(
            result,
            doc,
            route=doc.route,
            site=site,
            service_date=service_date,
            expiring_today_blocks=expiring_today_blocks,
        )

    session = DoseSession(site.catalog, site.payers)
    session.reviewer = as_it_goes_out
    session.expiring_today_blocks = args.expiring_today_blocks
    session.imported_codes = site.imported_codes(_service_day(doc))
    session.set_dose(dose)
    if session.result is None:
        key, message = next(iter(session.errors.items()))
        raise InputError(FIELD_NAMES.get(key, key), message)
    session.set_documentation(doc.replace(verified_at=None))
    if doc.verified_at is not None:
        with contextlib.suppress(SessionError):  # the blockers then say what is missing
            session.verify(at=doc.verified_at)
    return session


def _print(pdf: bytes, printer: str, worksheet_id: str) -> str:
    from core.printing import PrintError, send_pdf

    try:
        return send_pdf(pdf, printer, worksheet_id)
    except PrintError as error:
        kept = f"; recorded as {worksheet_id}" if worksheet_id != DRAFT_ID else ""
        raise InputError("printer", f"{printer}: {error}{kept}") from None


def _record_queued(
    args: argparse.Namespace,
    site: Site,
    session: DoseSession,
    build: BuildPdf,
    result: CalculationResult,
    signatures: Mapping[str, Signature],
) -> tuple[str, bytes]:
    """Record a queued dose once: claimed in the queue (its signers checked again as
    they are now) before it is recorded, given back if recording fails. Whoever records
    it has signed in before (``sign_queued_witness`` and ``authorize``)."""
    from core.accounts import AccountsUnavailableError
    from core.recording import claimed_for_recording
    from core.verification_queue import QueueError

    dose_id: int = args.from_queue
    try:
        with claimed_for_recording(site, dose_id):
            return _record(site, session, build, result, signatures)
    except AccountsUnavailableError as error:
        raise InputError("database", str(error)) from None
    except QueueError as error:
        raise InputError("from queue", str(error)) from None


def _from_queue(args: argparse.Namespace, site: Site) -> tuple[Case, dict[str, Signature]]:
    """The verified dose from the queue as a case, and the preparer's and verifier's
    signatures, with their names from the accounts."""
    from core.cli.queue import verified_dose
    from core.queued_dose import queued_case

    if args.case or args.pins_stdin:
        raise InputError("from queue", "give --from-queue without --case or --pins-stdin")
    dose = verified_dose(site, args.from_queue)
    assert dose.verified is not None  # verified_dose refuses an unverified dose
    return queued_case(dose), {"prepared_by": dose.prepared, "verified_by": dose.verified}


def run(args: argparse.Namespace, site: Site) -> int:
    from core.worksheet import build_worksheet
    from core.worksheet.case import complete, load_case, shared_fields

    if args.json and not args.dry_run:
        raise InputError("json", "--json goes with --dry-run")
    if args.output is None and args.printer is None and not args.dry_run:
        raise InputError("output", "give -o FILE, --printer NAME, or both (or --dry-run)")
    if args.dry_run and (args.draft or args.pins_stdin):
        raise InputError("dry run", "give --dry-run without --draft or --pins-stdin")
    queued: dict[str, Signature] = {}
    if args.from_queue is not None:
        case, queued = _from_queue(args, site)
    else:
        case = load_case(Path(args.case)) if args.case else Case()
    scanned = _scanned(args, site) if args.scan else ()
    dose, doc = shared_fields(_dose(args, case.dose), _documentation(args, case.documentation))
    if queued and (dose, doc) != shared_fields(case.dose, case.documentation):
        raise InputError(
            "from queue",
            "a queued dose is recorded as it was verified: change it with `queue submit`",
        )
    scanned_ndcs = {v.ndc for v in scanned if v.ndc}
    if len(scanned_ndcs) == 1 and not dose.ndc.strip():  # the claim's NDC from the scans
        (scanned_ndc,) = scanned_ndcs
        dose = dose.replace(ndc=scanned_ndc)
        doc = doc.replace(ndc=doc.ndc or scanned_ndc)
    result = _calculate(site, dose, _service_day(doc))
    if scanned:
        if len(scanned) != result.vials_opened:
            raise InputError(
                "scan",
                f"{len(scanned)} vial(s) scanned but {result.vials_opened} opened in the "
                "calculation; scan each vial opened once",
            )
        doc = doc.replace(vials=scanned)
    elif args.lot or args.expiry:
        doc = doc.replace(vials=_vials(args, result))
    now = datetime.now().replace(second=0, microsecond=0)
    printed_at = _datetime(args.printed_at, "printed at") if args.printed_at else now
    doc = complete(doc, result, now)
    check_documentation_text(doc)
    for problem in fact_problems(doc, now):
        raise problem
    session = _session(args, site, dose, doc)
    if args.dry_run:
        from core.cli.dry_run import dry_run

        return dry_run(session, now, as_json=args.json)
    # The claim as it goes out: priced for the service date (the administration's),
    # with the payer's route modifiers and the denial-risk checks the worksheet prints.
    claim = session.claim()
    assert claim is not None
    if claim.error is not None:
        raise claim.error
    result, checks = claim.result, claim.checks
    paper = _paper(args.paper, args.printer)

    signatures: dict[str, Signature] = dict(queued)
    blockers = session.blockers(now)
    if queued and not args.draft and not blockers:
        from core.accounts import Action
        from core.cli.signing import authorize, sign_queued_witness

        authorize(args, site, Action.PREPARE)  # whoever records it signs in first
        doc, witness = sign_queued_witness(args, site, doc)
        signatures.update(witness)
        session = _session(args, site, dose, doc)
    if args.pins_stdin and not args.draft and not blockers:
        from core.cli.signing import sign_worksheet

        # PINs are asked only for a worksheet that would be recorded; the signed names
        # (from the accounts) then print, so the session takes the signed documentation.
        doc, signatures = sign_worksheet(args, site, doc)
        session = _session(args, site, dose, doc)

    def build(worksheet_id: str, replaces: int | None, draft: bool = False) -> bytes:
        return build_worksheet(
            result,
            session.worksheet_documentation() if not draft else doc,
            worksheet_id=worksheet_id,
            printed_at=printed_at,
            replaces=replaces,
            draft=draft,
            paper=paper,
            checks=checks,
            signatures=signatures,
            blockers=blockers,
        )

    if blockers and not args.draft:
        raise InputError(
            "worksheet",
            "not ready for the chart: "
            + "; ".join(b.message for b in blockers)
            + " (--draft writes a draft)",
        )
    said = Path(args.output) if args.output is not None else Path("")
    if scanned:  # after the refusal, so a refused worksheet stays one line
        for warning in _scan_warnings(site, dose, doc, result):
            print(f"warning: {printable(warning)}", file=sys.stderr)
    if args.draft:
        pdf = build(DRAFT_ID, doc.replaces, draft=True)
        if args.output is not None:
            _write(Path(args.output), pdf)
            _say(f"Draft written to {args.output} (not recorded; not for the chart)", said)
        if args.printer is not None:
            job = _print(pdf, args.printer, DRAFT_ID)
            _say(f"Draft sent to {args.printer} as job {job} (not recorded)", said)
        _print_warnings(result, doc, now, said)
        return 0
    if args.from_queue is not None:
        worksheet_id, pdf = _record_queued(args, site, session, build, result, signatures)
    else:
        worksheet_id, pdf = _record(site, session, build, result, signatures)
    if args.output is not None:
        _write(Path(args.output), pdf, recorded=worksheet_id)
        _say(f"Recorded worksheet {worksheet_id}; written to {args.output}", said)
    if args.printer is not None:
        job = _print(pdf, args.printer, worksheet_id)
        _say(f"Recorded worksheet {worksheet_id}; sent to {args.printer} as job {job}", said)
    _print_warnings(result, doc, now, said)
    return 0


def _print_warnings(
    result: CalculationResult, doc: Documentation, now: datetime, output: Path
) -> None:
    """What the worksheet warns about, also said where the command was typed (on stderr
    when the PDF itself goes to stdout)."""
    for warning in (*(str(w) for w in result.warnings), *fact_warnings(doc, now)):
        _say(f"Warning: {warning}", output)


def _paper(chosen: Paper | None, printer: str | None) -> Paper:
    """The worksheet's paper (``core.printing.worksheet_paper``: ``--paper``, else the
    printer's); a printer set to other paper is said before the job is sent."""
    from core.printing import paper_warning, queue_paper, worksheet_paper

    queue = queue_paper(printer) if printer else None
    paper = worksheet_paper(chosen, queue)
    if printer and (warning := paper_warning(paper, printer, queue)):
        print(f"warning: {printable(warning)}", file=sys.stderr)
    return paper


def add_parsers(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "worksheet",
        help="the documentation worksheet as PDF (recorded)",
        description="Write the documentation worksheet for one dose as PDF and record it.",
    )
    add_calc_options(parser)
    doc = parser.add_argument_group("documentation (options override --case)")
    doc.add_argument("--case", help='JSON case file: {"dose": {...}, "documentation": {...}}')
    doc.add_argument("--facility", help="facility name printed in the header")
    doc.add_argument("--patient", help="patient name, as it should print")
    doc.add_argument("--mrn", help="medical record number")
    doc.add_argument("--dob", help="date of birth, YYYY-MM-DD")
    doc.add_argument("--administered-at", help="date and time given, e.g. 2025-03-01T14:30")
    doc.add_argument("--route", help="IV, SC or IM (default IV)")
    doc.add_argument("--diagnosis", help="ICD-10 code(s), e.g. D80.1")
    doc.add_argument(
        "--lot", action="append", help="vial lot; repeat once per vial, or give one for all"
    )
    doc.add_argument("--expiry", action="append", help="vial expiry YYYY-MM-DD; one per --lot")
    doc.add_argument(
        "--scan",
        action="append",
        help="a vial's scanned GS1 code (lot, expiry, serial, NDC); once per vial, "
        "instead of --lot and --expiry; --ndc settles an ambiguous NDC",
    )
    doc.add_argument(
        "--separator", default="", help="the character the scanner sends for GS, e.g. '|'"
    )
    doc.add_argument(
        "--expiring-today-blocks",
        action="store_true",
        help="a vial expiring on the day of administration counts as expired (facility)",
    )
    doc.add_argument("--waste-reason", help="why the remainder was discarded")
    doc.add_argument("--witness", help="who witnessed the waste")
    doc.add_argument(
        "--difference-reason", help="why the amount given differs from the order (or override)"
    )
    doc.add_argument("--notes", help="adverse events, patient-specific notes")
    doc.add_argument("--prepared-by", help="who prepared the dose (signs off now)")
    doc.add_argument("--verified-by", help="who verified it, a different person")
    doc.add_argument(
        "--pins-stdin",
        action="store_true",
        help="sign: read the PINs of --prepared-by, --verified-by and --witness (accounts) "
        "from standard input, one per line, in that order",
    )
    doc.add_argument(
        "--from-queue",
        type=int,
        default=None,
        metavar="ID",
        help="record a dose verified in the queue (`main.py queue`), signed by both; "
        "on a site with accounts, with --by ACCOUNT --pin-stdin (and the PIN of the waste "
        "witness the dose names, an account)",
    )
    doc.add_argument("--by", help="with --from-queue: your account, when the site has accounts")
    doc.add_argument(
        "--pin-stdin",
        action="store_true",
        help="with --from-queue: read your PIN, then the waste witness's, from stdin",
    )
    doc.add_argument("--replaces", help="ID of the worksheet this one corrects, e.g. W-000041")
    need = parser.add_argument_group("medical necessity (which are required: the payer profile)")
    need.add_argument("--indication", help="the condition treated, in words")
    need.add_argument(
        "--lab",
        action="append",
        help="supporting result, e.g. 'IgG trough=450 mg/dL on 2026-11-01' (repeatable)",
    )
    need.add_argument("--prior-treatment", action="append", help="a prior treatment (repeatable)")
    need.add_argument("--rationale", help="the clinical rationale for this dose")
    need.add_argument("--weighed-on", help="date the --weight was taken, YYYY-MM-DD")
    need.add_argument(
        "--check-reason",
        action="append",
        help="why a warning of the denial-risk check is accepted: 'CHECK-ID=REASON' (repeatable)",
    )
    out = parser.add_argument_group("output")
    out.add_argument("-o", "--output", help="PDF file to write")
    out.add_argument("--printer", help="print queue to send the PDF to (see `printers`)")
    out.add_argument(
        "--paper",
        choices=PAPER_SIZES,
        default=None,
        help="paper size (default: the printer's, else letter)",
    )
    out.add_argument(
        "--draft",
        action="store_true",
        help="watermarked draft, not recorded, fields may be missing",
    )
    out.add_argument(
        "--dry-run",
        action="store_true",
        help="only say what keeps the dose from the chart (nothing written or recorded); "
        "exit 0 when nothing does, 3 when something does",
    )
    out.add_argument(
        "--json",
        action="store_true",
        help="with --dry-run: the blockers, the checks and the claim lines as JSON",
    )
    out.add_argument(
        "--printed-at", help="print time to show (to reproduce a worksheet); default now"
    )
    parser.set_defaults(run=run)
