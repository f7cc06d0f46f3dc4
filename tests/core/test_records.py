"""Worksheet records store: recording, listing, reprinting, corrections, tamper evidence."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.records import (
    DB_FILENAME,
    AlreadyReplacedError,
    RecordCorruptError,
    RecordNotFoundError,
    RecordStore,
    SchemaTooNewError,
    WorksheetRecord,
    format_worksheet_id,
    parse_worksheet_id,
    to_csv,
)
from core.records.schema import RECORDS
from tests.conftest import admin_url

MIGRATIONS = RECORDS.migrations

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def fake_pdf(worksheet_id: str, replaces: int | None) -> bytes:
    note = f" replaces worksheet {format_worksheet_id(replaces)}" if replaces else ""
    return f"%PDF-1.7\n% worksheet {worksheet_id}{note}\n%%EOF\n".encode()


def add(store: RecordStore, **overrides: Any) -> WorksheetRecord:
    fields: dict[str, Any] = {
        "code": "J1410",
        "mrn": "MRN-0001",
        "patient_name": "Doe, Jane",
        "administered_at": "2025-03-01T14:30",
        "prepared_by": "A. Preparer",
        "verified_by": "V. Checker",
        "inputs": {"dose_mg": "350", "vial_size_ml": "5"},
        "result": {"units": 70, "waste_ml": "0.5"},
        "documentation": {"lot": "L123", "waste_reason": "single-dose vial"},
        "render": fake_pdf,
    }
    fields.update(overrides)
    return store.add(**fields)


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[RecordStore]:
    """A store on each backend (SQLite file; PostgreSQL when a test server is set)."""
    with RecordStore.open(tmp_path / "data", url=database_url) as s:
        yield s


def tamper_store(store: RecordStore, *statements: str) -> None:
    """``tamper`` on either backend: on PostgreSQL with the administrator's credentials
    (the application role may not), the triggers switched off."""
    if store.url is None:
        tamper(store.path, *statements)
        return
    import psycopg

    with psycopg.connect(admin_url(store.url), autocommit=True) as conn, conn.transaction():
        for table in ("worksheets", "worksheet_pdfs", "worksheet_vials", "chain_head"):
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for sql in statements:
            conn.execute(sql)


def tamper(db: Path, *statements: str) -> None:
    """Edit the database behind the program's back, as someone with a DB tool would."""
    conn = sqlite3.connect(db)
    try:
        for trigger in ("worksheets", "worksheet_pdfs", "worksheet_vials"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}_no_update")
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}_no_delete")
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def store_with(tmp_path: Path, n: int) -> Path:
    data = tmp_path / "data"
    with RecordStore.open(data) as s:
        for i in range(n):
            add(s, mrn=f"MRN-{i}")
        assert s.verify().ok
    return data / DB_FILENAME


# --------------------------------------------------------------------------- creation


def test_first_open_creates_database_with_wal_and_schema(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    with RecordStore.open(data) as s:
        add(s)
    conn = sqlite3.connect(data / DB_FILENAME)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("SELECT count(*) FROM worksheets").fetchone()[0] == 1
    finally:
        conn.close()


@posix_only
def test_database_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old_umask = os.umask(0o022)
    try:
        with RecordStore.open(data) as s:
            add(s)
            files = [data / DB_FILENAME, data / f"{DB_FILENAME}-wal", data / f"{DB_FILENAME}-shm"]
            for path in files:
                assert path.exists(), path
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_reopen_keeps_records_and_does_not_remigrate(tmp_path: Path) -> None:
    with RecordStore.open(tmp_path) as s:
        add(s)
    with RecordStore.open(tmp_path) as s:
        assert [r.id for r in s.list()] == [1]
        assert add(s).id == 2
        assert s.verify().ok


def test_database_from_newer_program_is_refused(tmp_path: Path) -> None:
    with RecordStore.open(tmp_path) as s:
        add(s)
    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(SchemaTooNewError, match="99"):
        RecordStore.open(tmp_path)


# --------------------------------------------------------------------------- recording


def test_add_stores_everything_and_passes_the_id_to_render(store: RecordStore) -> None:
    calls: list[tuple[str, int | None]] = []

    def render(worksheet_id: str, replaces: int | None) -> bytes:
        calls.append((worksheet_id, replaces))
        return fake_pdf(worksheet_id, replaces)

    rec = add(store, render=render)
    assert calls == [("W-000001", None)]
    assert rec.id == 1 and rec.worksheet_id == "W-000001"
    assert rec.model_dump(mode="json")["worksheet_id"] == "W-000001"  # in JSON output too
    assert rec == store.get(1)
    assert rec.inputs == {"dose_mg": "350", "vial_size_ml": "5"}
    assert rec.result == {"units": 70, "waste_ml": "0.5"}
    assert rec.documentation["lot"] == "L123"
    assert (rec.mrn, rec.patient_name, rec.code) == ("MRN-0001", "Doe, Jane", "J1410")
    assert (rec.prepared_by, rec.verified_by) == ("A. Preparer", "V. Checker")
    assert rec.administered_at == "2025-03-01T14:30"
    assert rec.pdf_sha256 == hashlib.sha256(fake_pdf("W-000001", None)).hexdigest()
    assert rec.created_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(rec.created_at.tzinfo) - rec.created_at) < timedelta(minutes=1)
    assert rec.replaces is None and rec.replaced_by is None
    assert add(store).id == 2


def test_json_is_stored_canonically(store: RecordStore) -> None:
    add(store, inputs={"b": "2", "a": {"y": 1, "x": ["é"]}})
    (stored,) = store._conn.execute("SELECT inputs_json FROM worksheets").fetchone()
    assert stored == '{"a":{"x":["é"],"y":1},"b":"2"}'


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("inputs", {"dose_mg": 350.0}),
        ("result", {"lines": [{"units": 1.5}]}),
        ("documentation", {"dose": Decimal("1.5")}),
        ("inputs", {1: "non-string key"}),
    ],
)
def test_non_exact_json_values_are_refused(store: RecordStore, field: str, bad: Any) -> None:
    with pytest.raises(TypeError, match=field):
        add(store, **{field: bad})
    assert store.list() == []


@pytest.mark.parametrize("field", ["code", "mrn", "patient_name", "prepared_by", "verified_by"])
def test_blank_required_text_is_refused(store: RecordStore, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        add(store, **{field: "  "})
    assert store.list() == []


def test_failed_render_stores_nothing_and_does_not_consume_the_id(store: RecordStore) -> None:
    def broken(worksheet_id: str, replaces: int | None) -> bytes:
        raise RuntimeError("printer font missing")

    with pytest.raises(RuntimeError):
        add(store, render=broken)
    with pytest.raises(ValueError, match="PDF"):
        add(store, render=lambda w, r: b"not a pdf")
    assert store.list() == []
    assert add(store).id == 1
    assert store.verify().ok


def test_records_cannot_be_updated_or_deleted_through_sql(store: RecordStore) -> None:
    add(store, documentation={"vials": [{"lot": "L1"}]})
    statements = [
        "UPDATE worksheets SET mrn = 'X' WHERE id = 1",
        "DELETE FROM worksheets WHERE id = 1",
        "UPDATE worksheet_pdfs SET pdf = pdf || pdf WHERE id = 1",
        "DELETE FROM worksheet_pdfs WHERE id = 1",
        "UPDATE worksheet_vials SET lot = 'X'",
        "DELETE FROM worksheet_vials",
    ]
    if store.url is not None:
        statements += ["TRUNCATE worksheets CASCADE", "TRUNCATE worksheet_pdfs"]
    for sql in statements:  # on PostgreSQL the application role has no such right
        with pytest.raises(Exception, match=r"immutable|permission denied"):
            store._conn.execute(sql)
    assert store.get(1).mrn == "MRN-0001"
    assert store.list(lot="l1")[0].id == 1


def test_two_connections_interleave_without_gaps(tmp_path: Path, database_url: str | None) -> None:
    with (
        RecordStore.open(tmp_path, url=database_url) as a,
        RecordStore.open(tmp_path, url=database_url) as b,
    ):
        ids = [add(a if i % 2 else b).id for i in range(6)]
        assert ids == [1, 2, 3, 4, 5, 6]
        assert b.verify().ok and a.verify().checked == 6


# --------------------------------------------------------------------------- reprint


@posix_only
def test_reprint_is_byte_identical_atomic_and_private(store: RecordStore, tmp_path: Path) -> None:
    rec = add(store)
    original = fake_pdf("W-000001", None)
    assert store.pdf(rec.id) == original
    out = tmp_path / "out"
    out.mkdir()
    target = out / "reprint.pdf"
    target.write_bytes(b"old content that is longer than the new one" * 10)
    store.write_pdf(rec.id, target)
    assert target.read_bytes() == original
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == ["reprint.pdf"]  # no temp file left


def test_missing_record_raises_not_found(store: RecordStore, tmp_path: Path) -> None:
    with pytest.raises(RecordNotFoundError, match="W-000007"):
        store.get(7)
    with pytest.raises(RecordNotFoundError):
        store.pdf(7)
    with pytest.raises(RecordNotFoundError):
        store.write_pdf(7, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_changed_pdf_is_never_reprinted(tmp_path: Path) -> None:
    db = store_with(tmp_path, 2)
    tamper(db, "UPDATE worksheet_pdfs SET pdf = X'255044462D' WHERE id = 2")
    with RecordStore.open(db.parent) as s:
        assert s.pdf(1)
        with pytest.raises(RecordCorruptError, match="W-000002"):
            s.pdf(2)
        with pytest.raises(RecordCorruptError):
            s.write_pdf(2, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


# --------------------------------------------------------------------------- corrections


def test_correction_chain(store: RecordStore) -> None:
    first = add(store)
    seen: list[tuple[str, int | None]] = []

    def render(worksheet_id: str, replaces: int | None) -> bytes:
        seen.append((worksheet_id, replaces))
        return fake_pdf(worksheet_id, replaces)

    second = add(store, replaces=first.id, render=render, mrn="MRN-0002")
    assert seen == [("W-000002", 1)]
    assert b"replaces worksheet W-000001" in store.pdf(second.id)
    assert second.replaces == 1
    assert store.get(1).replaced_by == 2
    third = add(store, replaces=second.id)
    assert store.latest_in_chain(1) == third.id == 3
    assert store.latest_in_chain(3) == 3

    # Correcting an already-corrected record is refused and names the newer one.
    with pytest.raises(AlreadyReplacedError, match="W-000002") as info:
        add(store, replaces=first.id)
    assert info.value.replaced_by == 2
    with pytest.raises(RecordNotFoundError, match="W-000099"):
        add(store, replaces=99)
    assert [r.id for r in store.list()] == [3, 2, 1]
    assert store.verify().ok


# --------------------------------------------------------------------------- listing


def test_list_filters_newest_first(tmp_path: Path, database_url: str | None) -> None:
    days = iter(datetime(2025, 3, d, 12, 0).astimezone() for d in (1, 2, 3, 4))
    with RecordStore.open(tmp_path, clock=lambda: next(days), url=database_url) as s:
        add(s, mrn="111", patient_name="José Álvarez", code="J1410")
        add(s, mrn="222", patient_name="Mary O'Brien", code="J9999")
        add(s, mrn="111", patient_name="JOSÉ ÁLVAREZ", code="J1410")
        add(s, mrn="333", patient_name="Ann 100%_Smith", code="J1410")

        def ids(**kw: Any) -> list[int]:
            return [r.id for r in s.list(**kw)]

        assert ids() == [4, 3, 2, 1]
        assert ids(mrn="111") == [3, 1]
        assert ids(mrn="11") == []  # MRN matches exactly
        assert ids(patient="josé") == [3, 1]
        assert ids(patient="álv") == [3, 1]
        assert ids(patient="%") == [4]  # no SQL wildcards
        assert ids(patient="o_b") == []
        assert ids(code="J9999") == [2]
        assert ids(since=date(2025, 3, 2)) == [4, 3, 2]
        assert ids(until=date(2025, 3, 2)) == [2, 1]
        assert ids(since=date(2025, 3, 2), until=date(2025, 3, 3), code="J1410") == [3]
        assert ids(worksheet_id="w-2") == [2]
        assert ids(worksheet_id=4) == [4]
        assert ids(limit=2) == [4, 3]
        assert ids(patient="josé", limit=1) == [3]
        assert ids(mrn="111", patient="mary") == []


# --------------------------------------------------------------------------- ids and CSV


@pytest.mark.parametrize(
    ("text", "expected"),
    [("W-000042", 42), ("w-42", 42), ("42", 42), ("W42", 42), (" W-1000000 ", 1000000)],
)
def test_parse_worksheet_id(text: str, expected: int) -> None:
    assert parse_worksheet_id(text) == expected


@pytest.mark.parametrize("text", ["", "W-", "0", "W-0", "-1", "X-42", "42a", "4 2", "1.0"])
def test_parse_worksheet_id_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_worksheet_id(text)


@given(st.integers(min_value=1, max_value=10**12))
def test_format_parse_roundtrip(n: int) -> None:
    assert parse_worksheet_id(format_worksheet_id(n)) == n
    assert parse_worksheet_id(format_worksheet_id(n).lower()) == n


def test_csv_export_guards_formulas(store: RecordStore) -> None:
    add(store, patient_name='=HYPERLINK("http://evil","x")', mrn="+123", code="J1410")
    add(store, patient_name="@SUM(A1)", mrn="-5", verified_by='Smith, "Bo"', replaces=1)
    text = to_csv(store.list())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["worksheet_id", "created_at", "code"]
    header = rows[0]
    second, first = (dict(zip(header, r, strict=True)) for r in rows[1:])
    assert first["patient_name"] == '\'=HYPERLINK("http://evil","x")'
    assert first["mrn"] == "'+123"
    assert first["replaced_by"] == "W-000002"
    assert second["patient_name"] == "'@SUM(A1)"
    assert second["mrn"] == "'-5"
    assert second["verified_by"] == 'Smith, "Bo"'
    assert second["replaces"] == "W-000001"
    assert second["worksheet_id"] == "W-000002"
    assert len(rows) == 3


# --------------------------------------------------------------------------- verify


def test_verify_passes_on_empty_and_full_store(store: RecordStore) -> None:
    report = store.verify()
    assert report.ok and report.checked == 0
    for _ in range(5):
        add(store)
    add(store, replaces=3)
    report = store.verify()
    assert report.ok and report.checked == 6 and report.first_broken_id is None
    assert report.head_hash == store.get(6).chain_hash
    assert not report.pdfs_checked
    full = store.verify(check_pdfs=True)
    assert full.ok and full.pdfs_checked and full.head_hash == report.head_hash


def test_verify_says_how_far_it_has_come(
    store: RecordStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.records.verify

    monkeypatch.setattr(core.records.verify, "PROGRESS_EVERY", 2)
    for _ in range(5):
        add(store)
    for check_pdfs in (False, True):
        seen: list[tuple[int, int]] = []
        assert store.verify(check_pdfs=check_pdfs, progress=lambda *p, seen=seen: seen.append(p)).ok
        assert seen == [(0, 5), (2, 5), (4, 5)]


def verify_after(tmp_path: Path, *statements: str, n: int = 5, check_pdfs: bool = False) -> Any:
    db = store_with(tmp_path, n)
    tamper(db, *statements)
    with RecordStore.open(db.parent) as s:
        report = s.verify(check_pdfs=check_pdfs)
        if not any("worksheet_pdfs" in sql for sql in statements):
            # PDFs untouched: the quick and the full check reach the same verdict.
            other = s.verify(check_pdfs=not check_pdfs)
            assert (other.ok, other.first_broken_id, other.checked) == (
                report.ok,
                report.first_broken_id,
                report.checked,
            )
        return report


@pytest.mark.parametrize(
    "assignment",
    [
        "created_at = '2020-01-01T00:00:00.000000+00:00'",
        "code = 'J9999'",
        "mrn = 'MRN-OTHER'",
        "patient_name = 'Someone Else'",
        "administered_at = NULL",
        "prepared_by = 'X'",
        "verified_by = 'Y'",
        'inputs_json = \'{"dose_mg":"35","vial_size_ml":"5"}\'',
        "result_json = '{}'",
        "documentation_json = '{}'",
        "replaces = 1",
        "pdf_sha256 = '" + "a" * 64 + "'",
        "prev_hash = '" + "b" * 64 + "'",
        "chain_hash = '" + "c" * 64 + "'",
    ],
)
def test_editing_any_field_of_a_row_fails_verify(tmp_path: Path, assignment: str) -> None:
    report = verify_after(tmp_path, f"UPDATE worksheets SET {assignment} WHERE id = 3")
    assert not report.ok
    assert report.first_broken_id == 3
    assert "W-000003" in report.message
    assert report.checked == 2


def test_editing_the_pdf_fails_verify(tmp_path: Path) -> None:
    edit = "UPDATE worksheet_pdfs SET pdf = CAST('%PDF-1.7 forged' AS BLOB) WHERE id = 4"
    report = verify_after(tmp_path, edit, check_pdfs=True)
    assert not report.ok and report.first_broken_id == 4
    assert "PDF" in report.message and "W-000004" in report.message
    # The quick path trusts the stored SHA-256 (covered by the chain) and says so.
    quick = verify_after(tmp_path / "q", edit, check_pdfs=False)
    assert quick.ok and not quick.pdfs_checked and "not checked" in quick.message


def test_deleting_a_pdf_fails_the_full_verify_and_reprint(tmp_path: Path) -> None:
    report = verify_after(tmp_path, "DELETE FROM worksheet_pdfs WHERE id = 2", check_pdfs=True)
    assert not report.ok and report.first_broken_id == 2 and "PDF" in report.message
    with RecordStore.open(tmp_path / "data") as s, pytest.raises(RecordCorruptError):
        s.pdf(2)


@pytest.mark.parametrize(("deleted", "n"), [(1, 5), (3, 5), (5, 5), (1, 1)])
def test_deleting_a_row_fails_verify(tmp_path: Path, deleted: int, n: int) -> None:
    report = verify_after(tmp_path, f"DELETE FROM worksheets WHERE id = {deleted}", n=n)
    assert not report.ok
    assert report.first_broken_id == deleted
    assert format_worksheet_id(deleted) in report.message
    assert "deleted" in report.message


def test_swapping_two_rows_fails_verify(tmp_path: Path) -> None:
    report = verify_after(
        tmp_path,
        "UPDATE worksheets SET id = -1 WHERE id = 2",
        "UPDATE worksheets SET id = 2 WHERE id = 4",
        "UPDATE worksheets SET id = 4 WHERE id = -1",
    )
    assert not report.ok
    assert report.first_broken_id == 2
    assert "W-000002" in report.message


def test_edit_with_recomputed_row_hash_is_caught_at_the_next_row(tmp_path: Path) -> None:
    db = store_with(tmp_path, 5)
    with RecordStore.open(db.parent) as s:
        rec = s.get(3)
    from core.records.schema import chain_hash  # what a knowledgeable tamperer would use

    values = [
        3,
        rec.created_at.isoformat(timespec="microseconds"),
        rec.code,
        "MRN-FORGED",
        rec.patient_name,
        rec.administered_at,
        rec.prepared_by,
        rec.verified_by,
        '{"dose_mg":"350","vial_size_ml":"5"}',
        '{"units":70,"waste_ml":"0.5"}',
        '{"lot":"L123","waste_reason":"single-dose vial"}',
        None,
        rec.pdf_sha256,
        rec.prev_hash,
    ]
    forged = chain_hash(values)
    tamper(db, f"UPDATE worksheets SET mrn = 'MRN-FORGED', chain_hash = '{forged}' WHERE id = 3")
    with RecordStore.open(db.parent) as s:
        report = s.verify()
    assert not report.ok and report.first_broken_id == 4 and "W-000004" in report.message


def test_truncation_stays_visible_after_new_records(tmp_path: Path) -> None:
    db = store_with(tmp_path, 5)
    tamper(db, "DELETE FROM worksheets WHERE id = 5")
    with RecordStore.open(db.parent) as s:
        assert add(s).id == 6  # ids come from the chain head, not MAX(id)
        report = s.verify()
    assert not report.ok and report.first_broken_id == 5


def test_value_of_a_foreign_type_fails_verify_without_crashing(tmp_path: Path) -> None:
    report = verify_after(tmp_path, "UPDATE worksheets SET mrn = X'00ff' WHERE id = 2")
    assert not report.ok and report.first_broken_id == 2


@pytest.mark.parametrize("n", [0, 3])
def test_edited_chain_head_fails_verify(tmp_path: Path, n: int) -> None:
    report = verify_after(tmp_path, f"UPDATE chain_head SET last_hash = '{'d' * 64}'", n=n)
    assert not report.ok and "chain head" in report.message
    assert report.first_broken_id == (n or None)


def test_missing_chain_head_fails_verify(tmp_path: Path) -> None:
    report = verify_after(tmp_path, "DELETE FROM chain_head")
    assert not report.ok and "chain head" in report.message


def test_logs_hold_no_patient_data(
    store: RecordStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    add(store, mrn="SECRET-MRN-777", patient_name="Zebediah Secretname")
    add(store, mrn="SECRET-MRN-777", patient_name="Zebediah Secretname", replaces=1)
    store.list(patient="zebediah")
    store.write_pdf(1, tmp_path / "r.pdf")
    store.verify()
    tamper_store(store, "UPDATE worksheets SET patient_name = 'Zebediah X' WHERE id = 1")
    assert not store.verify().ok
    assert caplog.records  # something was logged, so the check below means something
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "SECRET" not in text and "Zebediah" not in text


def test_patient_search_ignores_case_and_accents() -> None:
    from core.records.store import search_fold

    assert search_fold("NGUYỄN Thị Zoë") == "nguyen thi zoe"
    assert search_fold("Đặng") == "dang"
    assert search_fold("nguyen") in search_fold("Nguyễn Thị Zoë")


# --------------------------------------------------------------------------- both backends


@pytest.mark.parametrize(
    ("statements", "found"),
    [
        (("UPDATE worksheets SET mrn = 'X' WHERE id = 3",), "W-000003 was changed"),
        (("DELETE FROM worksheet_vials WHERE worksheet_id = 5",
          "DELETE FROM worksheet_pdfs WHERE id = 5", "DELETE FROM worksheets WHERE id = 5"),
         "newest 1 record(s) are missing"),
        (("UPDATE chain_head SET last_hash = 'x'",), "chain head does not match"),
        (("UPDATE worksheet_vials SET lot = 'OTHER' WHERE worksheet_id = 2",),
         "vial rows of worksheet W-000002"),
    ],
)  # fmt: skip
def test_tampering_fails_verify_on_each_backend(
    store: RecordStore, statements: tuple[str, ...], found: str
) -> None:
    for i in range(5):
        add(store, mrn=f"MRN-{i}", documentation={"vials": [{"lot": f"L{i}", "serial": "S"}]})
    assert store.verify(check_pdfs=True).ok
    tamper_store(store, *statements)
    report = store.verify(check_pdfs=True)
    assert not report.ok and found in report.message


def test_reprint_and_serials_on_each_backend(store: RecordStore, tmp_path: Path) -> None:
    first = add(store, documentation={"vials": [{"lot": "LA", "serial": "SN1", "ndc": "1"}]})
    fixed = add(store, documentation=first.documentation, replaces=first.id)
    assert store.serial_recorded_on("SN1") == (fixed.id,)  # the corrected one no longer counts
    assert store.serial_recorded_on("SN1", correcting=fixed.id) == ()
    assert store.recorded_ndcs() == frozenset({"1"})
    assert store.latest_in_chain(first.id) == fixed.id
    store.write_pdf(fixed.id, tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == fake_pdf("W-000002", 1)
    with pytest.raises(AlreadyReplacedError):
        add(store, replaces=first.id)


def test_postgresql_schema_is_migrated_once_and_a_newer_one_refused(
    tmp_path: Path, postgresql_url: str
) -> None:
    import psycopg

    with RecordStore.open(tmp_path, url=postgresql_url) as s:
        add(s)
    with RecordStore.open(tmp_path / "other", url=postgresql_url) as s:  # a second workstation
        assert [r.id for r in s.list()] == [1]
    with psycopg.connect(admin_url(postgresql_url), autocommit=True) as conn:
        version = conn.execute(
            "SELECT version FROM schema_versions WHERE component = 'records'"
        ).fetchone()
        assert version == (len(MIGRATIONS),)
        conn.execute("UPDATE schema_versions SET version = 99 WHERE component = 'records'")
    with pytest.raises(SchemaTooNewError, match="update unitcalc"):
        RecordStore.open(tmp_path, url=postgresql_url)
