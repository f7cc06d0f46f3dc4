"""`main.py queue submit|list|show|sign`: the verification queue on the command line.

The technician submits a prepared dose as a case file (signing as preparer), a nurse at
another workstation lists the pending doses, shows one read-only and signs it with her
PIN, quoting the content hash ``show`` printed (what she checked). The technician then
records it with `main.py worksheet --from-queue ID -o FILE`, signed by both.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli import print_json
from core.cli.calc import add_data_dir_option
from core.cli.dry_run import print_blockers
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.blockers import Blocker
    from core.cli import SubParsers
    from core.site import Site
    from core.verification_queue import QueuedDose, VerificationQueue

#: The shortest hash prefix ``sign --seen`` takes (as git does with commits).
MIN_SEEN_CHARS = 12


def open_queue(site: Site) -> VerificationQueue:
    from core.accounts import AccountsUnavailableError

    try:
        return site.open_queue()
    except AccountsUnavailableError as error:
        raise InputError("database", str(error)) from None


def verified_dose(site: Site, dose_id: int) -> QueuedDose:
    """A verified dose from the queue, for `worksheet --from-queue`."""
    from core.verification_queue import QueueError, check_recordable

    with open_queue(site) as queue:
        try:
            dose = queue.get(dose_id)
            check_recordable(dose)  # before any PIN is asked; the claim checks it again
        except QueueError as error:
            raise InputError("from queue", str(error)) from None
    return dose


def run_submit(args: argparse.Namespace, site: Site) -> int:
    from core.cli.pins import PinReader
    from core.dose_input import DoseInputError, evaluate
    from core.verification_queue import QueueError
    from core.worksheet.case import load_case

    case = load_case(Path(args.case))
    try:
        code = evaluate(case.dose, site.catalog, site.payers).code
    except DoseInputError as errors:
        raise next(iter(errors.errors.values())) from None
    content = case.model_dump(mode="json")
    doc = case.documentation
    pin = PinReader(args.pin_stdin).read(f"PIN of {args.prepared_by}")
    with open_queue(site) as queue:
        try:
            dose_id = queue.submit(
                content,
                patient_name=doc.patient_name,
                mrn=doc.mrn,
                code=code,
                prepared_by=args.prepared_by,
                pin=pin,
            )
        except QueueError as error:
            raise InputError("queue", str(error)) from None
    print(f"Submitted dose {dose_id} for verification (pending)")
    with open_queue(site) as queue:
        print_blockers(blockers_of(site, queue.get(dose_id)))
    return 0


def blockers_of(site: Site, dose: QueuedDose) -> list[Blocker]:
    """The queued dose's blockers (``core.blockers``), its claim reviewed with the site's
    authorizations and CMS crosswalk."""
    from core.queued_dose import queued_blockers
    from core.site_review import site_reviewer

    return queued_blockers(dose, site.catalog, site.payers, site_reviewer(site, lambda: None))


def _line(dose: QueuedDose) -> str:
    signed = dose.prepared.signed_at.strftime("%Y-%m-%d %H:%M")
    return (
        f"{dose.id}  {dose.state}  {dose.code}  MRN {dose.mrn}  {dose.patient_name}  "
        f"prepared by {dose.prepared.full_name} {signed} UTC"
    )


def run_list(args: argparse.Namespace, site: Site) -> int:
    with open_queue(site) as queue:
        doses = queue.pending()
    if args.json:
        print_json([dose.model_dump(mode="json", exclude={"content"}) for dose in doses])
        return 0
    if not doses:
        print("No doses waiting for verification.")
    for dose in doses:
        print(printable(_line(dose)))
    return 0


def run_show(args: argparse.Namespace, site: Site) -> int:
    from core.verification_queue import QueueError

    with open_queue(site) as queue:
        try:
            dose = queue.get(args.id)
        except QueueError as error:
            raise InputError("dose", str(error)) from None
    blockers = blockers_of(site, dose)
    if args.json:
        print_json(
            {
                **dose.model_dump(mode="json"),
                "blockers": [b.model_dump(mode="json") for b in blockers],
            }
        )
        return 0
    print(printable(_line(dose)))
    if dose.verified is not None:
        print(printable(f"verified by {dose.verified.full_name}"))
    print_json(dose.content)
    print(f"content {dose.content_sha256}")
    print_blockers(blockers)
    return 0


def run_sign(args: argparse.Namespace, site: Site) -> int:
    from core.accounts import SigningError
    from core.cli.pins import PinReader
    from core.verification_queue import QueueError

    seen = args.seen.strip().lower()
    if len(seen) < MIN_SEEN_CHARS:
        raise InputError("seen", f"give at least {MIN_SEEN_CHARS} characters of the content hash")
    pin = PinReader(args.pin_stdin).read(f"PIN of {args.verified_by}")
    with open_queue(site) as queue:
        try:
            current = queue.get(args.id)
            if not current.content_sha256.startswith(seen):
                raise QueueError(f"dose {args.id} was changed after you opened it; show it again")
            dose = queue.sign(args.id, args.verified_by, pin, seen=current.content_sha256)
        except (QueueError, SigningError) as error:
            raise InputError("verified by", str(error)) from None
    print(
        printable(f"Dose {dose.id} verified by {dose.verified.full_name if dose.verified else ''}")
    )
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    queue = subparsers.add_parser("queue", help="doses waiting for a second person's check")
    commands = queue.add_subparsers(dest="queue_command", required=True)

    def pin_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--pin-stdin", action="store_true", help="read the PIN from standard input"
        )
        add_data_dir_option(parser)

    submit = commands.add_parser("submit", help="submit a prepared dose (you sign as preparer)")
    submit.add_argument("--case", required=True, help="the dose as a JSON case file")
    submit.add_argument("--prepared-by", required=True, help="your account")
    pin_option(submit)
    submit.set_defaults(run=run_submit)

    listing = commands.add_parser("list", help="the doses waiting for verification")
    listing.add_argument("--json", action="store_true")
    add_data_dir_option(listing)
    listing.set_defaults(run=run_list)

    show = commands.add_parser("show", help="one dose, read-only, with its content hash")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    add_data_dir_option(show)
    show.set_defaults(run=run_show)

    sign = commands.add_parser("sign", help="verify a dose with your PIN")
    sign.add_argument("id", type=int)
    sign.add_argument("--verified-by", required=True, help="your account (nurse, pharmacist)")
    sign.add_argument(
        "--seen", required=True, help="the content hash `queue show` printed (what you checked)"
    )
    pin_option(sign)
    sign.set_defaults(run=run_sign)
