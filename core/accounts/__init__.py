"""People: accounts with roles, PINs stored as Argon2id hashes, signing with a PIN.

Usage::

    from core.accounts import AccountStore, Action

    with site.open_accounts() as accounts:
        accounts.add("admin", "admin", pin)           # the first account is the admin
        accounts.add("jkim", "technician", pin2, full_name="J. Kim, CPhT")
        signature = accounts.sign("jkim", typed_pin, Action.PREPARE)   # or SigningError

Roles decide who may prepare, verify (nurse or pharmacist), witness waste, correct a
record, import CMS files and manage users (``PERMISSIONS``). Five wrong PINs lock an
account for five minutes; every attempt is logged with the account and the time, never
the PIN. Storage: ``site.sqlite3`` in the data directory, or the PostgreSQL server.
"""

from core.accounts.models import (
    PERMISSIONS,
    Account,
    AccountError,
    AccountLockedError,
    AccountsUnavailableError,
    Action,
    Role,
    Signature,
    SigningError,
    may,
)
from core.accounts.store import AccountStore

__all__ = [
    "PERMISSIONS",
    "Account",
    "AccountError",
    "AccountLockedError",
    "AccountStore",
    "AccountsUnavailableError",
    "Action",
    "Role",
    "Signature",
    "SigningError",
    "may",
]
