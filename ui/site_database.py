"""Which database the window's site uses: the ``UNITCALC_DATABASE`` variable when the
operator set it (it wins, as on the command line), else the Settings dialog's database
URL, else the SQLite files in the data directory.

The window makes its ``core.site.Site`` here once (``window_site``); the Settings dialog
points that site at another database (``apply_database_setting``). Nothing is written to
the environment: every store is opened through the site.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from core.database import ENV_VAR
from ui import settings as prefs

if TYPE_CHECKING:
    from core.site import Site


def saved_database_url(settings: QSettings) -> str | None:
    """The Settings dialog's URL; one that is not a URL (edited by hand) counts as unset:
    the dialog never saves one."""
    from core.database import DatabaseUrlError, database_url

    try:
        return database_url(prefs.text_value(settings, prefs.DATABASE_URL, ""), environ={})
    except DatabaseUrlError:
        return None


def window_site(
    data_dir: str | os.PathLike[str] | None,
    settings: QSettings,
    environ: Mapping[str, str],
) -> Site:
    """The window's site, made once at start-up from ``environ`` (the process's
    environment, read here) and the saved settings."""
    from core.site import Site

    operator = environ.get(ENV_VAR, "").strip()
    return Site.from_environment(
        environ, data_dir=data_dir, database=operator or saved_database_url(settings)
    )


def apply_database_setting(site: Site, settings: QSettings) -> str | None:
    """Point ``site`` at the saved database unless the operator's variable chose one;
    the URL now in use, or ``None`` for SQLite. Stores opened from now on use it."""
    operator = site.settings.get(ENV_VAR, "").strip()
    if operator:
        return operator
    url = saved_database_url(settings)
    site.use_database(url)
    return url
