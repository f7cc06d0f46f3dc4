"""The outbox in the records database: queued with the record (SQLite and PostgreSQL),
sent over MLLP to a real listener (hl7apy's MLLPServer), a correction's credit and new
charges, the listener away for a while, a rejection, and a sender killed mid-delivery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.charges.outbox import DEFAULT_LEASE, Outbox, queue_charges
from core.charges.sending import Destination, build_message, open_outbox, send_due
from core.records import RecordStore
from core.storage import Connection
from tests.cli_run import ROOT, run_main
from tests.core.charges_cases import hl7_fields, record_correction, record_example
from tests.core.mllp_listener import Listener, control_id_of


def states(store: RecordStore) -> dict[str, str]:
    return {m.control_id: m.state for m in open_outbox(store).messages()}


def test_recording_queues_the_charge_and_a_correction_its_credit(
    tmp_path: Path, database_url: str | None
) -> None:
    record_example(tmp_path)
    with RecordStore.open(tmp_path, url=database_url) as store:
        assert states(store) == {"W-000001-CG": "pending"}
    record_correction(tmp_path, replaces=1)
    with RecordStore.open(tmp_path, url=database_url) as store:
        assert states(store) == {
            "W-000001-CG": "pending",
            "W-000001-CD": "pending",
            "W-000002-CG": "pending",
        }


def test_a_worksheet_not_recorded_queues_nothing(tmp_path: Path, database_url: str | None) -> None:
    def queue_then_fail(conn: Connection, record_id: int) -> None:
        queue_charges(conn, record_id, replaces=None)
        raise RuntimeError("the program failed")  # after the queueing, before the commit

    with RecordStore.open(tmp_path, url=database_url) as store, pytest.raises(RuntimeError):
        store.add(
            code="J1410",
            mrn="1",
            patient_name="P",
            administered_at=None,
            prepared_by="A",
            verified_by="B",
            inputs={},
            result={},
            documentation={},
            render=lambda worksheet_id, replaces: b"%PDF-1.4",
            also=queue_then_fail,
        )
    with RecordStore.open(tmp_path, url=database_url) as store:
        assert store.list() == []
        assert states(store) == {}


def test_the_credit_carries_the_old_lines_and_the_charge_the_new(
    tmp_path: Path, database_url: str | None
) -> None:
    record_example(tmp_path)
    record_correction(tmp_path, replaces=1)
    with Listener("accept") as listener, RecordStore.open(tmp_path, url=database_url) as store:
        report = send_due(store, Destination("127.0.0.1", listener.port), timeout=5)
    assert report.acknowledged == 3
    ids = [control_id_of(m) for m in listener.received]
    assert ids == ["W-000001-CG", "W-000001-CD", "W-000002-CG"]
    credit, charge = listener.received[1], listener.received[2]
    assert [hl7_fields(credit, "FT1", n)[6] for n in (0, 1)] == ["CD", "CD"]
    assert [hl7_fields(credit, "FT1", n)[10] for n in (0, 1)] == ["3", "1"]  # the old lines
    assert [hl7_fields(charge, "FT1", n)[10] for n in (0, 1)] == ["2", "2"]  # 10 mL, 2 JW


def test_the_credit_is_stamped_with_the_correction_not_the_old_record(
    tmp_path: Path, database_url: str | None
) -> None:
    from core.charges.hl7 import hl7_time

    old = record_example(tmp_path)
    time.sleep(1.1)  # the correction is recorded in a later second (HL7 times are to the second)
    correction = record_correction(tmp_path, replaces=1)
    with RecordStore.open(tmp_path, url=database_url) as store:
        credit = build_message(store, 1, "CD")
        charge = build_message(store, 1, "CG")
    corrected_at = hl7_time(correction.created_at)
    assert hl7_time(old.created_at) != corrected_at
    assert hl7_fields(credit, "MSH")[7] == hl7_fields(credit, "EVN")[2] == corrected_at
    assert hl7_fields(charge, "MSH")[7] == hl7_time(old.created_at)  # its own recording
    assert hl7_fields(credit, "FT1")[4] == hl7_fields(charge, "FT1")[4]  # the administration


def test_backfill_queues_worksheets_recorded_before_the_outbox_once_in_order(
    tmp_path: Path, database_url: str | None
) -> None:
    record_example(tmp_path)
    record_correction(tmp_path, replaces=1)
    record_example(tmp_path)
    with RecordStore.open(tmp_path, url=database_url) as store:  # recorded before the outbox
        store.connection.execute("DELETE FROM charge_outbox")
    record_correction(tmp_path, replaces=3)  # with the outbox: W-000003's credit is queued
    done = run_main("charges", "backfill", "--data-dir", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Queued 3 charge messages" in done.stdout
    again = run_main("charges", "backfill", "--data-dir", tmp_path)
    assert again.returncode == 0 and "Nothing to queue" in again.stdout
    with Listener("accept") as listener, RecordStore.open(tmp_path, url=database_url) as store:
        report = send_due(store, Destination("127.0.0.1", listener.port), timeout=5)
    assert report.acknowledged == 5
    # W-000003 is not charged again: its credit already went with its correction.
    assert [control_id_of(m) for m in listener.received] == [
        "W-000001-CG",
        "W-000001-CD",
        "W-000002-CG",
        "W-000003-CD",
        "W-000004-CG",
    ]


def test_the_listener_away_for_a_while_then_back(tmp_path: Path) -> None:
    record_example(tmp_path)
    listener = Listener("accept").start()
    port = listener.port
    listener.stop()
    clock = datetime.now(UTC)
    with RecordStore.open(tmp_path) as store:
        report = send_due(store, Destination("127.0.0.1", port), timeout=2)
        assert report.pending == 1 and "refused" in report.stopped
        waiting = open_outbox(store).get("W-000001-CG")
        assert waiting is not None and waiting.attempts == 1
        assert waiting.next_attempt_at > clock
    with Listener("accept", port=port) as back, RecordStore.open(tmp_path) as store:
        later = Outbox(store.connection, clock=lambda: clock + timedelta(minutes=1))
        deliver = _deliver_to(back.port)
        later.send_due(lambda w, k: build_message(store, w, k), deliver)
        assert states(store) == {"W-000001-CG": "acknowledged"}
        later.send_due(lambda w, k: build_message(store, w, k), deliver)
    assert [control_id_of(m) for m in back.received] == ["W-000001-CG"]


def _deliver_to(port: int):  # type: ignore[no-untyped-def]
    from core.charges.mllp import deliver

    return lambda message, control_id: deliver("127.0.0.1", port, message, control_id, timeout=5)


def test_a_rejection_is_listed_with_its_reason(tmp_path: Path) -> None:
    record_example(tmp_path)
    said = "Unknown MRN 00123456 & DOB\x1b]0;x\x07"  # sent as \T\, the controls raw
    with Listener("reject", reason=said) as listener:
        done = run_main(
            "charges", "send", "--to", f"127.0.0.1:{listener.port}", "--data-dir", tmp_path
        )
    assert done.returncode == 0, done.stderr
    assert "1 rejected" in done.stdout
    listed = run_main("charges", "list", "--data-dir", tmp_path)
    shown = "W-000001-CG  rejected  attempts 1  AE  Unknown MRN 00123456 & DOB\\x1b]0;x\\x07"
    assert shown in listed.stdout
    assert "\x1b" not in listed.stdout
    (listed_json,) = json.loads(
        run_main("charges", "list", "--json", "--data-dir", tmp_path).stdout
    )
    assert listed_json["control_id"] == "W-000001-CG"
    assert listed_json["worksheet_id"] == "W-000001"
    assert (listed_json["state"], listed_json["ack_code"]) == ("rejected", "AE")
    assert listed_json["reason"] == said
    retried = run_main("charges", "retry", "W-000001-CG", "--data-dir", tmp_path)
    assert retried.returncode == 0
    with RecordStore.open(tmp_path) as store:
        assert states(store) == {"W-000001-CG": "pending"}


def test_charges_commands_refuse_bad_input_in_one_line(tmp_path: Path) -> None:
    record_example(tmp_path)
    for args, field in (
        (("charges", "send", "--to", "nowhere"), "charges receiver"),
        (("charges", "send", "--to", "h:99999"), "charges receiver"),
        (("charges", "send"), "UNITCALC_CHARGES"),
        (("charges", "send", "--to", "h:1", "--timeout", "nan"), "timeout"),
        (("charges", "retry", "W-000009-CG"), "control ID"),
    ):
        done = run_main(*args, "--data-dir", tmp_path)
        assert done.returncode == 2, args
        assert len(done.stderr.strip().splitlines()) == 1
        assert field in done.stderr, done.stderr


@pytest.mark.slow
def test_a_sender_killed_mid_delivery_resends_with_the_same_control_id(
    tmp_path: Path, database_url: str | None
) -> None:
    record_example(tmp_path)
    with Listener("slow", delay=30) as listener:
        sender = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "charges",
                "send",
                "--to",
                f"127.0.0.1:{listener.port}",
                "--timeout",
                "20",  # the listener answers after 30 s: killed long before
                "--data-dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not listener.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.received, "the sender never delivered"
        os.kill(sender.pid, signal.SIGKILL)  # mid-delivery: the ACK never reached it
        sender.wait()
        listener.mode = "accept"
        with RecordStore.open(tmp_path, url=database_url) as store:
            assert states(store) == {"W-000001-CG": "pending"}  # kept across the crash
            held = Outbox(store.connection).send_due(  # the dead sender's claim still holds
                lambda w, k: build_message(store, w, k), _deliver_to(listener.port)
            )
            assert (held.acknowledged, held.pending, len(listener.received)) == (0, 1, 1)
            after = datetime.now(UTC) + DEFAULT_LEASE  # the dead sender's claim has lapsed
            Outbox(store.connection, clock=lambda: after).send_due(
                lambda w, k: build_message(store, w, k), _deliver_to(listener.port)
            )
            assert states(store) == {"W-000001-CG": "acknowledged"}
    assert [control_id_of(m) for m in listener.received] == ["W-000001-CG"] * 2
    assert len(set(listener.received)) == 1  # the same message twice, never two different
