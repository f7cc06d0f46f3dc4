"""PostgreSQL with least privilege (issue 23): an owner role that holds the schema and
runs migrations, and an application role that may read everything, add records and
never change one.

``setup_roles`` (``main.py db-roles``, run once with an administrator's URL) makes both
roles, gives the current schema and every table to the owner, migrates as the owner and
grants the application role: SELECT and INSERT on the records (worksheets, their PDFs and
vial rows); UPDATE on ``chain_head`` only, which a trigger lets move only one record
forward, onto the newest record's hash (no DELETE, no TRUNCATE); SELECT, INSERT, UPDATE,
DELETE on the working tables (accounts, queue, authorizations, reference data, outbox).
It owns nothing, so it cannot ALTER a table, disable a trigger or drop one.

This is the one path that creates and migrates the tables on a server: a fresh site
starts with ``db-roles``, and after an update of unitcalc it is run again. Every other
connection (``core.storage.postgresql.connect``) refuses a role that could change records
(superuser, owner or member of the owner role, more rights than reading and adding) and
says so, and the application role meeting missing or older tables says who sets them up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from core.storage.errors import StorageError
from core.storage.postgresql import GUARD, RECORD_TABLES, power_of

if TYPE_CHECKING:
    from core.storage.postgresql import PgConnection
    from core.storage.schema import Schema

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

# The newest record is looked up in the schema by name: unqualified, a temporary table
# "worksheets" of the caller's (searched first) would answer with a forged hash.
_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION unitcalc_{guard}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.singleton <> OLD.singleton OR NEW.count <> OLD.count + 1
     OR NEW.last_hash IS DISTINCT FROM
        (SELECT chain_hash FROM {schema}.worksheets WHERE id = NEW.count) THEN
    RAISE EXCEPTION 'the chain head only moves forward, onto the newest record';
  END IF;
  RETURN NEW;
END $$"""


def _role(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise StorageError(
            f"a role name is lower-case letters, digits and _ (up to 63): {name[:64]!r}"
        )
    return name


def setup_roles(conn: PgConnection, owner: str, app: str, schemas: Iterable[Schema]) -> str:
    """Make (or bring up to date) the two roles on ``conn``'s current schema; the schema's
    name. ``conn`` is an administrator's (a superuser, or one with CREATEROLE that may
    give the schema away)."""
    import psycopg

    owner, app = _role(owner), _role(app)
    try:
        return _setup(conn, owner, app, schemas)
    except psycopg.Error as error:
        raise conn.unavailable(error) from None


def _setup(conn: PgConnection, owner: str, app: str, schemas: Iterable[Schema]) -> str:
    from core.storage.schema import migrate

    if owner == app:
        raise StorageError("the owner and the application role must be two roles")
    current = conn.one("SELECT current_schema()")[0]
    if current is None:
        raise StorageError(
            "the URL's schema (search_path) does not exist on the server: create it first"
        )
    schema = str(current)
    quoted = '"' + schema.replace('"', '""') + '"'
    for role, login in ((owner, "NOLOGIN"), (app, "LOGIN")):
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone() is None:
            conn.execute(f"CREATE ROLE {role} {login}")
    conn.execute(f"GRANT {owner} TO current_user")  # to give it the schema and tables
    conn.execute(f"ALTER SCHEMA {quoted} OWNER TO {owner}")
    for (table,) in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    ).fetchall():
        conn.execute(f'ALTER TABLE "{table}" OWNER TO {owner}')
    # A site set up before db-roles: its trigger functions too (whoever owns one may
    # replace its body).
    for (function,) in conn.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p"
        " WHERE p.pronamespace = current_schema()::regnamespace"
    ).fetchall():
        conn.execute(f"ALTER FUNCTION {function} OWNER TO {owner}")
    conn.execute(f"SET ROLE {owner}")
    try:
        for each in schemas:
            migrate(conn, each)
        with conn.writing():
            conn.execute(_GUARD_FUNCTION.format(guard=GUARD, schema=quoted))
            conn.execute(f"DROP TRIGGER IF EXISTS {GUARD} ON chain_head")
            conn.execute(
                f"CREATE TRIGGER {GUARD} BEFORE UPDATE OR DELETE ON chain_head"
                f" FOR EACH ROW EXECUTE FUNCTION unitcalc_{GUARD}()"
            )
            conn.execute(f"DROP TRIGGER IF EXISTS {GUARD}_truncate ON chain_head")
            conn.execute(
                f"CREATE TRIGGER {GUARD}_truncate BEFORE TRUNCATE ON chain_head"
                f" FOR EACH STATEMENT EXECUTE FUNCTION unitcalc_{GUARD}()"
            )
            conn.execute(f"REVOKE ALL ON SCHEMA {quoted} FROM PUBLIC, {app}")
            conn.execute(f"GRANT USAGE ON SCHEMA {quoted} TO {app}")
            conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quoted} FROM {app}")
            for (table,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchall():
                if table in RECORD_TABLES:
                    rights = "SELECT, INSERT"
                elif table in ("chain_head", "schema_versions"):
                    rights = "SELECT, UPDATE" if table == "chain_head" else "SELECT"
                else:
                    rights = "SELECT, INSERT, UPDATE, DELETE"
                conn.execute(f'GRANT {rights} ON "{table}" TO {app}')
            conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted} TO {app}")
    finally:
        conn.execute("RESET ROLE")
    _refuse_app(conn, app)  # rights given to it outside db-roles (to PUBLIC, say)
    return schema


def _refuse_app(conn: PgConnection, app: str) -> None:
    """An existing role given as ``--app`` that the program would refuse to run as."""
    power = power_of(conn, app)
    if power is not None:
        raise StorageError(
            f"the role {app} {power}: give --app a role of its own (db-roles makes it)"
        )
