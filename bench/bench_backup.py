"""Benchmark backups and verify against the journal, beside baselines from the same run.

    uv run python bench/bench_backup.py [--count 10000] [--pdf-bytes 20000]

Fills a records store in a temporary directory (no automatic backups while filling),
then times: SQLite's online backup of the whole database against a plain file copy of
it (the least any backup costs), verify with the journal check against the chain check
alone, and restore.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from core.records import BackupPlan, RecordStore
from core.records.verify import verify_chain

T = TypeVar("T")


def timed(label: str, fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {elapsed:8.3f} s")
    return value, elapsed


def chain_only(store: RecordStore) -> object:
    conn = store._conn
    conn.execute("BEGIN")
    try:
        return verify_chain(conn, False)
    finally:
        conn.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--pdf-bytes", type=int, default=20_000, help="size of each fake PDF")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        plan = BackupPlan(directory=Path(tmp) / "backups", every=10**6, keep=3)
        filler = os.urandom(args.pdf_bytes)
        with RecordStore.open(Path(tmp) / "data", backup_plan=plan) as store:
            start = time.perf_counter()
            for i in range(args.count):
                store.add(
                    code="J1410",
                    mrn=f"{100000 + i % 5000}",
                    patient_name=f"Patient {i % 5000}, Test",
                    administered_at="2025-03-01T14:30",
                    prepared_by="AB",
                    verified_by="CD",
                    inputs={"dose_mg": "350", "vials": 4},
                    result={"units": 70},
                    documentation={"lot": "L123"},
                    render=lambda wid, rep: b"%PDF-1.7\n% " + wid.encode() + b"\n" + filler,
                )
            elapsed = time.perf_counter() - start
            print(f"add (with a journal line each): {args.count:,} in {elapsed:.1f} s")
            store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = os.path.getsize(store.path) / 1e6
            print(f"database: {size:,.0f} MB ({args.pdf_bytes} byte PDFs)")

            _, copy_s = timed(
                "baseline: plain file copy", lambda: shutil.copyfile(store.path, Path(tmp) / "c")
            )
            backup, backup_s = timed("online backup (fsynced, journaled)", store.backup)
            print(f"  -> backup / copy = {backup_s / copy_s:.2f}, {size / backup_s:,.0f} MB/s")

            _, chain_s = timed("baseline: verify chain only", lambda: chain_only(store))
            report, verify_s = timed("verify (chain + journal)", store.verify)
            assert report.ok, report.message
            print(f"  -> verify / chain only = {verify_s / chain_s:.2f}")
            _, restore_s = timed(
                "restore (verify backup, copy aside, copy in)", lambda: store.restore(backup)
            )
            print(f"  -> restore / backup = {restore_s / backup_s:.2f}")


if __name__ == "__main__":
    main()
