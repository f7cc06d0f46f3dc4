"""On a site with accounts every name on the worksheet is signed (issue 23, item 5):
``core.recording.require_signatures``, asked by the window and the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.accounts import AccountStore, Role, Signature
from core.documentation import Documentation
from core.errors import InputError
from core.recording import require_signatures
from core.site import Site


def _signature(name: str, role: Role) -> Signature:
    return Signature(
        account_id=1, name=name, full_name=name, role=role, signed_at=datetime.now(UTC)
    )


SIGNED = {
    "prepared_by": _signature("jkim", Role.TECHNICIAN),
    "verified_by": _signature("mosei", Role.NURSE),
}
DOC = Documentation(prepared_by="J. Kim", verified_by="M. Osei", waste_witness="R. Alvarez")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    with AccountStore.open(tmp_path) as accounts:
        accounts.add("boss", "admin", "9999")
    return Site(tmp_path)


def test_a_waste_witness_only_typed_is_refused_on_a_site_with_accounts(site: Site) -> None:
    with pytest.raises(InputError) as refused:
        require_signatures(site, DOC, SIGNED)
    assert refused.value.field == "waste witness"
    witness = _signature("ralvarez", Role.TECHNICIAN)
    require_signatures(site, DOC, {**SIGNED, "waste_witness": witness})  # signed: recorded
    require_signatures(site, DOC.replace(waste_witness=""), SIGNED)  # no witness named


def test_a_site_without_accounts_or_with_the_requirement_off_records_typed_names(
    tmp_path: Path,
) -> None:
    require_signatures(Site(tmp_path / "none"), DOC, {})
    with AccountStore.open(tmp_path) as accounts:
        accounts.add("boss", "admin", "9999")
    off = Site(tmp_path, settings={"UNITCALC_REQUIRE_SIGNATURES": "0"})
    require_signatures(off, DOC, SIGNED)
