"""The storage interface: each schema defined once and the same on both backends; the
databases earlier versions wrote keep working."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from core.accounts.store import ACCOUNTS
from core.authorizations import AUTHORIZATIONS
from core.cms.store import REFERENCE
from core.records import DB_FILENAME, RecordStore
from core.records.schema import RECORDS
from core.storage import Connection, Schema, connect, migrate
from core.storage.postgresql import placeholders
from core.verification_queue import QUEUE
from tests.conftest import admin_url, set_up_roles

SCHEMAS = (RECORDS, REFERENCE, ACCOUNTS, QUEUE, AUTHORIZATIONS)


def columns(conn: Connection, schema: Schema) -> dict[str, list[tuple[str, bool]]]:
    """Each table's (column, may be NULL) as the database itself describes them."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for table in schema.tables():
        if conn.dialect == "sqlite":
            rows = conn.execute(f"PRAGMA table_info({table.name})").fetchall()
            found[table.name] = [(r[1], not r[3] and not r[5]) for r in rows]
        else:
            rows = conn.execute(
                "SELECT column_name, is_nullable, column_default FROM information_schema.columns"
                " WHERE table_name = ? AND table_schema = current_schema()"
                " ORDER BY ordinal_position",
                (table.name,),
            ).fetchall()
            found[table.name] = [
                (r[0], r[1] == "YES" and not str(r[2] or "").startswith("nextval")) for r in rows
            ]
    return found


def test_each_schema_gives_the_tables_it_defines_on_sqlite(tmp_path: Path) -> None:
    for schema in SCHEMAS:
        conn = connect(None, tmp_path / f"test-{schema.component}.sqlite3", label="test")
        try:
            migrate(conn, schema)
            described = columns(conn, schema)
        finally:
            conn.close()
        for table in schema.tables():
            assert [name for name, _ in described[table.name]] == list(table.column_names())


def test_both_backends_make_the_same_tables_from_one_definition(
    tmp_path: Path, postgresql_url: str
) -> None:
    for schema in SCHEMAS:
        lite = connect(None, tmp_path / f"test-{schema.component}.sqlite3", label="test")
        server = connect(postgresql_url, tmp_path / "unused", label="test")
        try:
            migrate(lite, schema)
            migrate(server, schema)
            assert columns(lite, schema) == columns(server, schema), schema.component
            migrate(server, schema)  # a second workstation: nothing to do
        finally:
            lite.close()
            server.close()


def test_placeholders_become_the_servers_outside_quoted_text() -> None:
    assert placeholders("SELECT '?', \"a?\" FROM t WHERE x = ? AND y LIKE '5%'") == (
        "SELECT '?', \"a?\" FROM t WHERE x = %s AND y LIKE '5%%'"
    )


def add(store: RecordStore, lot: str) -> int:
    return store.add(
        code="J1410",
        mrn="M",
        patient_name="P",
        administered_at=None,
        prepared_by="A",
        verified_by="B",
        inputs={},
        result={},
        documentation={"vials": [{"ndc": "1", "lot": lot, "serial": "S-" + lot}]},
        render=lambda worksheet_id, replaces: b"%PDF-1.4 " + worksheet_id.encode(),
    ).id


def test_a_sqlite_file_of_schema_2_is_brought_to_the_lower_case_indexes(tmp_path: Path) -> None:
    with RecordStore.open(tmp_path) as store:
        add(store, "Lx1")
    # As the earlier program left it: vial indexes COLLATE NOCASE, version 2.
    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    for column in ("lot", "serial"):
        conn.execute(f"DROP INDEX worksheet_vials_{column}")
        conn.execute(
            f"CREATE INDEX worksheet_vials_{column} ON worksheet_vials({column} COLLATE NOCASE)"
        )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with RecordStore.open(tmp_path) as store:
        assert [r.id for r in store.list(lot="LX1")] == [1]
        assert add(store, "Lx2") == 2
        assert store.verify(check_pdfs=True).ok
    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(RECORDS.migrations)
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'worksheet_vials_lot'"
        ).fetchone()
        assert "lower(lot)" in sql
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT worksheet_id FROM worksheet_vials WHERE lower(lot) = 'lx1'"
        ).fetchall()
        assert any("worksheet_vials_lot" in str(row) for row in plan)
    finally:
        conn.close()


# The records tables as the PostgreSQL code before the storage interface made them
# (its schema version 1), frozen here.
_IMMUTABLE = """CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION unitcalc_records_immutable()"""
LEGACY_POSTGRESQL = (
    """CREATE TABLE worksheets (id BIGINT PRIMARY KEY, created_at TEXT NOT NULL,
        code TEXT NOT NULL, mrn TEXT NOT NULL, patient_name TEXT NOT NULL,
        administered_at TEXT, prepared_by TEXT NOT NULL, verified_by TEXT NOT NULL,
        inputs_json TEXT NOT NULL, result_json TEXT NOT NULL,
        documentation_json TEXT NOT NULL, replaces BIGINT REFERENCES worksheets(id),
        pdf_sha256 TEXT NOT NULL, prev_hash TEXT NOT NULL, chain_hash TEXT NOT NULL)""",
    "CREATE UNIQUE INDEX worksheets_replaces ON worksheets(replaces) WHERE replaces IS NOT NULL",
    """CREATE FUNCTION unitcalc_records_immutable() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN RAISE EXCEPTION 'worksheet records are immutable'; END $$""",
    "CREATE TABLE worksheet_pdfs (id BIGINT PRIMARY KEY REFERENCES worksheets(id),"
    " pdf BYTEA NOT NULL)",
    """CREATE TABLE chain_head (singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        count BIGINT NOT NULL, last_hash TEXT NOT NULL)""",
    "INSERT INTO chain_head (singleton, count, last_hash) VALUES (1, 0, '" + "0" * 64 + "')",
    """CREATE TABLE worksheet_vials (worksheet_id BIGINT NOT NULL REFERENCES worksheets(id),
        number INTEGER NOT NULL, ndc TEXT NOT NULL, lot TEXT NOT NULL, serial TEXT NOT NULL,
        PRIMARY KEY (worksheet_id, number))""",
    "CREATE INDEX worksheet_vials_lot ON worksheet_vials(lower(lot))",
    "CREATE INDEX worksheet_vials_serial ON worksheet_vials(lower(serial))",
    *(_IMMUTABLE.format(table=t) for t in ("worksheets", "worksheet_pdfs", "worksheet_vials")),
    "CREATE TABLE schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)",
    "INSERT INTO schema_versions VALUES ('records', 1)",
)


def test_a_postgresql_schema_of_the_earlier_program_keeps_working(
    tmp_path: Path, empty_server_schema: str, server_roles: tuple[str, str]
) -> None:
    import psycopg

    admin = empty_server_schema
    with psycopg.connect(admin, autocommit=True) as conn:
        for statement in LEGACY_POSTGRESQL:
            conn.execute(statement)
    # The earlier program's tables, owned by whoever made them: `db-roles` gives them to
    # the owner role and migrates them; the workstations then connect as the app role.
    app_url = set_up_roles(admin, *server_roles)
    with RecordStore.open(tmp_path, url=app_url) as store:
        assert add(store, "Lx1") == 1
        assert add(store, "Lx2") == 2
        assert [r.id for r in store.list(lot="LX2")] == [2]
        assert store.verify(check_pdfs=True).ok
    with psycopg.connect(admin, autocommit=True) as conn:
        version = conn.execute(
            "SELECT version FROM schema_versions WHERE component = 'records'"
        ).fetchone()
        assert version == (len(RECORDS.migrations),)
        with pytest.raises(psycopg.Error, match="immutable"):
            conn.execute("DELETE FROM worksheets")
        owner = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'worksheets'"
            " AND schemaname = current_schema()"
        ).fetchone()
        assert owner == (server_roles[0],)


def test_a_deleted_chain_head_is_a_plain_error_not_a_crash(
    tmp_path: Path, database_url: str | None
) -> None:
    from core.records import RecordStoreError

    with RecordStore.open(tmp_path, url=database_url) as store:
        add(store, "L1")
        if database_url is None:
            store.connection.execute("DELETE FROM chain_head")
        else:  # only the administrator can, by switching the guard off (issue 23 item 3)
            with psycopg.connect(admin_url(database_url), autocommit=True) as conn:
                conn.execute("ALTER TABLE chain_head DISABLE TRIGGER USER")
                conn.execute("DELETE FROM chain_head")
        # (SQLite's journal beside the backups notices first.)
        with pytest.raises(RecordStoreError, match=r"chain head is missing|behind its journal"):
            add(store, "L2")
        assert [r.id for r in store.list()] == [1]
