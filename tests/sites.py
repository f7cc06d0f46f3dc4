"""A site for a test's data directory, made the way start-up makes one: from the
environment the fixtures set (``UNITCALC_DATABASE`` on the PostgreSQL runs)."""

from __future__ import annotations

import os
from pathlib import Path

from core.authorizations import AuthorizationState, state_for
from core.site import Site


def site_at(data_dir: Path | str) -> Site:
    return Site.from_environment(os.environ, data_dir=data_dir)


def authorization_state(site: Site, number: str, **options: str | None) -> AuthorizationState:
    """What the site records of the authorization ``number`` (``state_for`` on its store)."""
    with site.open_authorizations() as store:
        return state_for(store, number, **options)
