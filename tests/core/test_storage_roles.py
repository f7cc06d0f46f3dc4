"""Issue 23, attack 3: on PostgreSQL the application's role owned its tables, so with its
credentials triggers were disabled, records rewritten and deleted, and ``chain_head``
deleted. With ``main.py db-roles`` the application role owns nothing and may only add
records; the chain head only moves forward; the owner is refused as the application."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from core.cli import run_command
from core.records import RecordStore, StoreUnavailableError
from tests.conftest import server_url
from tests.core.test_records_backup import add


@pytest.fixture
def roles(postgresql_url: str) -> Iterator[tuple[str, str]]:
    """Two fresh roles (owner, application), dropped after the test."""
    tag = uuid.uuid4().hex[:10]
    owner, app = f"t_owner_{tag}", f"t_app_{tag}"
    try:
        yield owner, app
    finally:
        base = server_url()
        assert base is not None
        with psycopg.connect(base, autocommit=True) as conn:
            for role in (owner, app):
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                    conn.execute(f"REASSIGN OWNED BY {role} TO current_user")
                    conn.execute(f"DROP OWNED BY {role}")
                    conn.execute(f"DROP ROLE {role}")


def as_role(url: str, role: str) -> str:
    return f"{url}{quote(f' -crole={role}')}"


ATTACKS = [
    "ALTER TABLE worksheets DISABLE TRIGGER USER",
    "UPDATE worksheets SET mrn = 'X' WHERE id = 2",
    "DELETE FROM worksheets WHERE id = 3",
    "TRUNCATE worksheet_pdfs",
    "DELETE FROM chain_head",
    "TRUNCATE chain_head",
    "UPDATE chain_head SET count = count - 1",
    "UPDATE chain_head SET count = count + 1, last_hash = 'forged'",
    "DROP TABLE chain_head",
    "CREATE TABLE worksheets_copy (id INTEGER)",
]


def test_the_application_role_may_only_add_records(
    tmp_path: Path, postgresql_url: str, roles: tuple[str, str]
) -> None:
    owner, app = roles
    assert run_command(["db-roles", "--owner", owner, "--app", app]) == 0
    app_url = as_role(postgresql_url, app)
    with RecordStore.open(tmp_path, url=app_url) as store:
        add(store, 3)
    refused = []
    with psycopg.connect(app_url, autocommit=True) as conn:
        for attack in ATTACKS:
            try:
                conn.execute(attack)
            except psycopg.Error:
                refused.append(attack)
    assert refused == ATTACKS
    with RecordStore.open(tmp_path, url=app_url) as store:
        assert store.verify(check_pdfs=True).ok
        assert add(store).id == 4  # and recording goes on


def test_the_owner_or_a_superuser_is_refused_as_the_application(
    tmp_path: Path, postgresql_url: str, roles: tuple[str, str]
) -> None:
    owner, app = roles
    with RecordStore.open(tmp_path, url=postgresql_url) as store:
        add(store, 2)  # before the roles: as today, the server's superuser
    assert run_command(["db-roles", "--owner", owner, "--app", app]) == 0
    for url in (postgresql_url, as_role(postgresql_url, owner)):
        with pytest.raises(StoreUnavailableError, match="owns the unitcalc tables"):
            RecordStore.open(tmp_path, url=url)
    with RecordStore.open(tmp_path, url=as_role(postgresql_url, app)) as store:
        assert [r.id for r in store.list()] == [2, 1]
