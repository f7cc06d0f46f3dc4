"""What keeps a dose from the chart, said on the command line: `worksheet --dry-run`
(plain lines, or ``--json``) and `queue submit|show` print the session's blockers
(``core.blockers``) the same way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from core.terminal import printable
from core.values import to_data

if TYPE_CHECKING:
    from core.blockers import Blocker
    from core.session import DoseSession

#: ``--dry-run``'s exit status when something keeps the dose from the chart.
BLOCKED = 3


def print_blockers(blockers: Sequence[Blocker]) -> None:
    """One line each: ``- patient name is empty [required: patient_name]``."""
    if not blockers:
        print("Ready for the chart: nothing blocks it.")
        return
    print(f"Not ready for the chart; {len(blockers)} to do:")
    for blocker in blockers:
        stops = " (stops verification)" if blocker.step == "verify" else ""
        print(printable(f"- {blocker.message} [{blocker.id}: {blocker.field}]{stops}"))


def dry_run(session: DoseSession, now: datetime, *, as_json: bool) -> int:
    """The blockers (with ``as_json``: and the checks and claim lines), nothing written or
    recorded: exit 0 when nothing blocks, ``BLOCKED`` when something does."""
    from core.cli import print_json

    claim = session.claim()
    assert claim is not None  # a dose that is not calculated was refused before
    blockers = session.blockers(now)
    if as_json:
        print_json(
            {
                "blockers": [b.model_dump(mode="json") for b in blockers],
                "checks": [
                    {**c.model_dump(mode="json", exclude={"blockers"}), "title": c.title}
                    for c in claim.checks
                ],
                "claim_lines": [to_data(line) for line in claim.result.claim_lines],
            }
        )
    else:
        print_blockers(blockers)
    return BLOCKED if blockers else 0
