"""Benchmark the worksheet records store: add rate, verify and list times.

    uv run python bench/bench_records.py [--count 100000] [--pdf-bytes 4096]

Creates the records in a temporary directory (deleted afterwards) with small
fake PDFs, each ``add`` its own durable transaction exactly as in the app, so
the add rate is bound by the disk's fsync speed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from core.records import BackupPlan, RecordStore

T = TypeVar("T")


def timed(label: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    value = fn()
    print(f"{label:<44} {time.perf_counter() - start:8.3f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--pdf-bytes", type=int, default=4096, help="size of each fake PDF")
    args = parser.parse_args()

    # Journal lines are written as in the app; backups (every 20 records, of a database
    # growing to hundreds of MB) would dominate here; bench/bench_backup.py measures them.
    with (
        tempfile.TemporaryDirectory() as tmp,
        RecordStore.open(
            Path(tmp), backup_plan=BackupPlan(directory=Path(tmp) / "backups", every=10**9)
        ) as store,
    ):
        filler = os.urandom(args.pdf_bytes)
        start = time.perf_counter()
        for i in range(args.count):
            store.add(
                code="J1410",
                mrn=f"{100000 + i % 5000}",
                patient_name=f"Patient {i % 5000}, Test",
                administered_at="2025-03-01T14:30",
                prepared_by="AB",
                verified_by="CD",
                inputs={"dose_mg": "350", "vial_size_ml": "5", "vials": 4},
                result={"units": 70, "waste_ml": "0.50", "lines": [{"code": "J1410", "n": 70}]},
                documentation={"lot": "L123", "waste_reason": "single-dose vial"},
                render=lambda wid, rep: b"%PDF-1.7\n% " + wid.encode() + b"\n" + filler,
                replaces=i if i and i % 50 == 0 else None,
            )
            if (i + 1) % 10_000 == 0:
                rate = (i + 1) / (time.perf_counter() - start)
                print(f"  {i + 1:>7} records, {rate:,.0f} records/s", flush=True)
        elapsed = time.perf_counter() - start
        size = os.path.getsize(store.path) / 1e6
        print(f"add: {args.count:,} records in {elapsed:.1f} s = {args.count / elapsed:,.0f}/s")
        print(f"database: {size:,.0f} MB ({args.pdf_bytes} byte PDFs)")

        quick = timed("verify() (chain only, the default)", store.verify)
        full = timed("verify(check_pdfs=True) (+ every PDF)", lambda: store.verify(check_pdfs=True))
        print(f"  -> {quick}\n  -> {full}")
        # This workstation's journal (one head per record here): verify compares the chain
        # with every head it holds. Its cost, as a ratio to verify with no journal.
        seen = store.workstation.path
        lines = len(seen.read_bytes().splitlines())
        start = time.perf_counter()
        store.verify()
        held = time.perf_counter() - start
        seen.rename(seen.with_suffix(".aside"))
        start = time.perf_counter()
        store.verify()
        alone = time.perf_counter() - start
        print(
            f"verify with this workstation's journal ({lines:,} heads): {held:.2f} s,"
            f" without: {alone:.2f} s, ratio {held / alone:.2f}"
        )
        timed("list(limit=200) newest first", lambda: store.list(limit=200))
        timed("list(patient='patient 42,') substring", lambda: store.list(patient="patient 42,"))
        timed("list(mrn=...) exact", lambda: store.list(mrn="100042"))
        timed("list() all summaries", store.list)


if __name__ == "__main__":
    main()
