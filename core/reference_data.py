"""Opening the reference data imported into a data directory (``core.cms``).

Apart from ``core.reference`` (the protocols) because the store implementing them
imports those protocols.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.reference import NO_REFERENCE_DATA, ReferenceData


def open_reference(data_dir: Path) -> ReferenceData:
    """The imported CMS files and fee schedules of a data directory (read-only), or
    ``NO_REFERENCE_DATA`` when none were imported. The caller closes it."""
    from core.cms import REFERENCE_DB_FILENAME
    from core.database import ENV_VAR

    on_server = bool(os.environ.get(ENV_VAR, "").strip())
    if not on_server and not (Path(data_dir) / REFERENCE_DB_FILENAME).is_file():
        return NO_REFERENCE_DATA  # without importing sqlite3 (start-up time)
    from core.cms.store import ReferenceStore

    return ReferenceStore.open_existing(data_dir) or NO_REFERENCE_DATA
