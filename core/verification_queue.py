"""The verification queue: a technician submits a prepared dose, a nurse at another
workstation sees it pending, opens it read-only, checks it and signs with her PIN.

Usage (a window polls ``revision()`` every few seconds and reloads when it changes)::

    with site.open_queue() as queue:
        dose_id = queue.submit(content, patient_name=..., mrn=..., code="J1410",
                               prepared_by="jkim", pin=pin)          # pending
        queue.pending()                                              # the nurse's list
        dose = queue.get(dose_id)                                    # read-only copy
        queue.sign(dose_id, "mosei", pin, seen=dose.content_sha256)  # verified
        queue.get(dose_id).state                                     # "verified"

``content`` is the JSON of the form (dose and documentation fields). Submitting changed
content for a dose already in the queue (``resubmit``) puts it back to pending and
drops any verification: a nurse's signature covers exactly the content she saw (its
SHA-256). Stored beside the accounts (``site.sqlite3`` or the PostgreSQL server); the
rows hold patient data, the logs only dose ids.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, Self, TypeVar

from core.accounts import AccountStore, Action, Signature
from core.accounts.rules import check_two_people
from core.model import Model
from core.storage import ConnectionOwner, Row, migrate
from core.storage.schema import Index, Schema, Seed, Table, ident, integer, text

log = logging.getLogger(__name__)
T = TypeVar("T")

#: "recorded": a worksheet was made from the dose; it is never recorded again.
State = Literal["pending", "verified", "recorded"]
#: Largest form accepted in the queue (a real one is a few KB).
MAX_CONTENT_CHARS = 200_000


class QueueError(Exception):
    """A refused queue operation; the message is for the user (no patient data)."""


class QueuedDose(Model):
    """One dose in the queue, as read (changing it means ``resubmit``)."""

    id: int
    state: State
    patient_name: str
    mrn: str
    code: str
    content: dict[str, Any]
    content_sha256: str
    prepared: Signature
    verified: Signature | None
    revision: int


# One entry per schema version; never edit an entry once released, append one.
QUEUE = Schema(
    "queue",
    (
        (
            Table(
                "queue_doses",
                (
                    ident(),
                    text("state"),
                    text("patient_name"),
                    text("mrn"),
                    text("code"),
                    text("content_json"),
                    text("content_sha256"),
                    text("prepared_json"),
                    text("verified_json", null=True),
                    integer("revision"),
                ),
            ),
            Index("queue_doses_state", "queue_doses", ("state",)),
            # One counter for the whole queue: a window compares it to decide to reload.
            Table(
                "queue_revision",
                (integer("singleton", primary_key=True), integer("revision", null=True)),
            ),
            Seed("queue_revision", (("singleton", 1), ("revision", 0))),
        ),
    ),
)


def _canonical(content: Mapping[str, object]) -> str:
    try:
        text = json.dumps(
            content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError):
        raise QueueError("the dose is not plain JSON data") from None
    if len(text) > MAX_CONTENT_CHARS:
        raise QueueError(f"the dose is larger than {MAX_CONTENT_CHARS} characters")
    return text


_COLUMNS = (
    "id, state, patient_name, mrn, code, content_json, content_sha256, prepared_json,"
    " verified_json, revision"
)


def _dose(row: Row) -> QueuedDose:
    return QueuedDose(
        id=int(row[0]),
        state=row[1],
        patient_name=row[2],
        mrn=row[3],
        code=row[4],
        content=json.loads(row[5]),
        content_sha256=row[6],
        prepared=Signature.model_validate_json(row[7]),
        verified=Signature.model_validate_json(row[8]) if row[8] else None,
        revision=int(row[9]),
    )


def _check_id(dose_id: int) -> None:
    if not 0 < dose_id < 2**63:  # beyond any database integer: no such dose
        raise QueueError(f"there is no dose {dose_id} in the queue")


class VerificationQueue(ConnectionOwner):
    def __init__(self, accounts: AccountStore) -> None:
        self.accounts = accounts
        self._conn = accounts._conn  # the same database as the accounts

    @classmethod
    def open(cls, data_dir: Path | str, url: str | None = None, **kwargs: Any) -> Self:
        accounts = AccountStore.open(data_dir, url, **kwargs)
        try:
            migrate(accounts._conn, QUEUE)
        except BaseException:
            accounts.close()
            raise
        return cls(accounts)

    def close(self) -> None:  # the queue shares the accounts' connection
        self.accounts.close()

    # ---- reading (cheap enough to poll)

    def revision(self) -> int:
        """Changes anywhere in the queue so far; poll it and reload when it moves."""
        return int(self._conn.one("SELECT revision FROM queue_revision")[0])

    def pending(self) -> list[QueuedDose]:
        """The doses waiting for verification, oldest first."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM queue_doses WHERE state = 'pending' ORDER BY id"
        ).fetchall()
        return [_dose(row) for row in rows]

    def get(self, dose_id: int) -> QueuedDose:
        _check_id(dose_id)
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM queue_doses WHERE id = ?", (dose_id,)
        ).fetchone()
        if row is None:
            raise QueueError(f"there is no dose {dose_id} in the queue")
        return _dose(row)

    # ---- writing

    def submit(
        self,
        content: Mapping[str, object],
        *,
        patient_name: str,
        mrn: str,
        code: str,
        prepared_by: str,
        pin: str,
    ) -> int:
        """Sign as preparer and put the dose in the queue, pending; its id."""
        text = _canonical(content)
        signature = self.accounts.sign(prepared_by, pin, Action.PREPARE)
        sha = hashlib.sha256(text.encode()).hexdigest()

        def work() -> int:
            revision = self._bump()
            row = self._conn.one(
                "INSERT INTO queue_doses (state, patient_name, mrn, code, content_json,"
                " content_sha256, prepared_json, verified_json, revision)"
                " VALUES ('pending', ?, ?, ?, ?, ?, ?, NULL, ?) RETURNING id",
                (patient_name, mrn, code, text, sha, signature.model_dump_json(), revision),
            )
            return int(row[0])

        dose_id = self._write(work)
        log.info("dose %d submitted for verification", dose_id)
        return dose_id

    def resubmit(
        self, dose_id: int, content: Mapping[str, object], *, prepared_by: str, pin: str
    ) -> QueuedDose:
        """The technician changed the dose: store the new content; if it differs from
        what was submitted, the dose is pending again and any verification is gone."""
        text = _canonical(content)
        signature = self.accounts.sign(prepared_by, pin, Action.PREPARE)
        sha = hashlib.sha256(text.encode()).hexdigest()

        def work() -> None:
            current = self._locked(dose_id)
            if current.content_sha256 == sha:
                return
            self._conn.execute(
                "UPDATE queue_doses SET state = 'pending', content_json = ?, content_sha256 = ?,"
                " prepared_json = ?, verified_json = NULL, revision = ? WHERE id = ?",
                (text, sha, signature.model_dump_json(), self._bump(), dose_id),
            )
            log.info("dose %d changed: pending again", dose_id)

        self._write(work)
        return self.get(dose_id)

    def sign(self, dose_id: int, verified_by: str, pin: str, *, seen: str) -> QueuedDose:
        """The verifier signs the dose she opened. ``seen`` is the ``content_sha256`` she
        looked at: if the dose changed since, nothing is signed (open it again)."""
        signature = self.accounts.sign(verified_by, pin, Action.VERIFY)

        def work() -> None:
            current = self._locked(dose_id)
            if current.content_sha256 != seen:
                raise QueueError(f"dose {dose_id} was changed after you opened it; open it again")
            check_two_people(current.prepared, signature)
            if current.state == "verified":
                raise QueueError(f"dose {dose_id} is already verified")
            self._conn.execute(
                "UPDATE queue_doses SET state = 'verified', verified_json = ?, revision = ?"
                " WHERE id = ?",
                (signature.model_dump_json(), self._bump(), dose_id),
            )

        self._write(work)
        log.info("dose %d verified", dose_id)
        return self.get(dose_id)

    def signatures(self, dose_id: int) -> dict[str, Signature]:
        """For recording a verified dose: the signatures by documentation field."""
        dose = self.get(dose_id)
        if dose.verified is None:
            raise QueueError(f"dose {dose_id} is not verified yet")
        return {"prepared_by": dose.prepared, "verified_by": dose.verified}

    def claim_for_recording(self, dose_id: int) -> QueuedDose:
        """Take a verified dose to record it, once: in one transaction its state goes from
        verified to recorded, after the two signers are checked again as they are now
        (still enabled, still in a role that may prepare / verify). A second claim of
        the same dose is refused. ``release`` gives it back when recording failed."""
        from core.accounts.models import PERMISSIONS

        def work() -> QueuedDose:
            current = self._locked(dose_id)
            check_recordable(current)
            assert current.verified is not None  # check_recordable refuses it unverified
            for signature, action, did in (
                (current.prepared, Action.PREPARE, "prepared"),
                (current.verified, Action.VERIFY, "verified"),
            ):
                account = self.accounts.by_id(signature.account_id)
                if account is None or not account.active:
                    raise QueueError(
                        f"{signature.name}, who {did} dose {dose_id}, is disabled now; "
                        "submit and verify the dose again"
                    )
                if account.role not in PERMISSIONS[action]:
                    raise QueueError(
                        f"{signature.name}, who {did} dose {dose_id}, may no longer "
                        f"{action.value} ({account.role}); submit and verify the dose again"
                    )
            self._conn.execute(
                "UPDATE queue_doses SET state = 'recorded', revision = ? WHERE id = ?",
                (self._bump(), dose_id),
            )
            return current

        return self._write(work)

    def release(self, dose_id: int) -> None:
        """A claimed dose whose recording failed goes back to verified."""

        def work() -> None:
            self._conn.execute(
                "UPDATE queue_doses SET state = 'verified', revision = ? "
                "WHERE id = ? AND state = 'recorded'",
                (self._bump(), dose_id),
            )

        self._write(work)

    # ---- helpers

    def _locked(self, dose_id: int) -> QueuedDose:
        _check_id(dose_id)
        row = self._conn.lock_rows(
            f"SELECT {_COLUMNS} FROM queue_doses WHERE id = ?", (dose_id,)
        ).fetchone()
        if row is None:
            raise QueueError(f"there is no dose {dose_id} in the queue")
        return _dose(row)

    def _bump(self) -> int:
        row = self._conn.one("UPDATE queue_revision SET revision = revision + 1 RETURNING revision")
        return int(row[0])

    def _write(self, work: Callable[[], T]) -> T:
        with self._conn.writing():
            return work()


def check_recordable(dose: QueuedDose) -> None:
    """A dose is recorded once it is verified, and only once: ``QueueError`` if not."""
    if dose.state == "recorded":
        raise QueueError(f"dose {dose.id} was already recorded; reprint its worksheet from history")
    if dose.state != "verified" or dose.verified is None:
        raise QueueError(f"dose {dose.id} is not verified yet (queue sign)")
