"""Recording a worksheet: the one step the window and the command line share.

The records store reserves the worksheet ID inside its write transaction, the PDF is
built with that ID printed on it, and both are stored together, so a printed worksheet
always has its record and a record always has the exact bytes that were printed. The
worksheet's use of its prior authorization is counted in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from core.calculation_models import CalculationResult
from core.charges.outbox import queue_charges
from core.documentation import Documentation
from core.dose_input import DoseForm
from core.records import WorksheetRecord, format_worksheet_id
from core.storage import Connection
from core.values import to_data

if TYPE_CHECKING:
    from core.accounts.models import Signature
    from core.site import Site
    from core.verification_queue import QueuedDose

#: Builds the PDF for a reserved worksheet ID (and the ID number it replaces, if any).
BuildPdf = Callable[[str, int | None], bytes]


def record_worksheet(
    site: Site,
    dose: DoseForm,
    documentation: Documentation,
    result: CalculationResult,
    build: BuildPdf,
    *,
    extra_inputs: Mapping[str, object] | None = None,
    signatures: Mapping[str, Signature] | None = None,
) -> tuple[WorksheetRecord, bytes]:
    """Record one worksheet and return the record with the PDF bytes it stores; its
    charge messages are queued in the outbox in the same transaction (``core.charges``).

    ``extra_inputs`` are kept beside the calculation inputs (the window keeps its form
    fields there, so a correction reopens the form exactly as it was). Raises the
    store's ``RecordStoreError`` or ``OSError``; nothing is recorded then.

    ``signatures`` (by documentation field: ``prepared_by``, ``verified_by``,
    ``waste_witness``) are the PIN signatures: their account IDs, names, roles and
    signing times are stored in the documentation JSON under ``"signatures"``, which the
    hash chain covers. Records without it (earlier ones, typed names) are "typed, not
    signed".

    The worksheet counts against its prior authorization (and ends the count of the
    worksheet it corrects) in the recording's transaction: both are stored, or neither.
    Raises ``InputError`` when the authorizations cannot be read; nothing is recorded.
    """
    from core.authorizations import AuthorizationStore, use_counter

    require_signatures(site, documentation, signatures or {})
    made: list[bytes] = []

    def render(worksheet_id: str, replaces: int | None) -> bytes:
        made.append(build(worksheet_id, replaces))
        return made[-1]

    administered_at = documentation.administered_at
    replaces = documentation.replaces

    def also(conn: Connection, record_id: int) -> None:
        """In the recording's transaction: its authorization use and its charges."""
        if count_use is not None:
            count_use(conn, record_id)
        queue_charges(conn, record_id, replaces=replaces)

    with site.open_records() as store:
        count_use = use_counter(
            AuthorizationStore.beside(store),
            result,
            number=documentation.prior_authorization,
            replaces=format_worksheet_id(replaces) if replaces is not None else None,
        )
        record = store.add(
            code=result.code,
            mrn=documentation.mrn,
            patient_name=documentation.patient_name,
            administered_at=administered_at.isoformat() if administered_at else None,
            prepared_by=documentation.prepared_by,
            verified_by=documentation.verified_by,
            inputs={"dose": to_data(dose), **(extra_inputs or {})},
            result=to_data(result),
            documentation=signed_documentation(documentation, signatures or {}),
            render=render,
            replaces=replaces,
            also=also,
        )
    return record, made[-1]


#: Setting that turns off, for a site with accounts, the refusal of typed names.
REQUIRE_SIGNATURES_VAR = "UNITCALC_REQUIRE_SIGNATURES"
#: Every name on the worksheet: the two who answer for the dose and the waste witness.
_SIGNED_FIELDS = ("prepared_by", "verified_by", "waste_witness")


def require_signatures(
    site: Site, documentation: Documentation, signatures: Mapping[str, Signature]
) -> None:
    """On a site with accounts (unless ``UNITCALC_REQUIRE_SIGNATURES=0``), every name on
    the worksheet is signed with a PIN: a typed name is refused ("typed, not signed" was
    recorded as if it were a signature). A site without accounts records typed names."""
    from core.accounts.managing import in_use
    from core.documentation import FIELD_WORDS
    from core.errors import InputError

    typed = [
        field
        for field in _SIGNED_FIELDS
        if getattr(documentation, field, "").strip() and field not in signatures
    ]
    setting = site.settings.get(REQUIRE_SIGNATURES_VAR, "").strip().lower()
    if not typed or setting in ("0", "no", "off", "false") or not in_use(site):
        return
    raise InputError(
        FIELD_WORDS[typed[0]],
        "this site has accounts, so names are signed with a PIN (--pins-stdin, or Sign in "
        "the window); a typed name is not recorded",
    )


def signed_documentation(
    documentation: Documentation, signatures: Mapping[str, Signature]
) -> dict[str, Any]:
    """The documentation as stored: its fields, and the signatures when there are any
    (a typed-name record stays exactly as before)."""
    stored: dict[str, Any] = documentation.model_dump(mode="json")
    if signatures:
        stored["signatures"] = {
            field: signature.model_dump(mode="json") for field, signature in signatures.items()
        }
    return stored


def signature_state(documentation: Mapping[str, object], field: str) -> str:
    """How a recorded name was given: "signed" (with a PIN) or "typed, not signed"."""
    signatures = documentation.get("signatures")
    return "signed" if isinstance(signatures, dict) and field in signatures else "typed, not signed"


@contextmanager
def claimed_for_recording(site: Site, dose_id: int) -> Iterator[QueuedDose]:
    """Record a queued dose once, whoever records it (the window or ``worksheet
    --from-queue``): the dose is claimed (its signers checked again as they are now)
    before the body records it, and given back if recording fails. A dose already
    recorded is refused with ``QueueError``."""
    with site.open_queue() as queue:
        dose = queue.claim_for_recording(dose_id)
    try:
        yield dose
    except BaseException:
        with site.open_queue() as queue:
            queue.release(dose_id)
        raise
