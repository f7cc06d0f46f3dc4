"""`main.py calc`: units, waste and claim lines for one dose."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from core import formats
from core.calculation_models import CalculationResult
from core.dose_input import DoseForm, DoseInputError, evaluate
from core.errors import InputError
from core.values import to_data

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.site import Site


def add_calc_options(parser: argparse.ArgumentParser) -> None:
    """The dose options, shared by `calc` and `worksheet`."""
    dose = parser.add_argument_group("dose (amounts default to mL; a unit may be written)")
    dose.add_argument("--vial-size", default="", help="labeled vial size, e.g. 10 or '5 g'")
    dose.add_argument("--ordered", default="", help="dose ordered: 12, '1.5 g', '0.4 g/kg'")
    dose.add_argument("--administered", default="", help="amount administered, e.g. 12")
    dose.add_argument("--vials", default="", help="vials opened (default: fewest needed)")
    dose.add_argument("--code", default="", help="HCPCS code (default J1410, per 5 mL)")
    dose.add_argument("--product", default="", help="catalog product, e.g. 'Privigen 10%%'")
    dose.add_argument("--concentration", default="", help="e.g. 10%% or '100 mg/mL'")
    dose.add_argument("--weight", default="", help="patient weight in kg, for a dose per kg")
    dose.add_argument("--bsa", default="", help="body surface area in m2, for a dose per m2")
    dose.add_argument(
        "--height", default="", help="patient height in cm: BSA by Mosteller with --weight"
    )
    dose.add_argument("--multi-dose", action="store_true", default=None, help="multi-dose vial")
    dose.add_argument("--payer", default="", help="payer profile: medicare (default), commercial")
    dose.add_argument(
        "--setting", default="", help="outpatient (default), inpatient, fqhc-rhc, packaged"
    )
    dose.add_argument("--ndc", default="", help="NDC as on the label, e.g. 0002-7597-01")
    dose.add_argument(
        "--auth",
        "--prior-auth",
        dest="prior_auth",
        default="",
        help="prior authorization number (see `main.py auth add`)",
    )
    dose.add_argument(
        "--catalog", type=Path, default=None, help="catalog JSON file (default: the shipped one)"
    )
    add_data_dir_option(parser)


#: Longer than any path the operating system opens (PATH_MAX is 4,096 bytes on Linux).
MAX_PATH_CHARS = 4096
#: Longer than any one file or directory name (NAME_MAX is 255 bytes).
MAX_NAME_BYTES = 255


def data_dir_path(text: str) -> str:
    """``--data-dir`` as given, or argparse's one-line refusal (without echoing a
    10,000-character value back): the operating system would refuse it later anyway."""
    if len(text) > MAX_PATH_CHARS:
        raise argparse.ArgumentTypeError(
            f"is {len(text):,} characters; a path has at most {MAX_PATH_CHARS:,}"
        )
    if any(
        len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for part in text.split("/")
    ):
        raise argparse.ArgumentTypeError(
            f"has a folder name longer than {MAX_NAME_BYTES} bytes; no file system allows it"
        )
    if any(ord(ch) < 32 or ch == "\x7f" for ch in text):
        raise argparse.ArgumentTypeError("holds a control character; give a plain path")
    return text


def add_data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        default=None,
        type=data_dir_path,
        help="where records are kept (default: UNITCALC_DATA_DIR or the user data directory)",
    )
    parser.add_argument(
        "--database",
        default=None,
        help="a PostgreSQL URL shared by several workstations, postgresql://HOST/DB "
        "(default: UNITCALC_DATABASE, else the SQLite files in the data directory)",
    )


def form_from_args(args: argparse.Namespace) -> DoseForm:
    return DoseForm(
        code=args.code,
        product=args.product,
        concentration=args.concentration,
        multi_dose=args.multi_dose,
        vial_size=args.vial_size,
        vials=args.vials,
        dose_ordered=args.ordered,
        weight=args.weight,
        bsa=args.bsa,
        height=args.height,
        administered=args.administered,
        payer=args.payer,
        setting=args.setting,
        ndc=args.ndc,
        prior_authorization=args.prior_auth,
    )


def summary(result: CalculationResult) -> str:
    """The short readable report `calc` prints."""
    verified = "" if result.code_cms_verified else " (as specified for this project, not CMS)"
    vials = " + ".join(str(c) for c in result.vials_by_size)
    lines = [
        f"{result.code}: {result.descriptor}{verified}",
        f"Vials: {vials} = {result.amount(result.opened_ml)}"
        + (" (derived)" if result.vials_derived else " (entered)"),
        f"Administered: {result.amount(result.administered_ml)}; "
        f"waste: {result.amount(result.waste_ml)}",
        "Claim lines:",
        *(
            f"  {line}" + (f"  {line.ndc_segment}" if line.ndc_segment else "")
            for line in result.claim_lines
        ),
        "Arithmetic:",
        *(f"  {step}" for step in result.steps),
    ]
    if result.warnings:
        lines += ["Warnings:", *(f"  ! {warning}" for warning in result.warnings)]
    return "\n".join(lines)


def service_date(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            "service date", f"'{text[:40]}' is not a date such as 2026-02-15"
        ) from None


def pricing_summary(result: CalculationResult) -> list[str]:
    """The dollars and CMS notes `calc` prints (nothing without imported files)."""
    from core.pricing import dollars

    lines: list[str] = []
    if result.pricing is not None:
        lines.append(
            f"Priced from: {result.pricing.source} (service date {result.pricing.service_date})"
        )
        for line in result.claim_lines:
            if line.payment is None or line.payment_per_unit is None:
                continue
            what = "  (what billing the waste recovers)" if "JW" in line.modifiers else ""
            lines.append(
                f"  {line.billed_code}: {formats.units(line.units)} × "
                f"{dollars(line.payment_per_unit)} = {dollars(line.payment)}{what}"
            )
    if result.cms_billing_unit is not None:
        lines.append(f"CMS billing unit: {result.cms_billing_unit}; catalog: {result.dosage}")
    return lines


def evaluate_args(args: argparse.Namespace, site: Site) -> CalculationResult:
    """The calculation the dose options describe; the first problem raises InputError."""
    try:
        imported = site.imported_codes(service_date(args.service_date))
        return evaluate(form_from_args(args), site.catalog, site.payers, imported)
    except DoseInputError as errors:
        raise next(iter(errors.errors.values())) from None


def run(args: argparse.Namespace, site: Site) -> int:
    from core.claim_review import as_billed
    from core.cli import print_json, print_text
    from core.documentation import Documentation, check_documentation_text

    when = service_date(args.service_date)
    calculated = evaluate_args(args, site)
    doc = Documentation(diagnosis=args.diagnosis, prior_authorization=args.prior_auth)
    check_documentation_text(doc)
    route = args.route or (_product_route(args, site) or "")
    result, checks = as_billed(calculated, doc, route=route, site=site, service_date=when)
    if args.json:
        data = to_data(result)
        data["checks"] = [check.model_dump(mode="json", exclude={"blockers"}) for check in checks]
        print_json(data)
    else:
        checks_text = [f"  [{c.state}] {c.title}: {c.message}" for c in checks]
        print_text(
            "\n".join(
                [summary(result), *pricing_summary(result), "Denial-risk check:", *checks_text]
            )
        )
    return 0


def _product_route(args: argparse.Namespace, site: Site) -> str | None:
    """Without ``--route``, a product's route (J1410 with no product: none)."""
    if not args.product:
        return None
    return site.catalog.product(args.product).route


def add_parsers(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser("calc", help="units, waste and claim lines for one dose")
    add_calc_options(parser)
    parser.add_argument("--diagnosis", default="", help="ICD-10 code(s), e.g. D80.1")
    parser.add_argument("--route", default="", help="IV, SC or IM (default: the product's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--service-date", help="date of service YYYY-MM-DD, for CMS pricing (default today)"
    )
    parser.set_defaults(run=run)
