"""Benchmark the imported-code look-ups the window runs off the GUI thread (issue 20).

    uv run python bench/bench_partb_lookups.py [--codes 1000] [--rows 60000] [--repeat 5]

Imports a pricing file of ``--codes`` codes and a crosswalk of ``--rows`` rows (the
layout of ``bench_cms_import``), then times, with the reference data open: one
calculation of a catalog dose (the work of a keystroke, the baseline), the code picker's
list of every imported code (``FileCodes.listing``) and one scanned NDC's reading with
its labeler's other sizes (``FileCodes.ndc_vials``). Prints the best of ``--repeat`` runs
and the ratios to the baseline: what typing would wait for if they ran on the GUI thread.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from bench.bench_cms_import import best, crosswalk
from core.catalog import default_catalog, default_payers
from core.cms.codes import FileCodes
from core.cms.importer import import_files
from core.dose_input import DoseForm, evaluate
from core.site import Site

PRICING_HEAD = [
    '"ASP Drug Pricing Files \u2014 Medicare Part B\u00ae"',
    '"Effective January 1, 2026 through March 31, 2026"',
    "",
    "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,Vaccine AWP%,"
    "Vaccine Limit,Blood AWP%,Blood Limit,Clotting Factor,Notes",
]


def pricing(codes: int) -> bytes:
    lines = [*PRICING_HEAD]
    lines += [
        f'J{1000 + i:04d},"Inj drug {i}, 500 mg",500 MG,{i % 90 + 1}.5,,,,,,' for i in range(codes)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = [Path(tmp) / "asp.csv", Path(tmp) / "crosswalk.csv"]
        files[0].write_bytes(pricing(args.codes))
        files[1].write_bytes(crosswalk(args.rows))
        site = Site(Path(tmp) / "data")
        report = import_files(files, site)
        assert not report.refused, report
        reference = site.open_reference()
        try:
            codes = FileCodes(lambda: reference, date(2026, 2, 2))
            form = DoseForm(vial_size="10", dose_ordered="12", administered="12")
            catalog, payers = default_catalog(), default_payers()
            base = best(args.repeat, lambda: evaluate(form, catalog, payers))
            listed = best(args.repeat, codes.listing)
            found = codes.ndc_vials("10000000000", "NDC")  # row 0: J1000, Labeler 0
            assert found is not None and found.code == "J1000", found
            read = best(args.repeat, lambda: codes.ndc_vials("10000000000", "NDC"))
            count = len(codes.listing())
        finally:
            reference.close()
    print(f"pricing: {count:,} codes; crosswalk: {args.rows:,} rows")
    print(f"baseline: one catalog calculation  {base * 1000:8.2f} ms")
    print(f"code picker list (every code)      {listed * 1000:8.2f} ms  ({listed / base:6.1f}x)")
    print(f"one scanned NDC with its sizes     {read * 1000:8.2f} ms  ({read / base:6.1f}x)")


if __name__ == "__main__":
    main()
