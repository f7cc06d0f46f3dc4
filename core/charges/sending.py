"""Where charges go and the one function that sends what is due: used by `charges send`
and the window's background sender alike.

The receiver is ``HOST:PORT``: the site setting (the window's Settings, or ``--to`` on
the command line), with ``UNITCALC_CHARGES`` winning when the operator sets it, as
``UNITCALC_DATABASE`` does for the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from core.charges.outbox import DEFAULT_LEASE
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.charges.facts import Kind
    from core.charges.outbox import Outbox, SendReport
    from core.records import RecordStore

ENV_VAR = "UNITCALC_CHARGES"
# A host name or IPv4 address, or an IPv6 address in brackets; then the port.
_HOST_PORT = re.compile(
    r"(?:\[([0-9A-Fa-f:.]{2,45})\]|([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?))"
    r":([0-9]{1,5})"
)


@dataclass(frozen=True)
class Destination:
    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_destination(text: str, field: str = "charges receiver") -> Destination:
    """``billing.example.org:2575``, ``127.0.0.1:2575`` or ``[::1]:2575``."""
    match = _HOST_PORT.fullmatch(text.strip())
    if match is None or not 0 < int(match.group(3)) < 65536:
        shown = printable(text.strip()[:60])
        raise InputError(field, f"'{shown}' is not HOST:PORT, such as billing.example.org:2575")
    return Destination(match.group(1) or match.group(2), int(match.group(3)))


def charges_destination(
    settings: Mapping[str, str], site_setting: str | None = None, option: str | None = None
) -> Destination | None:
    """The receiver: a command's ``--to`` option, else ``UNITCALC_CHARGES`` from
    ``settings`` (the variables read at start-up), else the site setting; None when none
    is given (charges then wait in the outbox)."""
    if option is not None:
        return parse_destination(option)
    chosen = settings.get(ENV_VAR, "").strip()
    if chosen:
        return parse_destination(chosen, ENV_VAR)
    if site_setting and site_setting.strip():
        return parse_destination(site_setting)
    return None


def open_outbox(store: RecordStore, *, lease: timedelta = DEFAULT_LEASE) -> Outbox:
    """The outbox of the records database ``store`` holds open: its connection, a busy
    database waited for (``Connection.retry``), errors as ``StoreUnavailableError``."""
    from core.charges.outbox import Outbox
    from core.records import StoreUnavailableError
    from core.storage import StorageError

    conn = store.connection

    def guard(work: Callable[[], Any]) -> Any:
        try:
            return conn.retry(work)
        except StorageError as error:
            raise StoreUnavailableError(str(error)) from None

    return Outbox(conn, guard=guard, lease=lease)


def send_due(store: RecordStore, destination: Destination, *, timeout: float = 10.0) -> SendReport:
    """Deliver the pending charges whose time has come to ``destination``."""
    from core.charges import mllp

    # A claim outlasts the longest delivery this run may wait for.
    outbox = open_outbox(store, lease=max(DEFAULT_LEASE, timedelta(seconds=timeout + 30)))

    def deliver(message: str, control_id: str) -> Any:
        return mllp.deliver(
            destination.host, destination.port, message, control_id, timeout=timeout
        )

    return outbox.send_due(lambda worksheet, kind: build_message(store, worksheet, kind), deliver)


def build_message(store: RecordStore, worksheet: int, kind: Kind) -> str:
    """The DFT of a worksheet's charge or credit, from its record. A credit is the old
    record's lines (their administration stays FT1-4), stamped with the time the
    correction replacing it was recorded (MSH-7, EVN-2): that is when the credit arose."""
    from dataclasses import replace

    from core.charges.facts import charge_facts
    from core.charges.hl7 import dft_p03

    record = store.get(worksheet)
    facts = charge_facts(record)
    if kind == "CD" and record.replaced_by is not None:
        facts = replace(facts, recorded_at=store.get(record.replaced_by).created_at)
    return dft_p03(facts, kind)
