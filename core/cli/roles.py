"""`main.py db-roles`: PostgreSQL least privilege (see ``core.storage.roles``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli.calc import add_data_dir_option
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.site import Site


def run_roles(args: argparse.Namespace, site: Site) -> int:
    from core.server_tables import server_schemas
    from core.storage import StorageError
    from core.storage.postgresql import connect
    from core.storage.roles import setup_roles

    url = site.database_url
    if url is None:
        raise InputError("--database", "roles are a PostgreSQL server's: give its URL")
    try:
        conn = connect(url, as_owner=True)
        try:
            schema = setup_roles(conn, args.owner, args.app, server_schemas())
        finally:
            conn.close()
    except StorageError as error:
        raise InputError("--database", str(error)) from None
    print(
        printable(
            f"Schema {schema} is owned by {args.owner} (migrations); {args.app} may read, add "
            f"records and never change one. Give {args.app} a password on the server and "
            f"connect the workstations as {args.app} (see the README)."
        )
    )
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    roles = subparsers.add_parser(
        "db-roles",
        help="PostgreSQL: make an owner role and an application role that cannot change records",
    )
    roles.add_argument("--owner", default="unitcalc_owner", help="the role owning the tables")
    roles.add_argument("--app", default="unitcalc_app", help="the role the workstations use")
    add_data_dir_option(roles)
    roles.set_defaults(run=run_roles)
