"""Benchmark importing a CMS NDC-HCPCS crosswalk (target: 60,000 rows in under 2 s).

    uv run python bench/bench_cms_import.py [--rows 60000] [--repeat 3]

Generates a crosswalk in the published layout (cp1252, a preamble, quoted fields with
commas), then times, on the same file: a plain ``csv.reader`` pass (the baseline), the
validation alone, and the full import (read, validate, store in a fresh reference
database). Prints the best of ``--repeat`` runs and the ratios to the baseline.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from core.cms.files import read_texts
from core.cms.importer import import_files
from core.cms.parse import parse_file
from core.site import Site

PREAMBLE = [
    '"ASP NDC-HCPCS Crosswalk \u2014 Medicare Part B\u00ae"',
    '"Effective January 1, 2026 through March 31, 2026"',
    '"Note: billing units per package are computed by CMS, see notes, below"',
    "",
]
HEADER = (
    "_2026_CODE,Short Description,LABELER NAME,NDC2,Drug Name,HCPCS Dosage,PKG SIZE,"
    "PKG QTY,BILLUNITS,BILLUNITSPKG"
)


def crosswalk(rows: int) -> bytes:
    lines = [*PREAMBLE, HEADER]
    for i in range(rows):
        code = f"J{1000 + i % 8000:04d}"
        ndc = f"{10000 + i // 1000:05d}-{i % 10000:04d}-{i % 97:02d}"
        lines.append(
            f'{code},"Inj drug {i % 500}, 500 mg","Labeler {i % 300}, Inc.",{ndc},'
            f"Drug\u00a0{i % 700}\u00ae,500 MG,{10 + i % 5 * 10},1,0.2,{2 + i % 5 * 2}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "crosswalk.csv"
        path.write_bytes(crosswalk(args.rows))
        size = path.stat().st_size / 1e6

        def baseline() -> None:
            text = path.read_bytes().decode("cp1252")
            for _ in csv.reader(io.StringIO(text, newline="")):
                pass

        def validate() -> None:
            (text,) = read_texts(path)
            parse_file(text)

        runs = iter(range(args.repeat))

        def full_import() -> None:
            report = import_files([path], Site(Path(tmp) / f"data{next(runs)}"))
            assert not report.refused and report.imported[0].rows == args.rows

        base = best(args.repeat, baseline)
        checked = best(args.repeat, validate)
        imported = best(args.repeat, full_import)
    print(f"crosswalk: {args.rows:,} rows, {size:.1f} MB")
    print(f"baseline csv.reader pass        {base:7.3f} s")
    print(f"read + validate                 {checked:7.3f} s  ({checked / base:5.1f}x baseline)")
    print(f"full import (validate + store)  {imported:7.3f} s  ({imported / base:5.1f}x baseline)")
    print(f"target < 2 s: {'met' if imported < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
