"""Work for ``core.record_jobs``' own process, importable there (a test module is not)."""

from __future__ import annotations

import os
from pathlib import Path

from core.records.verify import Progress


def niceness(_data_dir: Path, _progress: Progress) -> int:
    """The process's POSIX niceness, as the work sees it."""
    return os.nice(0)
