"""Managing accounts: the rules the ``users`` command and Tools > Accounts both ask.

- A site uses accounts once it has one (``in_use``); until then nothing asks a PIN.
- The first account of a site is its administrator (``check_first_role``); later
  accounts are added by an administrator.
- Every change is made by an administrator (``Action.MANAGE_USERS``) who is, when the
  change is made, still enabled and still an administrator (``check_still_admin``).
- A change never leaves the site without an active administrator: the last one is
  neither disabled nor given another role (``check_admins_remain``, asked by the store
  inside the transaction that makes the change).
- A new PIN follows the PIN rules and, typed twice, is typed alike (``check_new_pin``).
- Anyone may change their own PIN with their current one; an administrator sets
  anyone's (``authorize_pin_change``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.accounts.models import Account, AccountError, Action, Role, SigningError
from core.accounts.rules import (
    check_admins_remain,
    check_first_role,
    check_new_pin,
    role_of,
    state,
    who_may,
)

__all__ = [
    "add_account",
    "authorize_pin_change",
    "change_role",
    "check_admins_remain",
    "check_first_role",
    "check_new_pin",
    "check_still_admin",
    "in_use",
    "reset_pin",
    "role_of",
    "set_enabled",
    "sign_in_admin",
    "state",
    "who_may",
]

if TYPE_CHECKING:
    from core.accounts.store import AccountStore
    from core.site import Site


def in_use(site: Site) -> bool:
    """Does this site have accounts? A data directory that never had one: no (and it is
    not given an empty accounts database by asking)."""
    if not site.has_accounts_database():
        return False
    with site.open_accounts() as accounts:
        return not accounts.is_empty()


def sign_in_admin(store: AccountStore, name: str, pin: str) -> Account:
    """The administrator whose PIN this is; ``SigningError`` otherwise (wrong PIN, locked,
    disabled, or not an administrator)."""
    return store.authenticate(name, pin, Action.MANAGE_USERS)


def check_still_admin(store: AccountStore, admin: Account) -> Account:
    """The administrator signed in earlier, as the account is now: still there, enabled
    and an administrator; ``SigningError`` if not (disabled or demoted meanwhile)."""
    now = store.by_id(admin.id)
    if now is None or not now.active or now.role is not Role.ADMIN:
        raise SigningError(f"{admin.name} is no longer an active administrator; sign in again")
    return now


def add_account(
    store: AccountStore,
    admin: Account | None,
    name: str,
    role: Role | str,
    pin: str,
    again: str | None = None,
    *,
    full_name: str = "",
) -> Account:
    """Add an account: by ``admin`` (checked as it is now), or with no admin the site's
    first account (its administrator). The store checks the name, PIN and full name."""
    check_new_pin(pin, again)
    if admin is None:
        if not store.is_empty():
            raise AccountError("this site has accounts already; an administrator adds more")
        check_first_role(role)
    else:
        check_still_admin(store, admin)
    return store.add(name, role, pin, full_name=full_name)


def change_role(store: AccountStore, admin: Account, name: str, role: Role | str) -> Account:
    check_still_admin(store, admin)
    return store.change(name, role=role_of(role))


def set_enabled(store: AccountStore, admin: Account, name: str, enabled: bool) -> Account:
    check_still_admin(store, admin)
    return store.change(name, active=enabled)


def reset_pin(
    store: AccountStore, admin: Account, name: str, pin: str, again: str | None = None
) -> Account:
    """An administrator sets another's PIN (a forgotten PIN; also ends a lock-out)."""
    check_new_pin(pin, again)
    check_still_admin(store, admin)
    store.set_pin(name, pin)
    return store.get(name)


def authorize_pin_change(store: AccountStore, name: str, signer: str | None, pin: str) -> None:
    """Who may set ``name``'s PIN: the account itself with its current PIN (``signer``
    None or ``name``), or an administrator with theirs. ``SigningError`` if not."""
    if signer is None or signer.strip().lower() == name.strip().lower():
        store.authenticate(name, pin)
    else:
        sign_in_admin(store, signer, pin)
