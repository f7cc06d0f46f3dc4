"""Managing accounts (``core.accounts.managing``): the rules the `users` command and
Tools > Accounts share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.accounts import AccountError, AccountStore, Action, Role, SigningError, managing, may


@pytest.fixture
def store(tmp_path: Path, database_url: str | None) -> Iterator[AccountStore]:
    with AccountStore.open(tmp_path, database_url) as accounts:
        accounts.add("boss", "admin", "0000")
        accounts.add("tech", "technician", "1111")
        accounts.add("phil", "pharmacist", "4444")
        yield accounts


@pytest.mark.parametrize("action", [Action.IMPORT_CMS, Action.IMPORT_FEES, Action.RESTORE])
@pytest.mark.parametrize("role", list(Role))
def test_prices_and_restores_are_a_pharmacists_or_an_administrators(
    role: Role, action: Action
) -> None:
    assert may(role, action) is (role in (Role.PHARMACIST, Role.ADMIN))
    assert managing.who_may(action) == "a pharmacist or an administrator"


def test_the_last_active_administrator_is_neither_disabled_nor_demoted(
    store: AccountStore,
) -> None:
    boss = managing.sign_in_admin(store, "boss", "0000")
    with pytest.raises(AccountError, match="last active administrator and cannot be disabled"):
        managing.set_enabled(store, boss, "boss", False)
    with pytest.raises(AccountError, match="cannot be made pharmacist"):
        managing.change_role(store, boss, "boss", "pharmacist")
    assert store.get("boss").active and store.get("boss").role is Role.ADMIN
    # With a second administrator, the first may step down.
    managing.change_role(store, boss, "phil", Role.ADMIN)
    assert managing.change_role(store, boss, "boss", "pharmacist").role is Role.PHARMACIST
    # ...and is then no longer an administrator for what follows.
    with pytest.raises(SigningError, match="no longer an active administrator"):
        managing.set_enabled(store, boss, "tech", False)
    phil = managing.sign_in_admin(store, "phil", "4444")
    with pytest.raises(AccountError, match="last active administrator"):
        managing.set_enabled(store, phil, "phil", False)


def test_disable_and_enable_again(store: AccountStore) -> None:
    boss = managing.sign_in_admin(store, "boss", "0000")
    assert not managing.set_enabled(store, boss, "tech", False).active
    with pytest.raises(SigningError, match="disabled"):
        store.authenticate("tech", "1111")
    assert managing.set_enabled(store, boss, "TECH", True).active
    assert store.authenticate("tech", "1111").name == "tech"


def test_only_an_administrator_signs_in_to_manage(store: AccountStore) -> None:
    with pytest.raises(SigningError, match="may not manage users"):
        managing.sign_in_admin(store, "phil", "4444")
    with pytest.raises(SigningError, match="wrong PIN"):
        managing.sign_in_admin(store, "boss", "9999")


def test_a_new_pin_typed_twice_must_match_and_nothing_is_added(store: AccountStore) -> None:
    boss = managing.sign_in_admin(store, "boss", "0000")
    with pytest.raises(AccountError, match="two PINs typed differ"):
        managing.add_account(store, boss, "mosei", "nurse", "2222", "2223")
    with pytest.raises(AccountError, match="4 to 128"):
        managing.add_account(store, boss, "mosei", "nurse", "22", "22")
    assert [a.name for a in store.all()] == ["boss", "phil", "tech"]
    added = managing.add_account(store, boss, "mosei", "nurse", "2222", "2222")
    assert added.role is Role.NURSE


def test_without_an_administrator_only_the_first_account_is_added(
    tmp_path: Path, store: AccountStore
) -> None:
    with pytest.raises(AccountError, match="an administrator adds more"):
        managing.add_account(store, None, "mosei", "nurse", "2222", "2222")
    with AccountStore.open(tmp_path / "new") as empty:
        with pytest.raises(AccountError, match="first account of a site is its administrator"):
            managing.add_account(empty, None, "mosei", "nurse", "2222", "2222")
        assert managing.add_account(empty, None, "chief", "admin", "2222").role is Role.ADMIN


def test_a_pin_is_reset_by_an_administrator_or_changed_with_ones_own(
    store: AccountStore,
) -> None:
    boss = managing.sign_in_admin(store, "boss", "0000")
    managing.reset_pin(store, boss, "tech", "5555", "5555")
    assert store.authenticate("tech", "5555").name == "tech"
    managing.authorize_pin_change(store, "tech", None, "5555")
    managing.authorize_pin_change(store, "tech", "boss", "0000")
    with pytest.raises(SigningError, match="may not manage users"):
        managing.authorize_pin_change(store, "tech", "phil", "4444")


def test_an_accounts_state_in_words(store: AccountStore) -> None:
    tech = store.get("tech")
    now = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
    assert managing.state(tech, now) == "active"
    locked = tech.model_copy(update={"locked_until": now + timedelta(minutes=5)})
    assert managing.state(locked, now) == "locked until 04:05 UTC"
    assert managing.state(locked, now + timedelta(minutes=6)) == "active"
    assert managing.state(tech.model_copy(update={"active": False}), now) == "disabled"


def test_a_correction_is_signed_by_a_pharmacist_or_an_administrator(
    store: AccountStore,
) -> None:
    from core.accounts.rules import check_correction_signed

    tech = store.sign("tech", "1111", Action.PREPARE)
    phil = store.sign("phil", "4444", Action.VERIFY)
    with pytest.raises(SigningError, match="signed by a pharmacist or an administrator"):
        check_correction_signed([tech])
    check_correction_signed([tech, phil])


def test_two_administrators_demoting_each_other_at_once_leave_one(
    tmp_path: Path, database_url: str | None
) -> None:
    """The last-administrator check and the change are one transaction with the accounts
    held: of two at once, the second sees the first's change and is refused."""
    import threading

    for round_ in range(5):
        where = tmp_path / str(round_)
        with AccountStore.open(where, database_url) as setup:
            if setup.is_empty():  # on a server the schema is the test's: made once
                for name in ("ann", "bob"):
                    setup.add(name, "admin", "0000")
        stores = [AccountStore.open(where, database_url) for _ in range(2)]
        start, refused = threading.Barrier(2), list[str]()

        def demote(
            store: AccountStore, other: str, start: threading.Barrier, refused: list[str]
        ) -> None:
            start.wait()
            try:
                store.change(other, role=Role.NURSE)
            except AccountError as error:
                refused.append(str(error))

        threads = [
            threading.Thread(target=demote, args=(stores[0], "bob", start, refused)),
            threading.Thread(target=demote, args=(stores[1], "ann", start, refused)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        for store in stores:
            store.close()
        with AccountStore.open(where, database_url) as check:
            admins = [a.name for a in check.all() if a.role is Role.ADMIN and a.active]
            for name in ("ann", "bob"):  # both administrators again for the next round
                check.change(name, role=Role.ADMIN)
        assert len(admins) == 1 and len(refused) == 1, (admins, refused)


def test_the_verifier_is_another_account_than_the_preparer(store: AccountStore) -> None:
    from core.accounts.rules import check_two_people

    tech = store.sign("tech", "1111", Action.PREPARE)
    with pytest.raises(SigningError, match="another account than the preparer"):
        check_two_people(tech, store.sign("tech", "1111", Action.PREPARE))
    check_two_people(tech, store.sign("phil", "4444", Action.VERIFY))
