"""`main.py charges list|send|retry`: the outbox of charge messages (``core.charges``).

``list [--json]`` shows each message's state, attempts, ACK and reason; ``send``
delivers what is due now (for a scheduler: exit 0 when nothing is left pending, 1 when
something is); ``retry ID`` sends a rejected or pending message again at the next
``send``, with the same control ID; ``backfill`` queues, once, the worksheets recorded
before the outbox existed.
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from core.cli import print_json
from core.cli.calc import add_data_dir_option
from core.cli.history import open_store
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.site import Site

EXIT_PENDING = 1


def run_list(args: argparse.Namespace, site: Site) -> int:
    from core.charges.sending import open_outbox

    with open_store(site) as store:
        messages = open_outbox(store).messages(limit=args.limit)
    if args.json:
        print_json([message.as_json() for message in messages])
        return 0
    if not messages:
        print("No charge messages yet.")
    for message in messages:
        ack = f"  {message.ack_code}" if message.ack_code else ""
        reason = f"  {message.reason}" if message.reason else ""
        print(
            printable(
                f"{message.control_id}  {message.state}  attempts {message.attempts}{ack}{reason}"
            )
        )
    return 0


def run_send(args: argparse.Namespace, site: Site) -> int:
    from core.charges.sending import charges_destination, send_due

    destination = charges_destination(site.settings, option=args.to)
    if destination is None:
        raise InputError("charges receiver", "give --to HOST:PORT or set UNITCALC_CHARGES")
    with open_store(site) as store:
        report = send_due(store, destination, timeout=args.timeout)
    line = (
        f"Sent to {destination}: {report.acknowledged} acknowledged, {report.rejected} "
        f"rejected, {report.pending} pending"
    )
    print(printable(line + (f" ({report.stopped})" if report.stopped else "")))
    return EXIT_PENDING if report.pending else 0


def run_retry(args: argparse.Namespace, site: Site) -> int:
    from core.charges.sending import open_outbox

    with open_store(site) as store:
        message = open_outbox(store).retry(args.id)
    if message is None:
        raise InputError("control ID", f"no charge message {args.id} (see `charges list`)")
    if message.state == "acknowledged":
        print(printable(f"{message.control_id} was acknowledged: it is not sent again"))
    else:
        print(printable(f"{message.control_id} will be sent again at the next `charges send`"))
    return 0


def run_backfill(args: argparse.Namespace, site: Site) -> int:
    from core.charges.sending import open_outbox

    with open_store(site) as store:
        queued = open_outbox(store).backfill()
    if queued:
        print(f"Queued {queued} charge messages of worksheets recorded before the outbox")
    else:
        print("Nothing to queue: every recorded worksheet has its charge messages")
    return 0


_SECONDS = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3})?")


def _timeout(text: str) -> float:
    """Seconds as ASCII digits (``float`` would take "nan", "1e3" and Arabic-Indic digits)."""
    if not _SECONDS.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError("a number of seconds, such as 10")
    seconds = float(text)
    if not 0.1 <= seconds <= 600:
        raise argparse.ArgumentTypeError("between 0.1 and 600 seconds")
    return seconds


_CONTROL_ID = re.compile(r"W-[0-9]{6,18}-(CG|CD)", re.IGNORECASE)


def _control_id(text: str) -> str:
    """``W-000042-CG`` (a charge) or ``W-000042-CD`` (its credit), as ``charges list``
    shows them."""
    if not _CONTROL_ID.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError("not a control ID such as W-000042-CG")
    return text.strip().upper()


def _limit(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise argparse.ArgumentTypeError("a whole number, such as 50")
    return int(text)


def add_parsers(subparsers: SubParsers) -> None:
    charges = subparsers.add_parser("charges", help="charge messages to the billing system")
    actions = charges.add_subparsers(dest="action", required=True)

    listing = actions.add_parser("list", help="each charge message and its state")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.add_argument("--limit", type=_limit, default=None, help="newest N only")
    add_data_dir_option(listing)
    listing.set_defaults(run=run_list)

    send = actions.add_parser("send", help="deliver the pending charges due now over MLLP")
    send.add_argument(
        "--to", default=None, help="the receiver, HOST:PORT (default: UNITCALC_CHARGES)"
    )
    send.add_argument(
        "--timeout", type=_timeout, default=10.0, help="seconds to wait for each ACK (10)"
    )
    add_data_dir_option(send)
    send.set_defaults(run=run_send)

    backfill = actions.add_parser(
        "backfill", help="queue the worksheets recorded before the outbox existed, once"
    )
    add_data_dir_option(backfill)
    backfill.set_defaults(run=run_backfill)

    retry = actions.add_parser("retry", help="send a rejected or pending message again")
    retry.add_argument("id", type=_control_id, help="its control ID, e.g. W-000042-CG")
    add_data_dir_option(retry)
    retry.set_defaults(run=run_retry)
