"""`main.py export fhir|hl7 W-000042 -o FILE`: a recorded worksheet's charges as a file.

``hl7`` writes the DFT^P03 (``core.charges.hl7``) the outbox sends, segments ended by
carriage returns; ``fhir`` the R4B Bundle (``core.charges.fhir``) as JSON. Both are made
from the record alone, so the same worksheet always gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from core.cli.calc import add_data_dir_option
from core.cli.history import open_store
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.charges.facts import ChargeFacts
    from core.cli import SubParsers
    from core.site import Site


def run_export(args: argparse.Namespace, site: Site) -> int:
    from core.atomic import STDOUT, write_output
    from core.charges.facts import charge_facts
    from core.records import parse_worksheet_id

    try:
        record_id = parse_worksheet_id(args.id)
    except ValueError:
        raise InputError(
            "worksheet ID", f"'{printable(args.id[:40])}' is not an ID such as W-000042"
        ) from None
    with open_store(site) as store:
        record = store.get(record_id)
    facts = charge_facts(record)
    data = _hl7(facts) if args.format == "hl7" else _fhir(facts, record.replaced_by is not None)
    try:
        write_output(args.output, data)
    except OSError as error:
        raise InputError("output file", f"cannot write {args.output} ({error.strerror})") from None
    done = f"Wrote the {args.format.upper()} charges of {record.worksheet_id} to {args.output}"
    print(printable(done), file=sys.stderr if args.output == STDOUT else sys.stdout)
    return 0


def _hl7(facts: ChargeFacts) -> bytes:
    from core.charges.hl7 import dft_p03

    return (dft_p03(facts) + "\r").encode("utf-8")


def _fhir(facts: ChargeFacts, corrected: bool) -> bytes:
    from pydantic import ValidationError

    from core.charges.fhir import bundle_bytes

    try:
        return bundle_bytes(facts, corrected=corrected)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError("FHIR bundle", f"{where}: {first['msg']}") from None


def add_parsers(subparsers: SubParsers) -> None:
    export = subparsers.add_parser(
        "export", help="a recorded worksheet's charges as HL7 v2.5.1 DFT^P03 or FHIR R4B"
    )
    export.add_argument("format", choices=("hl7", "fhir"), help="hl7 (DFT^P03) or fhir (Bundle)")
    export.add_argument("id", help="worksheet ID, e.g. W-000042")
    export.add_argument(
        "-o", "--output", required=True, help="file to write ('-' for standard output)"
    )
    add_data_dir_option(export)
    export.set_defaults(run=run_export)
