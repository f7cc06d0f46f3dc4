"""The outbox: one row per charge message, in the records database, so nothing is lost
and nothing is sent twice.

- Queued with the record: ``queue_charges`` runs inside the transaction that records a
  worksheet (the records store calls it before its commit), so a worksheet is recorded
  with its charge message or not at all. A correction queues the credit (CD) of the
  lines it replaces and its own charges (CG), the credit first.
- The control ID (``core.charges.hl7.control_id``) is the row's key: unique per
  message, and kept on every resend, so a receiver can drop a message it already has.
- The message text is built from the record the first time it is sent and stored, so a
  resend is the same bytes, whatever version of unitcalc sends it.
- A sender claims a row for one delivery (``lease_until``), delivers it (``core.charges.
  mllp``) and writes the outcome: acknowledged, rejected (with the reason), or pending
  again with its next attempt backed off (30 s doubling to an hour). A sender killed
  mid-delivery leaves the row pending; once the claim lapses the message is sent again
  with the same control ID.
- Messages go out in the order they were queued: the oldest pending message goes first,
  and while it waits (its back-off, another sender's claim) the later ones wait behind it,
  so a credit never arrives after the charge replacing it. A rejected one does not hold
  the others up.

Written against the storage interface (``core.storage.Connection``): one SQL for both
backends (``?`` placeholders, ``RETURNING``); each state change is a single statement,
atomic on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from core.storage.schema import Index, Table, big_integer, integer, text

if TYPE_CHECKING:
    from core.charges.facts import Kind
    from core.charges.mllp import Delivery
    from core.storage import Connection

    #: Builds the message text of (worksheet record id, kind).
    BuildMessage = Callable[[int, Kind], str]
    #: Delivers (message, control ID).
    Deliver = Callable[[str, str], Delivery]

State = Literal["pending", "acknowledged", "rejected"]
STATES = ("pending", "acknowledged", "rejected")

TABLE = "charge_outbox"
FIRST_RETRY = timedelta(seconds=30)
DEFAULT_LEASE = timedelta(seconds=60)
LAST_RETRY = timedelta(hours=1)

#: The table (the records schema creates it: ``core.records.schema``).
OUTBOX_TABLE = Table(
    TABLE,
    (
        text("control_id", primary_key=True),
        # Queue order: the recording's id, twice, plus one for its own charge (a
        # correction's credit goes first).
        big_integer("seq", unique=True),
        big_integer("worksheet_id"),
        text("kind", check="kind IN ('CG', 'CD')"),
        text("queued_at"),
        text("state", default="'pending'", check=f"state IN {STATES!r}"),
        integer("attempts", default="0"),
        text("next_attempt_at"),
        text("lease_until", null=True),
        text("message", null=True),
        text("ack_code", default="''"),
        text("reason", default="''"),
        text("finished_at", null=True),
    ),
)
OUTBOX_INDEX = Index("charge_outbox_due", TABLE, ("state", "seq"))

_COLUMNS = (
    "control_id, worksheet_id, kind, state, attempts, queued_at, next_attempt_at, "
    "ack_code, reason, finished_at"
)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 30 s, 1 min, 2 min ... at most an hour."""
    return min(FIRST_RETRY * (1 << max(0, min(attempts - 1, 20))), LAST_RETRY)


def queue_charges(conn: Connection, record_id: int, *, replaces: int | None) -> None:
    """Queue the charge messages of the worksheet ``record_id`` being recorded (the
    records store's ``also``: inside the recording's transaction): the credit of
    ``replaces``'s lines first when it corrects one, then its own charges."""
    _queue(conn, record_id, replaces, _stamp(conn.now()))


def _queue(
    conn: Connection, record_id: int, replaces: int | None, stamp: str, *, if_absent: bool = False
) -> None:
    """The rows of one recording; ``if_absent`` leaves a row already there as it is (one
    another backfill queued meanwhile)."""
    absent = " ON CONFLICT DO NOTHING" if if_absent else ""
    from core.charges.hl7 import control_id
    from core.records.models import format_worksheet_id

    rows: list[tuple[int, Kind, int]] = [(replaces, "CD", 0)] if replaces is not None else []
    rows.append((record_id, "CG", 1))
    for worksheet, kind, order in rows:
        conn.execute(
            f"INSERT INTO {TABLE} (control_id, seq, worksheet_id, kind, queued_at,"
            f" next_attempt_at) VALUES (?, ?, ?, ?, ?, ?){absent}",
            (
                control_id(format_worksheet_id(worksheet), kind),
                record_id * 2 + order,
                worksheet,
                kind,
                stamp,
                stamp,
            ),
        )


@dataclass(frozen=True)
class OutboxMessage:
    control_id: str
    worksheet_id: int
    kind: Kind
    state: State
    attempts: int
    queued_at: datetime
    next_attempt_at: datetime
    ack_code: str
    reason: str
    finished_at: datetime | None

    def as_json(self) -> dict[str, object]:
        from core.records.models import format_worksheet_id

        return {
            "control_id": self.control_id,
            "worksheet_id": format_worksheet_id(self.worksheet_id),
            "kind": self.kind,
            "state": self.state,
            "attempts": self.attempts,
            "queued_at": self.queued_at.isoformat(),
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "ack_code": self.ack_code,
            "reason": self.reason,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def _message(row: tuple[Any, ...]) -> OutboxMessage:
    return OutboxMessage(
        control_id=row[0],
        worksheet_id=int(row[1]),
        kind=row[2],
        state=row[3],
        attempts=int(row[4]),
        queued_at=datetime.fromisoformat(row[5]),
        next_attempt_at=datetime.fromisoformat(row[6]),
        ack_code=row[7],
        reason=row[8],
        finished_at=datetime.fromisoformat(row[9]) if row[9] else None,
    )


@dataclass(frozen=True)
class Counts:
    pending: int = 0
    rejected: int = 0
    acknowledged: int = 0


@dataclass(frozen=True)
class SendReport:
    acknowledged: int
    rejected: int
    pending: int
    #: Why the run stopped early (the first message left pending), or "".
    stopped: str = ""


class Outbox:
    """The outbox rows of one records database (``conn``: the records store's
    connection). ``clock`` gives aware times, by default the database's (the server's on
    PostgreSQL: one clock for every workstation); ``guard(work)`` runs each database step
    (the records store's, turning database errors into its own)."""

    def __init__(
        self,
        conn: Connection,
        clock: Callable[[], datetime] | None = None,
        guard: Callable[[Callable[[], Any]], Any] | None = None,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self._conn = conn
        #: How long a claim holds a message against another sender: longer than one
        #: delivery may take (its timeout), so two senders never send it at once.
        self.lease = lease
        self._clock = clock or conn.now
        self._guard = guard or (lambda work: work())

    def _run(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        """One statement (committed on its own), its rows."""
        return list(self._guard(lambda: self._conn.execute(sql, params).fetchall()))  # type: ignore[arg-type]

    def messages(self, *, limit: int | None = None) -> list[OutboxMessage]:
        """Every message, newest first."""
        sql = f"SELECT {_COLUMNS} FROM {TABLE} ORDER BY seq DESC"
        if limit is None:
            return [_message(row) for row in self._run(sql)]
        return [_message(row) for row in self._run(sql + " LIMIT ?", (max(0, limit),))]

    def get(self, wanted: str) -> OutboxMessage | None:
        rows = self._run(f"SELECT {_COLUMNS} FROM {TABLE} WHERE control_id = ?", (wanted,))
        return _message(rows[0]) if rows else None

    def counts(self) -> Counts:
        rows = self._run(f"SELECT state, count(*) FROM {TABLE} GROUP BY state")
        found = {state: int(count) for state, count in rows}
        return Counts(
            pending=found.get("pending", 0),
            rejected=found.get("rejected", 0),
            acknowledged=found.get("acknowledged", 0),
        )

    def backfill(self) -> int:
        """Queue, in one transaction, what recording would have queued for every recorded
        worksheet with no message in the outbox (recorded before the outbox existed): its
        charge, after the credit of the worksheet it corrects. Same control IDs and queue
        order (by worksheet) as recording; run again, it queues nothing. A worksheet whose
        credit is already queued (corrected since the outbox) is skipped: its charge was
        taken back, and would reach the receiver after its credit. Messages queued."""

        def work() -> int:
            with self._conn.writing():
                found = self._conn.execute(
                    "SELECT w.id, w.replaces FROM worksheets w WHERE NOT EXISTS"
                    f" (SELECT 1 FROM {TABLE} o WHERE o.worksheet_id = w.id) ORDER BY w.id"
                ).fetchall()
                before = int(self._conn.one(f"SELECT count(*) FROM {TABLE}")[0])
                stamp = _stamp(self._clock())
                for record_id, replaces in found:
                    replaced = None if replaces is None else int(replaces)
                    _queue(
                        self._conn,
                        int(record_id),
                        replaced,
                        stamp,
                        if_absent=True,
                    )
                return int(self._conn.one(f"SELECT count(*) FROM {TABLE}")[0]) - before

        return int(self._guard(work))

    def retry(self, wanted: str) -> OutboxMessage | None:
        """Send a rejected or pending message again at the next run, same control ID; None
        if there is no such message. An acknowledged one is left as it is."""
        self._run(
            f"UPDATE {TABLE} SET state = 'pending', next_attempt_at = ?, lease_until = NULL,"
            " finished_at = NULL WHERE control_id = ? AND state != 'acknowledged'"
            " RETURNING control_id",
            (_stamp(self._clock()), wanted),
        )
        return self.get(wanted)

    def send_due(self, build: BuildMessage, deliver: Deliver) -> SendReport:
        """Deliver every pending message whose time has come, in queue order; stop at the
        first one left pending."""
        from core.charges.mllp import Delivery

        acknowledged = rejected = 0
        while True:
            claimed = self._claim_next()
            if claimed is None:
                return SendReport(acknowledged, rejected, self.counts().pending)
            wanted, worksheet, kind, message, attempts = claimed
            if message is None:
                try:
                    message = build(worksheet, kind)
                except ValueError as error:  # InputError: the record cannot be charged
                    self._finish(wanted, Delivery("rejected", f"not sent: {error}"), attempts)
                    rejected += 1
                    continue
                # Kept before the first delivery: every resend is these bytes.
                (stored,) = self._run(
                    f"UPDATE {TABLE} SET message = ? WHERE control_id = ? RETURNING message",
                    (message, wanted),
                )
                message = stored[0]
            delivery = deliver(message, wanted)
            self._finish(wanted, delivery, attempts + 1)
            if delivery.outcome == "acknowledged":
                acknowledged += 1
            elif delivery.outcome == "rejected":
                rejected += 1
            else:
                return SendReport(acknowledged, rejected, self.counts().pending, delivery.reason)

    def _claim_next(self) -> tuple[str, int, Kind, str | None, int] | None:
        """The oldest pending message, claimed, if its time has come; None when there is
        none, or the oldest is waiting (its back-off, another sender's claim): later
        messages wait behind it, so the receiver gets them in the order queued."""
        while True:
            now = _stamp(self._clock())
            oldest = self._run(
                f"SELECT control_id, next_attempt_at, lease_until FROM {TABLE}"
                " WHERE state = 'pending' ORDER BY seq LIMIT 1"
            )
            if not oldest:
                return None
            wanted, due_at, lease_until = oldest[0]
            if due_at > now or (lease_until is not None and lease_until > now):
                return None
            # One statement claims it: a second sender's UPDATE finds the claim taken.
            claimed = self._run(
                f"UPDATE {TABLE} SET lease_until = ? WHERE control_id = ?"
                " AND state = 'pending' AND (lease_until IS NULL OR lease_until <= ?)"
                " RETURNING control_id, worksheet_id, kind, message, attempts",
                (_stamp(self._clock() + self.lease), wanted, now),
            )
            if claimed:
                row = claimed[0]
                return row[0], int(row[1]), row[2], row[3], int(row[4])

    def _finish(self, wanted: str, delivery: Delivery, attempts: int) -> None:
        now = self._clock()
        if delivery.outcome == "pending":
            self._run(
                f"UPDATE {TABLE} SET attempts = ?, next_attempt_at = ?, lease_until = NULL,"
                " ack_code = ?, reason = ? WHERE control_id = ? RETURNING control_id",
                (
                    attempts,
                    _stamp(now + backoff(attempts)),
                    delivery.ack_code,
                    delivery.reason,
                    wanted,
                ),
            )
            return
        self._run(
            f"UPDATE {TABLE} SET state = ?, attempts = ?, lease_until = NULL, ack_code = ?,"
            " reason = ?, finished_at = ? WHERE control_id = ? RETURNING control_id",
            (delivery.outcome, attempts, delivery.ack_code, delivery.reason, _stamp(now), wanted),
        )
