"""Data directory resolution: --data-dir > UNITCALC_DATA_DIR > platformdirs; created 0700."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs
import pytest

from core.data_dir import ENV_VAR, resolve_data_dir

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture(autouse=True)
def fake_user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real user data directory."""
    user = tmp_path / "platform" / "unitcalc"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(user))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return user


def test_explicit_wins_over_environment(tmp_path: Path) -> None:
    chosen = resolve_data_dir(tmp_path / "cli", environ={ENV_VAR: str(tmp_path / "env")})
    assert chosen == tmp_path / "cli"
    assert chosen.is_dir()
    assert not (tmp_path / "env").exists()


def test_environment_wins_over_platform_default(tmp_path: Path, fake_user_dir: Path) -> None:
    assert resolve_data_dir(None, environ={ENV_VAR: str(tmp_path / "env")}) == tmp_path / "env"
    assert not fake_user_dir.exists()


def test_the_environment_is_read_only_where_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up passes the process's environment (``core.site``); nothing deeper reads it."""
    import os

    from core.data_dir import locate_data_dir

    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert resolve_data_dir(None, environ=os.environ) == tmp_path / "from-env"
    assert locate_data_dir(None) != tmp_path / "from-env"


def test_platform_default_when_nothing_given(fake_user_dir: Path) -> None:
    assert resolve_data_dir(None, environ={}) == fake_user_dir
    assert fake_user_dir.is_dir()


def test_empty_values_count_as_unset(fake_user_dir: Path) -> None:
    assert resolve_data_dir("", environ={ENV_VAR: ""}) == fake_user_dir


def test_relative_and_home_paths_are_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_data_dir("rel", environ={}) == tmp_path / "rel"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_dir("~/ud", environ={}) == tmp_path / "home" / "ud"


@posix_only
def test_created_private_despite_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = resolve_data_dir(tmp_path / "a" / "b", environ={})
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o700


@posix_only
def test_existing_directory_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    assert resolve_data_dir(shared, environ={}) == shared
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755


def test_data_dir_problem_names_the_directory_and_the_reason(tmp_path: Path) -> None:
    from core.data_dir import data_dir_problem

    assert data_dir_problem(tmp_path / "fine", environ={}) == (tmp_path / "fine", None)
    assert [p.name for p in (tmp_path / "fine").iterdir()] == []  # the probe is gone
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert data_dir_problem(None, environ={"UNITCALC_DATA_DIR": str(blocker / "d")}) == (
        blocker / "d",
        "Not a directory",
    )
