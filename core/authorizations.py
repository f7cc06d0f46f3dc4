"""Prior authorizations: what a payer approved, and how much of it recorded worksheets used.

An authorization is recorded once (``main.py auth add`` or the window) with its number,
payer, code, dates and the amount approved in units, grams or infusions. Each recorded
worksheet billed under it is a *use*; a correction replaces the use of the worksheet it
corrects, so a corrected dose never counts twice.

Storage: beside the worksheet records they count, in the same database (the
PostgreSQL server when one is chosen, else ``worksheets.sqlite3`` in the data
directory), so a worksheet and its use are recorded in one transaction: both, or neither
(``use_counter``). The authorizations of an earlier version's ``authorizations.sqlite3``
are copied in once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from core import formats
from core.calculation import to_decimal
from core.calculation_models import BillingWarning, CalculationResult
from core.errors import InputError
from core.model import Model, PlainDecimal
from core.quantities import Quantity, Unit
from core.records import DB_FILENAME as RECORDS_FILENAME
from core.records import RecordStore, RecordStoreError, format_worksheet_id
from core.records.store import AlsoFn
from core.storage import Connection, ConnectionOwner, StorageError, migrate
from core.storage.schema import Schema, Table, text

#: Where an earlier version kept the authorizations (copied in once, then left alone).
LEGACY_FILENAME = "authorizations.sqlite3"
#: The SQLite file holding them now: the records'.
DB_FILENAME = RECORDS_FILENAME
Measure = Literal["units", "grams", "infusions"]

_AUTHORIZATIONS = Table(
    "authorizations",
    (
        text("number", primary_key=True),
        *(text(name) for name in ("payer", "code", "starts", "ends", "amount", "measure")),
    ),
)
_USES = Table(
    "uses",
    (
        text("worksheet_id", primary_key=True),
        # NULL: a correction billed without an authorization.
        text("number", null=True, references="authorizations(number)"),
        text("amount"),
        text("replaces", null=True),
    ),
)


def _copy_legacy_file(conn: Connection) -> None:
    """The authorizations and uses of an earlier version's own file, copied in once."""
    from core.storage.sqlite import open_file

    legacy = None if conn.file is None else conn.file.parent / LEGACY_FILENAME
    if legacy is None or not legacy.is_file():
        return
    old = open_file(legacy, label="authorizations", read_only=True)
    try:
        for table in (_AUTHORIZATIONS, _USES):
            names = ", ".join(table.column_names())
            rows = old.execute(f"SELECT {names} FROM {table.name}").fetchall()
            marks = ", ".join("?" * len(table.columns))
            conn.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
    finally:
        old.close()


# One entry per schema version; never edit an entry once released, append one.
AUTHORIZATIONS = Schema("authorizations", ((_AUTHORIZATIONS, _USES, _copy_legacy_file),))


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
    if result.measure.is_mass:
        given = Quantity(amount=result.administered_ml, unit=result.measure)
        return to_decimal(given.in_unit(Unit.G))
    if result.concentration is None or result.measure is not Unit.ML:
        raise InputError(
            "authorization",
            f"{auth.number} is counted in grams; enter the concentration to convert mL to grams",
        )
    return to_decimal(result.concentration.mg_in(result.administered_ml) / 1000)


class AuthorizationStore(ConnectionOwner):
    """The authorizations, in the records' database. Use as a context manager."""

    def __init__(self, conn: Connection, records: RecordStore | None = None) -> None:
        self._conn = conn
        #: The records store this one opened (and closes), if any.
        self._records = records

    @classmethod
    def open(cls, data_dir: Path, url: str | None = None) -> AuthorizationStore:
        try:
            records = RecordStore.open(data_dir, url=url)
        except RecordStoreError as error:
            raise InputError("authorizations", str(error)) from None
        try:
            return cls.beside(records, owner=True)
        except BaseException:
            records.close()
            raise

    @classmethod
    def beside(cls, records: RecordStore, *, owner: bool = False) -> AuthorizationStore:
        """The authorizations on ``records``' own connection (for ``use_counter``); closing
        this store leaves ``records`` open unless ``owner``."""
        conn = records.connection
        failures: tuple[type[BaseException], ...] = (StorageError, *conn.errors)
        try:
            conn.retry(partial(migrate, conn, AUTHORIZATIONS))
        except failures as error:
            raise InputError("authorizations", f"cannot use the tables ({error})") from None
        return cls(conn, records if owner else None)

    def close(self) -> None:
        if self._records is not None:
            self._records.close()

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
        except self._conn.errors as error:
            if not self._conn.is_unique_violation(error):
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

    def count_use(
        self,
        result: CalculationResult,
        *,
        number: str,
        worksheet_id: str,
        replaces: str | None,
    ) -> None:
        """Count ``worksheet_id`` against its authorization ``number`` (if recorded here),
        and end the use of the worksheet it corrects."""
        auth = self.get(number) if number.strip() else None
        if auth is not None:
            amount = (
                use_for(auth, result)
                if auth.measure != "grams" or result.concentration
                else Decimal(0)
            )
            self.record_use(auth.number, worksheet_id, amount, replaces)
        elif replaces is not None:
            self.record_replacement(worksheet_id, replaces)


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


def state_for(
    store: AuthorizationStore, number: str, *, replaces: str | None = None
) -> AuthorizationState:
    """The authorization ``number`` as recorded in ``store`` (the site's), with what
    earlier worksheets used (the worksheet ``replaces`` corrects is left out)."""
    auth = store.get(number)
    used = store.used(number, excluding=replaces) if auth else Decimal(0)
    return AuthorizationState(number=number.strip(), authorization=auth, used=used)


def use_counter(
    store: AuthorizationStore,
    result: CalculationResult,
    *,
    number: str,
    replaces: str | None,
) -> AlsoFn | None:
    """For ``RecordStore.add(also=...)``: count the worksheet being recorded against its
    authorization and end the use of the worksheet it corrects, in the recording's own
    transaction (``store`` must be ``beside`` that records store). None: nothing to count."""
    if not number.strip() and replaces is None:
        return None

    def count(conn: Connection, record_id: int) -> None:
        if conn is not store._conn:
            raise ValueError("the authorizations must be beside the records being written")
        store.count_use(
            result, number=number, worksheet_id=format_worksheet_id(record_id), replaces=replaces
        )

    return count
