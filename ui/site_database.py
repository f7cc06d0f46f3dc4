"""Which database the window's shared stores use: the ``UNITCALC_DATABASE`` variable
when set (it wins, as on the command line), else the Settings dialog's database URL,
else the SQLite files in the data directory (``None``)."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from core.database import ENV_VAR, database_url
from ui import settings as prefs


def site_database_url(settings: QSettings) -> str | None:
    """The PostgreSQL URL chosen, or ``None``; ``DatabaseUrlError`` when not a URL."""
    chosen = os.environ.get(ENV_VAR, "").strip()
    return database_url(chosen or prefs.text_value(settings, prefs.DATABASE_URL, ""))
