"""Atomic, durable file writes, and the one function that writes a command's output file.

``write_atomic`` is the one way unitcalc writes a file that must never be seen
half written: worksheet PDFs, the form draft, exports. Readers see either the
old file or the complete new one, even if the process is killed or the machine
loses power mid-write. It never replaces what the path only points at: a
symlink is written through to its target (atomically there), and a FIFO or
device is written directly, as ``cat > path`` would.

``write_output`` adds ``-``, standard output, for ``-o -``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

__all__ = ["STDOUT", "fsync_dir", "write_atomic", "write_output"]

#: The output path that means standard output.
STDOUT = "-"


def write_output(path: str | os.PathLike[str], data: bytes, stdout: BinaryIO | None = None) -> None:
    """Write ``data`` to ``path``, or to standard output when ``path`` is ``-``.

    Anything else goes through ``write_atomic`` (symlinks followed, FIFOs and devices
    written directly, a directory refused with ``IsADirectoryError``).
    """
    if os.fspath(path) == STDOUT:
        stream = stdout if stdout is not None else sys.stdout.buffer
        stream.write(data)
        stream.flush()
        return
    write_atomic(Path(path), data)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` atomically with permissions ``mode``.

    The bytes go to a temporary file in the same directory (so ``os.replace``
    is a rename within one filesystem, which is atomic), are fsynced, then the
    temporary file replaces ``path``; finally the directory is fsynced so the
    rename itself survives a power cut. On any error the temporary file is
    removed and ``path`` is left untouched.

    ``mkstemp`` creates the file 0600, so the content is never readable by
    others, not even briefly; ``mode`` is applied before the rename.

    A symlink is resolved first and its target written (renaming over the
    link would cut it, as ``-o /dev/stdout`` once did). A FIFO, character or
    block device or socket cannot be replaced by a file without breaking
    whoever reads it, so it is opened and written directly. A directory raises
    ``IsADirectoryError``.
    """
    path = Path(os.path.realpath(path))
    try:
        kind = os.stat(path).st_mode
    except FileNotFoundError:
        kind = None
    if kind is not None and stat.S_ISDIR(kind):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if kind is not None and not stat.S_ISREG(kind):
        _write_directly(path, data)
        return
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


def _write_directly(path: Path, data: bytes) -> None:
    """Write to an existing special file (FIFO, device) without creating or replacing it."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)


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
