"""`main.py audit`: check billing exports against the engine; totals, PDF and CSV.

Progress and the findings go to files; stdout gets the summary (text, or JSON with
``--json``). Several files make one report. A bad row is reported and skipped; only a
file or header that cannot be used at all exits 2.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.calc import add_data_dir_option
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.audit.run import AuditReport
    from core.cli import SubParsers
    from core.site import Site


def _mapping(args: argparse.Namespace) -> dict[str, str]:
    from core.audit.template import load_mapping, parse_map_option

    mapping = load_mapping(Path(args.mapping)) if args.mapping else {}
    for text in args.map or []:
        field, header = parse_map_option(text)
        mapping[field] = header
    return mapping


def _text_summary(report: AuditReport) -> str:
    from core.audit.findings import REASONS
    from core.audit.output import money

    lines = [
        f"Audited {report.source}: {report.rows:,} rows, {report.administrations:,} "
        f"administrations, {report.skipped:,} {'row' if report.skipped == 1 else 'rows'} "
        "skipped",
        *(
            [
                f"Incomplete (a line cannot be read; no finding, no dollars): "
                f"{report.incomplete:,} administrations"
            ]
            if report.incomplete
            else []
        ),
        f"Findings: {report.total_findings:,}",
        *(
            f"  {reason:20} {report.counts[reason]:>9,}  {REASONS[reason]}"
            for reason in REASONS
            if reason in report.counts
        ),
        f"Recoverable (under-billed): ${money(report.recoverable)}",
        f"At risk (over-billed or likely denied): ${money(report.at_risk)}",
    ]
    if report.pricing_note:
        lines.append(f"Note: {report.pricing_note}")
    lines += [f"Warning: {warning}" for warning in report.warnings.values()]
    for incomplete in report.incomplete_administrations[:20]:
        lines.append(f"  incomplete {incomplete.administration_id}: {incomplete.reason}")
    if report.incomplete > 20:
        lines.append(f"  ... {report.incomplete - 20:,} more incomplete (--csv lists them all)")
    many = len({s.source for s in report.skipped_rows}) > 1
    for skipped in report.skipped_rows[:20]:
        where = f"{skipped.source} " if many else ""
        lines.append(f"  skipped {where}row {skipped.row}: {skipped.reason}")
    if report.skipped > 20:
        lines.append(f"  ... {report.skipped - 20:,} more skipped rows (--csv lists them all)")
    return "\n".join(printable(line) for line in lines)


def _open_csv(path: Path) -> io.TextIOWrapper:
    """Billing data: readable by the user only, and never written through a symlink."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        return open(os.open(path, flags, 0o600), "w", encoding="utf-8", newline="")
    except OSError as error:
        raise InputError("csv", f"cannot write {path} ({error.strerror})") from None


def _refuse_overwriting_the_export(exports: list[Path], *outputs: str | None) -> None:
    for option, output in zip(("csv", "output file"), outputs, strict=True):
        for export in exports:
            if output and Path(output).exists() and export.exists():
                try:
                    same = Path(output).samefile(export)
                except OSError:
                    continue
                if same:
                    message = f"{output} is the export being audited; choose another"
                    raise InputError(option, message)


def run(args: argparse.Namespace, site: Site) -> int:
    # File names and headers are user text: ``core.cli.fail`` escapes them for the terminal.
    if args.template:
        from core.audit.template import TEMPLATE

        sys.stdout.write(TEMPLATE)
        return 0
    if not args.file:
        raise InputError("file", "give the CSV export to audit (or --template)")
    from core.audit.output import FindingsCsv, summary
    from core.audit.run import Sources, audit_files

    files = [Path(name) for name in args.file]
    _refuse_overwriting_the_export(files, args.csv, args.output)
    mapping = _mapping(args)
    reference = site.open_reference()
    csv_file = _open_csv(Path(args.csv)) if args.csv else None
    try:
        writer = FindingsCsv(csv_file) if csv_file else None
        sources = Sources(
            site.catalog,
            site.payers,
            reference,
            reference,
            on_finding=writer.write if writer else None,
            on_not_audited=writer.write_not_audited if writer else None,
            descriptors=reference,
        )
        report = audit_files(files, mapping, sources)
    finally:
        reference.close()
        if csv_file:
            csv_file.close()
    if args.output:
        from core.atomic import write_atomic
        from core.audit.report import build_report

        try:
            write_atomic(Path(args.output), build_report(report))
        except OSError as error:
            message = f"cannot write {args.output} ({error.strerror})"
            raise InputError("output file", message) from None
    if args.json:
        print(json.dumps(summary(report), ensure_ascii=True))
    else:
        print(_text_summary(report))
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="check billed claim lines (CSV) against the engine",
        description="Recompute every administration in a billing export and report the "
        "units and modifiers billed wrong, with the dollars recoverable and at risk.",
    )
    parser.add_argument(
        "file",
        nargs="*",
        help="CSV exports, one row per billed claim line; several files make one report",
    )
    parser.add_argument(
        "--template", action="store_true", help="print the template's header and example rows"
    )
    parser.add_argument(
        "--map",
        action="append",
        metavar='FIELD="Header"',
        help='the export column holding a template field, e.g. hcpcs="Proc Code"; repeat',
    )
    parser.add_argument("--mapping", help='JSON file {"field": "Header", ...}')
    parser.add_argument("-o", "--output", help="PDF report to write")
    parser.add_argument(
        "--csv", help="CSV of every finding, skipped row and incomplete administration"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_data_dir_option(parser)
    parser.set_defaults(run=run)
