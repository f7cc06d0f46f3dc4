"""A correction in progress travels with the form's draft: a form set aside when another
account opens the locked window, or saved before a crash, comes back still correcting
its worksheet (else printing it would record a second worksheet, not a replacement)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.session import DoseSession
    from ui.banner import Banner
    from ui.session_binding import SessionBinding


class CorrectingWindow(Protocol):
    """What the banner needs of the window."""

    session: DoseSession | None
    binding: SessionBinding | None
    confirm_banner: Banner


#: The draft's key for the record a correction replaces (its number, e.g. "41").
CORRECTING = "correcting_record"


def with_correction(fields: dict[str, str], session: DoseSession | None) -> dict[str, str]:
    if session is None or session.replaces is None:
        return fields
    return fields | {CORRECTING: str(session.replaces)}


def take_correction(fields: dict[str, str]) -> tuple[dict[str, str], int | None]:
    """The form's own fields, and the record a correction replaces (None: not one)."""
    rest = dict(fields)
    raw = rest.pop(CORRECTING, "").strip()
    return rest, int(raw) if raw.isdigit() and len(raw) <= 12 else None


def correcting_text(record_id: int) -> str:
    from core.records import format_worksheet_id

    return (
        f"Correcting worksheet {format_worksheet_id(record_id)}: the worksheet you print "
        "next replaces it. Verify the dose again before printing."
    )


def show_correcting(window: CorrectingWindow, record_id: int) -> None:
    """The banner over the form, with Stop correcting (the next worksheet is new)."""

    def stop() -> None:
        if window.session is not None and window.binding is not None:
            window.session.stop_correction()
            window.binding.redraw()

    stop_button = ("Stop correcting", "stopCorrectionButton", stop)
    window.confirm_banner.ask(correcting_text(record_id), [stop_button], safe=lambda: None)
