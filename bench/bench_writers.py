"""Benchmark concurrent writers: N processes each running `main.py worksheet` M times
into one data directory, against one process doing M alone (the baseline, same run).

    uv run python bench/bench_writers.py [--writers 8] [--each 25]

Prints the wall time, worksheets per second, failures (there must be none) and verify.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKSHEET = [
    sys.executable, str(ROOT / "main.py"), "worksheet",
    "--vial-size", "10", "--ordered", "12", "--administered", "12",
    "--patient", "Bench, Test", "--mrn", "1", "--dob", "1961-04-02",
    "--administered-at", "2025-03-01T14:30", "--diagnosis", "D80.1",
    "--lot", "L1", "--expiry", "2030-01-31", "--prepared-by", "AB", "--verified-by", "CD",
    "--waste-reason", "single-dose vial", "--witness", "EF",
]  # fmt: skip

WRITER = """
import subprocess, sys
command, out, count = sys.argv[1:-2], sys.argv[-2], int(sys.argv[-1])
failed = 0
for n in range(count):
    done = subprocess.run([*command, "-o", f"{out}-{n}.pdf"], capture_output=True, text=True)
    if done.returncode:
        failed += 1
        print(done.stderr.strip(), flush=True)
sys.exit(1 if failed else 0)
"""


def run(writers: int, each: int, data: Path, out: Path) -> tuple[float, int]:
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                *WORKSHEET,
                "--data-dir",
                str(data),
                str(out / f"w{w}"),
                str(each),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    failures = 0
    for proc in procs:
        stdout, _ = proc.communicate()
        failures += len(stdout.splitlines())
        if stdout:
            print(stdout, end="")
    return time.perf_counter() - start, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--each", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "out").mkdir()
        alone, _ = run(1, args.each, base / "alone", base / "out")
        print(f"baseline: 1 writer x {args.each}: {alone:.1f} s, {args.each / alone:.2f}/s")
        total = args.writers * args.each
        elapsed, failures = run(args.writers, args.each, base / "data", base / "out")
        print(
            f"{args.writers} writers x {args.each}: {elapsed:.1f} s, {total / elapsed:.2f}/s, "
            f"{failures} failed; throughput ratio to one writer "
            f"{(total / elapsed) / (args.each / alone):.2f}"
        )
        done = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "verify", "--data-dir", str(base / "data")],
            capture_output=True,
            text=True,
        )
        print((done.stdout or done.stderr).strip())


if __name__ == "__main__":
    main()
