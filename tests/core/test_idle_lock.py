"""The signed-in session and its idle lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.accounts import AccountStore, SigningError
from core.idle_lock import DEFAULT_IDLE_MINUTES, Session, idle_minutes


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[AccountStore]:
    with AccountStore.open(tmp_path) as store:
        store.add("boss", "admin", "0000")
        store.add("jkim", "technician", "1111")
        yield store


def test_idle_time_locks_and_only_the_signed_in_pin_unlocks(accounts: AccountStore) -> None:
    clock = Clock()
    session = Session.sign_in(accounts, "jkim", "1111", idle_seconds=300, clock=clock)
    clock.now += 299
    session.touch()
    clock.now += 299
    assert not session.locked  # activity restarted the idle time
    clock.now += 1
    assert session.locked
    session.touch()  # a key press while locked does not unlock
    assert session.locked
    with pytest.raises(SigningError, match="wrong PIN for jkim"):
        session.unlock("0000")  # the admin's PIN is not jkim's
    assert session.locked
    session.unlock("1111")
    assert not session.locked
    assert [a[3] for a in accounts.attempts("jkim")] == ["ok", "wrong PIN", "ok"]


def test_sign_in_needs_the_right_pin(accounts: AccountStore) -> None:
    with pytest.raises(SigningError):
        Session.sign_in(accounts, "jkim", "9999")


@pytest.mark.parametrize(
    ("value", "minutes"),
    [("10", 10), ("", DEFAULT_IDLE_MINUTES), ("0", DEFAULT_IDLE_MINUTES), ("9999", 5), ("x", 5)],
)
def test_idle_minutes_setting(value: str, minutes: int) -> None:
    assert idle_minutes({"UNITCALC_IDLE_MINUTES": value}) == minutes
