"""`main.py history|reprint|verify`: the local record of printed and saved worksheets."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.calc import add_data_dir_option
from core.errors import InputError

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.records import RecordStore

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


def _open(args: argparse.Namespace) -> RecordStore:
    from core.data_dir import resolve_data_dir
    from core.records import RecordStore, RecordStoreError

    try:
        return RecordStore.open(resolve_data_dir(args.data_dir))
    except (RecordStoreError, OSError) as error:
        raise InputError("data directory", str(error)) from None


def run_history(args: argparse.Namespace) -> int:
    from core.records import format_worksheet_id

    with _open(args) as store:
        rows = store.list(
            mrn=args.mrn, patient=args.patient, code=args.code, since=args.since, until=args.until
        )
    if args.json:
        print(json.dumps([row.model_dump(mode="json") for row in rows], ensure_ascii=False))
        return 0
    if not rows:
        print("No worksheets recorded match.")
    for row in rows:
        replaced = (
            f"  replaced by {format_worksheet_id(row.replaced_by)}" if row.replaced_by else ""
        )
        print(
            f"{row.worksheet_id}  {row.created_at:%Y-%m-%d %H:%M} UTC  {row.code}  "
            f"MRN {row.mrn}  {row.patient_name}{replaced}"
        )
    return 0


def run_reprint(args: argparse.Namespace) -> int:
    from core.records import RecordStoreError, format_worksheet_id, parse_worksheet_id

    try:
        record_id = parse_worksheet_id(args.id)
    except ValueError:
        raise InputError("worksheet ID", f"'{args.id}' is not an ID such as W-000042") from None
    if args.output is None and args.printer is None:
        raise InputError("output", "give -o FILE, --printer NAME, or both")
    with _open(args) as store:
        try:
            if args.output is not None:
                store.write_pdf(record_id, args.output)
            pdf = store.pdf(record_id) if args.printer is not None else b""
        except RecordStoreError as error:
            raise InputError("worksheet ID", str(error)) from None
        except OSError as error:
            raise InputError(
                "output file", f"cannot write {args.output} ({error.strerror})"
            ) from None
    if args.output is not None:
        print(f"Reprinted {format_worksheet_id(record_id)} to {args.output}")
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
    print(f"Reprinted {worksheet_id} on {printer} as job {job}")


def run_verify(args: argparse.Namespace) -> int:
    with _open(args) as store:
        report = store.verify(check_pdfs=args.full)
    if report.ok:
        scope = "hash chain and PDFs" if report.pdfs_checked else "hash chain"
        print(
            f"Intact ({scope}): {report.checked} worksheet records, chain head {report.head_hash}"
        )
        return 0
    print(f"unitcalc: {report.message}", file=sys.stderr)
    return EXIT_BROKEN


def add_parsers(subparsers: SubParsers) -> None:
    history = subparsers.add_parser("history", help="list recorded worksheets")
    history.add_argument("--json", action="store_true", help="print a JSON list")
    history.add_argument("--mrn", default=None, help="only this MRN")
    history.add_argument("--patient", default=None, help="patient name contains this")
    history.add_argument("--code", default=None, help="only this HCPCS code")
    history.add_argument("--since", type=_date, default=None, help="recorded on or after DATE")
    history.add_argument("--until", type=_date, default=None, help="recorded on or before DATE")
    add_data_dir_option(history)
    history.set_defaults(run=run_history)

    reprint = subparsers.add_parser("reprint", help="write a recorded worksheet again")
    reprint.add_argument("id", help="worksheet ID, e.g. W-000042")
    reprint.add_argument("-o", "--output", type=Path, help="PDF file to write")
    reprint.add_argument("--printer", help="print queue to send it to (see `printers`)")
    add_data_dir_option(reprint)
    reprint.set_defaults(run=run_reprint)

    verify = subparsers.add_parser("verify", help="check the records for tampering")
    verify.add_argument(
        "--full", action="store_true", help="also re-hash every stored PDF (slower)"
    )
    add_data_dir_option(verify)
    verify.set_defaults(run=run_verify)
