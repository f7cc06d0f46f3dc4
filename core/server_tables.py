"""The tables a shared PostgreSQL server holds: every component's, set up and migrated
together by ``main.py db-roles`` (``core.storage.roles``) and checked together by the
application role at start (``core.site.Site.server_refusal``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.storage import Schema


def server_schemas() -> tuple[Schema, ...]:
    """Every component's tables a shared server holds, in the order they are made."""
    from core.accounts.store import ACCOUNTS
    from core.authorizations import AUTHORIZATIONS
    from core.cms.store import REFERENCE
    from core.records.schema import RECORDS
    from core.verification_queue import QUEUE

    return (RECORDS, ACCOUNTS, QUEUE, AUTHORIZATIONS, REFERENCE)
