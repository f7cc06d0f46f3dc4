"""Delivering one HL7 message over MLLP and reading what the receiver's ACK means.

One connection per message (as hl7apy's MLLP server serves them): connect, send the
framed message (``0x0B`` message ``0x1C 0x0D``), wait for the framed ACK, close. The ACK
is parsed with hl7apy; its MSA decides:

- ``AA``/``CA`` for this message's control ID: acknowledged.
- ``AE``/``AR`` (``CE``/``CR``): rejected, with the receiver's reason (MSA-3, else ERR-8),
  its HL7 escapes turned back into text.
- Anything else leaves the message pending, to be sent again with the same control ID
  (a receiver drops a control ID it already has): the receiver refused or could not be
  reached, no ACK came within the time allowed, the connection closed before the ACK
  was whole, the ACK was not HL7, or it acknowledged another control ID.

Every outcome is a ``Delivery`` with a plain reason; no network or parsing error leaves
this module as an exception.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

START, END = b"\x0b", b"\x1c\r"
#: An ACK is a few hundred bytes; a reply larger than this is not one.
MAX_ACK_BYTES = 64 * 1024
#: Longest reason kept from a receiver's ACK.
MAX_REASON_CHARS = 200
DEFAULT_TIMEOUT_S = 10.0

Outcome = Literal["acknowledged", "rejected", "pending"]
ACCEPTED = frozenset({"AA", "CA"})
REFUSED = frozenset({"AE", "AR", "CE", "CR"})


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    reason: str
    #: MSA-1 of the ACK (AA, AE, ...), or "" when none was understood.
    ack_code: str = ""


def frame(message: str) -> bytes:
    return START + message.encode("utf-8") + END


def deliver(
    host: str, port: int, message: str, control_id: str, *, timeout: float = DEFAULT_TIMEOUT_S
) -> Delivery:
    """Send ``message`` to ``host:port`` and wait up to ``timeout`` seconds in all for its
    ACK; what became of it (see the module docstring)."""
    where = f"{host}:{port}"
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.sendall(frame(message))
            reply = _read_ack(connection, deadline)
    except ConnectionRefusedError:
        return Delivery("pending", f"the receiver at {where} refused the connection")
    except TimeoutError:
        return Delivery("pending", f"no ACK from {where} within {timeout:g} s")
    except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
        return Delivery("pending", f"the receiver at {where} closed the connection early")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return Delivery("pending", f"cannot reach the receiver at {where} ({reason})")
    if reply is None:
        return Delivery("pending", f"the receiver at {where} closed the connection without an ACK")
    return read_ack(reply, control_id)


def _read_ack(connection: socket.socket, deadline: float) -> bytes | None:
    """The framed reply's content, or None when the connection closed before its end."""
    received = b""
    while END not in received:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        connection.settimeout(left)
        chunk = connection.recv(4096)
        if not chunk:
            return None
        received += chunk
        if len(received) > MAX_ACK_BYTES:
            return received  # not an ACK: read_ack says so
    body = received.split(END, 1)[0]
    return body[body.index(START) + 1 :] if START in body else body


def read_ack(reply: bytes, control_id: str) -> Delivery:
    """What an ACK's content says about the message with ``control_id``."""
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message

    garbled = Delivery("pending", "the receiver's answer was not an HL7 ACK")
    try:
        text = reply.decode("utf-8")
        ack = parse_message(
            text.strip("\r\n"), find_groups=False, validation_level=VALIDATION_LEVEL.TOLERANT
        )
        msa = ack.msa
        code = str(msa.msa_1.value or "").strip() if msa else ""
        acknowledged = str(msa.msa_2.value or "").strip() if msa else ""
        reason = _reason(ack) if msa else ""
    except UnicodeDecodeError:
        return garbled
    except Exception:  # whatever the parser makes of a hostile reply: not an ACK
        return garbled
    if not code:
        return garbled
    if acknowledged != control_id:
        shown = acknowledged[:40] or "none"
        return Delivery("pending", f"the ACK was for control ID {shown}, not {control_id}", code)
    if code in ACCEPTED:
        return Delivery("acknowledged", "", code)
    if code in REFUSED:
        return Delivery(
            "rejected", reason or f"the receiver answered {code} without a reason", code
        )
    return Delivery("pending", f"the ACK's code {code[:8]} is not an HL7 acknowledgment code")


def _reason(ack: object) -> str:
    """The receiver's words: MSA-3 (text message), else ERR-8 (user message), with its
    HL7 escapes turned back into text (``\\T\\`` is ``&``)."""
    chars = ack.encoding_chars  # type: ignore[attr-defined]
    msa = ack.msa  # type: ignore[attr-defined]
    text = _received_text(msa.msa_3, chars)
    if not text and ack.err:  # type: ignore[attr-defined]
        text = _received_text(ack.err.err_8, chars)  # type: ignore[attr-defined]
    return text[:MAX_REASON_CHARS]


def _received_text(field: Any, chars: Mapping[str, str]) -> str:
    """A text field of a parsed ACK as the receiver meant it. hl7apy (1.3.5, its newest)
    escapes but has no unescaping, and its ``value`` escapes the text again (a ``\\X1B\\``
    comes back as ``\\E\\X1B\\E\\``), so the text is read from the parsed leaves as
    received and unescaped here. Components (an unescaped ``^``) are joined by a space."""
    parts = [unescape(text, chars) for text in _leaves(field)]
    return " ".join(part for part in parts if part).strip()


def _leaves(element: Any) -> list[str]:
    children = list(element.children)
    if not children:
        value = element.value  # a subcomponent's base datatype, its text as received
        return [str(getattr(value, "value", value) or "")]
    return [text for child in children for text in _leaves(child)]


def unescape(text: str, chars: Mapping[str, str]) -> str:
    """HL7 v2.5.1 escape sequences (section 2.7) back to text, for the message's encoding
    characters ``chars`` (hl7apy's ``encoding_chars``): the delimiters (``F S T R E``),
    hexadecimal data (``\\Xhh..\\``, UTF-8 as MSH-18 says), ``.br`` as a line break;
    highlighting (``H``, ``N``) is dropped and any other sequence kept as it is. Control
    characters come back as they are: whoever prints the text escapes them
    (``core.terminal.printable``)."""
    escape = chars["ESCAPE"]
    named = {
        "F": chars["FIELD"],
        "S": chars["COMPONENT"],
        "T": chars["SUBCOMPONENT"],
        "R": chars["REPETITION"],
        "E": escape,
        "H": "",
        "N": "",
        ".br": "\n",
    }

    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        if body in named:
            return named[body]
        if _HEX.fullmatch(body):
            return bytes.fromhex(body[1:]).decode("utf-8", errors="replace")
        return match.group()

    sequence = re.escape(escape)
    return re.sub(f"{sequence}([^{sequence}]{{1,64}}){sequence}", one, text)


_HEX = re.compile(r"X(?:[0-9A-Fa-f]{2})+")
