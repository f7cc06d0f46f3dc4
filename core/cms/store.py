"""``ReferenceStore``: every imported CMS quarter and payer fee schedule, in
``cms-reference.sqlite3`` in the data directory, apart from the worksheet records.

Imports are one transaction per file (all or nothing); a file already imported is
recognised by its SHA-256 and changes nothing. A different file for a quarter already
held replaces that quarter's rows (CMS republishes corrected files).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from core.cms import REFERENCE_DB_FILENAME
from core.cms.parse import Kind, ParsedFile
from core.errors import InputError
from core.reference import CodeDosage, CrosswalkEntry, Price
from core.storage import (
    Connection,
    ConnectionOwner,
    StorageDamaged,
    StorageError,
    connect,
    exists,
    migrate,
)
from core.storage.schema import Index, Schema, Table, ident, integer, text

DB_FILENAME = REFERENCE_DB_FILENAME


# One entry per schema version; never edit an entry once released, append one. SQLite
# files from before schema versions hold exactly version 1 (its tables and indexes are
# created only where missing).
REFERENCE = Schema(
    "cms",
    (
        (
            Table(
                "imports",
                (
                    ident(),
                    text("kind"),
                    text("quarter"),
                    text("start"),
                    text("end"),
                    text("file_name"),
                    text("sha256"),
                    text("imported_at"),
                    integer("row_count"),
                ),
                unique=(("kind", "quarter"),),
            ),
            Table(
                "unusable_rows",
                (
                    integer("import_id", references="imports(id)", cascade=True),
                    integer("row"),
                    text("reason"),
                ),
            ),
            Table(
                "pricing",
                (
                    integer("import_id", references="imports(id)", cascade=True),
                    text("code"),
                    text("description"),
                    text("dosage"),
                    text("payment_limit", null=True),
                ),
                primary_key=("import_id", "code"),
                clustered=True,
            ),
            Table(
                "crosswalk",
                (
                    integer("import_id", references="imports(id)", cascade=True),
                    *(
                        text(name)
                        for name in (
                            "ndc11",
                            "code",
                            "description",
                            "labeler",
                            "drug_name",
                            "dosage",
                            "package_size",
                            "package_quantity",
                            "billing_units",
                        )
                    ),
                    text("billing_units_per_package", null=True),
                ),
                primary_key=("import_id", "ndc11", "code"),
                clustered=True,
            ),
            Index("crosswalk_ndc", "crosswalk", ("ndc11",)),
            Index("crosswalk_code", "crosswalk", ("code",)),
            Table(
                "fee_schedules",
                (
                    ident(),
                    text("payer", unique=True),
                    text("file_name"),
                    text("sha256"),
                    text("imported_at"),
                    integer("row_count"),
                ),
            ),
            Table(
                "fees",
                (
                    integer("schedule_id", references="fee_schedules(id)", cascade=True),
                    text("code"),
                    text("rate"),
                    text("effective_from"),
                    text("effective_to"),
                ),
            ),
            Index("fees_code", "fees", ("schedule_id", "code")),
        ),
    ),
)


def _server(url: str | None) -> str | None:
    from core.database import DatabaseUrlError, database_url

    try:
        return database_url(url)
    except DatabaseUrlError as error:
        raise InputError("database", str(error)) from None


@dataclass(frozen=True)
class ImportOutcome:
    name: str
    kind: Kind
    quarter: str
    #: "imported", "replaced" (another file for the quarter was held) or "unchanged"
    status: str
    rows: int
    unusable: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class QuarterHeld:
    kind: str
    quarter: str
    start: date
    end: date
    file_name: str
    rows: int
    unusable: int
    imported_at: str


@dataclass(frozen=True)
class FeeRow:
    code: str
    rate: Decimal
    effective_from: date
    effective_to: date


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def file_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


class ReferenceStore(ConnectionOwner):
    """The reference database. ``open`` creates it; ``open_existing`` only reads one."""

    def __init__(self, conn: Connection, path: Path, url: str | None = None) -> None:
        self._conn = conn
        self.path = path
        #: The server's URL, or None for the file ``path`` (for messages).
        self.url = url

    @classmethod
    def open(cls, data_dir: Path | str, url: str | None = None) -> ReferenceStore:
        """Open (creating as needed) the reference database; a directory or database that
        cannot be used raises ``InputError`` naming it. With a PostgreSQL ``url``
        (default ``UNITCALC_DATABASE``) the tables are on that server, shared by every
        workstation."""
        path = Path(data_dir) / DB_FILENAME
        url = _server(url)
        try:
            # The audit window reads it from its worker thread; one thread at a time.
            conn = connect(url, path, label="CMS reference data", durable=False, threads=True)
        except StorageDamaged as error:
            again = "move it away and import the CMS files again"
            raise InputError("reference database", f"{error}; {again}") from None
        except StorageError as error:
            raise InputError("reference database", str(error)) from None
        failures: tuple[type[BaseException], ...] = (StorageError, *conn.errors)
        try:
            migrate(conn, REFERENCE)
        except failures as error:
            conn.close()
            raise InputError(
                "reference database",
                f"{conn.where} cannot hold the CMS reference data ({error}); move it away "
                "and import the CMS files again",
            ) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, url)

    @classmethod
    def open_existing(cls, data_dir: Path | str) -> ReferenceStore | None:
        """The store when files were imported into ``data_dir``; None otherwise."""
        if not exists(_server(None), Path(data_dir) / DB_FILENAME):
            return None
        return cls.open(data_dir)

    # ---- importing

    def _transaction(self, work: Callable[[], None]) -> None:
        with self._conn.writing():
            work()

    def add_file(self, parsed: ParsedFile, digest: str) -> ImportOutcome:
        """Store one validated file in one transaction."""
        quarter = parsed.quarter
        outcome: list[str] = []

        def work() -> None:
            held = self._conn.execute(
                "SELECT id, sha256 FROM imports WHERE kind = ? AND quarter = ?",
                (parsed.kind.value, quarter.label),
            ).fetchone()
            if held is not None and held[1] == digest:
                outcome.append("unchanged")
                return
            if held is not None:
                self._conn.execute("DELETE FROM imports WHERE id = ?", (held[0],))
            outcome.append("replaced" if held is not None else "imported")
            (import_id,) = self._conn.one(
                'INSERT INTO imports (kind, quarter, start, "end", file_name, sha256, '
                "imported_at, row_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    parsed.kind.value,
                    quarter.label,
                    quarter.start.isoformat(),
                    quarter.end.isoformat(),
                    parsed.name,
                    digest,
                    _now(),
                    parsed.row_count,
                ),
            )
            self._conn.executemany(
                "INSERT INTO unusable_rows (import_id, row, reason) VALUES (?, ?, ?)",
                ((import_id, row, reason) for row, reason in parsed.unusable),
            )
            if parsed.kind is Kind.PRICING:
                self._conn.executemany(
                    "INSERT INTO pricing VALUES (?, ?, ?, ?, ?)",
                    (
                        (
                            import_id,
                            r.code,
                            r.description,
                            r.dosage,
                            None if r.payment_limit is None else str(r.payment_limit),
                        )
                        for r in parsed.pricing
                    ),
                )
            else:
                self._conn.executemany(
                    "INSERT INTO crosswalk VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        (
                            import_id,
                            r.ndc11,
                            r.code,
                            r.description,
                            r.labeler,
                            r.drug_name,
                            r.dosage,
                            r.package_size,
                            r.package_quantity,
                            r.billing_units,
                            None
                            if r.billing_units_per_package is None
                            else str(r.billing_units_per_package),
                        )
                        for r in parsed.crosswalk
                    ),
                )

        self._transaction(work)
        return ImportOutcome(
            parsed.name,
            parsed.kind,
            quarter.label,
            outcome[0],
            parsed.row_count,
            tuple(parsed.unusable),
        )

    def set_fee_schedule(
        self, payer: str, file_name: str, digest: str, rows: Iterable[FeeRow]
    ) -> str:
        """Replace ``payer``'s fee schedule; "unchanged" when it is the same file."""
        rows = list(rows)
        outcome: list[str] = []

        def work() -> None:
            held = self._conn.execute(
                "SELECT id, sha256 FROM fee_schedules WHERE payer = ?", (payer,)
            ).fetchone()
            if held is not None and held[1] == digest:
                outcome.append("unchanged")
                return
            if held is not None:
                self._conn.execute("DELETE FROM fee_schedules WHERE id = ?", (held[0],))
            outcome.append("replaced" if held is not None else "imported")
            (schedule_id,) = self._conn.one(
                "INSERT INTO fee_schedules (payer, file_name, sha256, imported_at, row_count) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (payer, file_name, digest, _now(), len(rows)),
            )
            self._conn.executemany(
                "INSERT INTO fees VALUES (?, ?, ?, ?, ?)",
                (
                    (
                        schedule_id,
                        r.code,
                        str(r.rate),
                        r.effective_from.isoformat(),
                        r.effective_to.isoformat(),
                    )
                    for r in rows
                ),
            )

        self._transaction(work)
        return outcome[0]

    # ---- what is held

    def quarters(self) -> list[QuarterHeld]:
        rows = self._conn.execute(
            'SELECT kind, quarter, start, "end", file_name, row_count, imported_at, '
            "(SELECT count(*) FROM unusable_rows u WHERE u.import_id = i.id) "
            "FROM imports i ORDER BY start, kind"
        ).fetchall()
        return [
            QuarterHeld(
                kind=kind,
                quarter=label,
                start=date.fromisoformat(start),
                end=date.fromisoformat(end),
                file_name=name,
                rows=count,
                unusable=unusable,
                imported_at=at,
            )
            for kind, label, start, end, name, count, at, unusable in rows
        ]

    def fee_schedules(self) -> list[tuple[str, str, int]]:
        """(payer, file name, rows) for every fee schedule held."""
        return [
            (payer, name, count)
            for payer, name, count in self._conn.execute(
                "SELECT payer, file_name, row_count FROM fee_schedules ORDER BY payer"
            )
        ]

    def _import_for(self, kind: Kind, day: date) -> tuple[int, str, bool] | None:
        """(import id, quarter, out of date) of the quarter covering ``day``, else of the
        latest quarter ending before it."""
        text = day.isoformat()
        row = self._conn.execute(
            'SELECT id, quarter FROM imports WHERE kind = ? AND start <= ? AND "end" >= ? '
            "ORDER BY start DESC LIMIT 1",
            (kind.value, text, text),
        ).fetchone()
        if row is not None:
            return row[0], row[1], False
        row = self._conn.execute(
            'SELECT id, quarter FROM imports WHERE kind = ? AND "end" < ?'
            ' ORDER BY "end" DESC LIMIT 1',
            (kind.value, text),
        ).fetchone()
        return None if row is None else (row[0], row[1], True)

    # ---- core.reference.ReferenceData

    def _fee(self, code: str, day: date, payer: str) -> Price | None:
        text = day.isoformat()
        row = self._conn.execute(
            "SELECT f.rate, s.file_name FROM fees f JOIN fee_schedules s ON s.id = f.schedule_id "
            "WHERE s.payer = ? AND f.code = ? AND f.effective_from <= ? AND f.effective_to >= ? "
            "ORDER BY f.effective_from DESC LIMIT 1",
            (payer, code, text, text),
        ).fetchone()
        if row is None:
            return None
        schedule = f"{payer} fee schedule ({row[1]})"
        return Price(Decimal(row[0]), schedule, None, schedule=schedule)

    def price(self, code: str, service_date: date, payer: str) -> Price | None:
        fee = self._fee(code, service_date, payer)
        if fee is not None:
            return fee
        found = self._import_for(Kind.PRICING, service_date)
        if found is None:
            return None
        import_id, label, out_of_date = found
        row = self._conn.execute(
            "SELECT payment_limit FROM pricing WHERE import_id = ? AND code = ?",
            (import_id, code),
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return Price(Decimal(row[0]), f"CMS ASP pricing file {label}", label, out_of_date)

    def payment_per_unit(self, code: str, service_date: date, payer: str) -> Decimal | None:
        price = self.price(code, service_date, payer)
        return None if price is None else price.per_unit

    def code_dosage(self, code: str, service_date: date) -> CodeDosage | None:
        found = self._import_for(Kind.PRICING, service_date)
        if found is None:
            return None
        row = self._conn.execute(
            "SELECT dosage, description FROM pricing WHERE import_id = ? AND code = ?",
            (found[0], code),
        ).fetchone()
        return None if row is None else CodeDosage(code, row[0], row[1], found[1], found[2])

    def pricing_codes(self, service_date: date) -> tuple[CodeDosage, ...]:
        """Every code of the pricing quarter covering ``service_date`` (else the newest
        earlier one), with its descriptor: the window's code picker lists them."""
        found = self._import_for(Kind.PRICING, service_date)
        if found is None:
            return ()
        rows = self._conn.execute(
            "SELECT code, dosage, description FROM pricing WHERE import_id = ? ORDER BY code",
            (found[0],),
        ).fetchall()
        return tuple(CodeDosage(c, d, text, found[1], found[2]) for c, d, text in rows)

    _ENTRY_COLUMNS = (
        "ndc11, code, labeler, drug_name, package_size, package_quantity, billing_units_per_package"
    )

    def _entries(self, where: str, key: str, day: date) -> tuple[CrosswalkEntry, ...]:
        found = self._import_for(Kind.CROSSWALK, day)
        if found is None:
            return ()
        rows = self._conn.execute(
            f"SELECT {self._ENTRY_COLUMNS} FROM crosswalk WHERE import_id = ? AND {where} = ? "
            "ORDER BY ndc11, code",
            (found[0], key),
        ).fetchall()
        return tuple(
            CrosswalkEntry(ndc, code, lab, drug, size, qty, _decimal(units), found[1])
            for ndc, code, lab, drug, size, qty, units in rows
        )

    def crosswalk_entries(self, ndc11: str, service_date: date) -> tuple[CrosswalkEntry, ...]:
        return self._entries("ndc11", ndc11, service_date)

    def ndcs_for_code(self, code: str, service_date: date) -> tuple[CrosswalkEntry, ...]:
        return self._entries("code", code, service_date)

    def codes_for_ndc(self, ndc11: str, service_date: date) -> frozenset[str] | None:
        codes = frozenset(e.code for e in self.crosswalk_entries(ndc11, service_date))
        return codes or None

    def has_ndc(self, ndc11: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM crosswalk WHERE ndc11 = ? LIMIT 1", (ndc11,))
        return row.fetchone() is not None

    def has_crosswalk(self) -> bool:
        row = self._conn.execute("SELECT 1 FROM imports WHERE kind = ? LIMIT 1", ("crosswalk",))
        return row.fetchone() is not None

    def quarter_in_use(self, service_date: date) -> str | None:
        found = self._import_for(Kind.PRICING, service_date)
        return None if found is None else found[1]

    # ---- lookups for `cms lookup`

    def pricing_rows(self, code: str) -> list[tuple[str, str, str, str | None]]:
        """(quarter, description, dosage, payment limit) in every quarter held."""
        return [
            tuple(row)
            for row in self._conn.execute(
                "SELECT i.quarter, p.description, p.dosage, p.payment_limit FROM pricing p "
                "JOIN imports i ON i.id = p.import_id WHERE p.code = ? ORDER BY i.start",
                (code,),
            )
        ]

    def crosswalk_rows(self, column: str, key: str) -> list[tuple[str, ...]]:
        """Every quarter's crosswalk rows for an NDC (``column="ndc11"``) or a code."""
        assert column in {"ndc11", "code"}
        return [
            tuple("" if v is None else str(v) for v in row)
            for row in self._conn.execute(
                "SELECT i.quarter, c.ndc11, c.code, c.labeler, c.drug_name, c.package_size, "
                "c.package_quantity, c.billing_units, c.billing_units_per_package, c.dosage "
                f"FROM crosswalk c JOIN imports i ON i.id = c.import_id WHERE c.{column} = ? "
                "ORDER BY i.start, c.ndc11, c.code",
                (key,),
            )
        ]
