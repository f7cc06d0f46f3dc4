"""Prior authorizations: stored privately, used up by recorded worksheets, corrections once."""

from __future__ import annotations

import os
import stat
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from core.authorizations import (
    DB_FILENAME,
    LEGACY_FILENAME,
    Authorization,
    AuthorizationStore,
    use_counter,
    use_for,
)
from core.dose_input import DoseForm
from core.errors import InputError
from core.records import RecordStore, RecordStoreError, format_worksheet_id
from core.records.store import AlsoFn
from core.storage import Connection
from tests.shipped import evaluate
from tests.sites import authorization_state, site_at

RESULT = evaluate(DoseForm(vial_size="10", dose_ordered="12", administered="12"))  # 3 + 1 JW


def auth(**fields: object) -> Authorization:
    values: dict[str, object] = {
        "number": "PA-1",
        "payer": "commercial",
        "code": "J1410",
        "starts": date(2025, 1, 1),
        "ends": date(2025, 12, 31),
        "amount": Decimal(10),
        "measure": "units",
    }
    values.update(fields)
    return Authorization(**values)  # type: ignore[arg-type]


def test_the_store_file_is_private(tmp_path: Path) -> None:
    with AuthorizationStore.open(tmp_path / "data") as store:
        store.add(auth())
    path = tmp_path / "data" / DB_FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_an_authorization_is_recorded_once(tmp_path: Path, database_url: str | None) -> None:
    with AuthorizationStore.open(tmp_path, database_url) as store:
        store.add(auth())
        with pytest.raises(InputError, match="already recorded"):
            store.add(auth(amount=Decimal(99)))
        assert store.list() == [auth()]
        assert store.get("PA-1") == auth()
        assert store.get("PA-2") is None


def test_dates_must_run_forward() -> None:
    with pytest.raises(ValidationError, match="before the start"):
        auth(starts=date(2025, 2, 1), ends=date(2025, 1, 31))


def test_a_use_counts_billed_units_grams_or_one_infusion() -> None:
    assert use_for(auth(), RESULT) == 4  # 3 administered + 1 JW
    assert use_for(auth(measure="infusions"), RESULT) == 1
    ten_percent = evaluate(
        DoseForm(vial_size="10", dose_ordered="12", administered="12", concentration="10%")
    )
    assert use_for(auth(measure="grams"), ten_percent) == Decimal("1.2")
    with pytest.raises(InputError, match="concentration"):
        use_for(auth(measure="grams"), RESULT)


def use(data: Path, worksheet_id: str, replaces: str | None = None, number: str = "PA-1") -> None:
    with site_at(data).open_authorizations() as store:
        store.count_use(RESULT, number=number, worksheet_id=worksheet_id, replaces=replaces)


def test_several_worksheets_use_it_up_and_a_correction_counts_once(
    tmp_path: Path, database_url: str | None
) -> None:
    with AuthorizationStore.open(tmp_path, database_url) as store:
        store.add(auth(amount=Decimal(12)))
    use(tmp_path, "W-000001")
    use(tmp_path, "W-000002")
    assert authorization_state(site_at(tmp_path), "PA-1").used == 8
    use(tmp_path, "W-000003", replaces="W-000001")  # corrects the first one
    assert authorization_state(site_at(tmp_path), "PA-1").used == 8
    use(tmp_path, "W-000004", replaces="W-000003")  # and corrects the correction
    assert authorization_state(site_at(tmp_path), "PA-1").used == 8
    use(tmp_path, "W-000005")
    assert authorization_state(site_at(tmp_path), "PA-1").used == 12


def test_a_correction_being_made_leaves_out_the_worksheet_it_replaces(
    tmp_path: Path, database_url: str | None
) -> None:
    with AuthorizationStore.open(tmp_path, database_url) as store:
        store.add(auth())
    use(tmp_path, "W-000001")
    use(tmp_path, "W-000002")
    assert authorization_state(site_at(tmp_path), "PA-1", replaces="W-000001").used == 4


def test_a_correction_without_the_authorization_ends_the_old_use(
    tmp_path: Path, database_url: str | None
) -> None:
    with AuthorizationStore.open(tmp_path, database_url) as store:
        store.add(auth())
    use(tmp_path, "W-000001")
    use(tmp_path, "W-000002", replaces="W-000001", number="")
    assert authorization_state(site_at(tmp_path), "PA-1").used == 0


def test_an_unrecorded_number_is_reported_as_such(tmp_path: Path) -> None:
    state = authorization_state(site_at(tmp_path), "PA-404")
    assert state.authorization is None
    assert state.used == 0


def test_a_damaged_store_is_one_plain_error(tmp_path: Path) -> None:
    (tmp_path / DB_FILENAME).write_bytes(b"not a database at all" * 100)
    with pytest.raises(InputError, match="damaged"):
        authorization_state(site_at(tmp_path), "PA-1")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=-1, max_value=8), min_size=1, max_size=10))
def test_use_is_the_sum_over_the_latest_worksheet_of_each_chain(choices: list[int]) -> None:
    """Each step records a new worksheet (-1) or corrects the newest worksheet of an
    existing chain; whatever the order, each chain counts once."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        with AuthorizationStore.open(data) as store:
            store.add(auth(amount=Decimal(1000)))
        heads: list[str] = []  # the newest worksheet of each chain
        for n, choice in enumerate(choices, start=1):
            worksheet_id = f"W-{n:06d}"
            if choice >= 0 and heads:
                chain = choice % len(heads)
                use(data, worksheet_id, replaces=heads[chain])
                heads[chain] = worksheet_id
            else:
                use(data, worksheet_id)
                heads.append(worksheet_id)
        assert authorization_state(site_at(data), "PA-1").used == 4 * len(heads)


# --------------------------------------------------------------------------- one transaction


def _fake_pdf(worksheet_id: str, replaces: int | None) -> bytes:
    return b"%PDF-1.4 " + worksheet_id.encode()


def _record(store: RecordStore, also: AlsoFn | None) -> int:
    return store.add(
        code="J1410",
        mrn="M1",
        patient_name="Doe, Jane",
        administered_at=None,
        prepared_by="AB",
        verified_by="CD",
        inputs={},
        result={},
        documentation={"prior_authorization": "PA-1"},
        render=_fake_pdf,
        also=also,
    ).id


def test_a_worksheet_and_its_authorization_use_are_recorded_together(
    tmp_path: Path, database_url: str | None
) -> None:
    with RecordStore.open(tmp_path, url=database_url) as records:
        auths = AuthorizationStore.beside(records)
        auths.add(auth())
        record_id = _record(records, use_counter(auths, RESULT, number="PA-1", replaces=None))
        assert format_worksheet_id(record_id) == "W-000001"
    assert authorization_state(site_at(tmp_path), "PA-1").used == 4


def test_a_failure_after_the_worksheet_and_its_use_leaves_neither(
    tmp_path: Path, database_url: str | None
) -> None:
    with RecordStore.open(tmp_path, url=database_url) as records:
        auths = AuthorizationStore.beside(records)
        auths.add(auth())
        counter = use_counter(auths, RESULT, number="PA-1", replaces=None)
        assert counter is not None

        def count_then_fail(conn: Connection, record_id: int) -> None:
            counter(conn, record_id)  # both rows are written in the transaction ...
            raise RuntimeError("the machine failed here")  # ... and then it fails

        with pytest.raises(RuntimeError, match="failed here"):
            _record(records, count_then_fail)
        assert records.list() == []
        assert records.verify().ok
    assert authorization_state(site_at(tmp_path), "PA-1").used == 0
    with RecordStore.open(
        tmp_path, url=database_url
    ) as records:  # the next worksheet takes the same ID
        auths = AuthorizationStore.beside(records)
        assert _record(records, use_counter(auths, RESULT, number="PA-1", replaces=None)) == 1
    assert authorization_state(site_at(tmp_path), "PA-1").used == 4


def test_a_use_that_cannot_be_counted_records_no_worksheet(
    tmp_path: Path, database_url: str | None
) -> None:
    with RecordStore.open(tmp_path, url=database_url) as records:
        auths = AuthorizationStore.beside(records)
        auths.add(auth())
        # A use already written for the ID the worksheet would take (a failure of the
        # use's own insert, not of the worksheet's).
        auths.count_use(RESULT, number="PA-1", worksheet_id="W-000001", replaces=None)
        with pytest.raises(RecordStoreError, match="uses"):
            _record(records, use_counter(auths, RESULT, number="PA-1", replaces=None))
        assert records.list() == []
    assert authorization_state(site_at(tmp_path), "PA-1").used == 4  # the earlier use alone


def test_the_authorizations_of_an_earlier_versions_file_are_kept(tmp_path: Path) -> None:
    import sqlite3

    legacy = sqlite3.connect(tmp_path / LEGACY_FILENAME)
    legacy.executescript(
        """CREATE TABLE authorizations (number TEXT PRIMARY KEY, payer TEXT NOT NULL,
            code TEXT NOT NULL, starts TEXT NOT NULL, ends TEXT NOT NULL,
            amount TEXT NOT NULL, measure TEXT NOT NULL);
        CREATE TABLE uses (worksheet_id TEXT PRIMARY KEY,
            number TEXT REFERENCES authorizations(number), amount TEXT NOT NULL,
            replaces TEXT);
        INSERT INTO authorizations VALUES
            ('PA-1', 'commercial', 'J1410', '2025-01-01', '2025-12-31', '10', 'units');
        INSERT INTO uses VALUES ('W-000001', 'PA-1', '4', NULL);
        INSERT INTO uses VALUES ('W-000002', 'PA-1', '4', 'W-000001');"""
    )
    legacy.commit()
    legacy.close()
    state = authorization_state(site_at(tmp_path), "PA-1")
    assert state.authorization == auth()
    assert state.used == 4
    assert authorization_state(site_at(tmp_path), "PA-1").used == 4  # copied once, not again
