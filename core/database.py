"""Where the shared data lives: SQLite files in the data directory (the default, one
workstation) or one PostgreSQL server that several workstations point at.

``--database postgresql://...`` on the command line or the ``UNITCALC_DATABASE``
environment variable choose the server, read once at start-up into the ``core.site.Site``
that opens every store with its URL; without either, each store keeps its SQLite file in
the data directory exactly as before.

The stores are written once against ``core.storage`` (one interface, a SQLite and a
PostgreSQL backend); this module only reads and describes the setting.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

ENV_VAR = "UNITCALC_DATABASE"

log = logging.getLogger(__name__)


class DatabaseUrlError(ValueError):
    """The database setting is not a PostgreSQL URL."""


def database_url(
    explicit: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """The PostgreSQL URL chosen (option, then ``environ``: the settings read at start-up;
    none given: the option only), or None for SQLite files.

    An empty setting counts as unset; anything but ``postgresql://`` or ``postgres://``
    is refused rather than guessed at.
    """
    env = environ or {}
    url = (explicit or env.get(ENV_VAR) or "").strip()
    if not url:
        return None
    if not url.startswith(("postgresql://", "postgres://")):
        raise DatabaseUrlError(
            "the database must be a URL such as postgresql://host/unitcalc (or unset for "
            "the SQLite files in the data directory)"
        )
    if _holds_password(url):
        raise DatabaseUrlError(
            "the URL holds a password, which other users can read (ps, shell history); "
            "remove it and put it in ~/.pgpass (or the file PGPASSFILE names) or in a "
            "service file (PGSERVICEFILE, then postgresql:///?service=NAME)"
        )
    return url


def _holds_password(url: str) -> bool:
    from urllib.parse import parse_qs, urlsplit

    try:
        in_authority = urlsplit(url).password is not None
    except ValueError:  # an unbalanced [ in the host: look at the text itself
        in_authority = re.search(r"//[^/@]*:[^/@]*@", url) is not None
    query = parse_qs(url.partition("?")[2])
    return in_authority or any(key.strip().lower() == "password" for key in query)


def describe(url: str) -> str:
    """The URL without its password, fit for messages and logs."""
    hidden = re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", url)
    return re.sub(r"(password=)[^&]*", r"\1***", hidden, flags=re.IGNORECASE)


#: The SQLite file of the accounts and the verification queue (one workstation).
SITE_DB_FILENAME = "site.sqlite3"
