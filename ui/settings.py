"""Preferences kept between sessions (size, last code, payer and printer, facility,
paper), in an INI file.

IniFormat everywhere, so tests can point ``QSettings.setPath`` at a temporary
directory and each test starts with no remembered state.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from core import constants

ORGANIZATION = "unitcalc"
APPLICATION = "unitcalc"
GEOMETRY = "window/geometry"
LAST_CODE = "form/code"
LAST_PAYER = "form/payer"
#: The payer chosen in Settings: every new dose starts with it.
SITE_PAYER = "site/default_payer"
FACILITY = "worksheet/facility"  # printed in the worksheet's header
LAST_PRINTER = "print/printer"
PAPER = "worksheet/paper"
SET_UP = "setup/done"  # the first-run questions were answered
#: Facility policy: a vial expiring on the day of administration blocks printing too.
EXPIRING_TODAY_BLOCKS = "worksheet/expiring_today_blocks"
#: The character a barcode scanner sends instead of GS (ASCII 29), if it cannot send GS.
SCAN_SEPARATOR = "scan/separator"
#: The shared database (postgresql://...); UNITCALC_DATABASE wins when set.
DATABASE_URL = "site/database"
#: The charge messages' receiver, HOST:PORT (MLLP); UNITCALC_CHARGES wins when set.
CHARGES = "site/charges"
#: Minutes without a key press or click before a window with accounts locks.
IDLE_MINUTES = "site/idle_minutes"
DEFAULT_CODE = constants.DEFAULT_CODE
DEFAULT_PAYER = constants.DEFAULT_PAYER


def open_settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def text_value(settings: QSettings, key: str, default: str) -> str:
    value = settings.value(key, default)
    return value if isinstance(value, str) and value else default


def paper(settings: QSettings) -> constants.Paper:
    value = settings.value(PAPER, constants.DEFAULT_PAPER)
    return "a4" if value == "a4" else "letter"


def flag(settings: QSettings, key: str) -> bool:
    """A yes/no setting; INI files hold it as text (``true``)."""
    value = settings.value(key, False)
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1"))
