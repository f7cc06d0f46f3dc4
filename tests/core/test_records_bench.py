"""pytest-benchmark for verify. Measures only with ``--benchmark-enable``
(the default ``--benchmark-disable`` runs it once, as a plain test).

    uv run pytest tests/core/test_records_bench.py --benchmark-enable

The 100,000-record figures come from ``bench/bench_records.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from core.records import BackupPlan, RecordStore

#: Records measured with ``--benchmark-enable``; a plain run (the suite's) checks the same
#: answers on fewer: the size matters only to the measurement.
RECORDS = 2_000
RECORDS_UNMEASURED = 300  # every patient number below 300 is used (i % 300)


@pytest.fixture(scope="module")
def records(request: pytest.FixtureRequest) -> int:
    return RECORDS if request.config.getoption("benchmark_enable") else RECORDS_UNMEASURED


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory: pytest.TempPathFactory, records: int) -> Iterator[RecordStore]:
    directory = tmp_path_factory.mktemp("bench")
    # Backups are measured by bench/bench_backup.py; here they would only add noise.
    plan = BackupPlan(directory=directory / "backups", every=10**6)
    with RecordStore.open(directory, backup_plan=plan) as store:
        for i in range(records):
            store.add(
                code="J1410",
                mrn=str(i % 300),
                patient_name=f"Patient {i % 300}",
                administered_at=None,
                prepared_by="AB",
                verified_by="CD",
                inputs={"dose_mg": "350", "vials": 4},
                result={"units": 70, "waste_ml": "0.50"},
                documentation={"lot": "L1"},
                render=lambda wid, rep: b"%PDF-1.7\n% " + wid.encode() + b"\n" + b"x" * 4000,
            )
        yield store


@pytest.mark.benchmark(group="records")
@pytest.mark.parametrize("check_pdfs", [False, True], ids=["chain", "chain+pdfs"])
def test_verify_2000_records(
    filled_store: RecordStore, benchmark: BenchmarkFixture, check_pdfs: bool, records: int
) -> None:
    report = benchmark(filled_store.verify, check_pdfs=check_pdfs)
    assert report.ok and report.checked == records and report.pdfs_checked == check_pdfs


@pytest.mark.benchmark(group="records")
def test_list_by_patient_2000_records(
    filled_store: RecordStore, benchmark: BenchmarkFixture
) -> None:
    rows = benchmark(filled_store.list, patient="patient 7")
    # "Patient 7", "Patient 70".."79", "Patient 700".. do not exist (i % 300): 7, 70-79.
    assert {r.patient_name for r in rows} == {"Patient 7", *(f"Patient {n}" for n in range(70, 80))}
