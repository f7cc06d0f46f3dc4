"""Atomic, durable file writes.

``write_atomic`` is the one way unitcalc writes a file that must never be seen
half written: worksheet PDFs, the form draft, exports. Readers see either the
old file or the complete new one, even if the process is killed or the machine
loses power mid-write.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["fsync_dir", "write_atomic"]


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` atomically with permissions ``mode``.

    The bytes go to a temporary file in the same directory (so ``os.replace``
    is a rename within one filesystem, which is atomic), are fsynced, then the
    temporary file replaces ``path``; finally the directory is fsynced so the
    rename itself survives a power cut. On any error the temporary file is
    removed and ``path`` is left untouched.

    ``mkstemp`` creates the file 0600, so the content is never readable by
    others, not even briefly; ``mode`` is applied before the rename.
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        if os.name == "posix":
            os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename or file creation in ``directory`` durable (POSIX only).

    Windows cannot open a directory for fsync, and NTFS journals renames, so
    this is a no-op there.
    """
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
