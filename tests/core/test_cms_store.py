"""The reference database: quarters kept, imports all or nothing and idempotent."""

from __future__ import annotations

import os
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.cms.importer import import_files
from core.cms.quarters import parse_quarter
from core.cms.store import DB_FILENAME, ReferenceStore
from core.reference import NO_REFERENCE_DATA
from tests.cms_samples import Q4_2025, crosswalk_csv, pricing_csv, write, write_zip
from tests.sites import site_at


def _import(data_dir: Path, *paths: Path) -> list[str]:
    report = import_files(list(paths), site_at(data_dir))
    assert not report.refused, report.refused
    return [outcome.status for outcome in report.imported]


def test_no_files_imported_means_no_reference(tmp_path: Path) -> None:
    assert site_at(tmp_path).open_reference() is NO_REFERENCE_DATA
    assert not (tmp_path / DB_FILENAME).exists()


def test_import_is_idempotent_and_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    pricing = write(tmp_path / "asp.csv", pricing_csv())
    zipped = write_zip(tmp_path / "xw.zip", {"xw.csv": crosswalk_csv()})
    assert _import(data, pricing, zipped) == ["imported", "imported"]
    path = data / DB_FILENAME
    with ReferenceStore.open(data) as store:
        before = store.quarters()
    assert _import(data, pricing, zipped) == ["unchanged", "unchanged"]
    with ReferenceStore.open(data) as store:
        assert store.quarters() == before  # same rows, same import times
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with ReferenceStore.open(data) as store:
        held = [(q.kind, q.quarter, q.rows, q.unusable) for q in store.quarters()]
    assert held == [("crosswalk", "2026Q1", 4, 0), ("pricing", "2026Q1", 5, 1)]


def test_a_corrected_file_replaces_its_quarter(tmp_path: Path, database_url: str | None) -> None:
    data = tmp_path / "data"
    _import(data, write(tmp_path / "a.csv", pricing_csv()))
    corrected = pricing_csv(rows=("J1459,IVIG,500 MG,42",))
    assert _import(data, write(tmp_path / "b.csv", corrected)) == ["replaced"]
    with ReferenceStore.open(data, database_url) as store:
        assert store.payment_per_unit("J1459", date(2026, 2, 1), "medicare") == Decimal(42)
        assert store.payment_per_unit("J1569", date(2026, 2, 1), "medicare") is None


def test_a_refused_file_stores_nothing_and_others_still_import(
    tmp_path: Path, database_url: str | None
) -> None:
    data = tmp_path / "data"
    _import(data, write(tmp_path / "good.csv", pricing_csv()))
    bad = write(tmp_path / "bad.csv", pricing_csv(rows=("J1459,IVIG,500 MG,1", "J1569,x,1,abc")))
    xw = write(tmp_path / "xw.csv", crosswalk_csv())
    report = import_files([bad, xw], site_at(data))
    assert [str(e).split(":")[0] for e in report.refused] == ["bad.csv"]
    assert [o.name for o in report.imported] == ["xw.csv"]
    with ReferenceStore.open(data, database_url) as store:
        # The quarter still holds the good file, not half of the bad one.
        assert store.payment_per_unit("J1459", date(2026, 2, 1), "medicare") == Decimal("41.234")


def test_each_quarter_prices_its_own_dates_and_later_dates_fall_back(
    tmp_path: Path, database_url: str | None
) -> None:
    data = tmp_path / "data"
    old = pricing_csv(effective=Q4_2025, rows=("J1459,IVIG,500 MG,39.9",))
    _import(data, write(tmp_path / "q4.csv", old), write(tmp_path / "q1.csv", pricing_csv()))
    with ReferenceStore.open(data, database_url) as store:
        q4 = store.price("J1459", date(2025, 11, 15), "medicare")
        q1 = store.price("J1459", date(2026, 3, 31), "medicare")
        later = store.price("J1459", date(2026, 5, 1), "medicare")
        before = store.price("J1459", date(2025, 9, 30), "medicare")
    assert q4 is not None and (q4.per_unit, q4.quarter, q4.out_of_date) == (
        Decimal("39.9"),
        "2025Q4",
        False,
    )
    assert q1 is not None and (q1.quarter, q1.out_of_date) == ("2026Q1", False)
    assert later is not None and (later.quarter, later.out_of_date) == ("2026Q1", True)
    assert before is None


def test_crosswalk_protocol_answers(tmp_path: Path, database_url: str | None) -> None:
    data = tmp_path / "data"
    _import(data, write(tmp_path / "xw.csv", crosswalk_csv()))
    reference = site_at(data).open_reference()
    try:
        assert reference.codes_for_ndc("00944270002", date(2026, 1, 5)) == frozenset({"J1569"})
        assert reference.codes_for_ndc("11111111111", date(2026, 1, 5)) is None
        assert reference.has_ndc("44206043690")
        assert not reference.has_ndc("11111111111")
        assert reference.has_crosswalk()
    finally:
        reference.close()


def test_quarter_option_labels_a_file_without_preamble_dates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = write(tmp_path / "x.csv", crosswalk_csv(effective=None))
    report = import_files([path], site_at(data), parse_quarter("2026Q2"))
    assert [o.quarter for o in report.imported] == ["2026Q2"]


@pytest.mark.parametrize("name", ["missing.csv", "dir"])
def test_missing_files_are_refused_by_name(tmp_path: Path, name: str) -> None:
    (tmp_path / "dir").mkdir()
    report = import_files([tmp_path / name], site_at(tmp_path / "data"))
    assert len(report.refused) == 1 and name in str(report.refused[0])
