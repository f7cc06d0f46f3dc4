"""Benchmark `main.py audit` on generated exports: rows per second and peak memory.

    uv run python bench/bench_audit.py [--rows 1000000]
        [--generator both|shapes|distinct|scattered|partb|all] [--code DIR] [--keep DIR]

Two generated billing exports of ``--rows`` claim lines each (about two per
administration, 5 % planted errors, one year of service dates, a few lines out of order):

- ``shapes``: 40 J1410 dose shapes repeated (the cache's best case);
- ``distinct``: every administration its own amount (distinct to 0.0001 mL or g, as a
  weight-based dose is), across J1410 (vial size in mL), Privigen (vials planned from the
  product's sizes) and J1569 (a mass vial size through the concentration): the engine
  runs once per administration;
- ``scattered`` (with ``--generator all`` or alone): ``distinct`` with every JW line at
  the end of the file, so every administration's lines are far apart (merged through the
  spill files): the memory bound's worst case;
- ``partb`` (with ``--generator all`` or alone): every administration its own amount of
  a code the catalog does not hold, billed per the descriptor of a CMS pricing file
  imported for each quarter of the year (J0585 per 1 unit, J2796 per 10 mcg, J9271 per
  1 mg): the cost of codes from the files, asked once per code and date (issue 20).

Each is run in its own process so that peak RSS is its own:

- baseline: a plain ``csv.reader`` pass over the file (the floor for any CSV tool);
- audit: ``core.audit.audit_file`` with a findings CSV, as `main.py audit --csv` does.

Prints wall and CPU seconds (``resource.getrusage``: other jobs share the machine's
cores, so CPU time is the figure that compares runs), rows/s, peak RSS and the audit's
ratio to the baseline. Targets: 1,000,000 lines under 60 s and 200 MB whatever the data.
``--code`` audits with another checkout's code (the figures before a change).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from math import ceil, floor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = (
    "administration_id,service_date,payer,setting,hcpcs,modifiers,billed_units,ndc,product,"
    "concentration,vial_size,vials_opened,multi_dose,administered\n"
)
TARGET_SECONDS = 60
TARGET_MB = 200

#: (facts after billed_units, units administered, JW units, whether JW/JZ apply)
Dose = tuple[str, int, int]


def _shapes() -> list[Dose]:
    """(facts, units, JW units) for J1410 doses from 10 mL and 50 mL vials."""
    from core.catalog import default_catalog, default_payers
    from core.dose_input import DoseForm, evaluate

    shapes = []
    for size in (10, 50):
        for ml in range(3, 100, 5):
            result = evaluate(
                DoseForm(vial_size=str(size), dose_ordered=str(ml), administered=str(ml)),
                default_catalog(),
                default_payers(),
            )
            facts = f",,,10%,{size} mL,{result.vials_opened},no,{ml} mL"
            shapes.append((facts, result.units_administered, result.units_wasted))
    return shapes


def _four_places(value: Fraction) -> str:
    text = f"{value.numerator * 10_000 // value.denominator:05d}"
    return f"{text[:-4]}.{text[-4:]}".rstrip("0").rstrip(".")


def distinct_dose(admin: int, rng: random.Random) -> Dose:
    """One administration's own amount, billed right (an exact model written here with
    Fraction, independent of the engine: 5 mL units, 500 mg units, whole vials)."""
    # A permutation of the administration number: a different amount for each one.
    step = 10_000 + (admin * 7_919) % 9_990_001  # 1 to 1,000 mL in 0.0001 mL
    kind = rng.random()
    if kind < 0.4:  # J1410 per 5 mL from 10 mL or 50 mL vials
        ml = Fraction(step, 10_000)
        size = 10 if ml <= 200 else 50
        count = ceil(ml / size)
        units = ceil(ml / 5)
        labeled = floor(Fraction(count * size, 5))
        facts = f",,,10%,{size} mL,{count},no,{_four_places(ml)} mL"
        return facts, units, max(0, labeled - units)
    if kind < 0.7:  # Privigen 10 %, J1459 per 500 mg, vials planned (50 mL steps)
        ml = Fraction(step, 10_000)
        units = ceil(ml * 100 / 500)
        labeled = 50 * ceil(ml / 50) * 100 // 500
        facts = f",,Privigen,,,,,{_four_places(ml)} mL"
        return facts, units, max(0, labeled - units)
    # J1569 per 500 mg, 10 g vials at 10 %, the dose in g (1 to 100 g)
    grams = Fraction(10_000 + step % 990_001, 10_000)
    count = ceil(grams / 10)
    units = ceil(grams * 1000 / 500)
    labeled = count * 10_000 // 500
    facts = f",,,10%,10 g,{count},no,{_four_places(grams)} g"
    return facts, units, max(0, labeled - units)


def partb_dose(admin: int, rng: random.Random) -> Dose:
    """One administration's own amount of a code from the imported CMS pricing file
    (``PARTB_PRICING``), billed right by an exact model written here with Fraction,
    independent of the engine: units rounded up, the labeled amount opened in whole units
    rounded down, JW the rest (issue 20)."""
    step = 100 + (admin * 7_919) % 99_901  # 1 to 1,000 in hundredths: distinct amounts
    amount = Fraction(step, 100)
    kind = rng.random()
    if kind < 0.4:  # J0585 (onabotulinumtoxinA) per 1 unit, 100-unit vials
        unit, size, per = "units", 100, 1
    elif kind < 0.7:  # J2796 (romiplostim) per 10 mcg, 250 mcg vials
        unit, size, per = "mcg", 250, 10
    else:  # J9271 (pembrolizumab) per 1 mg, 100 mg vials
        unit, size, per = "mg", 100, 1
    count = ceil(amount / size)
    units = ceil(amount / per)
    labeled = floor(Fraction(count * size, per))
    facts = f",,,,{size} {unit},{count},no,{_four_places(amount)} {unit}"
    return facts, units, max(0, labeled - units)


#: The codes ``partb_dose`` bills, as the CMS ASP pricing file describes them (the
#: payment limits are made up), and the quarters the bench imports it for.
PARTB_PRICING = (
    "J0585,Injection onabotulinumtoxina,1 UNIT,6.5",
    "J2796,Inj romiplostim 10 mcg,10 MCG,112.5",
    "J9271,Inj pembrolizumab,1 MG,58.123",
)
PARTB_QUARTERS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
_PARTB_CODES = {"units": "J0585", "mcg": "J2796", "mg": "J9271"}


def _hcpcs(facts: str) -> str:
    """The code a generated dose bills under, from the unit of its amount."""
    unit = facts.rsplit(" ", 1)[1]
    if unit in _PARTB_CODES:
        return _PARTB_CODES[unit]
    return "J1459" if ",Privigen," in facts else "J1569" if " g," in facts else "J1410"


def import_partb_quarters(data_dir: Path) -> None:
    """The pricing file for ``partb_dose``'s codes imported for each of 2026's quarters."""
    from core.cms.importer import import_files
    from core.cms.quarters import parse_quarter
    from core.site import Site

    header = "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit"
    site = Site.from_environment({}, data_dir=data_dir)
    for label in PARTB_QUARTERS:
        path = data_dir.parent / f"asp-{label}.csv"
        path.write_text("\n".join([header, *PARTB_PRICING]) + "\n", encoding="utf-8")
        report = import_files([path], site, parse_quarter(label))
        if report.refused:
            raise SystemExit(f"cannot import the bench's pricing file: {report.refused[0]}")


def _write(
    path: Path,
    rows: int,
    seed: int,
    dose: Callable[[int, random.Random], Dose],
    jw_last: bool = False,
    plant: bool = True,
) -> int:
    """Write the export; returns the number of administrations. ``jw_last`` writes every
    JW line after all the others (an export sorted by modifier: every administration's
    lines far apart); without ``plant`` every line is billed as the model bills it."""
    held: list[str] = []
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    written = 0
    admin = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        pending: list[str] = []
        while written < rows:
            admin += 1
            facts, units, waste = dose(admin, rng)
            hcpcs = _hcpcs(facts)
            when = (start + timedelta(days=rng.randrange(365))).isoformat()
            payer = "medicare" if rng.random() < 0.8 else "commercial"
            setting = "inpatient" if rng.random() < 0.03 else "outpatient"
            if setting == "inpatient":
                waste = 0  # JW and JZ do not apply
            head = f"ENC{admin:08d},{when},{payer},{setting},{hcpcs},"
            error = rng.random() if plant else 1.0
            dose_units = units + (1 if error < 0.02 else -1 if error < 0.03 and units > 1 else 0)
            jz = (
                "JZ"
                if waste == 0 and payer == "medicare" and setting == "outpatient" and error > 0.04
                else ""
            )
            lines = [f"{head}{jz},{dose_units}{facts}\n"]
            if waste and not 0.04 < error < 0.05:
                lines.append(f"{head}JW,{waste}{facts}\n")
            if jw_last:
                held.extend(lines[1:])
                written += len(lines) - 1
                lines = lines[:1]
            elif rng.random() < 0.01:  # a line held back a few administrations
                pending.extend(lines[1:])
                lines = lines[:1]
            out.writelines(lines)
            written += len(lines)
            if pending and rng.random() < 0.2:  # written ~5 administrations later
                out.writelines(pending)
                written += len(pending)
                pending = []
        out.writelines(pending)
        out.writelines(held)
    return admin


def generate(path: Path, rows: int, seed: int = 13) -> None:
    """The repetitive export: 40 dose shapes."""
    shapes = _shapes()
    _write(path, rows, seed, lambda _admin, rng: rng.choice(shapes))


def generate_distinct(path: Path, rows: int, seed: int = 17) -> None:
    """The diverse export: every administration its own amount."""
    _write(path, rows, seed, distinct_dose)


def generate_partb(path: Path, rows: int, seed: int = 23, plant: bool = True) -> None:
    """Distinct doses of codes from the imported CMS pricing file (units, mcg, mg)."""
    _write(path, rows, seed, partb_dose, plant=plant)


def generate_scattered(path: Path, rows: int, seed: int = 19) -> None:
    """The diverse export with every JW line at the end (the audit's worst order)."""
    _write(path, rows, seed, distinct_dose, jw_last=True)


#: Each child prints its own peak RSS last: ``VmHWM`` counts only its memory since exec
#: (``ru_maxrss`` would count the parent's memory copied at the fork).
PEAK = """
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM")))
"""

BASELINE = (
    """
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    n = sum(1 for _ in csv.reader(f)) - 1
print(n)
"""
    + PEAK
)

AUDIT = """
import sys, io
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from core.audit import audit_file
from core.catalog import default_catalog, default_payers
from core.audit.output import FindingsCsv
from core.reference import NO_REFERENCE
reference = NO_REFERENCE
if len(sys.argv) > 4:  # the imported CMS files, as `main.py audit` opens them
    from core.site import Site
    reference = Site.from_environment({}, data_dir=sys.argv[4]).open_reference()
with open(sys.argv[3], "w", encoding="utf-8", newline="") as out:
    writer = FindingsCsv(out)
    report = audit_file(
        Path(sys.argv[1]),
        None,
        reference,
        reference,
        catalog=default_catalog(),
        payers=default_payers(),
        on_finding=writer.write,
    )
print(report.rows, report.administrations, report.skipped, report.total_findings)
"""
AUDIT += PEAK


def measure(code: str, *args: str) -> tuple[float, float, float, str]:
    """Run ``code`` in a fresh interpreter; (seconds, CPU seconds, peak RSS in MB, output).

    Wall time, the child's own CPU time (its ``getrusage`` figures, as ``os.wait4``
    returns them: CPU time is what compares runs on a shared machine) and its own peak
    RSS (``VmHWM``).
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    out = process.stdout.read() if process.stdout else ""
    err = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark child failed:\n{err}")
    *lines, peak_kb = out.strip().splitlines()
    return seconds, usage.ru_utime + usage.ru_stime, int(peak_kb) / 1024, "\n".join(lines)


def run_one(name: str, path: Path, code_root: Path, tmp: Path) -> None:
    base_s, base_cpu, base_mb, base_out = measure(BASELINE, str(path))
    data = []
    if name == "partb":  # its codes come from a pricing file imported beforehand
        data = [str(tmp / "partb-data")]
        import_partb_quarters(Path(data[0]))
    audit_s, audit_cpu, audit_mb, audit_out = measure(
        AUDIT, str(path), str(code_root), str(tmp / f"findings-{name}.csv"), *data
    )
    rows = int(base_out)
    print(f"[{name}] {rows:,} rows")
    print(
        f"  baseline csv.reader  {base_s:6.2f} s (CPU {base_cpu:6.2f} s)  "
        f"{rows / base_s:>10,.0f} rows/s ({rows / base_cpu:>10,.0f} per CPU s)  "
        f"peak RSS {base_mb:6.1f} MB"
    )
    print(
        f"  audit                {audit_s:6.2f} s (CPU {audit_cpu:6.2f} s)  "
        f"{rows / audit_s:>10,.0f} rows/s ({rows / audit_cpu:>10,.0f} per CPU s)  "
        f"peak RSS {audit_mb:6.1f} MB"
    )
    print(f"  rows, administrations, skipped, findings: {audit_out}")
    print(
        f"  ratio audit / baseline: {audit_s / base_s:.1f}x the time of a plain CSV pass "
        f"({audit_cpu / base_cpu:.1f}x its CPU time)"
    )
    scale = 1_000_000 / rows
    wall = "met" if audit_s * scale < TARGET_SECONDS and audit_mb < TARGET_MB else "NOT met"
    cpu = "met" if audit_cpu * scale < TARGET_SECONDS and audit_mb < TARGET_MB else "NOT met"
    print(
        f"  target (1,000,000 rows under {TARGET_SECONDS} s and {TARGET_MB} MB, scaled from "
        f"{rows:,}): {wall} in wall time, {cpu} in CPU time"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--generator",
        choices=("both", "shapes", "distinct", "scattered", "partb", "all"),
        default="both",
        help="both: shapes and distinct; all: and scattered (every JW line at the end) "
        "and partb (codes from an imported CMS pricing file)",
    )
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose audit to run")
    parser.add_argument("--keep", type=Path, help="write the exports into this directory")
    args = parser.parse_args()
    chosen = {
        "shapes": generate,
        "distinct": generate_distinct,
        "scattered": generate_scattered,
        "partb": generate_partb,
    }
    if args.generator == "both":
        del chosen["scattered"], chosen["partb"]
    elif args.generator != "all":
        chosen = {args.generator: chosen[args.generator]}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        for name, make in chosen.items():
            path = folder / f"export-{name}.csv"
            start = time.perf_counter()
            make(path, args.rows)
            print(
                f"generated {name}: {args.rows:,} rows ({path.stat().st_size / 1e6:,.0f} MB) "
                f"in {time.perf_counter() - start:.1f} s"
            )
            run_one(name, path, args.code.resolve(), Path(tmp))
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores: other jobs share them")


if __name__ == "__main__":
    main()
