"""The changes the accounts dialog makes, run off the GUI thread (hashing a PIN with
Argon2 takes a noticeable moment).

Every change is ``core.accounts.managing``'s, the same as the ``users`` command's: the
administrator is checked again as they are when the change is made, and the last active
administrator is neither disabled nor given another role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ui.background import Shared

if TYPE_CHECKING:
    from core.accounts import Account
    from core.site import Site
    from core.work import CancelToken


@dataclass(frozen=True)
class Change:
    """One change an administrator asked for (``what``: add, role, enable, disable, pin)."""

    site: Shared[Site]
    admin: Account
    what: str
    name: str
    role: str = ""
    pin: str = ""
    again: str = ""
    full_name: str = ""


def apply_change(change: Change, _token: CancelToken) -> str:  # on the worker thread
    """Make the change; what was done, in words. ``AccountError`` says why not."""
    from core.accounts import managing

    with change.site.value.open_accounts() as store:
        admin, name = change.admin, change.name
        if change.what == "add":
            account = managing.add_account(
                store, admin, name, change.role, change.pin, change.again,
                full_name=change.full_name,
            )  # fmt: skip
            return f"Added {account.name} ({account.role.value})."
        if change.what == "role":
            account = managing.change_role(store, admin, name, change.role)
            return f"{account.name} is now {account.role.value}."
        if change.what == "pin":
            account = managing.reset_pin(store, admin, name, change.pin, change.again)
            return f"New PIN set for {account.name}."
        account = managing.set_enabled(store, admin, name, change.what == "enable")
        return f"{account.name} is {'enabled' if account.active else 'disabled'}."
