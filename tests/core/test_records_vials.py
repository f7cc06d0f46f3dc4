"""Vials kept with each worksheet record: recalls by lot or serial, serials used before."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from core.records import DB_FILENAME, RecordStore


def fake_pdf(worksheet_id: str, replaces: int | None) -> bytes:
    return f"%PDF-1.7\n% worksheet {worksheet_id} {replaces}\n%%EOF\n".encode()


def vial(lot: str, serial: str = "", ndc: str = "") -> dict[str, Any]:
    return {"size_ml": "10", "lot": lot, "expiry": "2027-01-31", "serial": serial, "ndc": ndc}


def add(store: RecordStore, *vials: object, replaces: int | None = None) -> int:
    return store.add(
        code="J1410",
        mrn="MRN-1",
        patient_name="Doe, Jane",
        administered_at="2026-11-29T09:30",
        prepared_by="A",
        verified_by="B",
        inputs={},
        result={},
        documentation={"vials": list(vials)},
        render=fake_pdf,
        replaces=replaces,
    ).id


def test_history_finds_worksheets_by_lot_or_serial(
    tmp_path: Path, database_url: str | None
) -> None:
    with RecordStore.open(tmp_path, url=database_url) as store:
        first = add(store, vial("LX1", "S1"), vial("LX2", "S2"))
        second = add(store, vial("LX2", "S3"))
        assert [r.id for r in store.list(lot="lx2")] == [second, first]  # newest first
        assert [r.id for r in store.list(lot=" LX1 ")] == [first]
        assert [r.id for r in store.list(serial="S3")] == [second]
        assert store.list(serial="S9") == []
        assert [r.id for r in store.list(lot="LX2", serial="S2")] == [first]
        assert [r.id for r in store.list(vial="s3")] == [second]  # lot or serial
        assert [r.id for r in store.list(vial="LX1")] == [first]
        assert store.verify().ok


def test_serials_recorded_count_only_current_worksheets(
    tmp_path: Path, database_url: str | None
) -> None:
    with RecordStore.open(tmp_path, url=database_url) as store:
        first = add(store, vial("L", "S1", "44151001234"))
        assert store.serial_recorded_on("S1") == (first,)
        assert store.serial_recorded_on("S1", correcting=first) == ()
        assert store.serial_recorded_on("s1") == ()  # serials are exact
        assert store.serial_recorded_on("S1", ndc="44151001234") == (first,)
        assert store.serial_recorded_on("S1", ndc="00002759701") == ()  # another product
        correction = add(store, vial("L", "S1", "44151001234"), replaces=first)
        assert store.serial_recorded_on("S1") == (correction,)  # the corrected one is gone
        assert store.recorded_ndcs() == frozenset({"44151001234"})


def test_vial_rows_are_immutable(tmp_path: Path) -> None:
    with RecordStore.open(tmp_path) as store:
        add(store, vial("L", "S1"))
    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            conn.execute("UPDATE worksheet_vials SET serial = 'X'")
    finally:
        conn.close()


def test_the_migration_fills_in_vials_of_earlier_records(tmp_path: Path) -> None:
    with RecordStore.open(tmp_path) as store:
        old = add(store, vial("OLD1", "S1"), {"not": "a vial"}, "text")
        store.add(
            code="J1410",
            mrn="M",
            patient_name="P",
            administered_at=None,
            prepared_by="A",
            verified_by="B",
            inputs={},
            result={},
            documentation={"vials": "none", "lot": "OLD1"},
            render=fake_pdf,
        )
    # Back to the schema before vials were kept, as a database of the earlier program.
    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    conn.execute("DROP TABLE worksheet_vials")
    conn.execute("PRAGMA user_version = 1")  # before the vials
    conn.commit()
    conn.close()
    with RecordStore.open(tmp_path) as store:
        assert [r.id for r in store.list(lot="OLD1")] == [old]
        assert store.serial_recorded_on("S1") == (old,)
        assert store.verify().ok


def test_verify_names_a_worksheet_whose_vial_rows_were_edited(tmp_path: Path) -> None:
    with RecordStore.open(tmp_path) as store:
        add(store, vial("L1", "S1"))
        add(store, vial("L2", "S2"))
    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    conn.execute("DROP TRIGGER worksheet_vials_no_delete")
    conn.execute("DELETE FROM worksheet_vials WHERE serial = 'S2'")  # hiding a recalled vial
    conn.commit()
    conn.close()
    with RecordStore.open(tmp_path) as store:
        assert store.verify().ok  # the quick check is the chain alone
        report = store.verify(check_pdfs=True)
    assert not report.ok
    assert report.first_broken_id == 2
    assert "vial rows of worksheet W-000002" in report.message
