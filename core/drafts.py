"""Crash-safe autosave of the worksheet form being filled in.

The window calls ``save_draft`` as the user types (debounced), ``load_draft``
at start-up to offer "restore the unsaved worksheet?", and ``clear_draft``
once the worksheet is recorded or the user discards it::

    save_draft(data_dir, {"mrn": "12345", "dose_mg": "350"})
    fields = load_draft(data_dir)        # None: nothing (usable) to restore
    clear_draft(data_dir)

Drafts are versioned (``SCHEMA_VERSION``) and keyed by core field names
(``DoseForm`` and ``Documentation`` fields, plus the unit and vial choices and
``vial_N_lot``/``vial_N_expiry``), never by widget names. ``migrate_fields`` brings
the older shapes forward: version 1 drafts and the form kept in records before
version 2 used the window's widget names for some documentation fields, and versions
1 and 2 called the vial type ``container_type``.

The draft holds patient data, so it is written 0600 inside the 0700 data
directory, and nothing from it is ever logged. Writes are atomic: a crash
leaves either the previous draft or the new one, never a torn file.

A draft may have an owner (``owner=``, an account ID): the form of a person whose
locked window another account opened (``core.idle_lock``), kept as
``draft-account-<ID>.json`` (then ``draft-account-<ID>-<slot>.json`` when they have
more than one; account and slot numbers in the file name, never patient data) and
offered only to that account. The window's own autosaved draft has no owner, but
remembers who was signed in when it was saved (``signed_in=``): after a crash it is
theirs (``core.idle_lock.window_draft``), not whoever starts the window next.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import Field, ValidationError

from core.atomic import write_atomic
from core.model import Model

__all__ = [
    "CHOICE_KEYS",
    "DRAFT_FILENAME",
    "SCHEMA_VERSION",
    "FormInputs",
    "clear_draft",
    "draft_path",
    "fields_from_record",
    "has_input",
    "load_draft",
    "load_window_draft",
    "migrate_fields",
    "owned_slots",
    "save_draft",
]

DRAFT_FILENAME = "draft.json"
SCHEMA_VERSION: Final = 3

#: Version 1 kept some documentation fields under the window's widget names.
_V1_KEYS = {
    "patientName": "patient_name",
    "dateOfBirth": "date_of_birth",
    "administeredAt": "administered_at",
    "priorAuthorization": "prior_authorization",
    "wasteReason": "waste_reason",
    "wasteWitness": "waste_witness",
}
#: Fields that are choices, not typing: a form with only these is an empty form.
CHOICE_KEYS = frozenset(
    {
        "code",
        "product",
        "dose_unit",
        "vial_type",
        "payer",
        "setting",
        "administered_unit",
        "route",
    }
)
#: Renamed in version 3, when "vial" became the one word for what the drug comes in.
_V2_KEYS = {"container_type": "vial_type"}


class FormInputs(Model):
    """The form as typed, keyed by core field names; what drafts and records keep."""

    schema_version: Literal[2, 3] = 3
    fields: dict[str, str] = Field(default_factory=dict)


def has_input(fields: Mapping[str, str]) -> bool:
    """Was anything typed? (Choices alone, a code or a payer, are an empty form.)"""
    return any(value.strip() for key, value in fields.items() if key not in CHOICE_KEYS)


def migrate_fields(fields: Mapping[str, str], version: int) -> dict[str, str]:
    """Fields saved by schema ``version`` under today's names."""
    renames = {**_V1_KEYS, **_V2_KEYS} if version == 1 else _V2_KEYS if version == 2 else {}
    return {renames.get(key, key): value for key, value in fields.items()}


def fields_from_record(inputs: Mapping[str, Any]) -> dict[str, str]:
    """The form fields a recorded worksheet was made from (any version), for a correction.

    Worksheets recorded by the command line have no form: their dose inputs are used.
    """
    form = inputs.get("form")
    if isinstance(form, dict) and "schema_version" in form:
        try:
            stored = FormInputs.model_validate(form)
        except ValidationError:
            return {}
        return migrate_fields(stored.fields, stored.schema_version)
    if isinstance(form, dict):  # version 1: a flat mapping of widget or field names
        return migrate_fields({str(k): str(v) for k, v in form.items()}, 1)
    dose = inputs.get("dose", {})
    if not isinstance(dose, dict):
        return {}
    return {str(k): v for k, v in dose.items() if isinstance(v, str)}


log = logging.getLogger(__name__)


def draft_path(data_dir: Path, owner: int | None = None, slot: int = 0) -> Path:
    """The window's draft, or a draft set aside for account ``owner`` (its ``slot``)."""
    if owner is None:
        return Path(data_dir) / DRAFT_FILENAME
    for number in (owner, slot):
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise TypeError("a draft's owner is an account ID, its slot a whole number")
    suffix = f"-{slot}" if slot else ""
    return Path(data_dir) / f"draft-account-{owner}{suffix}.json"


def owned_slots(data_dir: Path, owner: int) -> list[int]:
    """The slots of the drafts set aside for ``owner``, oldest first."""
    prefix = draft_path(data_dir, owner).stem  # draft-account-<ID>
    slots = []
    for path in Path(data_dir).glob(f"{prefix}*.json"):
        rest = path.stem[len(prefix) :]
        if rest == "":
            slots.append(0)
        elif rest.startswith("-") and rest[1:].isdigit() and rest[1:].isascii():
            slots.append(int(rest[1:]))
    return sorted(slots)


def save_draft(
    data_dir: Path,
    fields: dict[str, str],
    owner: int | None = None,
    slot: int = 0,
    *,
    signed_in: int | None = None,
) -> None:
    """Atomically replace the draft (of ``owner``, its ``slot``) with ``fields``
    (field name -> text); ``signed_in``: the account signed in at the window."""
    for key, value in fields.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError("draft fields must map str to str")
    payload = {
        "format": SCHEMA_VERSION,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **FormInputs(fields=fields).model_dump(mode="json"),
    }
    if signed_in is not None:
        payload["signed_in"] = signed_in
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    write_atomic(draft_path(data_dir, owner, slot), data)
    log.debug("draft saved (%d fields)", len(fields))


def load_draft(data_dir: Path, owner: int | None = None, slot: int = 0) -> dict[str, str] | None:
    """Return the saved fields, or None if there is no draft or it is unreadable.

    A corrupt draft (bad JSON, wrong shape, not UTF-8, unknown format) must not
    crash the app at start-up. It is renamed aside to
    ``draft.corrupt-<UTC timestamp>.json`` rather than deleted, because it may
    be the only copy of what the user typed and support may recover it by hand.
    """
    path = draft_path(data_dir, owner, slot)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    fields = _parse(raw)
    if fields is None:
        _set_aside(path)
    return fields


def load_window_draft(data_dir: Path) -> tuple[dict[str, str] | None, int | None]:
    """The window's draft (``load_draft``) and the account signed in when it was saved
    (``None``: nobody, or a draft from before accounts were remembered)."""
    fields = load_draft(data_dir)
    if fields is None:
        return None, None
    try:
        signed_in = json.loads(draft_path(data_dir).read_bytes()).get("signed_in")
    except (OSError, ValueError):
        return fields, None
    valid = isinstance(signed_in, int) and not isinstance(signed_in, bool) and signed_in >= 0
    return fields, signed_in if valid else None


def clear_draft(data_dir: Path, owner: int | None = None, slot: int = 0) -> None:
    """Remove the draft (of ``owner``, its ``slot``); no error if there is none."""
    draft_path(data_dir, owner, slot).unlink(missing_ok=True)


def _parse(raw: bytes) -> dict[str, str] | None:
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("format") not in (1, 2, SCHEMA_VERSION):
        return None
    fields = payload.get("fields")
    if not isinstance(fields, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
        return None
    return migrate_fields(fields, payload["format"])


def _set_aside(path: Path) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.stem}.corrupt-{stamp}.json")
    try:
        os.replace(path, aside)
    except OSError:
        log.exception("corrupt draft could not be set aside")
        return
    log.warning("corrupt draft set aside as %s", aside.name)
