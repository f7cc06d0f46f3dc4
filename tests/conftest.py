"""Fixtures shared by the tests: a data directory of its own, cheap PIN hashing, and the
two database backends.

``database_url`` runs a test once on SQLite (None: the files in the data directory) and
once on PostgreSQL, in a schema of its own on the server named by
``UNITCALC_TEST_DATABASE`` (``.ci/run`` starts a throwaway cluster and sets it); without
that variable the PostgreSQL run is skipped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from core.accounts.store import default_hasher

TEST_DATABASE_ENV = "UNITCALC_TEST_DATABASE"
#: A RAM disk, where the machine has one: the tests' files go there unless --basetemp says
#: otherwise. The stores fsync every commit; on a disk shared by several developers each
#: fsync waits for the others' writes (the records tests took twice as long on disk). What
#: the tests assert does not depend on the disk: an fsync's durability shows only on
#: power loss, which no test makes.
RAM_DISK = Path("/dev/shm")
_RAM_BASETEMP = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    if config.option.basetemp is None and RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK):
        _remove_left_by_killed_runs()
        prefix = f"unitcalc-tests-{os.getpid()}-"
        config.option.basetemp = tempfile.mkdtemp(prefix=prefix, dir=RAM_DISK)
        config.stash[_RAM_BASETEMP] = config.option.basetemp


def _remove_left_by_killed_runs() -> None:
    """A run that was killed left its files in memory: remove those whose process is gone
    (another developer's run still going keeps its own)."""
    for left in RAM_DISK.glob("unitcalc-tests-*-*"):
        pid = left.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(left, ignore_errors=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    made = config.stash.get(_RAM_BASETEMP, None)
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)


@pytest.fixture(autouse=True)
def private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets a data directory of its own, so a command run without
    ``--data-dir`` never reads (or writes) the records or CMS files of the machine's user."""
    monkeypatch.setenv("UNITCALC_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("UNITCALC_DATABASE", raising=False)


#: Argon2id still, with the least work it allows: a PIN hashed in tests costs microseconds,
#: not 64 MiB and a tenth of a second. The store checks any hash by its own parameters.
CHEAP_HASHING = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
PRODUCTION_HASHER = default_hasher


@pytest.fixture(autouse=True, scope="session")
def cheap_pin_hashing() -> Iterator[None]:
    """Every account store in the tests (a command run in-process, the window, core, a
    session-wide fixture) hashes PINs cheaply; a command run as a subprocess hashes with
    the real parameters. ``@pytest.mark.production_hashing`` gives a test the real ones."""
    from argon2 import PasswordHasher

    import core.accounts.store

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            core.accounts.store, "default_hasher", lambda: PasswordHasher(**CHEAP_HASHING)
        )
        yield


@pytest.fixture(autouse=True)
def production_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("production_hashing"):
        import core.accounts.store

        monkeypatch.setattr(core.accounts.store, "default_hasher", PRODUCTION_HASHER)


def server_url() -> str | None:
    return os.environ.get(TEST_DATABASE_ENV) or None


def fresh_schema_url(base: str) -> tuple[str, str]:
    """A new empty schema on the test server and a URL whose connections use it."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options={quote(f'-csearch_path={schema}')}", schema


def drop_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def server_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh schema on the test server, dropped after; skips the test without a server.
    Its URL is also put in ``UNITCALC_DATABASE`` for the start-up read: a command run
    by the test (``tests.cli_run``), a window, or ``tests.sites.site_at`` make their
    ``core.site.Site`` from it. Stores a test opens itself are given the URL."""
    base = server_url()
    if base is None:
        pytest.skip(f"no PostgreSQL server: set {TEST_DATABASE_ENV} (.ci/run does)")
    url, schema = fresh_schema_url(base)
    monkeypatch.setenv("UNITCALC_DATABASE", url)
    try:
        yield url
    finally:
        drop_schema(base, schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str | None]:
    """The test once on SQLite (None: the files in the data directory), once on
    PostgreSQL."""
    monkeypatch.delenv("UNITCALC_DATABASE", raising=False)
    if request.param == "sqlite":
        yield None
        return
    with server_schema(monkeypatch) as url:
        yield url


@pytest.fixture
def postgresql_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Only the PostgreSQL backend (a fresh schema), skipped without a server."""
    monkeypatch.delenv("UNITCALC_DATABASE", raising=False)
    with server_schema(monkeypatch) as url:
        yield url
