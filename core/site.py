"""The one handle on a site's data: where it lives, which catalog and payers it bills by.

A ``Site`` is made once per process, at start-up (the command line's entry, the window's
start-up), from the data directory, the database URL, the catalog and the payer
profiles; the environment (``UNITCALC_DATA_DIR``, ``UNITCALC_DATABASE``, the backup and
idle-lock settings) is read there and nowhere else (``Site.from_environment``). It is
passed to whatever needs the data: each command, the window and its features, the dose
session. It opens its stores only when asked (the window paints before any database is
touched) and closing it closes every store it opened that is still open::

    with Site.from_environment(environment, data_dir=args.data_dir) as site:
        with site.open_records() as store: ...

Cheap to import: the stores, the catalog and sqlite are imported when first needed.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

if TYPE_CHECKING:  # made before the window's first paint: only what that needs at run time
    from collections.abc import Callable, Mapping
    from datetime import date, datetime
    from types import TracebackType

    from argon2 import PasswordHasher

    from core.accounts import AccountStore
    from core.authorizations import AuthorizationStore
    from core.catalog import Catalog, PayerList
    from core.cms.codes import FileCodes
    from core.cms.store import ReferenceStore
    from core.records import RecordStore
    from core.records.backup import BackupPlan, BackupRunner
    from core.reference import ReferenceData
    from core.verification_queue import VerificationQueue

#: The environment variables a site is made from (read once, by ``from_environment``).
SETTING_PREFIX = "UNITCALC_"

_Store = TypeVar("_Store")


class _Closable(Protocol):
    def __exit__(self, kind: Any, error: Any, trace: Any) -> object: ...


class Site:
    """The data directory, the database, the catalog and payers of one running program."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        database_url: str | None = None,
        *,
        catalog: Catalog | None = None,
        payers: PayerList | None = None,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        """``settings``: the ``UNITCALC_*`` variables read at start-up (backups, idle
        lock); none means the defaults. ``catalog``/``payers`` default to the shipped
        files, read when first asked for."""
        self.data_dir = Path(data_dir).expanduser().absolute()
        self._url = (database_url or "").strip() or None
        self._catalog = catalog
        self._payers = payers
        self.settings: Mapping[str, str] = dict(settings or {})
        self._opened: weakref.WeakSet[Any] = weakref.WeakSet()
        self._opened_lock = threading.Lock()  # stores are opened on worker threads too
        self._reference: ReferenceData | None = None
        self._closed = False
        #: Who runs a backup that a record made due; None: the recorder, right after its
        #: record (a command). The window sets its background work here.
        self.run_backup: BackupRunner | None = None

    @classmethod
    def from_environment(
        cls,
        environ: Mapping[str, str],
        *,
        data_dir: str | os.PathLike[str] | None = None,
        database: str | None = None,
        catalog: Catalog | None = None,
        payers: PayerList | None = None,
    ) -> Site:
        """The start-up read: options (``--data-dir``, ``--database``) win over the
        environment, which wins over the defaults (platformdirs, SQLite files)."""
        from core.data_dir import locate_data_dir

        settings = {k: v for k, v in environ.items() if k.startswith(SETTING_PREFIX)}
        from core.database import ENV_VAR as DATABASE_VAR

        url = (database or "").strip() or settings.get(DATABASE_VAR, "").strip() or None
        return cls(
            locate_data_dir(data_dir, environ=settings),
            url,
            catalog=catalog,
            payers=payers,
            settings=settings,
        )

    # ---- what the site bills by ------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        """The catalog given, else the shipped one (read on first use; ``CatalogError``)."""
        if self._catalog is None:
            from core.catalog import default_catalog

            self._catalog = default_catalog()
        return self._catalog

    @property
    def payers(self) -> PayerList:
        if self._payers is None:
            from core.catalog import default_payers

            self._payers = default_payers()
        return self._payers

    # ---- where the data lives --------------------------------------------------------

    @property
    def database_url(self) -> str | None:
        """The PostgreSQL URL, or None for the SQLite files in the data directory.
        ``DatabaseUrlError`` when the setting is not such a URL (checked when used, so a
        command that keeps no data is not refused for it)."""
        from core.database import database_url

        return database_url(self._url, environ={})

    @property
    def on_server(self) -> bool:
        """Whether a database server was chosen (valid or not)."""
        return self._url is not None

    def server_refusal(self) -> str | None:
        """On a server, why this program may not use it at all, in one line saying what
        to do: its role could change records (a superuser, the tables' owner), or the
        tables are not set up (``main.py db-roles``). None on the SQLite files, when it
        may, or when the server cannot be reached now (the stores say so when used)."""
        from core.database import DatabaseUrlError
        from core.server_tables import server_schemas
        from core.storage import server_refusal

        try:
            url = self.database_url
        except DatabaseUrlError:
            return None  # said by whatever opens a store
        return None if url is None else server_refusal(url, server_schemas())

    def ensure_data_dir(self) -> Path:
        """The data directory, created (0700) if missing; ``OSError`` if it cannot be."""
        from core.data_dir import ensure_private_dir

        ensure_private_dir(self.data_dir)
        return self.data_dir

    def has_file(self, name: str) -> bool:
        """Whether the data directory holds ``name`` (a store that was never written)."""
        return (self.data_dir / name).is_file()

    @property
    def backup_plan(self) -> BackupPlan:
        """Where the records' backups and journal go (``BackupError`` for a bad setting)."""
        from core.records.backup import BackupPlan

        return BackupPlan.for_data_dir(self.data_dir, self.settings)

    @property
    def idle_minutes(self) -> int:
        """The idle-lock time set for this process (``UNITCALC_IDLE_MINUTES``), else the
        default."""
        from core.idle_lock import idle_minutes

        return idle_minutes(self.settings)

    def idle_minutes_or(self, chosen: str) -> int:
        """The environment's idle time when set, else ``chosen`` (a saved setting)."""
        from core.idle_lock import ENV_VAR, idle_minutes

        return idle_minutes({ENV_VAR: self.settings.get(ENV_VAR, "").strip() or chosen})

    def use_database(self, url: str | None) -> None:
        """Point the stores opened from now on at another database (the window's
        Settings). The stores already open keep theirs until closed."""
        self._url = (url or "").strip() or None
        self._forget_reference()

    # ---- the stores, opened when asked; the caller closes them (or the site does) -----

    def open_records(
        self, *, allow_missing: bool = False, clock: Callable[[], datetime] | None = None
    ) -> RecordStore:
        from core.database import DatabaseUrlError
        from core.records import RecordStore
        from core.records.models import StoreUnavailableError

        try:
            url = self.database_url
        except DatabaseUrlError as error:
            raise StoreUnavailableError(str(error)) from None
        extra: dict[str, Any] = {} if clock is None else {"clock": clock}
        if self.run_backup is not None:
            extra["run_backup"] = self.run_backup
        store = RecordStore.open(
            self.data_dir,
            backup_plan=self.backup_plan,
            allow_missing=allow_missing,
            url=url,
            **extra,
        )
        return self._keep(store)

    def open_accounts(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        hasher: PasswordHasher | None = None,
    ) -> AccountStore:
        from core.accounts import AccountStore

        url = self._account_url()
        extra: dict[str, Any] = {} if clock is None else {"clock": clock}
        return self._keep(AccountStore.open(self.data_dir, url, hasher=hasher, **extra))

    def open_queue(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        hasher: PasswordHasher | None = None,
    ) -> VerificationQueue:
        from core.verification_queue import VerificationQueue

        url = self._account_url()
        extra: dict[str, Any] = {} if clock is None else {"clock": clock}
        return self._keep(VerificationQueue.open(self.data_dir, url, hasher=hasher, **extra))

    def has_accounts_database(self) -> bool:
        """Whether this site could have accounts (a server, or the SQLite file exists):
        a data directory that never had one is not given an empty database by asking."""
        from core.database import SITE_DB_FILENAME

        return self.on_server or self.has_file(SITE_DB_FILENAME)

    def open_authorizations(self) -> AuthorizationStore:
        from core.authorizations import AuthorizationStore
        from core.database import DatabaseUrlError
        from core.errors import InputError

        try:
            url = self.database_url
        except DatabaseUrlError as error:
            raise InputError("database", str(error)) from None
        return self._keep(AuthorizationStore.open(self.ensure_data_dir(), url))

    def open_reference_store(self) -> ReferenceStore:
        """The CMS reference database, created if missing (importing needs it)."""
        from core.cms.store import ReferenceStore
        from core.database import DatabaseUrlError
        from core.errors import InputError

        try:
            url = self.database_url
        except DatabaseUrlError as error:
            raise InputError("database", str(error)) from None
        return self._keep(ReferenceStore.open(self.data_dir, url))

    def open_reference(self) -> ReferenceData:
        """The imported CMS files and fee schedules (read-only), or ``NO_REFERENCE_DATA``
        when none were imported, without creating anything. The caller closes it."""
        from core.reference import NO_REFERENCE_DATA

        if not self.has_reference_data():
            return NO_REFERENCE_DATA  # without importing sqlite3 (start-up time)
        return self.open_reference_store()

    def has_reference_data(self) -> bool:
        """Whether CMS files may have been imported (a server, or the SQLite file)."""
        from core.cms import REFERENCE_DB_FILENAME

        return self.on_server or self.has_file(REFERENCE_DB_FILENAME)

    def reference(self) -> ReferenceData:
        """The reference data held open for this site (opened on first use): the checks
        and prices ask it on every keystroke. ``refresh_reference`` after an import."""
        if self._reference is None:
            self._reference = self.open_reference()
        return self._reference

    def imported_codes(self, service_date: date) -> FileCodes:
        """Codes the catalog does not hold and NDCs, from the imported CMS files covering
        ``service_date`` (issue 20); the reference data is opened only when one is asked
        for, so a catalog code's first answer costs nothing more."""
        from core.cms.codes import FileCodes

        return FileCodes(
            lambda: self.reference() if self.has_reference_data() else None, service_date
        )

    def refresh_reference(self) -> ReferenceData:
        """The reference data again, after files were imported."""
        self._forget_reference()
        return self.reference()

    def _forget_reference(self) -> None:
        held, self._reference = self._reference, None
        if held is not None:
            held.close()

    def _account_url(self) -> str | None:
        from core.accounts.models import AccountsUnavailableError
        from core.database import DatabaseUrlError

        try:
            return self.database_url
        except DatabaseUrlError as error:
            raise AccountsUnavailableError(str(error)) from None

    def _keep(self, store: _Store) -> _Store:
        with self._opened_lock:
            self._opened.add(store)
        return store

    def __reduce__(self) -> tuple[Any, ...]:
        """A site crosses into a process of its own (the full tamper check) as what it
        was made from; the child opens its own stores."""
        return (_rebuild, (str(self.data_dir), self._url, dict(self.settings)))

    def backup_at_start(self) -> Path | None:
        """The backup made when the application starts, if the newest one lacks records;
        a failure (a full disk) is reported on standard error and kept for the status
        line (``core.records.backup.last_backup_problem``), never raised: this runs on a
        thread of its own."""
        from core.records import RecordStoreError
        from core.records.backup import report_backup_failure
        from core.records.models import BackupError

        try:
            with self.open_records() as store:
                return store.backup_if_behind()
        except (RecordStoreError, BackupError, OSError) as error:
            report_backup_failure(error)
            return None

    # ---- closing ---------------------------------------------------------------------

    def close(self) -> None:
        """Close every store this site opened that is still open. A store opened on
        another thread is that thread's to close (SQLite refuses it here)."""
        self._forget_reference()
        with self._opened_lock:
            opened = list(self._opened)
        for store in opened:
            closable: _Closable = store
            with contextlib.suppress(Exception):
                closable.__exit__(None, None, None)
        self._opened = weakref.WeakSet()
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _rebuild(data_dir: str, url: str | None, settings: dict[str, str]) -> Site:
    return Site(data_dir, url, settings=settings)
