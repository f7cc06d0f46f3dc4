"""A site for a test's data directory, made the way start-up makes one: from the
environment the fixtures set (``UNITCALC_DATABASE`` on the PostgreSQL runs)."""

from __future__ import annotations

import os
from pathlib import Path

from core.site import Site


def site_at(data_dir: Path | str) -> Site:
    return Site.from_environment(os.environ, data_dir=data_dir)
