"""`main.py backup|restore`: copies of the records database in the backup directory.

Backups are made on their own (see ``core.records.backup``); ``backup`` makes one now,
``restore BACKUP`` puts one back after the database was lost, emptied or replaced.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.calc import add_data_dir_option
from core.cli.history import open_store
from core.terminal import printable

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.site import Site


def run_backup(args: argparse.Namespace, site: Site) -> int:
    with open_store(site) as store:
        copy = store.backup()
    print(printable(f"Backed up to {copy}"))
    return 0


def run_restore(args: argparse.Namespace, site: Site) -> int:
    from core.accounts import Action
    from core.cli.signing import authorize
    from core.records import format_worksheet_id
    from core.records.restore import named

    authorize(args, site, Action.RESTORE)  # a site with accounts: a pharmacist or admin
    with open_store(site, allow_missing=True) as store:
        count, kept, set_aside = store.restore(Path(args.backup), keep_newer=args.keep_newer)
    newest = f", newest {format_worksheet_id(count)}" if count else ""
    before = f"; the database it replaced was kept as {kept}" if kept else ""
    if set_aside:
        before += f" (with {named(set_aside)} the backup lacks)"
    print(printable(f"Restored {count} worksheet records from {args.backup}{newest}{before}"))
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    from core.cli.signing import add_by_options

    backup = subparsers.add_parser(
        "backup", help="back up the records now (UNITCALC_BACKUP_DIR, default DATA_DIR/backups)"
    )
    add_data_dir_option(backup)
    backup.set_defaults(run=run_backup)

    restore = subparsers.add_parser(
        "restore", help="put a backup back as the records database (the current one is kept)"
    )
    restore.add_argument("backup", help="a backup file, e.g. DATA_DIR/backups/worksheets-...")
    restore.add_argument(
        "--keep-newer",
        action="store_true",
        help="restore even when the database holds records the backup lacks (they are kept "
        "in the copy of the replaced database, and named)",
    )
    add_data_dir_option(restore)
    add_by_options(restore)
    restore.set_defaults(run=run_restore)
