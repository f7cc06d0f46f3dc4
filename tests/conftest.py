"""Fixtures shared by the tests: a data directory of its own, cheap PIN hashing, and the
two database backends.

``database_url`` runs a test once on SQLite (None: the files in the data directory) and
once on PostgreSQL, in a schema of its own on the server named by
``UNITCALC_TEST_DATABASE`` (``.ci/run`` starts a throwaway cluster and sets it); without
that variable the PostgreSQL run is skipped.

On PostgreSQL the program runs as a site runs it (issue 23): ``UNITCALC_TEST_DATABASE``
is an administrator (a superuser); each test's schema is set up by ``main.py db-roles``'
own code (``setup_roles``: an owner role holds and migrates the tables) and the test gets
the application role's URL, which may only read and add records. The two roles are
``UNITCALC_TEST_ROLES`` ("owner:app", made by ``.ci/run``), else a pair made for the
session and dropped at its end. ``admin_url`` gives a test the administrator's URL on
the same schema, for what only a tamperer with server credentials could do.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from core.accounts.store import default_hasher

TEST_DATABASE_ENV = "UNITCALC_TEST_DATABASE"
#: "owner:app": the roles the PostgreSQL tests set each schema up with (.ci/run's).
TEST_ROLES_ENV = "UNITCALC_TEST_ROLES"
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


def with_user(url: str, user: str | None) -> str:
    """``url`` connecting as ``user`` (None: libpq's default user)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}@{host}" if user else host))


def admin_url(url: str) -> str:
    """The administrator's URL (``UNITCALC_TEST_DATABASE``'s user) on ``url``'s schema."""
    base = server_url()
    assert base is not None
    return with_user(url, urlsplit(base).username)


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


def set_up_roles(url: str, owner: str, app: str) -> str:
    """``main.py db-roles``' setup on ``url``'s schema (``url``: an administrator's): the
    tables made and owned by ``owner``; the application role ``app``'s URL on it."""
    from core.server_tables import server_schemas
    from core.storage.postgresql import connect
    from core.storage.roles import setup_roles

    conn = connect(url, as_owner=True)
    try:
        setup_roles(conn, owner, app, server_schemas())
    finally:
        conn.close()
    return with_user(url, app)


@pytest.fixture(scope="session")
def server_roles() -> Iterator[tuple[str, str]]:
    """(owner, application) role names: ``UNITCALC_TEST_ROLES``'s, else a pair for this
    session (made by the first test's setup) dropped at its end."""
    given = os.environ.get(TEST_ROLES_ENV, "").strip()
    if given:
        owner, _, app = given.partition(":")
        yield owner, app
        return
    tag = uuid.uuid4().hex[:10]
    owner, app = f"t_owner_{tag}", f"t_app_{tag}"
    try:
        yield owner, app
    finally:
        base = server_url()
        if base is not None:
            drop_roles(base, owner, app)


def drop_roles(base: str, *roles: str) -> None:
    """Drop ``roles`` and whatever they own on the test database (if they were made)."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        for role in roles:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(f"DROP OWNED BY {role} CASCADE")
                conn.execute(f"DROP ROLE {role}")


@pytest.fixture
def empty_server_schema(
    monkeypatch: pytest.MonkeyPatch, server_roles: tuple[str, str]
) -> Iterator[str]:
    """A fresh empty schema, as a site has before ``main.py db-roles``: the
    administrator's URL on it (also in ``UNITCALC_DATABASE``); ``server_roles`` are
    the roles to set it up with. Skipped without a server."""
    monkeypatch.delenv("UNITCALC_DATABASE", raising=False)
    base = server_url()
    if base is None:
        pytest.skip(f"no PostgreSQL server: set {TEST_DATABASE_ENV} (.ci/run does)")
    url, schema = fresh_schema_url(base)
    monkeypatch.setenv("UNITCALC_DATABASE", url)
    try:
        yield url
    finally:
        drop_schema(base, schema)


@contextmanager
def server_schema(monkeypatch: pytest.MonkeyPatch, roles: tuple[str, str]) -> Iterator[str]:
    """A fresh schema on the test server, set up with ``roles`` (owner, application),
    dropped after; skips the test without a server. Yields the application role's URL,
    also put in ``UNITCALC_DATABASE`` for the start-up read: a command run by the test
    (``tests.cli_run``), a window, or ``tests.sites.site_at`` make their
    ``core.site.Site`` from it. Stores a test opens itself are given the URL."""
    base = server_url()
    if base is None:
        pytest.skip(f"no PostgreSQL server: set {TEST_DATABASE_ENV} (.ci/run does)")
    url, schema = fresh_schema_url(base)
    try:
        app_url = set_up_roles(url, *roles)
        monkeypatch.setenv("UNITCALC_DATABASE", app_url)
        yield app_url
    finally:
        drop_schema(base, schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str | None]:
    """The test once on SQLite (None: the files in the data directory), once on
    PostgreSQL as the application role."""
    monkeypatch.delenv("UNITCALC_DATABASE", raising=False)
    if request.param == "sqlite":
        yield None
        return
    roles: tuple[str, str] = request.getfixturevalue("server_roles")
    with server_schema(monkeypatch, roles) as url:
        yield url


@pytest.fixture
def postgresql_url(monkeypatch: pytest.MonkeyPatch, server_roles: tuple[str, str]) -> Iterator[str]:
    """Only the PostgreSQL backend (a fresh schema, the application role's URL), skipped
    without a server."""
    monkeypatch.delenv("UNITCALC_DATABASE", raising=False)
    with server_schema(monkeypatch, server_roles) as url:
        yield url
