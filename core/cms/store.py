"""``ReferenceStore``: every imported CMS quarter and payer fee schedule, in
``cms-reference.sqlite3`` in the data directory, apart from the worksheet records.

Imports are one transaction per file (all or nothing); a file already imported is
recognised by its SHA-256 and changes nothing. A different file for a quarter already
held replaces that quarter's rows (CMS republishes corrected files).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Self

from core.cms import REFERENCE_DB_FILENAME
from core.cms.parse import Kind, ParsedFile
from core.data_dir import ensure_private_dir
from core.errors import InputError
from core.reference import CodeDosage, CrosswalkEntry, Price

DB_FILENAME = REFERENCE_DB_FILENAME

_SCHEMA = """
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    quarter TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    UNIQUE (kind, quarter)
);
CREATE TABLE IF NOT EXISTS unusable_rows (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    row INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pricing (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    dosage TEXT NOT NULL,
    payment_limit TEXT,
    PRIMARY KEY (import_id, code)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crosswalk (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    ndc11 TEXT NOT NULL,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    labeler TEXT NOT NULL,
    drug_name TEXT NOT NULL,
    dosage TEXT NOT NULL,
    package_size TEXT NOT NULL,
    package_quantity TEXT NOT NULL,
    billing_units TEXT NOT NULL,
    billing_units_per_package TEXT,
    PRIMARY KEY (import_id, ndc11, code)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS crosswalk_ndc ON crosswalk (ndc11);
CREATE INDEX IF NOT EXISTS crosswalk_code ON crosswalk (code);
CREATE TABLE IF NOT EXISTS fee_schedules (
    id INTEGER PRIMARY KEY,
    payer TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    row_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fees (
    schedule_id INTEGER NOT NULL REFERENCES fee_schedules(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    rate TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fees_code ON fees (schedule_id, code);
"""


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


def _private_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def file_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


class ReferenceStore:
    """The reference database. ``open`` creates it; ``open_existing`` only reads one."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, data_dir: Path | str) -> ReferenceStore:
        """Open (creating as needed) the reference database; a directory or database that
        cannot be used raises ``InputError`` naming it."""
        data_dir = Path(data_dir)
        path = data_dir / DB_FILENAME
        try:
            ensure_private_dir(data_dir)
            _private_file(path)
        except OSError as error:
            raise InputError(
                "data directory", f"{data_dir} cannot hold the CMS reference data ({error})"
            ) from None
        # The audit window reads it from its worker thread; one thread uses it at a time.
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.executescript(_SCHEMA)
            if os.name == "posix":
                for suffix in ("-wal", "-shm"):
                    side = path.with_name(path.name + suffix)
                    if side.exists():
                        os.chmod(side, 0o600)
        except sqlite3.Error as error:
            conn.close()
            raise InputError(
                "reference database",
                f"{path} cannot be used ({error}); move it away and import the CMS files again",
            ) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def open_existing(cls, data_dir: Path | str) -> ReferenceStore | None:
        """The store when files were imported into ``data_dir``; None otherwise."""
        if not (Path(data_dir) / DB_FILENAME).is_file():
            return None
        return cls.open(data_dir)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- importing

    def _transaction(self, work: Callable[[], None]) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            work()
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

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
            cursor = self._conn.execute(
                "INSERT INTO imports (kind, quarter, start, end, file_name, sha256, "
                "imported_at, row_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
            import_id = cursor.lastrowid
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
            cursor = self._conn.execute(
                "INSERT INTO fee_schedules (payer, file_name, sha256, imported_at, row_count) "
                "VALUES (?, ?, ?, ?, ?)",
                (payer, file_name, digest, _now(), len(rows)),
            )
            self._conn.executemany(
                "INSERT INTO fees VALUES (?, ?, ?, ?, ?)",
                (
                    (
                        cursor.lastrowid,
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
            "SELECT kind, quarter, start, end, file_name, row_count, imported_at, "
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
            "SELECT id, quarter FROM imports WHERE kind = ? AND start <= ? AND end >= ? "
            "ORDER BY start DESC LIMIT 1",
            (kind.value, text, text),
        ).fetchone()
        if row is not None:
            return row[0], row[1], False
        row = self._conn.execute(
            "SELECT id, quarter FROM imports WHERE kind = ? AND end < ? ORDER BY end DESC LIMIT 1",
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
        return None if row is None else CodeDosage(code, row[0], row[1], found[1])

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
