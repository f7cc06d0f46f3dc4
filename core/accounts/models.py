"""Accounts, roles and what each role may do; the errors of signing."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from core.model import Model


class Role(StrEnum):
    TECHNICIAN = "technician"
    NURSE = "nurse"
    PHARMACIST = "pharmacist"
    ADMIN = "admin"


class Action(StrEnum):
    PREPARE = "prepare"
    VERIFY = "verify"
    WITNESS = "witness waste"
    CORRECT = "correct a record"
    IMPORT_CMS = "import CMS files"
    IMPORT_FEES = "import payer fee schedules"
    RESTORE = "restore the records from a backup"
    MANAGE_USERS = "manage users"


#: Who may do what. Verifying needs a nurse or pharmacist (the issue); a correction must
#: be signed by a pharmacist (or an administrator), and so is what changes the site's
#: prices or records wholesale (CMS files, fee schedules, a restore); managing users is
#: the admin's alone.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.PREPARE: frozenset({Role.TECHNICIAN, Role.NURSE, Role.PHARMACIST}),
    Action.VERIFY: frozenset({Role.NURSE, Role.PHARMACIST}),
    Action.WITNESS: frozenset({Role.TECHNICIAN, Role.NURSE, Role.PHARMACIST}),
    Action.CORRECT: frozenset({Role.PHARMACIST, Role.ADMIN}),
    Action.IMPORT_CMS: frozenset({Role.PHARMACIST, Role.ADMIN}),
    Action.IMPORT_FEES: frozenset({Role.PHARMACIST, Role.ADMIN}),
    Action.RESTORE: frozenset({Role.PHARMACIST, Role.ADMIN}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
}

#: Wrong PINs in a row that lock an account, and for how long.
MAX_FAILED_ATTEMPTS = 5
LOCKOUT_MINUTES = 5

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MIN_PIN_CHARS = 4
MAX_PIN_CHARS = 128
MAX_FULL_NAME_CHARS = 200


def may(role: Role, action: Action) -> bool:
    return role in PERMISSIONS[action]


def check_name(name: str) -> str:
    """An account name: 1-64 ASCII letters, digits, ``.``, ``_`` or ``-`` (a login, not
    the name printed; that is ``full_name``). Compared without regard to case."""
    if not _NAME_RE.fullmatch(name):
        raise AccountError(
            "an account name is 1 to 64 letters, digits, '.', '_' or '-' (e.g. jkim), "
            "starting with a letter or digit"
        )
    return name


def check_pin(pin: str) -> str:
    """A PIN or password: 4 to 128 characters, no control characters."""
    if not MIN_PIN_CHARS <= len(pin) <= MAX_PIN_CHARS:
        raise AccountError(f"a PIN has {MIN_PIN_CHARS} to {MAX_PIN_CHARS} characters")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in pin):
        raise AccountError("a PIN cannot hold control characters")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in pin):
        raise AccountError("a PIN must be valid text")
    return pin


def check_full_name(full_name: str) -> str:
    """The name printed on worksheets: one line of valid text, at most 200 characters."""
    full_name = full_name.strip()
    printable = all(c.isprintable() for c in full_name) and not any(
        0xD800 <= ord(c) <= 0xDFFF for c in full_name
    )
    if len(full_name) > MAX_FULL_NAME_CHARS or not printable:
        raise AccountError(f"the full name is one line of up to {MAX_FULL_NAME_CHARS} characters")
    return full_name


class Account(Model):
    """One person (never the PIN hash: that stays in the store)."""

    id: int
    name: str
    full_name: str
    role: Role
    active: bool
    locked_until: datetime | None = None

    @property
    def shown_name(self) -> str:
        """The name printed on worksheets."""
        return self.full_name or self.name


class Signature(Model):
    """Who signed which part of a worksheet, and when (UTC). Kept in the record's
    documentation JSON, which the hash chain covers."""

    account_id: int
    name: str
    full_name: str
    role: Role
    signed_at: datetime


# --------------------------------------------------------------------------- errors


class AccountError(Exception):
    """Bad account input or a refused account operation; the message is for the user."""


class SigningError(AccountError):
    """A PIN was refused (wrong, account locked, disabled or unknown) or the account may
    not do what was asked. Never holds the PIN."""


class AccountLockedError(SigningError):
    pass


class AccountsUnavailableError(AccountError):
    """The accounts database cannot be used just now."""
