"""The DFT^P03 of a recorded worksheet: its segments, the record's claim lines, HL7
escaping of typed text, and validation by hl7apy against 2.5.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.charges.facts import charge_facts
from core.charges.hl7 import dft_p03
from core.errors import InputError
from core.records import WorksheetRecord
from tests.core.charges_cases import hl7_fields, hl7_unescape, record_example


def parse_strict(message: str) -> object:
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message

    parsed = parse_message(message, validation_level=VALIDATION_LEVEL.STRICT)
    parsed.validate()
    return parsed


def test_the_12_ml_example_as_a_dft(tmp_path: Path) -> None:
    record = record_example(tmp_path)
    message = dft_p03(charge_facts(record))
    parse_strict(message)
    segments = [s.split("|", 1)[0] for s in message.split("\r")]
    assert segments == ["MSH", "EVN", "PID", "PV1", "FT1", "FT1", "DG1"]
    msh = hl7_fields(message, "MSH")
    assert msh[9] == "DFT^P03^DFT_P03"
    assert msh[10] == "W-000001-CG"
    assert msh[12] == "2.5.1"
    pid = hl7_fields(message, "PID")
    assert pid[3] == "00123456^^^^MR"
    assert pid[5] == "Nguyễn Thị Zoë"
    assert pid[7] == "19610402"
    assert hl7_fields(message, "PV1")[2] == "O"
    given_line, waste_line = hl7_fields(message, "FT1", 0), hl7_fields(message, "FT1", 1)
    # The record's own lines: 3 units administered, 1 unit JW.
    assert (given_line[6], given_line[7].split("^")[0], given_line[10]) == ("CG", "J1410", "3")
    assert given_line[4] == "20250301143000"  # the administration, not the recording
    assert given_line[26] == ""
    assert (waste_line[10], waste_line[26]) == ("1", "JW^^HCPCS")
    assert given_line[29] == "00002759701^^NDC"
    assert given_line[20] == "^M. Osei, PharmD"
    assert given_line[24] == "^J. Kim, PharmD"
    assert given_line[19] == "D80.1^^I10"
    assert hl7_fields(message, "DG1")[3] == "D80.1^^I10"


def test_lines_come_from_the_record_not_recomputed(tmp_path: Path) -> None:
    record = record_example(tmp_path)
    # A record whose lines differ from what the rules would give today is charged as recorded.
    lines = [{**record.result["claim_lines"][0], "units": 7, "modifiers": ["JZ", "JB"]}]
    changed = record.replace(result={**record.result, "claim_lines": lines})
    message = dft_p03(charge_facts(changed))
    ft1 = hl7_fields(message, "FT1")
    assert ft1[10] == "7"
    assert ft1[26] == "JZ^^HCPCS~JB^^HCPCS"
    assert message.count("\rFT1|") == 1


def test_a_credit_is_type_cd_with_its_own_control_id(tmp_path: Path) -> None:
    message = dft_p03(charge_facts(record_example(tmp_path)), "CD")
    assert hl7_fields(message, "MSH")[10] == "W-000001-CD"
    assert {hl7_fields(message, "FT1", n)[6] for n in (0, 1)} == {"CD"}


def test_the_same_record_gives_the_same_bytes(tmp_path: Path) -> None:
    record = record_example(tmp_path)
    assert dft_p03(charge_facts(record)) == dft_p03(charge_facts(record))


HOSTILE = "Doe|Jane^Q~X\\Y&Z \\F\\ tab\there\rnext\nline\x01\x7f"


def test_separators_escapes_and_control_characters_in_typed_text(tmp_path: Path) -> None:
    record = record_example(
        tmp_path, patient_name=HOSTILE, mrn="12|34^5", verified_by="Ann \\E\\ & Co|"
    )
    message = dft_p03(charge_facts(record))
    parse_strict(message)
    assert len(message.split("\r")) == 7  # no typed carriage return split a segment
    pid = hl7_fields(message, "PID")
    assert hl7_unescape(pid[5]) == HOSTILE
    assert hl7_unescape(pid[3].split("^")[0]) == "12|34^5"
    performer = hl7_fields(message, "FT1")[20]
    assert hl7_unescape(performer.split("^")[1]) == "Ann \\E\\ & Co|"


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(
    lambda s: s.strip()
)


@pytest.fixture(scope="module")
def example_record(tmp_path_factory: pytest.TempPathFactory) -> WorksheetRecord:
    return record_example(tmp_path_factory.mktemp("records"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=_TEXT)
def test_any_name_reads_back_as_typed(example_record: WorksheetRecord, name: str) -> None:
    documentation = {**example_record.documentation, "patient_name": name}
    message = dft_p03(charge_facts(example_record.replace(documentation=documentation)))
    assert hl7_unescape(hl7_fields(message, "PID")[5]) == name


def test_a_record_without_an_administration_time_names_the_field(tmp_path: Path) -> None:
    record = record_example(tmp_path)
    undated = record.replace(documentation={**record.documentation, "administered_at": None})
    with pytest.raises(InputError, match="administered_at"):
        charge_facts(undated)
