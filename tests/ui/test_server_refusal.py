"""Issue 23: the window, like every command, refuses a database role that could change
records (the server's superuser, the tables' owner), and a server whose tables are not
set up, before it opens; it says so in one line and what to do. The SQLite files are not
checked."""

from __future__ import annotations

from pathlib import Path

import pytest

import ui.app
from tests.conftest import admin_url


def start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str | None
) -> tuple[int, list[str]]:
    said: list[str] = []
    monkeypatch.setattr(ui.app, "refuse_server", said.append)
    monkeypatch.setattr(ui.app, "build_main_window", _no_window)
    if url is None:
        monkeypatch.delenv("UNITCALC_DATABASE", raising=False)
    else:
        monkeypatch.setenv("UNITCALC_DATABASE", url)
    return ui.app.run([], data_dir=str(tmp_path / "data")), said


class _WindowBuilt(Exception):
    pass


def _no_window(*args: object, **kwargs: object) -> object:
    raise _WindowBuilt  # start-up went on to the window


def test_the_window_refuses_the_superuser_before_it_opens(
    qtbot, tmp_path: Path, postgresql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    status, said = start(monkeypatch, tmp_path, admin_url(postgresql_url))
    assert status == 1
    assert len(said) == 1 and "is a superuser" in said[0] and "db-roles" in said[0]
    assert "\n" not in said[0]


def test_the_window_opens_as_the_application_role_and_on_sqlite(
    qtbot, tmp_path: Path, postgresql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    for url in (postgresql_url, None):
        with pytest.raises(_WindowBuilt):
            start(monkeypatch, tmp_path, url)
