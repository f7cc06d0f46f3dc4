"""The outbox's rules on a bare table: order, claims, outcomes, back-off, retry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.charges.facts import Kind
from core.charges.mllp import Delivery
from core.charges.outbox import (
    DEFAULT_LEASE,
    OUTBOX_INDEX,
    OUTBOX_TABLE,
    Outbox,
    backoff,
    queue_charges,
)
from core.storage import Connection, connect
from core.storage.schema import Schema, migrate


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)  # after the rows' queue time

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    connection = connect(None, tmp_path / "outbox.sqlite3", label="test database")
    migrate(connection, Schema("charges", ((OUTBOX_TABLE, OUTBOX_INDEX),)))
    yield connection
    connection.close()


def build(worksheet: int, kind: Kind) -> str:
    return f"MSG {worksheet} {kind}"


class Receiver:
    """Answers each delivery from a script of outcomes; records what it was sent."""

    def __init__(self, *outcomes: str) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[tuple[str, str]] = []

    def __call__(self, message: str, control_id: str) -> Delivery:
        self.sent.append((control_id, message))
        outcome = self.outcomes.pop(0) if self.outcomes else "acknowledged"
        reason = {"rejected": "Unknown MRN", "pending": "refused"}.get(outcome, "")
        return Delivery(outcome, reason, "AE" if outcome == "rejected" else "")  # type: ignore[arg-type]


def test_a_correction_sends_the_credit_before_the_new_charges(conn: Connection) -> None:
    queue_charges(conn, 1, replaces=None)
    queue_charges(conn, 2, replaces=1)
    receiver = Receiver()
    report = Outbox(conn, Clock()).send_due(build, receiver)
    assert report.acknowledged == 3
    assert [cid for cid, _ in receiver.sent] == ["W-000001-CG", "W-000001-CD", "W-000002-CG"]
    assert receiver.sent[1][1] == "MSG 1 CD"  # the credit is of the old worksheet's lines


def test_pending_backs_off_and_keeps_its_control_id_and_bytes(conn: Connection) -> None:
    clock = Clock()
    outbox = Outbox(conn, clock)
    queue_charges(conn, 1, replaces=None)
    receiver = Receiver("pending", "pending", "acknowledged")
    assert outbox.send_due(build, receiver).stopped == "refused"
    assert outbox.send_due(build, receiver).pending == 1  # not due yet: nothing sent
    assert len(receiver.sent) == 1
    clock.now += backoff(1)
    outbox.send_due(build, receiver)
    clock.now += backoff(2)
    outbox.send_due(build, receiver)
    assert [sent for sent in receiver.sent] == [("W-000001-CG", "MSG 1 CG")] * 3
    message = outbox.get("W-000001-CG")
    assert message is not None
    assert (message.state, message.attempts) == ("acknowledged", 3)


def test_the_stored_message_is_resent_even_if_building_would_differ(
    conn: Connection,
) -> None:
    clock = Clock()
    queue_charges(conn, 1, replaces=None)
    receiver = Receiver("pending")
    Outbox(conn, clock).send_due(build, receiver)
    clock.now += timedelta(hours=2)
    Outbox(conn, clock).send_due(lambda w, k: "A NEWER PROGRAM'S TEXT", receiver)
    assert {message for _, message in receiver.sent} == {"MSG 1 CG"}


def test_a_rejection_keeps_the_reason_and_does_not_block(conn: Connection) -> None:
    outbox = Outbox(conn, Clock())
    queue_charges(conn, 1, replaces=None)
    queue_charges(conn, 2, replaces=None)
    report = outbox.send_due(build, Receiver("rejected"))
    assert (report.rejected, report.acknowledged) == (1, 1)
    rejected = outbox.get("W-000001-CG")
    assert rejected is not None
    assert (rejected.state, rejected.reason, rejected.ack_code) == ("rejected", "Unknown MRN", "AE")
    assert outbox.counts().rejected == 1
    # Retried by hand: pending again, the same control ID.
    assert outbox.retry("W-000001-CG") is not None
    receiver = Receiver()
    outbox.send_due(build, receiver)
    assert receiver.sent == [("W-000001-CG", "MSG 1 CG")]
    assert outbox.counts().acknowledged == 2


def test_an_acknowledged_message_is_never_sent_again(conn: Connection) -> None:
    outbox = Outbox(conn, Clock())
    queue_charges(conn, 1, replaces=None)
    receiver = Receiver()
    outbox.send_due(build, receiver)
    outbox.retry("W-000001-CG")
    outbox.send_due(build, receiver)
    assert len(receiver.sent) == 1


def test_a_claimed_message_is_not_sent_by_a_second_sender(conn: Connection) -> None:
    clock = Clock()
    queue_charges(conn, 1, replaces=None)
    first, second = Outbox(conn, clock), Outbox(conn, clock)
    other = Receiver()

    def deliver_while_another_runs(message: str, control_id: str) -> Delivery:
        second.send_due(build, other)  # the second sender finds it claimed
        return Delivery("acknowledged", "", "AA")

    first.send_due(build, deliver_while_another_runs)
    assert other.sent == []


def test_a_claim_lapses_for_a_sender_that_died(conn: Connection) -> None:
    clock = Clock()
    queue_charges(conn, 1, replaces=None)

    def dies(message: str, control_id: str) -> Delivery:
        raise KeyboardInterrupt  # the process ends mid-delivery

    with pytest.raises(KeyboardInterrupt):
        Outbox(conn, clock).send_due(build, dies)
    receiver = Receiver()
    Outbox(conn, clock).send_due(build, receiver)
    assert receiver.sent == []  # still claimed
    clock.now += DEFAULT_LEASE
    Outbox(conn, clock).send_due(build, receiver)
    assert receiver.sent == [("W-000001-CG", "MSG 1 CG")]


def test_backoff_doubles_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(50) == timedelta(hours=1)


def test_a_message_waiting_to_be_retried_holds_the_later_ones(conn: Connection) -> None:
    clock = Clock()
    outbox = Outbox(conn, clock)
    queue_charges(conn, 1, replaces=None)
    outbox.send_due(build, Receiver("pending"))  # W-000001-CG waits 30 s
    queue_charges(conn, 2, replaces=1)  # its correction: the credit, then the new charge
    receiver = Receiver()
    outbox.send_due(build, receiver)
    assert receiver.sent == []  # nothing overtakes the waiting charge
    clock.now += backoff(1)
    outbox.send_due(build, receiver)
    assert [cid for cid, _ in receiver.sent] == ["W-000001-CG", "W-000001-CD", "W-000002-CG"]
