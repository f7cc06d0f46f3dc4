"""Who is signed in at a workstation, and the idle lock (no Qt).

The window keeps one ``Session``: it calls ``touch()`` on every key press or click,
checks ``locked`` on a timer (once a second is plenty) and, while locked, keeps the form
as it is but takes no input until ``unlock(pin)`` with the signed-in person's PIN. Wrong
PINs count toward that account's lock-out like any other attempt, and are logged.

A locked window may also be opened by another account (a shared workstation): any
enabled account with its own PIN (``open``; refused as every sign-in is, with the same
messages and lock-out). The window is then that person's; the first person's form, the
whole dose as typed, is set aside as *their* draft (``set_aside``: ``core.drafts`` with
the account as owner, 0600 in the data directory), offered back only to them when they
next sign in at this window, and never shown to anyone else. Nothing signed carries
over: the first person's verification is not the second's.

The idle time is ``UNITCALC_IDLE_MINUTES`` (default 5, from 1 to 240), read at start-up
(``core.site.Site.idle_minutes``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core import drafts

if TYPE_CHECKING:  # the accounts (and Argon2) load when someone signs in, not at start
    from core.accounts import Account, AccountStore

ENV_VAR = "UNITCALC_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 5
_IDLE_RANGE = range(1, 241)


def idle_minutes(environ: Mapping[str, str] | None = None) -> int:
    """The configured idle time; a value that is not a whole number of minutes in range
    falls back to the default (a typo must not leave a workstation unlocked for hours)."""
    text = (environ or {}).get(ENV_VAR, "").strip()
    if text.isdigit() and int(text) in _IDLE_RANGE:
        return int(text)
    return DEFAULT_IDLE_MINUTES


@dataclass(frozen=True)
class Handover:
    """Who had the locked window and who opened it (the same person: a plain unlock)."""

    previous: Account
    account: Account

    @property
    def changed_hands(self) -> bool:
        return self.previous.id != self.account.id


@dataclass(frozen=True)
class SetAside:
    """A form set aside for its owner, and where it is kept (``slot``)."""

    slot: int
    fields: dict[str, str]


def set_aside(data_dir: Path, handover: Handover, form: Mapping[str, str]) -> bool:
    """Keep the previous person's form as their draft when another account opened their
    window; ``True`` if something was set aside. The window's own autosaved draft held
    the same form, so it goes. An empty form sets nothing aside; a form set aside for
    them earlier and not yet taken back stays beside the new one (nothing overwritten)."""
    if not handover.changed_hands:
        return False
    kept = drafts.has_input(form)
    if kept:
        _keep_for(data_dir, handover.previous.id, form)
    drafts.clear_draft(data_dir)
    return kept


def window_draft(data_dir: Path) -> dict[str, str] | None:
    """The window's autosaved draft to offer at start-up, to whoever starts the window.
    One saved while someone was signed in is theirs: it is set aside for them (offered
    when they sign in) and ``None`` is returned."""
    fields, signed_in = drafts.load_window_draft(data_dir)
    if fields is None or signed_in is None:
        return fields
    if drafts.has_input(fields):
        _keep_for(data_dir, signed_in, fields)
    drafts.clear_draft(data_dir)
    return None


def _keep_for(data_dir: Path, owner: int, form: Mapping[str, str]) -> None:
    """A new slot of the owner's set-aside drafts: nothing of theirs is overwritten."""
    slots = drafts.owned_slots(data_dir, owner)
    drafts.save_draft(data_dir, dict(form), owner=owner, slot=slots[-1] + 1 if slots else 0)


def draft_for(data_dir: Path, account: Account) -> SetAside | None:
    """The oldest form set aside for ``account`` (offered to them alone), or ``None``."""
    for slot in drafts.owned_slots(data_dir, account.id):
        fields = drafts.load_draft(data_dir, owner=account.id, slot=slot)
        if fields:
            return SetAside(slot, fields)
    return None


def forget_draft(data_dir: Path, account: Account, slot: int = 0) -> None:
    """The account took that form back, or discarded it."""
    drafts.clear_draft(data_dir, owner=account.id, slot=slot)


class Session:
    """One signed-in account and its idle lock."""

    def __init__(
        self,
        accounts: AccountStore,
        account: Account,
        *,
        idle_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.accounts = accounts
        self.account = account
        self.idle_seconds = idle_minutes() * 60 if idle_seconds is None else idle_seconds
        self._clock = clock
        self._last = clock()
        self._locked = False

    @classmethod
    def sign_in(cls, accounts: AccountStore, name: str, pin: str, **kwargs: object) -> Session:
        """Sign in with a PIN (``SigningError`` when refused)."""
        account = accounts.authenticate(name, pin)
        return cls(accounts, account, **kwargs)  # type: ignore[arg-type]

    def touch(self) -> None:
        """The person did something: the idle time starts again (not while locked)."""
        if not self.locked:
            self._last = self._clock()

    @property
    def locked(self) -> bool:
        if not self._locked and self._clock() - self._last >= self.idle_seconds:
            self._locked = True
        return self._locked

    def lock(self) -> None:
        """Lock now (the person steps away)."""
        self._locked = True

    def unlock(self, pin: str) -> None:
        """Unlock with the signed-in person's PIN; ``SigningError`` when refused."""
        self.open(self.account.name, pin)

    def open(self, name: str, pin: str) -> Handover:
        """Open the locked window as ``name`` with their PIN: the signed-in person
        unlocks it, any other enabled account takes it over (``SigningError`` when the
        PIN is refused; the attempt counts toward that account's lock-out)."""
        account = self.accounts.authenticate(name, pin)
        handover = Handover(self.account, account)
        self.account = account
        self._locked = False
        self._last = self._clock()
        return handover

    def undo(self, handover: Handover) -> None:
        """The window could not change hands (the first person's form could not be set
        aside): it stays locked, and the first person's."""
        self.account = handover.previous
        self._locked = True
