"""Accounts: roles, Argon2id PINs, lock-out and the attempt log."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.accounts import (
    AccountError,
    AccountLockedError,
    AccountStore,
    Action,
    Role,
    SigningError,
    may,
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(tmp_path: Path, clock: Clock, database_url: str | None) -> Iterator[AccountStore]:
    with AccountStore.open(tmp_path, database_url, clock=clock) as store:
        store.add("boss", "admin", "0000")
        store.add("tech", "technician", "1111", full_name="J. Kim, CPhT")
        store.add("nurse", "nurse", "2222", full_name="M. Osei, RN")
        yield store


def test_the_first_account_must_be_the_administrator(
    tmp_path: Path, database_url: str | None
) -> None:
    with AccountStore.open(tmp_path, database_url) as store:
        assert store.is_empty()
        with pytest.raises(AccountError, match="first account of a site is its administrator"):
            store.add("tech", "technician", "1111")
        store.add("boss", "admin", "0000")
        assert [a.name for a in store.all()] == ["boss"]


def test_pins_are_stored_as_argon2id_hashes_in_a_private_file(tmp_path: Path) -> None:
    import sqlite3

    with AccountStore.open(tmp_path) as store:
        store.add("boss", "admin", "0000")
        store.add("tech", "technician", "1111")

    with sqlite3.connect(tmp_path / "site.sqlite3") as conn:
        hashes = [row[0] for row in conn.execute("SELECT pin_hash FROM accounts")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any("1111" in h for h in hashes)
    assert (tmp_path / "site.sqlite3").stat().st_mode & 0o777 == 0o600


@pytest.mark.production_hashing
def test_the_program_hashes_pins_with_argon2id_and_the_rfc_9106_low_memory_profile(
    tmp_path: Path,
) -> None:
    """The one test with the real parameters (every other test hashes cheaply)."""
    import sqlite3

    from argon2 import Type, extract_parameters, profiles

    from core.accounts.store import default_hasher

    production = profiles.RFC_9106_LOW_MEMORY
    hasher = default_hasher()
    assert (hasher.type, hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
        Type.ID, production.time_cost, production.memory_cost, production.parallelism,
    )  # fmt: skip
    with AccountStore.open(tmp_path) as store:
        store.add("boss", "admin", "0000")
        assert store.authenticate("boss", "0000").name == "boss"
    with sqlite3.connect(tmp_path / "site.sqlite3") as conn:
        (stored,) = conn.execute("SELECT pin_hash FROM accounts").fetchone()
    assert extract_parameters(stored) == production


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.TECHNICIAN, Action.PREPARE, True),
        (Role.TECHNICIAN, Action.VERIFY, False),
        (Role.NURSE, Action.VERIFY, True),
        (Role.PHARMACIST, Action.VERIFY, True),
        (Role.ADMIN, Action.VERIFY, False),
        (Role.TECHNICIAN, Action.WITNESS, True),
        (Role.TECHNICIAN, Action.CORRECT, False),
        (Role.PHARMACIST, Action.CORRECT, True),
        (Role.NURSE, Action.IMPORT_CMS, False),
        (Role.ADMIN, Action.MANAGE_USERS, True),
        (Role.PHARMACIST, Action.MANAGE_USERS, False),
    ],
)
def test_roles_decide_who_may_do_what(role: Role, action: Action, allowed: bool) -> None:
    assert may(role, action) is allowed


def test_a_technician_cannot_verify_even_with_the_right_pin(accounts: AccountStore) -> None:
    with pytest.raises(SigningError, match="may not verify"):
        accounts.sign("tech", "1111", Action.VERIFY)
    signature = accounts.sign("NURSE", "2222", Action.VERIFY)  # names ignore case
    assert signature.full_name == "M. Osei, RN" and signature.role is Role.NURSE


def test_five_wrong_pins_lock_the_account_for_five_minutes(
    accounts: AccountStore, clock: Clock
) -> None:
    for _ in range(4):
        with pytest.raises(SigningError, match="wrong PIN"):
            accounts.authenticate("tech", "9999")
    with pytest.raises(AccountLockedError, match="now locked"):
        accounts.authenticate("tech", "9999")
    with pytest.raises(AccountLockedError, match="locked"):
        accounts.authenticate("tech", "1111")  # even the right PIN
    clock.now += timedelta(minutes=4, seconds=59)
    with pytest.raises(AccountLockedError):
        accounts.authenticate("tech", "1111")
    clock.now += timedelta(seconds=1)
    assert accounts.authenticate("tech", "1111").name == "tech"
    # A success starts the count again: four more wrong ones do not lock.
    for _ in range(4):
        with pytest.raises(SigningError):
            accounts.authenticate("tech", "9999")
    assert accounts.authenticate("tech", "1111").name == "tech"


def test_every_attempt_is_logged_with_account_and_time_never_the_pin(
    accounts: AccountStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SigningError):
        accounts.authenticate("tech", "98765")
    accounts.authenticate("tech", "1111")
    with pytest.raises(SigningError):
        accounts.authenticate("ghost", "13579")
    attempts = accounts.attempts()
    assert [(a[0], a[3]) for a in attempts] == [
        ("tech", "wrong PIN"),
        ("tech", "ok"),
        ("ghost", "unknown account"),
    ]
    assert attempts[0][1] == "2026-11-30T08:00:00.000000+00:00"
    for pin in ("98765", "1111", "13579"):
        assert pin not in caplog.text
        assert all(pin not in str(a) for a in attempts)
    assert "tech" in caplog.text


def test_a_disabled_account_cannot_sign(accounts: AccountStore) -> None:
    accounts.disable("nurse")
    with pytest.raises(SigningError, match="disabled"):
        accounts.sign("nurse", "2222", Action.VERIFY)
    with pytest.raises(AccountError, match="last active administrator"):
        accounts.disable("boss")


def test_set_pin_replaces_the_pin_and_clears_a_lock(accounts: AccountStore) -> None:
    for _ in range(5):
        with pytest.raises(SigningError):
            accounts.authenticate("tech", "9999")
    accounts.set_pin("tech", "4321")
    assert accounts.authenticate("tech", "4321").name == "tech"
    with pytest.raises(SigningError):
        accounts.authenticate("tech", "1111")


@pytest.mark.parametrize("name", ["", "a b", "x" * 65, "ü", "-lead", "a\nb"])
def test_bad_account_names_are_refused(accounts: AccountStore, name: str) -> None:
    with pytest.raises(AccountError, match="account name"):
        accounts.add(name, "nurse", "1234")


@pytest.mark.parametrize("pin", ["123", "x" * 129, "12\x0034"])
def test_bad_pins_are_refused(accounts: AccountStore, pin: str) -> None:
    with pytest.raises(AccountError, match="PIN"):
        accounts.add("someone", "nurse", pin)


def test_a_name_is_taken_whatever_its_case(accounts: AccountStore) -> None:
    with pytest.raises(AccountError, match="already exists"):
        accounts.add("TECH", "nurse", "1234")


@pytest.mark.parametrize("full_name", ["x" * 201, "Kim\nJ.", "Kim \udcff", "a\u202eb"])
def test_bad_full_names_are_refused(accounts: AccountStore, full_name: str) -> None:
    with pytest.raises(AccountError, match="full name"):
        accounts.add("someone", "nurse", "1234", full_name=full_name)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=400)), max_size=25)
)
def test_lockout_follows_the_rule_for_any_sequence_of_attempts(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[bool, int]]
) -> None:
    """Five wrong PINs in a row lock for five minutes; a right PIN resets the count; while
    locked every attempt is refused and does not count."""
    clock = Clock()
    with AccountStore.open(tmp_path_factory.mktemp("site"), clock=clock) as store:
        store.add("boss", "admin", "0000")
        failures, locked_until = 0, None
        for right, seconds in steps:
            clock.now += timedelta(seconds=seconds)
            if locked_until is not None and clock.now < locked_until:
                expected = "locked"
            elif right:
                expected, failures, locked_until = "ok", 0, None
            else:
                failures += 1
                expected = "wrong"
                if failures == 5:
                    failures, locked_until = 0, clock.now + timedelta(minutes=5)
            try:
                store.authenticate("boss", "0000" if right else "9999")
                outcome = "ok"
            except AccountLockedError as error:
                outcome = "locked" if "is locked" in str(error) else "wrong"
            except SigningError:
                outcome = "wrong"
            assert outcome == expected


class SlowCountingHasher(PasswordHasher):
    """The tests' cheap Argon2id, with each check taking 0.2 s (the real cost's order) and
    counted: 20 attempts at once then overlap as they would at a site."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.checked = 0
        self.hashed = 0
        self._lock = threading.Lock()

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.hashed += 1
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        with self._lock:
            self.checked += 1
        time.sleep(0.2)
        return super().verify(hash, password)


def test_twenty_parallel_wrong_pins_check_at_most_five_and_the_lock_holds(
    tmp_path: Path, database_url: str | None
) -> None:
    """Issue 23, attack 2: 20 simultaneous wrong PINs were all checked (19 of 20) and a
    right PIN in the burst was accepted and cleared the lock. Each attempt is now counted
    before its check: at most five PINs are checked, and the right PIN after is refused."""
    with AccountStore.open(tmp_path, database_url) as store:
        store.add("boss", "admin", "0000")
    hasher = SlowCountingHasher()
    stores = [AccountStore.open(tmp_path, database_url, hasher=hasher) for _ in range(20)]
    outcomes: list[str] = []

    def attempt(store: AccountStore) -> None:
        try:
            store.authenticate("boss", "9999")
            outcomes.append("accepted")
        except SigningError as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=attempt, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len(outcomes) == 20 and "accepted" not in outcomes
        assert hasher.checked <= 5
        with pytest.raises(AccountLockedError, match="is locked"):
            stores[0].authenticate("boss", "0000")  # the right PIN, after the burst
        wrong = [a for a in stores[0].attempts("boss") if a[3] == "wrong PIN"]
        assert len(wrong) == hasher.checked
    finally:
        for store in stores:
            store.close()


def test_an_unknown_account_costs_a_check_and_reads_as_a_wrong_pin(
    accounts: AccountStore,
) -> None:
    """Issue 23, attack 5 (timing): an unknown name answered at once, with its own
    message. It now costs one Argon2 check against a dummy hash and says the same."""
    hasher = SlowCountingHasher()
    accounts._hasher = hasher
    with pytest.raises(SigningError) as unknown:
        accounts.authenticate("ghost", "1234")
    with pytest.raises(SigningError) as wrong:
        accounts.authenticate("tech", "1234")
    assert (hasher.checked, hasher.hashed) == (2, 0)  # one check each, nothing more
    assert str(unknown.value) == "wrong PIN for ghost"
    assert str(wrong.value) == "wrong PIN for tech"
