"""Which database the window's shared stores use: the ``UNITCALC_DATABASE`` variable
when the operator set it (it wins, as on the command line), else the Settings dialog's
database URL, else the SQLite files in the data directory.

Every store (records, accounts, the queue, CMS data, authorizations) already follows
``UNITCALC_DATABASE`` when it opens, so the setting is applied by putting it there for
this process (``apply_database_setting``): one place, and no store can miss it.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from core.database import ENV_VAR, DatabaseUrlError, database_url
from ui import settings as prefs

#: The URL this module put into the environment (not the operator's own variable).
_applied: list[str] = []


def apply_database_setting(settings: QSettings) -> str | None:
    """Make the setting the process's database unless the operator's variable is set;
    the URL in use, or ``None`` for SQLite. A setting that is not a URL (edited by
    hand) counts as unset: the dialog never saves one."""
    current = os.environ.get(ENV_VAR, "").strip()
    if current and current not in _applied:
        return current  # the operator's variable wins
    try:
        url = database_url(prefs.text_value(settings, prefs.DATABASE_URL, ""), environ={})
    except DatabaseUrlError:
        url = None
    _applied.clear()
    if url is None:
        os.environ.pop(ENV_VAR, None)  # only ever the URL this module put there
        return None
    os.environ[ENV_VAR] = url
    _applied.append(url)
    return url


def site_database_url(settings: QSettings) -> str | None:
    """The PostgreSQL URL the window's stores use now, or ``None`` for SQLite."""
    return apply_database_setting(settings)
