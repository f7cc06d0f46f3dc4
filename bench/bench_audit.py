"""Benchmark `main.py audit` on a generated export: rows per second and peak memory.

    uv run python bench/bench_audit.py [--rows 1000000] [--keep FILE]

Writes a billing export of ``--rows`` claim lines (about two per administration, ~40
dose shapes, 5 % planted errors, one year of service dates, a few lines out of order)
to a temporary file, then runs, each in its own process so peak RSS is its own:

- baseline: a plain ``csv.reader`` pass over the file (the floor for any CSV tool);
- audit: ``core.audit.audit_file`` with a findings CSV, as `main.py audit --csv` does.

Prints seconds, rows/s, peak RSS and the audit's ratio to the baseline. Targets: 1M rows
under 30 s, peak RSS under 300 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = (
    "administration_id,service_date,payer,setting,hcpcs,modifiers,billed_units,ndc,product,"
    "concentration,vial_size,vials_opened,multi_dose,administered\n"
)


def _shapes() -> list[tuple[str, int, int, int]]:
    """(facts, vials, units, JW units) for J1410 doses from 10 mL and 50 mL vials."""
    from core.dose_input import DoseForm, evaluate

    shapes = []
    for size in (10, 50):
        for ml in range(3, 100, 5):
            result = evaluate(
                DoseForm(vial_size=str(size), dose_ordered=str(ml), administered=str(ml))
            )
            facts = f",,,10%,{size} mL,{result.vials_opened},no,{ml} mL"
            shapes.append(
                (facts, result.vials_opened, result.units_administered, result.units_wasted)
            )
    return shapes


def generate(path: Path, rows: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    shapes = _shapes()
    start = date(2026, 1, 1)
    written = 0
    admin = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        pending: list[str] = []
        while written < rows:
            admin += 1
            facts, _vials, units, waste = rng.choice(shapes)
            when = (start + timedelta(days=rng.randrange(365))).isoformat()
            payer = "medicare" if rng.random() < 0.8 else "commercial"
            head = f"ENC{admin:08d},{when},{payer},outpatient,J1410,"
            error = rng.random()
            dose_units = units + (1 if error < 0.02 else -1 if error < 0.03 and units > 1 else 0)
            jz = "JZ" if waste == 0 and payer == "medicare" and error > 0.04 else ""
            lines = [f"{head}{jz},{dose_units}{facts}\n"]
            if waste and not 0.04 < error < 0.05:
                lines.append(f"{head}JW,{waste}{facts}\n")
            if rng.random() < 0.01:  # a line held back a few administrations
                pending.extend(lines[1:])
                lines = lines[:1]
            out.writelines(lines)
            written += len(lines)
            if pending and rng.random() < 0.2:  # written ~5 administrations later
                out.writelines(pending)
                written += len(pending)
                pending = []
        out.writelines(pending)


BASELINE = """
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    n = sum(1 for _ in csv.reader(f)) - 1
print(n)
"""

AUDIT = """
import sys, io
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from core.audit import audit_file
from core.audit.output import FindingsCsv
with open(sys.argv[3], "w", encoding="utf-8", newline="") as out:
    writer = FindingsCsv(out)
    report = audit_file(Path(sys.argv[1]), on_finding=writer.write)
print(report.rows, report.administrations, report.skipped, report.total_findings)
"""


def measure(label: str, code: str, *args: str) -> tuple[float, float, float, str]:
    """Run ``code`` in a fresh interpreter; (seconds, CPU seconds, peak RSS in MB, output).

    CPU seconds say what the run costs when other jobs share the machine's cores.
    """
    before_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = before_usage.ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime + usage.ru_stime) - (before_usage.ru_utime + before_usage.ru_stime)
    # ru_maxrss of children is the largest child so far; run the baseline first.
    mb = max(usage.ru_maxrss, before) / 1024
    return seconds, cpu, mb, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the export here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "export.csv"
        start = time.perf_counter()
        generate(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows ({size_mb:,.0f} MB) in "
            f"{time.perf_counter() - start:.1f} s"
        )
        base_s, base_cpu, base_mb, base_out = measure("baseline", BASELINE, str(path))
        audit_s, audit_cpu, audit_mb, audit_out = measure(
            "audit", AUDIT, str(path), str(ROOT), str(Path(tmp) / "findings.csv")
        )
        rows = int(base_out)
        print(
            f"baseline csv.reader  {base_s:6.2f} s (CPU {base_cpu:5.2f} s)  "
            f"{rows / base_s:>11,.0f} rows/s  peak RSS {base_mb:6.1f} MB"
        )
        print(
            f"audit                {audit_s:6.2f} s (CPU {audit_cpu:5.2f} s)  "
            f"{rows / audit_s:>11,.0f} rows/s  peak RSS {audit_mb:6.1f} MB"
        )
        print(f"  rows, administrations, skipped, findings: {audit_out}")
        print(
            f"ratio audit / baseline: {audit_s / base_s:.1f}x the time of a plain CSV pass "
            f"({audit_cpu / base_cpu:.1f}x its CPU time)"
        )
        load = os.getloadavg()[0]
        wall = "met" if audit_s < 30 and audit_mb < 300 else "NOT met"
        cpu = "met" if audit_cpu < 30 and audit_mb < 300 else "NOT met"
        print(
            f"target (1,000,000 rows under 30 s and 300 MB): {wall} in wall time, {cpu} in CPU "
            f"time (load average {load:.1f} on {os.cpu_count()} cores: other jobs share them)"
        )


if __name__ == "__main__":
    main()
