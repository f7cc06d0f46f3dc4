"""The dose session: one dose from typing to record, without Qt."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from core.documentation import Documentation, VialRecord
from core.dose_input import DoseForm
from core.drafts import fields_from_record, load_draft, save_draft
from core.records import RecordStore
from core.session import DoseSession, SessionError
from tests.shipped import shipped_session
from tests.sites import site_at

DATA = Path(__file__).parent / "data"
NOON = datetime(2026, 11, 29, 12, 0)
DOSE = DoseForm(vial_size="10", dose_ordered="12 mL", administered="12 mL")


def complete_documentation(**changes: object) -> Documentation:
    doc = Documentation(
        patient_name="Zoë O'Brien",
        mrn="00123456",
        date_of_birth=date(1961, 4, 2),
        administered_at=datetime(2026, 11, 29, 9, 30),
        diagnosis="D80.1",
        vials=(VialRecord(size_ml="10", lot="L1", expiry=date(2027, 1, 31)),) * 2,
        waste_reason="single-dose vial remainder",
        waste_witness="R. Alvarez",
        prepared_by="J. Kim",
        verified_by="M. Osei",
    )
    return doc.replace(**changes)


def ready_session() -> DoseSession:
    session = shipped_session(clock=lambda: NOON)
    session.set_dose(DOSE)
    session.set_documentation(complete_documentation())
    return session


def test_the_twelve_ml_example_is_calculated_as_typed() -> None:
    session = shipped_session()
    session.set_dose(DOSE)
    assert session.result is not None
    assert (session.result.units_administered, session.result.units_wasted) == (3, 1)
    assert session.opened_vial_sizes() == ["10", "10"]


def test_each_bad_field_is_named_and_the_result_is_not_stale() -> None:
    session = shipped_session()
    session.set_dose(DOSE)
    session.set_dose(DOSE.replace(dose_ordered="twelve"))
    assert session.result is None
    assert set(session.errors) == {"dose_ordered"}


def test_a_half_typed_ndc_keeps_the_result_and_blocks_printing() -> None:
    session = ready_session()
    session.set_dose(DOSE.replace(ndc="0944-28"))
    assert session.result is not None
    assert "ndc" in session.errors
    blockers = session.blockers()
    assert [(b.id, b.field) for b in blockers] == [
        ("unreadable", "ndc"),
        ("not-verified", "verification"),
    ]
    assert blockers[0].message.startswith("NDC:")


def test_verification_is_undone_when_the_dose_changes() -> None:
    session = ready_session()
    assert session.verify() == NOON
    assert session.blockers() == []
    session.set_dose(DOSE.replace(administered="11 mL"))
    assert session.verified_at is None
    assert session.undone_because == "the dose changed"
    assert "not-verified" in [b.id for b in session.blockers()]


def test_verification_is_undone_when_the_people_change() -> None:
    session = ready_session()
    session.verify()
    session.set_documentation(complete_documentation(verified_by="A. Other"))
    assert session.verified_at is None
    assert session.undone_because == "who prepared or verified changed"


def test_documentation_edits_that_are_not_names_keep_the_verification() -> None:
    session = ready_session()
    session.verify()
    session.set_documentation(complete_documentation(notes="tolerated well"))
    assert session.verified_at == NOON


@pytest.mark.parametrize(
    ("prepared", "verified", "problem"),
    [
        ("", "M. Osei", "Prepared by is empty"),
        ("J. Kim", "", "Verified by is empty"),
        ("J. Kim", " j.  KIM ", "different"),
    ],
)
def test_one_person_cannot_verify_alone(prepared: str, verified: str, problem: str) -> None:
    session = ready_session()
    session.set_documentation(complete_documentation(prepared_by=prepared, verified_by=verified))
    with pytest.raises(SessionError, match=problem):
        session.verify()


def test_an_uncalculated_dose_cannot_be_verified_or_recorded(tmp_path: Path) -> None:
    session = shipped_session()
    session.set_documentation(complete_documentation())
    with pytest.raises(SessionError, match="calculated"):
        session.verify()
    with pytest.raises(SessionError, match="not ready"):
        session.record(site_at(tmp_path), lambda worksheet_id, replaces: b"%PDF")
    assert [b.message for b in session.blockers()] == ["the dose is not calculated"]


def test_recording_twice_without_a_change_is_one_record(tmp_path: Path) -> None:
    session = ready_session()
    session.verify()
    built: list[str] = []

    def build(worksheet_id: str, replaces: int | None) -> bytes:
        built.append(worksheet_id)
        return b"%PDF-" + worksheet_id.encode()

    assert session.record(site_at(tmp_path), build) == ("W-000001", b"%PDF-W-000001")
    assert session.record(site_at(tmp_path), build) == ("W-000001", b"%PDF-W-000001")
    assert built == ["W-000001"]
    session.set_documentation(complete_documentation(notes="second"))
    assert session.record(site_at(tmp_path), build)[0] == "W-000002"


def test_a_correction_replaces_the_recorded_worksheet(tmp_path: Path) -> None:
    session = ready_session()
    session.verify()
    session.record(
        site_at(tmp_path), lambda wid, replaces: b"%PDF-1", extra_inputs={"form": {"mrn": "1"}}
    )
    with RecordStore.open(tmp_path) as store:
        first = store.get(1)
    correcting = ready_session()
    assert correcting.start_correction(first) == {"mrn": "1"}
    correcting.verify()
    correcting.set_documentation(complete_documentation(notes="corrected"))
    assert correcting.worksheet_documentation().replaces == 1
    correcting.record(site_at(tmp_path), lambda wid, replaces: b"%PDF-1")
    with RecordStore.open(tmp_path) as store:
        assert store.get(1).replaced_by == 2


def test_a_version_1_draft_still_loads_under_core_names(tmp_path: Path) -> None:
    shutil.copy(DATA / "draft-v1.json", tmp_path / "draft.json")
    fields = load_draft(tmp_path)
    assert fields is not None
    assert fields["patient_name"] == "Nguyễn Thị Zoë"
    assert fields["date_of_birth"] == "1961-04-02"
    assert fields["waste_witness"] == "R. Alvarez, RN"
    assert fields["vial_type"] == "auto"
    assert "patientName" not in fields
    assert "container_type" not in fields


def test_a_version_2_draft_keeps_its_vial_type(tmp_path: Path) -> None:
    # Versions 1 and 2 called the vial type "container_type" (a draft saved then).
    shutil.copy(DATA / "draft-v2.json", tmp_path / "draft.json")
    fields = load_draft(tmp_path)
    assert fields is not None
    assert fields["vial_type"] == "multi"
    assert "container_type" not in fields


def test_a_draft_is_saved_with_its_schema_version(tmp_path: Path) -> None:
    save_draft(tmp_path, {"patient_name": "Zoë"})
    saved = json.loads((tmp_path / "draft.json").read_text(encoding="utf-8"))
    assert saved["schema_version"] == 3
    assert saved["format"] == 3
    assert load_draft(tmp_path) == {"patient_name": "Zoë"}


def test_recorded_forms_of_every_version_reopen_for_a_correction() -> None:
    old = json.loads((DATA / "draft-v1.json").read_text(encoding="utf-8"))["fields"]
    assert fields_from_record({"form": old})["patient_name"] == "Nguyễn Thị Zoë"
    assert fields_from_record({"form": old})["vial_type"] == "auto"
    v2 = {"schema_version": 2, "fields": {"patient_name": "Zoë", "container_type": "multi"}}
    assert fields_from_record({"form": v2}) == {"patient_name": "Zoë", "vial_type": "multi"}
    new = {"schema_version": 3, "fields": {"patient_name": "Zoë", "vial_type": "single"}}
    assert fields_from_record({"form": new}) == {"patient_name": "Zoë", "vial_type": "single"}
    assert fields_from_record({"dose": {"vial_size": "10", "multi_dose": None}}) == {
        "vial_size": "10"
    }
