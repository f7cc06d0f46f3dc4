"""Issue 23, attack 3: on PostgreSQL the application's role owned its tables, so with its
credentials triggers were disabled, records rewritten and deleted, and ``chain_head``
deleted. Now the workstations run as the application role ``main.py db-roles`` makes
(every PostgreSQL test does, see ``tests/conftest.py``): it owns nothing and may only add
records; the chain head only moves forward; a role that could change records (superuser,
owner, member of the owner role) is refused with one plain line; the tables are made and
migrated by ``db-roles`` only."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from core.cli import run_command
from core.records import RecordStore, StoreUnavailableError
from core.site import Site
from tests.conftest import admin_url, set_up_roles, with_user
from tests.core.test_records_backup import add
from tests.core.test_storage import LEGACY_POSTGRESQL

ATTACKS = [
    "ALTER TABLE worksheets DISABLE TRIGGER USER",
    "ALTER TABLE chain_head DISABLE TRIGGER USER",
    "UPDATE worksheets SET mrn = 'X' WHERE id = 2",
    "DELETE FROM worksheets WHERE id = 3",
    "DELETE FROM worksheet_pdfs WHERE id = 3",
    "TRUNCATE worksheets CASCADE",
    "TRUNCATE worksheet_pdfs",
    "DELETE FROM chain_head",
    "TRUNCATE chain_head",
    "UPDATE chain_head SET count = count - 1",
    "UPDATE chain_head SET count = count + 1, last_hash = 'forged'",
    "UPDATE chain_head SET last_hash = 'forged'",
    "DROP TABLE chain_head",
    "DROP TRIGGER chain_head_advances_only ON chain_head",
    "CREATE TABLE worksheets_copy (id INTEGER)",
    "SET session_replication_role = replica",
    "SET ROLE {owner}",
    "GRANT {owner} TO {app}",
]


def refused_as(url: str, attacks: list[str]) -> list[str]:
    """The statements the server refused, each tried on its own connection as ``url``'s
    role (one that passed is not undone: the next ones meet its effect)."""
    refused = []
    for attack in attacks:
        with psycopg.connect(url, autocommit=True) as conn:
            try:
                conn.execute(attack)
            except psycopg.Error:
                refused.append(attack)
    return refused


def test_the_application_role_may_only_add_records(
    tmp_path: Path, postgresql_url: str, server_roles: tuple[str, str]
) -> None:
    owner, app = server_roles
    with RecordStore.open(tmp_path, url=postgresql_url) as store:
        add(store, 3)
    attacks = [attack.format(owner=owner, app=app) for attack in ATTACKS]
    assert refused_as(postgresql_url, attacks) == attacks  # the server refused each one
    with RecordStore.open(tmp_path, url=postgresql_url) as store:
        assert store.verify(check_pdfs=True).ok
        assert [r.id for r in store.list()] == [3, 2, 1]
        assert add(store).id == 4  # and recording goes on


def test_a_temporary_table_cannot_stand_in_for_the_records(postgresql_url: str) -> None:
    """The chain head's guard looks the newest record up; a temporary ``worksheets`` of the
    application's (searched before the schema) must not answer for it."""
    with psycopg.connect(postgresql_url, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE worksheets (id BIGINT, chain_hash TEXT)")
        conn.execute("INSERT INTO worksheets VALUES (1, 'forged')")
        with pytest.raises(psycopg.Error, match="only moves forward"):
            conn.execute("UPDATE chain_head SET count = 1, last_hash = 'forged'")


def test_the_owner_a_superuser_or_a_member_of_the_owner_is_refused(
    tmp_path: Path, postgresql_url: str, server_roles: tuple[str, str]
) -> None:
    owner, app = server_roles
    admin = admin_url(postgresql_url)
    with RecordStore.open(tmp_path, url=postgresql_url) as store:
        add(store, 2)
    member = f"{app}_member"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {member}")
        conn.execute(f"CREATE ROLE {member} LOGIN IN ROLE {owner}")
    try:
        refusals = {
            admin: "is a superuser",
            with_user(postgresql_url, owner): "owns the unitcalc schema",
            with_user(postgresql_url, member): "owns the unitcalc schema",
            # The session's own role counts, whatever role it sets.
            f"{admin}{quote(f' -crole={app}')}": "is a superuser",
        }
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"ALTER ROLE {owner} LOGIN")  # as if someone let it log in
        for url, why in refusals.items():
            with pytest.raises(StoreUnavailableError, match=why) as refused:
                RecordStore.open(tmp_path, url=url)
            assert "db-roles" in str(refused.value) and "\n" not in str(refused.value)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"ALTER ROLE {owner} NOLOGIN")
            conn.execute(f"DROP ROLE {member}")
    with RecordStore.open(tmp_path, url=postgresql_url) as store:
        assert [r.id for r in store.list()] == [2, 1]


def test_a_role_given_more_than_adding_records_is_refused(
    tmp_path: Path, postgresql_url: str, server_roles: tuple[str, str]
) -> None:
    _owner, app = server_roles
    admin = admin_url(postgresql_url)
    for given in (
        "UPDATE ON worksheets",
        "DELETE ON chain_head",
        "TRIGGER ON worksheet_pdfs",
        "pg_write_all_data",  # UPDATE and DELETE on every table of the database
    ):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"GRANT {given} TO {app}")
        try:
            with pytest.raises(StoreUnavailableError, match="may change or delete recorded"):
                RecordStore.open(tmp_path, url=postgresql_url)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"REVOKE {given} FROM {app}")
    RecordStore.open(tmp_path, url=postgresql_url).close()


def test_a_fresh_site_is_set_up_by_db_roles_and_the_app_says_so_before(
    tmp_path: Path,
    empty_server_schema: str,
    server_roles: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner, app = server_roles
    admin = empty_server_schema
    app_url = with_user(admin, app)
    set_up_roles(admin, owner, app)  # the roles exist (and own another schema)
    with psycopg.connect(admin, autocommit=True) as conn:  # a fresh site: no tables
        schema = conn.execute("SELECT current_schema()").fetchone()
        assert schema is not None
        conn.execute(f"DROP SCHEMA {schema[0]} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema[0]}")
        conn.execute(f"GRANT USAGE ON SCHEMA {schema[0]} TO {app}")
    monkeypatch.setenv("UNITCALC_DATABASE", app_url)
    assert run_command(["history"]) == 2
    said = capsys.readouterr().err
    assert "records tables are not on" in said and "db-roles" in said
    assert said.count("\n") == 1 and "Traceback" not in said
    with Site(tmp_path, app_url) as site:
        assert "records tables are not on" in (site.server_refusal() or "")
    # The administrator sets the site up; the workstations then record as the app role.
    monkeypatch.setenv("UNITCALC_DATABASE", admin)
    assert run_command(["db-roles", "--owner", owner, "--app", app]) == 0
    monkeypatch.setenv("UNITCALC_DATABASE", app_url)
    assert run_command(["history"]) == 0
    with Site(tmp_path, app_url) as site:
        assert site.server_refusal() is None
    with Site(tmp_path, admin) as site:
        assert "is a superuser" in (site.server_refusal() or "")


def test_a_site_set_up_before_db_roles_keeps_its_login_role_as_the_application(
    tmp_path: Path, empty_server_schema: str, server_roles: tuple[str, str]
) -> None:
    """Before ``db-roles`` the program's own login role made and owned the tables and
    their trigger functions: it is refused now. ``db-roles`` given it as ``--app`` takes
    everything from it for the owner role; it then records, and can change nothing."""
    owner, _app = server_roles
    admin, legacy = empty_server_schema, f"{owner}_legacy"
    legacy_url = with_user(admin, legacy)
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute("SELECT current_schema()").fetchone()
        assert row is not None
        conn.execute(f"DROP ROLE IF EXISTS {legacy}")
        conn.execute(f"CREATE ROLE {legacy} LOGIN")
        conn.execute(f"GRANT CREATE, USAGE ON SCHEMA {row[0]} TO {legacy}")
    try:
        with psycopg.connect(legacy_url, autocommit=True) as conn:
            for statement in LEGACY_POSTGRESQL:
                conn.execute(statement)
        with pytest.raises(StoreUnavailableError, match="owns the unitcalc"):
            RecordStore.open(tmp_path, url=legacy_url)
        assert set_up_roles(admin, owner, legacy) == legacy_url
        with RecordStore.open(tmp_path, url=legacy_url) as store:
            add(store, 2)
            assert store.verify(check_pdfs=True).ok
        attacks = [
            "CREATE OR REPLACE FUNCTION unitcalc_worksheets_immutable() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
            "ALTER TABLE worksheets DISABLE TRIGGER USER",
            "UPDATE worksheets SET mrn = 'X'",
            "DELETE FROM chain_head",
            "CREATE TABLE worksheets_copy (id INTEGER)",
        ]
        assert refused_as(legacy_url, attacks) == attacks
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {legacy} CASCADE")
            conn.execute(f"DROP ROLE {legacy}")
