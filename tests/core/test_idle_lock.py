"""The signed-in session and its idle lock."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.accounts import AccountLockedError, AccountStore, SigningError
from core.drafts import draft_path, load_draft, save_draft
from core.idle_lock import (
    DEFAULT_IDLE_MINUTES,
    Handover,
    Session,
    SetAside,
    draft_for,
    forget_draft,
    idle_minutes,
    set_aside,
    window_draft,
)


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


# -- another account opens the locked window ----------------------------------------------

FORM = {"code": "J1410", "patient_name": "Jane Example", "dose_ordered": "12", "mrn": "00123"}


def test_another_account_opens_a_locked_window_with_its_own_pin(accounts: AccountStore) -> None:
    accounts.add("mosei", "nurse", "2222")
    session = Session.sign_in(accounts, "jkim", "1111", idle_seconds=300, clock=Clock())
    session.lock()
    with pytest.raises(SigningError, match="wrong PIN for mosei"):
        session.open("mosei", "1111")  # jkim's PIN does not open the window as mosei
    with pytest.raises(SigningError, match="wrong PIN for nobody"):
        session.open("nobody", "2222")  # an unknown account: the same words as a wrong PIN
    assert session.locked and session.account.name == "jkim"
    handover = session.open("mosei", "2222")
    assert handover.changed_hands
    assert (handover.previous.name, handover.account.name) == ("jkim", "mosei")
    assert session.account.name == "mosei" and not session.locked
    assert [a[3] for a in accounts.attempts("mosei")] == ["wrong PIN", "ok"]


def test_the_signed_in_person_opening_it_is_a_plain_unlock(accounts: AccountStore) -> None:
    session = Session.sign_in(accounts, "jkim", "1111", idle_seconds=300, clock=Clock())
    session.lock()
    handover = session.open("JKIM", "1111")  # names compare without case
    assert not handover.changed_hands and not session.locked


def test_a_locked_out_account_cannot_open_the_window(accounts: AccountStore) -> None:
    accounts.add("mosei", "nurse", "2222")
    session = Session.sign_in(accounts, "jkim", "1111", idle_seconds=300, clock=Clock())
    session.lock()
    for _ in range(5):
        with pytest.raises(SigningError):
            session.open("mosei", "0000")
    with pytest.raises(AccountLockedError):
        session.open("mosei", "2222")  # locked out: even the right PIN is refused
    assert session.locked and session.account.name == "jkim"


def test_the_first_persons_form_is_set_aside_as_their_draft(
    accounts: AccountStore, tmp_path: Path
) -> None:
    jkim = accounts.get("jkim")
    boss = accounts.get("boss")
    save_draft(tmp_path, FORM)  # the window's autosave held jkim's form
    assert set_aside(tmp_path, Handover(jkim, boss), FORM)
    assert draft_for(tmp_path, jkim) == SetAside(0, FORM)
    assert draft_for(tmp_path, boss) is None  # never offered to the second person
    assert load_draft(tmp_path) is None  # the window's own draft is gone with the form
    path = draft_path(tmp_path, jkim.id)
    assert path.name == f"draft-account-{jkim.id}.json"  # no patient data in the name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    forget_draft(tmp_path, jkim)
    assert draft_for(tmp_path, jkim) is None


def test_an_empty_form_or_the_same_person_sets_nothing_aside(
    accounts: AccountStore, tmp_path: Path
) -> None:
    jkim, boss = accounts.get("jkim"), accounts.get("boss")
    save_draft(tmp_path, FORM, owner=jkim.id)  # set aside earlier, not yet taken back
    assert not set_aside(tmp_path, Handover(jkim, boss), {"code": "J1410", "payer": "m"})
    assert draft_for(tmp_path, jkim) == SetAside(0, FORM)  # kept
    save_draft(tmp_path, FORM)
    assert not set_aside(tmp_path, Handover(jkim, jkim), FORM)
    assert load_draft(tmp_path) == FORM  # a plain unlock: the window's draft stays


def test_a_second_form_set_aside_for_the_same_person_overwrites_nothing(
    accounts: AccountStore, tmp_path: Path
) -> None:
    jkim, boss = accounts.get("jkim"), accounts.get("boss")
    later = {**FORM, "patient_name": "Second Patient"}
    assert set_aside(tmp_path, Handover(jkim, boss), FORM)
    assert set_aside(tmp_path, Handover(jkim, boss), later)  # the first not taken back yet
    assert draft_for(tmp_path, jkim) == SetAside(0, FORM)  # the oldest first
    forget_draft(tmp_path, jkim, 0)
    assert draft_for(tmp_path, jkim) == SetAside(1, later)
    assert draft_path(tmp_path, jkim.id, 1).name == f"draft-account-{jkim.id}-1.json"
    forget_draft(tmp_path, jkim, 1)
    assert draft_for(tmp_path, jkim) is None
    assert draft_for(tmp_path, boss) is None


def test_a_window_draft_saved_while_someone_was_signed_in_waits_for_them(
    accounts: AccountStore, tmp_path: Path
) -> None:
    jkim = accounts.get("jkim")
    save_draft(tmp_path, FORM, signed_in=jkim.id)  # the window crashed with jkim's form
    assert window_draft(tmp_path) is None  # not offered to whoever starts the window
    assert load_draft(tmp_path) is None
    assert draft_for(tmp_path, jkim) == SetAside(0, FORM)  # offered to jkim
    save_draft(tmp_path, FORM)  # nobody was signed in: offered at start-up as before
    assert window_draft(tmp_path) == FORM


def test_a_handover_undone_leaves_the_window_locked_and_the_first_persons(
    accounts: AccountStore,
) -> None:
    session = Session.sign_in(accounts, "jkim", "1111", idle_seconds=300, clock=Clock())
    session.lock()
    handover = session.open("boss", "0000")
    session.undo(handover)
    assert session.locked and session.account.name == "jkim"
