"""Where unitcalc keeps its records database, drafts and logs.

Precedence: an explicit directory (the ``--data-dir DIR`` option of every
command) > the ``UNITCALC_DATA_DIR`` environment variable >
``platformdirs.user_data_dir("unitcalc")``.

The environment is whatever the caller passes: start-up reads it once, into a
``core.site.Site``; none given means the option, else the default::

    site = Site.from_environment(environment, data_dir=args.data_dir)
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["APP_NAME", "ENV_VAR", "data_dir_problem", "ensure_private_dir", "resolve_data_dir"]

APP_NAME = "unitcalc"
ENV_VAR = "UNITCALC_DATA_DIR"

log = logging.getLogger(__name__)


def resolve_data_dir(
    explicit: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """Return the absolute data directory, creating it (0700) if it is missing.

    An empty ``explicit`` or empty environment variable counts as unset, so a
    stray ``UNITCALC_DATA_DIR=`` does not put the database in the current
    directory. ``~`` is expanded. ``environ``: the settings read at start-up
    (none: the environment is not consulted).
    """
    path = _chosen(explicit, environ or {})
    ensure_private_dir(path)
    return path


def locate_data_dir(
    explicit: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """The data directory ``resolve_data_dir`` would use, without creating it: for
    readers (pricing, the crosswalk) that must not leave directories behind."""
    return _chosen(explicit, environ or {})


def _chosen(explicit: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path:
    if explicit is not None and os.fspath(explicit) != "":
        chosen = Path(explicit)
    elif env.get(ENV_VAR):
        chosen = Path(env[ENV_VAR])
    else:
        import platformdirs  # only when needed: the window checks its directory before painting

        chosen = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return chosen.expanduser().absolute()


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) with the leaf readable by the user only.

    A directory that already exists keeps its mode: ``--data-dir`` may point at
    a directory the user shares on purpose, and silently chmod-ing it would be
    surprising. The files we create inside are 0600 anyway; we only warn.
    """
    if path.is_dir():
        if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
            log.warning("data directory is accessible to other users; records stay 0600")
        return
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        # mkdir's mode is filtered by the umask; make the result exact.
        os.chmod(path, 0o700)


def data_dir_problem(
    explicit: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> tuple[Path, str | None]:
    """The data directory ``resolve_data_dir`` would use, and why it cannot be used
    (or None): it cannot be created, or a file cannot be created in it.

    Only the user's own setting is probed, with a file that is removed at once; nothing
    is written when the directory is usable except the directory itself.
    """
    path = _chosen(explicit, environ or {})
    try:
        ensure_private_dir(path)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".probe-")
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(probe)
    except OSError as error:
        return path, error.strerror or type(error).__name__
    return path, None
