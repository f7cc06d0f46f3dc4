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
    Authorization,
    AuthorizationStore,
    record_worksheet_use,
    use_for,
)
from core.dose_input import DoseForm
from core.errors import InputError
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
        record_worksheet_use(
            store, RESULT, number=number, worksheet_id=worksheet_id, replaces=replaces
        )


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
    with pytest.raises(InputError, match="cannot open"):
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
