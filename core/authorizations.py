"""Prior authorizations: what a payer approved, and how much of it recorded worksheets used.

An authorization is recorded once (``main.py auth add`` or the window) with its number,
payer, code, dates and the amount approved in units, grams or infusions. Each recorded
worksheet billed under it is a *use*; a correction replaces the use of the worksheet it
corrects, so a corrected dose never counts twice.

Storage: the PostgreSQL server when one is chosen (``core.database``), else
``authorizations.sqlite3`` in the data directory (0600, WAL), apart from the
worksheet records so the two evolve separately. A use is written after its worksheet is
recorded; a crash between the two leaves the worksheet recorded and the use missing, the
safe side for a check that warns about overuse.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from core import formats
from core.calculation import to_decimal
from core.calculation_models import BillingWarning, CalculationResult
from core.data_dir import ensure_private_dir
from core.database import database_errors
from core.errors import InputError
from core.model import Model, PlainDecimal

DB_FILENAME = "authorizations.sqlite3"
Measure = Literal["units", "grams", "infusions"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS authorizations (
    number TEXT PRIMARY KEY,
    payer TEXT NOT NULL,
    code TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    amount TEXT NOT NULL,
    measure TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS uses (
    worksheet_id TEXT PRIMARY KEY,
    number TEXT REFERENCES authorizations(number),  -- NULL: a correction without one
    amount TEXT NOT NULL,
    replaces TEXT
);
"""


class Authorization(Model):
    number: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
    payer: str = Field(min_length=1, max_length=64)
    code: str = Field(pattern=r"^[A-Z][0-9]{4}$")
    starts: date
    ends: date
    amount: PlainDecimal = Field(gt=0, max_digits=12)
    measure: Measure

    @model_validator(mode="after")
    def _dates_in_order(self) -> Authorization:
        if self.ends < self.starts:
            raise ValueError("the end date is before the start date")
        return self

    def amount_text(self, amount: Decimal | None = None) -> str:
        value = self.amount if amount is None else amount
        if self.measure == "grams":
            return formats.quantity(value, "g")
        word = self.measure[:-1] if value == 1 else self.measure
        return f"{formats.number(value)} {word}"


def use_for(auth: Authorization, result: CalculationResult) -> Decimal:
    """How much of ``auth`` one worksheet uses: its billed units (administered and JW),
    the grams administered, or one infusion."""
    if auth.measure == "units":
        return Decimal(sum(line.units for line in result.claim_lines))
    if auth.measure == "infusions":
        return Decimal(1)
    if result.concentration is None:
        raise InputError(
            "authorization",
            f"{auth.number} is counted in grams; enter the concentration to convert mL to grams",
        )
    return to_decimal(result.concentration.mg_in(result.administered_ml) / 1000)


def _private_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)


class AuthorizationStore:
    """The authorizations database in a data directory. Use as a context manager."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn  # sqlite3.Connection or core.database.PgConnection

    @classmethod
    def open(cls, data_dir: Path, url: str | None = None) -> AuthorizationStore:
        from core.database import DatabaseUrlError, database_url

        try:
            url = database_url(url)
        except DatabaseUrlError as error:
            raise InputError("database", str(error)) from None
        if url is not None:
            return cls(_open_on_server(url))
        ensure_private_dir(data_dir)
        path = data_dir / DB_FILENAME
        _private_file(path)  # SQLite gives -wal/-shm the database's mode
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise InputError("authorizations", f"cannot open {path} ({error})") from None
        return cls(conn)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._conn.close()

    def add(self, auth: Authorization) -> None:
        try:
            self._conn.execute(
                "INSERT INTO authorizations VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    auth.number,
                    auth.payer,
                    auth.code,
                    auth.starts.isoformat(),
                    auth.ends.isoformat(),
                    formats.plain(auth.amount),
                    auth.measure,
                ),
            )
        except database_errors() as error:
            if not _is_duplicate(error):
                raise
            raise InputError("authorization", f"{auth.number} is already recorded") from None

    def _from_row(self, row: tuple[str, ...]) -> Authorization:
        number, payer, code, starts, ends, amount, measure = row
        return Authorization(
            number=number,
            payer=payer,
            code=code,
            starts=date.fromisoformat(starts),
            ends=date.fromisoformat(ends),
            amount=Decimal(amount),
            measure=measure,
        )

    def get(self, number: str) -> Authorization | None:
        row = self._conn.execute(
            "SELECT * FROM authorizations WHERE number = ?", (number.strip(),)
        ).fetchone()
        return None if row is None else self._from_row(row)

    def list(self) -> list[Authorization]:
        rows = self._conn.execute("SELECT * FROM authorizations ORDER BY starts, number")
        return [self._from_row(row) for row in rows]

    def used(self, number: str, *, excluding: str | None = None) -> Decimal:
        """What recorded worksheets used of ``number``: each use counts unless a later
        worksheet replaced it (or it is ``excluding``, the worksheet being corrected now)."""
        rows = self._conn.execute(
            "SELECT amount FROM uses WHERE number = ?"
            " AND (CAST(? AS TEXT) IS NULL OR worksheet_id <> ?)"
            " AND worksheet_id NOT IN (SELECT replaces FROM uses WHERE replaces IS NOT NULL)",
            (number.strip(), excluding, excluding),
        )
        return sum((Decimal(amount) for (amount,) in rows), Decimal(0))

    def record_use(
        self, number: str, worksheet_id: str, amount: Decimal, replaces: str | None = None
    ) -> None:
        """Record that ``worksheet_id`` was billed under ``number``; ``replaces`` names the
        worksheet it corrects, whose use then no longer counts."""
        self._conn.execute(
            "INSERT INTO uses VALUES (?, ?, ?, ?)",
            (worksheet_id, number.strip(), formats.plain(amount), replaces),
        )

    def record_replacement(self, worksheet_id: str, replaces: str) -> None:
        """A correction billed without an authorization still ends the corrected
        worksheet's use."""
        self._conn.execute("INSERT INTO uses VALUES (?, NULL, '0', ?)", (worksheet_id, replaces))


def _open_on_server(url: str) -> Any:
    from core.database import PG_MIGRATION_LOCK, connect_postgresql, migrate_component

    try:
        conn = connect_postgresql(url)
    except ConnectionError as error:
        raise InputError("authorizations", str(error)) from None
    steps = (tuple(sql.strip() for sql in _SCHEMA.split(";") if sql.strip()),)
    try:
        migrate_component(conn, "authorizations", steps, lock_sql=PG_MIGRATION_LOCK)
    except Exception as error:
        conn.close()
        raise InputError("authorizations", f"cannot use the server's tables ({error})") from None
    return conn


def _is_duplicate(error: BaseException) -> bool:
    if isinstance(error, sqlite3.IntegrityError):
        return True
    return type(error).__name__ == "UniqueViolation"  # psycopg.errors.UniqueViolation


@dataclass(frozen=True)
class AuthorizationState:
    """An authorization as a dose sees it: what it is and how much earlier worksheets used."""

    number: str
    authorization: Authorization | None  # None: not recorded in this data directory
    used: Decimal = Decimal(0)


def authorization_warnings(
    state: AuthorizationState, result: CalculationResult, service_date: date
) -> list[BillingWarning]:
    """``prior-authorization-expired`` and ``prior-authorization-exceeded`` (with numbers),
    and ``prior-authorization-unknown`` for a number never recorded."""
    auth = state.authorization
    if auth is None:
        return [
            BillingWarning(
                id="prior-authorization-unknown",
                message=f"Prior authorization {state.number} is not recorded here.",
                action="Record it (main.py auth add) so its dates and amount are checked.",
            )
        ]
    found: list[BillingWarning] = []
    if not auth.starts <= service_date <= auth.ends:
        found.append(
            BillingWarning(
                id="prior-authorization-expired",
                message=(
                    f"Prior authorization {auth.number} runs {auth.starts.isoformat()} to "
                    f"{auth.ends.isoformat()}; the date of service {service_date.isoformat()} "
                    "is outside it."
                ),
                action="Ask the payer for a new or extended authorization before billing.",
            )
        )
    if auth.code != result.code:
        found.append(
            BillingWarning(
                id="prior-authorization-code",
                message=f"Prior authorization {auth.number} is for {auth.code}, not {result.code}.",
                action="Check the code or the authorization number.",
            )
        )
    try:
        this_dose = use_for(auth, result)
    except InputError as error:
        found.append(
            BillingWarning(
                id="prior-authorization-amount",
                message=error.message,
                action="Without it the amount used cannot be checked.",
            )
        )
        return found
    total = state.used + this_dose
    if total > auth.amount:
        found.append(
            BillingWarning(
                id="prior-authorization-exceeded",
                message=(
                    f"Prior authorization {auth.number} allows {auth.amount_text()}; "
                    f"{auth.amount_text(state.used)} used before and "
                    f"{auth.amount_text(this_dose)} now make {auth.amount_text(total)}."
                ),
                action="Ask the payer to raise the authorized amount before billing.",
            )
        )
    return found


def state_for(data_dir: Path, number: str, *, replaces: str | None = None) -> AuthorizationState:
    """The authorization ``number`` as recorded in ``data_dir``, with what earlier
    worksheets used (the worksheet ``replaces`` corrects is left out)."""
    with AuthorizationStore.open(data_dir) as store:
        auth = store.get(number)
        used = store.used(number, excluding=replaces) if auth else Decimal(0)
    return AuthorizationState(number=number.strip(), authorization=auth, used=used)


def record_worksheet_use(
    data_dir: Path,
    result: CalculationResult,
    *,
    number: str,
    worksheet_id: str,
    replaces: str | None,
) -> None:
    """After a worksheet is recorded: count it against its authorization, and end the use
    of the worksheet it corrects."""
    with AuthorizationStore.open(data_dir) as store:
        auth = store.get(number) if number.strip() else None
        if auth is not None:
            amount = (
                use_for(auth, result)
                if auth.measure != "grams" or result.concentration
                else Decimal(0)
            )
            store.record_use(auth.number, worksheet_id, amount, replaces)
        elif replaces is not None:
            store.record_replacement(worksheet_id, replaces)
