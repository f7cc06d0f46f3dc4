"""Delivering a DFT over MLLP to a real listener (hl7apy's MLLPServer on the loopback),
and what each kind of answer leaves the message as."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.charges.facts import charge_facts
from core.charges.hl7 import dft_p03
from core.charges.mllp import deliver, read_ack
from tests.core.charges_cases import record_example
from tests.core.mllp_listener import Listener, ack


@pytest.fixture(scope="module")
def message(tmp_path_factory: pytest.TempPathFactory) -> str:
    return dft_p03(charge_facts(record_example(tmp_path_factory.mktemp("records"))))


CONTROL_ID = "W-000001-CG"


def test_an_accepting_listener_acknowledges(message: str) -> None:
    with Listener("accept") as listener:
        done = deliver("127.0.0.1", listener.port, message, CONTROL_ID, timeout=5)
    assert (done.outcome, done.ack_code) == ("acknowledged", "AA")
    assert listener.received == [message]  # the bytes sent are the bytes received


def test_a_rejecting_listener_gives_its_reason(message: str) -> None:
    with Listener("reject") as listener:
        done = deliver("127.0.0.1", listener.port, message, CONTROL_ID, timeout=5)
    assert (done.outcome, done.ack_code) == ("rejected", "AE")
    assert done.reason == "Unknown MRN 00123456"


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("garble", "not an HL7 ACK"),
        ("other-id", "ACK was for control ID W-999999-CG"),
        ("slow", "no ACK from"),
        ("close", "without an ACK"),
        ("cut", "closed the connection"),
    ],
)
def test_bad_answers_leave_the_message_pending(message: str, mode: str, reason: str) -> None:
    with Listener(mode, delay=1.0) as listener:
        done = deliver("127.0.0.1", listener.port, message, CONTROL_ID, timeout=0.4)
    assert done.outcome == "pending"
    assert reason in done.reason


def test_nobody_listening_is_pending(message: str) -> None:
    listener = Listener("accept").start()
    port = listener.port
    listener.stop()
    done = deliver("127.0.0.1", port, message, CONTROL_ID, timeout=2)
    assert done.outcome == "pending"
    assert "refused" in done.reason


@given(st.binary(max_size=300))
def test_any_reply_is_understood_or_pending_never_an_error(reply: bytes) -> None:
    done = read_ack(reply, CONTROL_ID)
    assert done.outcome in {"pending", "rejected", "acknowledged"}
    if done.outcome == "acknowledged":
        assert CONTROL_ID.encode() in reply


def test_only_aa_and_ca_for_this_id_acknowledge() -> None:
    assert read_ack(ack(CONTROL_ID, "CA").encode(), CONTROL_ID).outcome == "acknowledged"
    assert read_ack(ack(CONTROL_ID, "AR").encode(), CONTROL_ID).outcome == "rejected"
    assert read_ack(ack(CONTROL_ID, "XX").encode(), CONTROL_ID).outcome == "pending"
    assert read_ack(ack("W-000001-CD", "AA").encode(), CONTROL_ID).outcome == "pending"


def test_a_rejection_reason_is_unescaped_as_the_receiver_meant_it() -> None:
    header = "MSH|^~\\&|BILLING||unitcalc||20250301150300||ACK^P03^ACK|A1|P|2.5.1\r"
    said = read_ack(
        (
            header + f"MSA|AE|{CONTROL_ID}|MRN \\T\\ DOB \\F\\ \\H\\x\\N\\ \\X1B\\[2K\\.br\\ok"
        ).encode(),
        CONTROL_ID,
    )
    assert said.reason == "MRN & DOB | x \x1b[2K\nok"
    in_err = read_ack(
        (header + f"MSA|AR|{CONTROL_ID}\rERR||||E||||Name \\S\\ given \\E\\ \\Zq\\").encode(),
        CONTROL_ID,
    )
    assert in_err.reason == "Name ^ given \\ \\Zq\\"  # an unknown sequence kept as sent
