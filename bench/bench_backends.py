"""Worksheets recorded per second: SQLite (the baseline) vs PostgreSQL, in one run.

    UNITCALC_TEST_DATABASE=postgresql://... uv run python bench/bench_backends.py \
        [--count 300] [--pdf-bytes 50000] [--writers 4]

Each record is one durable transaction, as in the app (SQLite: WAL, synchronous=FULL;
PostgreSQL: the server's fsync). ``--writers`` processes record at once, each on its
own connection, like workstations; SQLite's writers share one data directory. The
PostgreSQL side uses a fresh schema on the server named by the URL (``--database`` or
``UNITCALC_TEST_DATABASE``) and drops it afterwards. Prints worksheets per second and
the ratio PostgreSQL / SQLite.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from multiprocessing import Pool
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from core.records import BackupPlan, RecordStore


def _write(job: tuple[str, str | None, int, int]) -> int:
    data_dir, url, count, pdf_bytes = job
    pdf = b"%PDF-1.7\n" + os.urandom(pdf_bytes)
    plan = BackupPlan(directory=Path(data_dir) / "backups", every=10**9, keep=1)
    with RecordStore.open(data_dir, url=url, backup_plan=plan) as store:
        for n in range(count):
            store.add(
                code="J1410",
                mrn=f"MRN-{n}",
                patient_name="Bench, Patient",
                administered_at="2026-11-30T08:00",
                prepared_by="A. Preparer",
                verified_by="V. Checker",
                inputs={"n": n},
                result={},
                documentation={"vials": [{"lot": "L1", "serial": f"S{n}"}]},
                render=lambda wid, replaces: pdf,
            )
    return count


def rate(data_dir: str, url: str | None, count: int, writers: int, pdf_bytes: int) -> float:
    per = count // writers
    start = time.perf_counter()
    with Pool(writers) as pool:
        done = sum(pool.map(_write, [(data_dir, url, per, pdf_bytes)] * writers))
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--pdf-bytes", type=int, default=50_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--database", default=os.environ.get("UNITCALC_TEST_DATABASE"))
    args = parser.parse_args()
    if not args.database:
        sys.exit("give --database postgresql://... or set UNITCALC_TEST_DATABASE")
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(args.database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in args.database else "?"
    url = f"{args.database}{joiner}options={quote(f'-csearch_path={schema}')}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for writers in sorted({1, args.writers}):
                sqlite = rate(f"{tmp}/s{writers}", None, args.count, writers, args.pdf_bytes)
                server = rate(f"{tmp}/p{writers}", url, args.count, writers, args.pdf_bytes)
                print(
                    f"{writers} writer(s), {args.count} worksheets of {args.pdf_bytes} B: "
                    f"SQLite {sqlite:7.1f}/s  PostgreSQL {server:7.1f}/s  "
                    f"ratio PostgreSQL/SQLite {server / sqlite:.2f}"
                )
    finally:
        with psycopg.connect(args.database, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
