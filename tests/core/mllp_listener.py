"""A real MLLP listener for the tests: hl7apy's ``MLLPServer`` on the loopback, in a
thread, answering each DFT^P03 as its ``mode`` says and keeping what it received."""

from __future__ import annotations

import threading
import time
from typing import Any

from hl7apy.base_datatypes import ST
from hl7apy.core import Message
from hl7apy.mllp import AbstractHandler, MLLPRequestHandler, MLLPServer

from core.charges.mllp import END, START

MODES = ("accept", "reject", "garble", "other-id", "slow", "close", "cut")


def control_id_of(message: str) -> str:
    return message.split("\r", 1)[0].split("|")[9]


def ack(control_id: str, code: str, text: str = "") -> str:
    reply = Message("ACK", version="2.5.1")
    reply.msh.msh_3 = "BILLING"
    reply.msh.msh_9 = "ACK^P03^ACK"
    reply.msh.msh_10 = f"A{control_id}"[:20]
    reply.msh.msh_11 = "P"
    reply.msa.msa_1 = code
    reply.msa.msa_2 = control_id
    if text:  # as a text value, so hl7apy escapes it (``&`` as ``\\T\\``)
        reply.msa.msa_3.value = ST(text)
    return reply.to_er7()


class _Charge(AbstractHandler):  # type: ignore[misc]
    def __init__(self, message: str, listener: Listener) -> None:
        super().__init__(message)
        self.listener = listener

    def reply(self) -> str:
        listener = self.listener
        message = self.incoming_message
        control_id = control_id_of(message)
        with listener.lock:
            listener.received.append(message)
        if listener.mode == "close":
            raise ConnectionAbortedError("the listener hangs up without an ACK")
        if listener.mode == "slow":
            time.sleep(listener.delay)
        if listener.mode == "garble":
            return (START + b"\x00not an ack" + END).decode("latin-1")
        if listener.mode == "reject":
            text = ack(control_id, "AE", listener.reason)
        elif listener.mode == "other-id":
            text = ack("W-999999-CG", "AA")
        else:
            text = ack(control_id, "AA")
        return (START + text.encode("utf-8") + END).decode("utf-8")


class _Cut(MLLPRequestHandler):  # type: ignore[misc]
    """Reads the start of a message and hangs up in the middle of it."""

    def handle(self) -> None:
        self.request.recv(16)
        self.request.close()


class Listener:
    def __init__(
        self,
        mode: str = "accept",
        *,
        port: int = 0,
        delay: float = 1.0,
        reason: str = "Unknown MRN 00123456",
    ) -> None:
        assert mode in MODES
        self.mode = mode
        #: MSA-3 of a rejection, escaped by hl7apy as a receiver would.
        self.reason = reason
        self.delay = delay
        self.received: list[str] = []
        self.lock = threading.Lock()
        self._port = port
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1]) if self._server else self._port

    def start(self) -> Listener:
        handler = _Cut if self.mode == "cut" else MLLPRequestHandler
        server = MLLPServer(
            "127.0.0.1",
            self._port,
            {"DFT^P03^DFT_P03": (_Charge, self)},
            timeout=5,
            request_handler_class=handler,
        )
        server.daemon_threads = True
        server.handle_error = lambda *_: None  # a client that went away is not news here
        self._server = server
        self._port = self.port
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Listener:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
