"""The imported-code look-up benchmark runs on small files (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs_on_small_files() -> None:
    script = str(ROOT / "bench" / "bench_partb_lookups.py")
    args = ["--codes", "20", "--rows", "300", "--repeat", "1"]
    done = subprocess.run(
        [sys.executable, script, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "pricing: 20 codes; crosswalk: 300 rows" in done.stdout
    assert "code picker list (every code)" in done.stdout
