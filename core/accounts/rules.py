"""The rules of accounts that need no database: roles by name, the first account's role,
a new PIN, the last administrator, and how an account's state and an action's roles are
said. ``core.accounts.managing`` (with the store) and the store itself ask them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from core.accounts.models import (
    PERMISSIONS,
    Account,
    AccountError,
    Action,
    Role,
    Signature,
    SigningError,
    check_pin,
)
from core.accounts.models import may as role_may


def role_of(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise AccountError(f"the role is one of {', '.join(r.value for r in Role)}") from None


def check_first_role(role: Role | str) -> None:
    """The first account of a site is its administrator: whoever adds it sets the site up."""
    if role_of(role) is not Role.ADMIN:
        raise AccountError("the first account of a site is its administrator (role admin)")


def check_new_pin(pin: str, again: str | None = None) -> str:
    """A new PIN: the PIN rules, and when typed twice, the same both times."""
    if again is not None and pin != again:
        raise AccountError("the two PINs typed differ; type the same PIN twice")
    return check_pin(pin)


def check_admins_remain(before: Account, role: Role, active: bool, other_admins: int) -> None:
    """``before`` becoming ``role``/``active`` must leave an active administrator
    (``other_admins``: the active administrators besides this account)."""
    was_admin = before.role is Role.ADMIN and before.active
    stays_admin = role is Role.ADMIN and active
    if was_admin and not stays_admin and other_admins < 1:
        doing = "disabled" if not active else f"made {role.value}"
        raise AccountError(
            f"{before.name} is the last active administrator and cannot be {doing}; "
            "add another administrator first"
        )


def state(account: Account, now: datetime | None = None) -> str:
    """How an account stands, in words: active, disabled, or locked until a time."""
    if not account.active:
        return "disabled"
    now = now or datetime.now(UTC)
    if account.locked_until is not None and account.locked_until > now:
        return f"locked until {account.locked_until:%H:%M} UTC"
    return "active"


def who_may(action: Action) -> str:
    """The roles that may do ``action``, in words: "a pharmacist or an administrator"."""
    words = {Role.ADMIN: "an administrator", Role.NURSE: "a nurse"}
    names = [words.get(role, f"a {role.value}") for role in Role if role in PERMISSIONS[action]]
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def check_correction_signed(signatures: Iterable[Signature]) -> None:
    """A correction of a recorded worksheet is signed by someone who may correct one (a
    pharmacist or an administrator, as preparer or verifier)."""
    if not any(role_may(s.role, Action.CORRECT) for s in signatures):
        raise SigningError(
            f"a correction is signed by {who_may(Action.CORRECT)} (as preparer or verifier)"
        )


def check_two_people(preparer: Signature, verifier: Signature) -> None:
    """The dose is verified by another account than the one that prepared it."""
    if preparer.account_id == verifier.account_id:
        raise SigningError("the verifier must be another account than the preparer")
