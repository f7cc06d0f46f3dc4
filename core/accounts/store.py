"""``AccountStore``: the accounts, their Argon2id PIN hashes, lock-out and the log of
every PIN attempt (account and time, never the PIN)."""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.accounts.models import (
    LOCKOUT_MINUTES,
    MAX_FAILED_ATTEMPTS,
    Account,
    AccountError,
    AccountLockedError,
    AccountsUnavailableError,
    Action,
    Role,
    Signature,
    SigningError,
    check_full_name,
    check_name,
    check_pin,
    may,
)
from core.accounts.rules import check_admins_remain, check_first_role, role_of
from core.database import SITE_DB_FILENAME
from core.storage import Connection, ConnectionOwner, Row, StorageError, Value, connect, migrate
from core.storage.schema import Index, Schema, Table, ident, integer, text

log = logging.getLogger(__name__)

# One entry per schema version; never edit an entry once released, append one.
ACCOUNTS = Schema(
    "accounts",
    (
        (
            Table(
                "accounts",
                (
                    ident(),
                    text("name"),
                    text("full_name"),
                    text("role"),
                    text("pin_hash"),
                    integer("active", default="1"),
                    integer("failed_attempts", default="0"),
                    text("locked_until", null=True),
                    text("created_at"),
                ),
            ),
            Index("accounts_name", "accounts", ("lower(name)",), unique=True),
            # Every PIN attempt: which account (as typed when unknown), when, outcome.
            Table(
                "pin_attempts",
                (
                    ident(),
                    integer("account_id", null=True),
                    text("name"),
                    text("at"),
                    text("action"),
                    text("outcome"),
                ),
            ),
        ),
    ),
)


def open_site(data_dir: Path | str, url: str | None) -> Connection:
    """The database of the accounts and the verification queue: the server at ``url``,
    else ``site.sqlite3`` in the data directory. Raises ``StorageError``."""
    return connect(url, Path(data_dir) / SITE_DB_FILENAME, label="site database", threads=True)


def shown_name(name: str) -> str:
    """An account name as typed, cut to a length fit for a one-line message."""
    return name if len(name) <= 64 else name[:64] + "..."


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


_COLUMNS = "id, name, full_name, role, active, locked_until"


def _account(row: Row) -> Account:
    return Account(
        id=int(row[0]),
        name=row[1],
        full_name=row[2],
        role=Role(row[3]),
        active=bool(row[4]),
        locked_until=datetime.fromisoformat(row[5]) if row[5] else None,
    )


def default_hasher() -> PasswordHasher:
    """How PINs are hashed: argon2-cffi's default, Argon2id with the RFC 9106 low-memory
    profile (64 MiB, 3 passes). The tests swap in cheap parameters (tests/conftest.py) and
    check these once (tests/core/test_accounts.py)."""
    return PasswordHasher()


class AccountStore(ConnectionOwner):
    """The accounts of one site: ``AccountStore.open(data_dir, url)`` (``url`` a
    PostgreSQL URL or None for ``site.sqlite3`` in the data directory)."""

    def __init__(
        self,
        conn: Connection,
        *,
        clock: Callable[[], datetime] = _utc_now,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._conn = conn
        self._clock = clock
        self._hasher = hasher or default_hasher()
        self._dummy: str | None = None

    @classmethod
    def open(
        cls,
        data_dir: Path | str,
        url: str | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        hasher: PasswordHasher | None = None,
    ) -> AccountStore:
        try:
            conn = open_site(data_dir, url)
        except StorageError as error:
            raise AccountsUnavailableError(str(error)) from None
        failures: tuple[type[BaseException], ...] = (StorageError, *conn.errors)
        try:
            migrate(conn, ACCOUNTS)
        except failures as error:
            conn.close()
            raise AccountsUnavailableError(f"the accounts cannot be used ({error})") from None
        # One clock for every workstation: the database's (tests pass their own).
        return cls(conn, clock=conn.now if clock is _utc_now else clock, hasher=hasher)

    # ---- reading

    def is_empty(self) -> bool:
        return bool(self._conn.one("SELECT count(*) FROM accounts")[0] == 0)

    def all(self) -> list[Account]:
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM accounts ORDER BY lower(name)")
        return [_account(row) for row in rows.fetchall()]

    def get(self, name: str) -> Account:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE lower(name) = lower(?)", (name,)
        ).fetchone()
        if row is None:
            raise SigningError(f"there is no account named {shown_name(name)!r}")
        return _account(row)

    def by_id(self, account_id: int) -> Account | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE id = ?", (account_id,)
        ).fetchone()
        return None if row is None else _account(row)

    def attempts(self, name: str | None = None) -> list[tuple[str, str, str, str]]:
        """The PIN attempt log, oldest first: (account name, UTC time, action, outcome)."""
        sql = "SELECT name, at, action, outcome FROM pin_attempts"
        params: tuple[Value, ...] = ()
        if name is not None:
            sql += " WHERE lower(name) = lower(?)"
            params = (name,)
        rows = self._conn.execute(sql + " ORDER BY id", params).fetchall()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    # ---- managing

    def add(self, name: str, role: Role | str, pin: str, *, full_name: str = "") -> Account:
        """Create an account. The first account of an empty site must be an admin
        (whoever runs the first ``users add`` sets the site up); later ones are added by
        an admin (the caller checks with ``authenticate(..., Action.MANAGE_USERS)``)."""
        check_name(name)
        check_pin(pin)
        role = role_of(role)
        full_name = check_full_name(full_name)
        pin_hash = self._hasher.hash(pin)
        conn = self._conn
        with conn.writing():
            conn.lock_table("accounts")  # two first admins at once: one waits for the other
            empty = conn.one("SELECT count(*) FROM accounts")[0] == 0
            if empty:
                check_first_role(role)
            taken = conn.execute(
                "SELECT 1 FROM accounts WHERE lower(name) = lower(?)", (name,)
            ).fetchone()
            if taken:
                raise AccountError(f"an account named {shown_name(name)!r} already exists")
            row = conn.one(
                "INSERT INTO accounts (name, full_name, role, pin_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (name, full_name, role.value, pin_hash, _iso(self._clock())),
            )
        log.info("account %s added (%s)", name, role.value)
        return self.by_id(int(row[0])) or self.get(name)

    def change(self, name: str, *, role: Role | None = None, active: bool | None = None) -> Account:
        """Give an account another role, or disable (``active=False``) or enable it. In
        one transaction with the accounts held, so two administrators demoting each other
        at once still leave one (``check_admins_remain``)."""
        conn = self._conn
        with conn.writing():
            conn.lock_table("accounts")
            before = self.get(name)
            role = before.role if role is None else role
            active = before.active if active is None else active
            others = conn.one(
                "SELECT count(*) FROM accounts WHERE role = ? AND active = 1 AND id <> ?",
                (Role.ADMIN.value, before.id),
            )[0]
            check_admins_remain(before, role, active, int(others))
            conn.execute(
                "UPDATE accounts SET role = ?, active = ? WHERE id = ?",
                (role.value, int(active), before.id),
            )
        log.info("account %s: %s, %s", before.name, role.value, "active" if active else "disabled")
        return self.get(name)

    def disable(self, name: str) -> Account:
        return self.change(name, active=False)

    def set_pin(self, name: str, pin: str) -> None:
        """A new PIN; also clears a lock-out."""
        check_pin(pin)
        account = self.get(name)
        self._conn.execute(
            "UPDATE accounts SET pin_hash = ?, failed_attempts = 0, locked_until = NULL"
            " WHERE id = ?",
            (self._hasher.hash(pin), account.id),
        )
        log.info("PIN of account %s changed", account.name)

    # ---- signing

    def authenticate(self, name: str, pin: str, action: Action | None = None) -> Account:
        """The account if ``pin`` is its PIN and it may do ``action``; else SigningError.

        Every attempt is logged (table ``pin_attempts`` and the log) with the account and
        the time, never the PIN. Five wrong PINs in a row lock the account for five
        minutes; while locked even the right PIN is refused.

        The attempt is counted in one transaction *before* the PIN is checked (the account
        row locked meanwhile), so any number of parallel attempts checks at most five PINs:
        the fifth locks the account before its check, and only its success unlocks it. An
        unknown name is checked against a dummy hash: the same time, the same message.
        """
        what = action.value if action else "sign in"
        now = self._clock()
        account, pin_hash, attempt, logged = self._conn.retry(
            lambda: self._count_attempt(name, now, what)
        )
        if account is not None and attempt == -1:
            raise SigningError(f"the account {account.name} is disabled")
        if account is not None and attempt == -2:
            raise AccountLockedError(
                f"the account {account.name} is locked after {MAX_FAILED_ATTEMPTS} wrong "
                f"PINs until {account.locked_until:%H:%M} UTC"
            )
        try:
            self._hasher.verify(pin_hash, pin)
            if account is None:  # the dummy hash never matches; belt and braces
                raise VerifyMismatchError
        except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeError):
            # Already logged (and counted) before the check: a failure writes nothing
            # more, so an unknown name and a wrong PIN cost the same.
            log.warning("wrong PIN or unknown account %s (%s)", shown_name(name), what)
            if account is not None and attempt >= MAX_FAILED_ATTEMPTS:
                log.warning("account %s locked for %d minutes", account.name, LOCKOUT_MINUTES)
                raise AccountLockedError(
                    f"wrong PIN for {account.name}; the account is now locked for "
                    f"{LOCKOUT_MINUTES} minutes"
                ) from None
            raise SigningError(
                f"wrong PIN for {account.name if account else shown_name(name)}"
            ) from None
        if action is not None and not may(account.role, action):
            self._settle(account, logged, "not allowed")
            raise SigningError(f"{account.name} ({account.role.value}) may not {action.value}")
        self._settle(account, logged, "ok")
        if self._hasher.check_needs_rehash(pin_hash):
            self._conn.execute(
                "UPDATE accounts SET pin_hash = ? WHERE id = ?",
                (self._hasher.hash(pin), account.id),
            )
        return account

    def _count_attempt(
        self, name: str, now: datetime, what: str
    ) -> tuple[Account | None, str, int, int]:
        """One transaction: the account row locked, refused if disabled or locked, else
        the attempt counted (the fifth locks the account until its PIN proves right).
        Returns the account (None: unknown), the hash to check, the attempt's number
        (-1: disabled, -2: locked; the refusal is logged and committed) and the ID of its
        line in the attempt log, written here as a wrong PIN (an unknown account)."""
        conn = self._conn
        with conn.writing():
            row = conn.lock_rows(
                f"SELECT {_COLUMNS}, pin_hash, failed_attempts FROM accounts"
                " WHERE lower(name) = lower(?)",
                (name,),
            ).fetchone()
            if row is None:
                logged = self._insert_attempt(None, name[:64], now, what, "unknown account")
                return None, self._dummy_hash(), 0, logged
            account = _account(row[:6])
            if not account.active:
                logged = self._insert_attempt(account.id, name[:64], now, what, "disabled")
                return account, "", -1, logged
            if account.locked_until is not None and now < account.locked_until:
                logged = self._insert_attempt(account.id, name[:64], now, what, "locked")
                return account, "", -2, logged
            # A lock that has run out starts the count again.
            attempt = (0 if account.locked_until is not None else int(row[7])) + 1
            locked_until = (
                _iso(now + timedelta(minutes=LOCKOUT_MINUTES))
                if attempt >= MAX_FAILED_ATTEMPTS
                else None
            )
            conn.execute(
                "UPDATE accounts SET failed_attempts = ?, locked_until = ? WHERE id = ?",
                (attempt, locked_until, account.id),
            )
            logged = self._insert_attempt(account.id, name[:64], now, what, "wrong PIN")
        return account, str(row[6]), attempt, logged

    def _dummy_hash(self) -> str:
        """A hash of no PIN with this store's Argon2 parameters, written out rather than
        computed (a hash costs what a check does): checking it costs one check."""
        if self._dummy is None:
            h = self._hasher

            def b64(data: bytes) -> str:
                return base64.b64encode(data).decode().rstrip("=")

            self._dummy = (
                f"$argon2id$v=19$m={h.memory_cost},t={h.time_cost},p={h.parallelism}"
                f"${b64(secrets.token_bytes(h.salt_len))}${b64(secrets.token_bytes(h.hash_len))}"
            )
        return self._dummy

    def sign(self, name: str, pin: str, action: Action) -> Signature:
        """Authenticate for ``action`` and return the signature to store (time: now)."""
        account = self.authenticate(name, pin, action)
        return Signature(
            account_id=account.id,
            name=account.name,
            full_name=account.shown_name,
            role=account.role,
            signed_at=self._clock().astimezone(UTC),
        )

    def _settle(self, account: Account, logged: int, outcome: str) -> None:
        """A right PIN: the count starts again and its log line says what came of it."""
        conn = self._conn
        with conn.writing():
            conn.execute(
                "UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = ?",
                (account.id,),
            )
            conn.execute("UPDATE pin_attempts SET outcome = ? WHERE id = ?", (outcome, logged))
        log.info("PIN attempt for account %s: %s", account.name, outcome)

    def _insert_attempt(
        self, account_id: int | None, name: str, now: datetime, what: str, outcome: str
    ) -> int:
        return int(
            self._conn.one(
                "INSERT INTO pin_attempts (account_id, name, at, action, outcome)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (account_id, name, _iso(now), what, outcome),
            )[0]
        )
