"""`main.py history|reprint|verify`: the local record of printed and saved worksheets."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from core.cli import print_json, say_error
from core.cli.calc import add_data_dir_option
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.records import RecordStore, VerifyReport
    from core.site import Site

EXIT_BROKEN = 1


def _date(text: str) -> date:
    """A date as everywhere else (``core.dates``: ISO or MM/DD/YYYY)."""
    from core.dates import parse_date

    try:
        parsed = parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if parsed is None:
        raise argparse.ArgumentTypeError("a date is needed, such as 2026-11-29")
    return parsed


#: Longer than any MRN, code or name searched for.
MAX_FILTER_CHARS = 200


def _filter(text: str) -> str:
    """A search filter as typed: valid text of a sane length (argparse names the option)."""
    if len(text) > MAX_FILTER_CHARS:
        raise argparse.ArgumentTypeError(f"longer than {MAX_FILTER_CHARS} characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError("not valid text (invalid UTF-8)") from None
    return text


def open_store(site: Site, *, allow_missing: bool = False) -> RecordStore:
    """The site's records store; its errors as one line naming the data directory or the
    database (exit 2)."""
    from core.records import RecordStoreError

    try:
        return site.open_records(allow_missing=allow_missing)
    except RecordStoreError as error:
        raise InputError("database" if site.on_server else "data directory", str(error)) from None
    except OSError as error:
        raise InputError(
            "data directory",
            f"cannot use {error.filename} ({error.strerror}): choose another with --data-dir "
            "or UNITCALC_DATA_DIR",
        ) from None


def run_history(args: argparse.Namespace, site: Site) -> int:
    from core.records import format_worksheet_id

    with open_store(site) as store:
        rows = store.list(
            mrn=args.mrn,
            patient=args.patient,
            code=args.code,
            since=args.since,
            until=args.until,
            lot=args.lot,
            serial=args.serial,
        )
    if args.json:
        print_json([row.model_dump(mode="json") for row in rows])
        return 0
    if not rows:
        print("No worksheets recorded match.")
    for row in rows:
        replaced = (
            f"  replaced by {format_worksheet_id(row.replaced_by)}" if row.replaced_by else ""
        )
        print(
            printable(
                f"{row.worksheet_id}  {row.created_at:%Y-%m-%d %H:%M} UTC  {row.code}  "
                f"MRN {row.mrn}  {row.patient_name}{replaced}"
            )
        )
    return 0


def run_reprint(args: argparse.Namespace, site: Site) -> int:
    from core.atomic import STDOUT, write_output
    from core.records import format_worksheet_id, parse_worksheet_id

    try:
        record_id = parse_worksheet_id(args.id)
    except ValueError:
        raise InputError(
            "worksheet ID", f"'{printable(args.id[:40])}' is not an ID such as W-000042"
        ) from None
    if args.output is None and args.printer is None:
        raise InputError("output", "give -o FILE, --printer NAME, or both")
    with open_store(site) as store:
        pdf = store.pdf(record_id)
    if args.output is not None:
        try:
            write_output(args.output, pdf)
        except OSError as error:
            message = f"cannot write {args.output} ({error.strerror})"
            raise InputError("output file", message) from None
        done = f"Reprinted {format_worksheet_id(record_id)} to {args.output}"
        print(printable(done), file=sys.stderr if args.output == STDOUT else sys.stdout)
    if args.printer is not None:
        _send(pdf, args.printer, format_worksheet_id(record_id))
    return 0


def _send(pdf: bytes, printer: str, worksheet_id: str) -> None:
    """The recorded bytes to the queue, through the same path as `worksheet --printer`."""
    from core.printing import PrintError, send_pdf

    try:
        job = send_pdf(pdf, printer, worksheet_id)
    except PrintError as error:
        raise InputError("printer", f"{printer}: {error}") from None
    print(printable(f"Reprinted {worksheet_id} on {printer} as job {job}"))


def run_verify(args: argparse.Namespace, site: Site) -> int:
    from core.records import DatabaseDamagedError, DatabaseMissingError, RecordStoreError

    try:
        store = open_store(site)
    except InputError as error:
        # A database gone or unreadable is what verify is for: exit 1, not a usage error.
        if isinstance(error.__context__, DatabaseMissingError | DatabaseDamagedError):
            say_error(str(error.__context__))
            return EXIT_BROKEN
        raise
    with store:
        try:
            report = store.verify(check_pdfs=args.full)
        except RecordStoreError as error:
            say_error(str(error))
            return EXIT_BROKEN
        journal = _journal_note(store)
    if report.ok:
        scope = "hash chain and PDFs" if report.pdfs_checked else "hash chain"
        print(
            printable(
                f"Intact ({scope}): {report.checked} worksheet records, chain head "
                f"{report.head_hash}; {journal}; {_seen_note(report)}"
            )
        )
        return 0
    say_error(report.message)
    return EXIT_BROKEN


def _seen_note(report: VerifyReport) -> str:
    """What this workstation's own journal of chain heads could compare."""
    from core.records.workstation_journal import shown_time

    if not report.seen_heads or report.seen_since is None:
        return (
            "this workstation had not seen these records before, so it cannot tell whether "
            "they were rewritten on the server earlier (it keeps their head from now on)"
        )
    since = shown_time(report.seen_since)
    return f"the same as the chain heads this workstation saw ({report.seen_heads}, since {since})"


def _journal_note(store: RecordStore) -> str:
    """Whether the database was compared with a journal, and where that journal is."""
    from core.records import BackupError
    from core.records.backup import read_journal

    if store.url is not None:
        from core.database import describe

        return f"records on the PostgreSQL server {describe(store.url)} (back it up with pg_dump)"
    plan = store.backup_plan
    try:
        journal = read_journal(plan)
    except BackupError as error:
        return str(error)
    if journal is None:
        return f"no backup journal yet in {plan.directory} (one starts with the next record)"
    return f"matches the backup journal in {plan.directory}"


def add_parsers(subparsers: SubParsers) -> None:
    history = subparsers.add_parser("history", help="list recorded worksheets")
    history.add_argument("--json", action="store_true", help="print a JSON list")
    history.add_argument("--mrn", type=_filter, default=None, help="only this MRN")
    history.add_argument("--patient", type=_filter, default=None, help="patient name contains this")
    history.add_argument("--code", type=_filter, default=None, help="only this HCPCS code")
    history.add_argument("--since", type=_date, default=None, help="recorded on or after DATE")
    history.add_argument("--until", type=_date, default=None, help="recorded on or before DATE")
    history.add_argument("--lot", default=None, help="used a vial of this lot (recalls)")
    history.add_argument("--serial", default=None, help="used the vial with this serial")
    add_data_dir_option(history)
    history.set_defaults(run=run_history)

    reprint = subparsers.add_parser("reprint", help="write a recorded worksheet again")
    reprint.add_argument("id", help="worksheet ID, e.g. W-000042")
    reprint.add_argument("-o", "--output", help="PDF file to write ('-' for standard output)")
    reprint.add_argument("--printer", help="print queue to send it to (see `printers`)")
    add_data_dir_option(reprint)
    reprint.set_defaults(run=run_reprint)

    verify = subparsers.add_parser(
        "verify", help="check the records for tampering and against the backup journal"
    )
    verify.add_argument(
        "--full", action="store_true", help="also re-hash every stored PDF (slower)"
    )
    add_data_dir_option(verify)
    verify.set_defaults(run=run_verify)
