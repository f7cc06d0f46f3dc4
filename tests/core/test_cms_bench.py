"""The import benchmark's generated crosswalk is a valid file (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs_on_a_small_file() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_cms_import.py"),
            "--rows",
            "300",
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "crosswalk: 300 rows" in done.stdout
    assert "x baseline" in done.stdout
