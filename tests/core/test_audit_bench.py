"""The audit benchmark's generated export is what it claims: mostly right, with planted
errors the audit finds; and the script runs end to end (on a small file, untimed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.shipped import audit_file

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import bench_audit  # noqa: E402


def test_generated_export_has_planted_errors_and_no_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    bench_audit.generate(path, 5_000)
    report = audit_file(path)
    assert report.rows >= 5_000
    assert report.skipped == 0
    assert 0.02 < report.total_findings / report.administrations < 0.15
    assert {"units-over-billed", "units-under-billed", "missing-jw", "missing-jz"} <= set(
        report.counts
    )


def test_distinct_export_has_one_dose_per_administration_and_planted_errors(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.csv"
    bench_audit.generate_distinct(path, 5_000)
    report = audit_file(path)
    assert report.skipped == report.incomplete == 0
    assert 0.02 < report.total_findings / report.administrations < 0.15
    with path.open() as file:
        next(file)
        doses = {}
        for row in file:
            cells = row.rstrip("\n").split(",")
            doses[cells[0]] = tuple(cells[7:])
    assert len(set(doses.values())) > 0.99 * len(doses)
    assert {"J1410", "J1459", "J1569"} <= {
        row.split(",")[4] for row in path.read_text().splitlines()[1:]
    }


def test_script_prints_rate_memory_and_ratio() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_audit.py"), "--rows", "3000"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "rows/s" in done.stdout
    assert "peak RSS" in done.stdout
    assert "ratio audit / baseline" in done.stdout


def test_scattered_export_audits_the_same_as_in_order(tmp_path: Path) -> None:
    """Every JW line at the end: each administration still audited whole."""
    scattered, in_order = tmp_path / "scattered.csv", tmp_path / "in_order.csv"
    bench_audit.generate_scattered(scattered, 3_000)
    header, *rows = scattered.read_text().splitlines(keepends=True)
    assert rows[-1].split(",")[5] == "JW"
    in_order.write_text(header + "".join(sorted(rows, key=lambda row: row.split(",")[0])))
    first, second = audit_file(scattered), audit_file(in_order)
    assert first.skipped == second.skipped == 0
    assert (first.administrations, first.counts) == (second.administrations, second.counts)
