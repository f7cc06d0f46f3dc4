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


def test_partb_export_agrees_with_its_exact_model(tmp_path: Path) -> None:
    """Codes from the imported CMS files (J0585 units, J2796 mcg, J9271 mg), every dose
    its own: billed as the bench's independent model bills them, the audit finds
    nothing; with errors planted, it finds them."""
    from core.site import Site

    data = tmp_path / "data"
    bench_audit.import_partb_quarters(data)
    reference = Site.from_environment({}, data_dir=data).open_reference()
    try:
        clean, planted = tmp_path / "clean.csv", tmp_path / "planted.csv"
        bench_audit.generate_partb(clean, 4_000, plant=False)
        bench_audit.generate_partb(planted, 4_000)
        report = audit_file(clean, pricing=reference, crosswalk=reference)
        assert {row.split(",")[4] for row in clean.read_text().splitlines()[1:]} == {
            "J0585",
            "J2796",
            "J9271",
        }
        assert (report.skipped, report.incomplete, report.total_findings) == (0, 0, 0)
        assert report.administrations > 1_500
        report = audit_file(planted, pricing=reference, crosswalk=reference)
        assert report.skipped == report.incomplete == 0
        # (Doses in hundredths rarely leave no waste: no missing-jz is planted.)
        assert {"units-over-billed", "units-under-billed", "missing-jw"} <= set(report.counts)
    finally:
        reference.close()
