"""Who is signed in at a workstation, and the idle lock (no Qt).

The window keeps one ``Session``: it calls ``touch()`` on every key press or click,
checks ``locked`` on a timer (once a second is plenty) and, while locked, keeps the form
as it is but takes no input until ``unlock(pin)`` with the signed-in person's PIN. Wrong
PINs count toward that account's lock-out like any other attempt, and are logged.

The idle time is ``UNITCALC_IDLE_MINUTES`` (default 5, from 1 to 240), read at start-up
(``core.site.Site.idle_minutes``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

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
        self.accounts.authenticate(self.account.name, pin)
        self._locked = False
        self._last = self._clock()
