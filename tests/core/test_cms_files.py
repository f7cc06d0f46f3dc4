"""Reading and validating the CMS files in every published layout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cms.files import TextFile, decode, read_texts
from core.cms.parse import Kind, parse_file
from core.cms.quarters import parse_quarter, quarter_in_text
from core.errors import InputError
from tests.cms_samples import (
    CROSSWALK_ROWS,
    Q4_2025,
    crosswalk_csv,
    pricing_csv,
    write,
    write_zip,
)


def _text(data: bytes, name: str = "file.csv") -> TextFile:
    return TextFile(name, decode(data, name))


def test_pricing_file_found_by_header_after_preamble_with_latin1_text() -> None:
    parsed = parse_file(_text(pricing_csv()))
    assert parsed.kind is Kind.PRICING
    assert parsed.quarter.label == "2026Q1"
    by_code = {row.code: row for row in parsed.pricing}
    # A quoted description holding a comma stays one field; limits are exact.
    assert by_code["J1459"].description == "Inj ivig privigen, 500 mg"
    assert by_code["J1459"].payment_limit == Decimal("41.234")
    assert by_code["J1410"].dosage == "25 MG"
    # A blank limit means none, not zero.
    assert by_code["J9999"].payment_limit is None
    # The footnote after the table is listed, not silently dropped.
    assert [reason for _, reason in parsed.unusable] == [
        "a note, not data: 'Footnote: limits subject to change'"
    ]


@pytest.mark.parametrize("code_column", ["_2026_CODE", "_2025_CODE", "HCPCS Code", "HCPCS_CODE"])
@pytest.mark.parametrize("ndc_column", ["NDC2", "NDC"])
def test_crosswalk_every_column_name_variant(code_column: str, ndc_column: str) -> None:
    parsed = parse_file(_text(crosswalk_csv(code_column=code_column, ndc_column=ndc_column)))
    assert parsed.kind is Kind.CROSSWALK
    first = parsed.crosswalk[0]
    assert (first.code, first.ndc11) == ("J1459", "44206043690")
    assert first.labeler == "CSL Behring, LLC"
    assert first.drug_name == "Privigen\u00ae"
    assert first.billing_units_per_package == Decimal(20)
    assert len(parsed.crosswalk) == len(CROSSWALK_ROWS)


def test_non_breaking_spaces_and_cp1252_symbols_are_read() -> None:
    data = crosswalk_csv(
        rows=(
            ("J1569", "00944-2700-02", "Gammagard\u00a0liquid,Takeda\u2122,GG,500 MG,10,1,0.2,2"),
        )
    )
    row = parse_file(_text(data)).crosswalk[0]
    assert row.description == "Gammagard liquid"
    assert row.labeler == "Takeda\u2122"


def test_quarter_from_preamble_or_option_and_they_must_agree() -> None:
    assert quarter_in_text(Q4_2025) == parse_quarter("2025Q4")
    no_quarter = _text(pricing_csv(effective=None))
    with pytest.raises(InputError, match="--quarter 2026Q1"):
        parse_file(no_quarter)
    assert parse_file(no_quarter, parse_quarter("2026Q2")).quarter.start == date(2026, 4, 1)
    with pytest.raises(InputError, match="preamble says 2026Q1"):
        parse_file(_text(pricing_csv()), parse_quarter("2025Q4"))


def test_an_invalid_value_refuses_the_file_naming_file_and_row() -> None:
    data = pricing_csv(rows=("J1459,IVIG,500 MG,41.234", "J1569,GG,500 MG,12.5x"))
    with pytest.raises(InputError) as caught:
        parse_file(_text(data, "asp.csv"))
    # Rows count from the file's first row: 8 preamble rows, the header on 9.
    assert str(caught.value).startswith("asp.csv: row 11: payment limit '12.5x'")
    assert "nothing was imported" in str(caught.value)


def test_invalid_ndc_and_conflicting_duplicate_are_errors() -> None:
    rows = (
        ("J1569", "0944-2700-2", "GG,Takeda,GG,500 MG,10,1,0.2,2"),
        ("J1569", "00944-2700-03", "GG,Takeda,GG,500 MG,25,1,0.2,5"),
        ("J1569", "00944-2700-03", "GG,Takeda,GG,500 MG,25,1,0.2,6"),
    )
    with pytest.raises(InputError) as caught:
        parse_file(_text(crosswalk_csv(rows=rows), "xw.csv"))
    message = str(caught.value)
    assert "row 10: NDC '0944-2700-2'" in message
    assert "row 12: NDC 00944270003 under J1569 is also on row 11" in message


def test_rows_without_a_key_are_counted_and_listed() -> None:
    rows = (
        CROSSWALK_ROWS[0],
        ("J1459", "", "no ndc,Lab,Drug,500 MG,1,1,1,1"),
        CROSSWALK_ROWS[0],
    )
    parsed = parse_file(_text(crosswalk_csv(rows=rows)))
    assert len(parsed.crosswalk) == 1
    assert parsed.unusable == [(11, "no NDC"), (12, "repeats row 10")]


def test_a_file_without_a_cms_header_is_refused() -> None:
    with pytest.raises(InputError, match="no header row"):
        parse_file(_text(b"a,b,c\r\n1,2,3\r\n"))


def test_bad_quoting_names_the_row() -> None:
    data = pricing_csv(rows=('J1459,"IVIG,500 MG,41', "J1569,GG,500 MG,12"))
    with pytest.raises(InputError, match="row"):
        parse_file(_text(data))


def test_zip_members_are_read_and_other_members_ignored(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "asp.zip", {"asp.csv": pricing_csv(), "xw.csv": crosswalk_csv()})
    names = [text.name for text in read_texts(path)]
    assert names == ["asp.zip:asp.csv", "asp.zip:xw.csv"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04garbage", "not a valid ZIP"),
        (b"\x00\x01\x02binary", "not a CSV"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_texts(write(tmp_path / "bad.csv", data))


def test_a_huge_field_is_refused_not_read_on() -> None:
    data = pricing_csv(rows=("J1459," + "x" * 5000 + ",500 MG,1",))
    with pytest.raises(InputError, match="longer than"):
        parse_file(_text(data))


def test_utf8_files_are_read_as_utf8() -> None:
    assert decode("Privigen\u00ae".encode()) == "Privigen\u00ae"
    assert decode("Privigen\u00ae".encode("cp1252")) == "Privigen\u00ae"
    assert decode(b"\x81") == "\x81"


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.cms.parse.MAX_ROWS", 12)
    with pytest.raises(InputError, match="more than 12 rows"):
        parse_file(_text(pricing_csv()))


def test_an_oversized_zip_member_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_zip(tmp_path / "big.zip", {"asp.csv": pricing_csv() * 20})
    monkeypatch.setattr("core.cms.files.MAX_FILE_BYTES", 2000)
    with pytest.raises(InputError, match=r"big.zip:asp.csv: is larger than"):
        read_texts(path)


@settings(max_examples=150, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=400),
        st.text(alphabet=',"\r\n0123456789-J .\x00\x1b\u00a0\u00e9', max_size=300).map(str.encode),
    )
)
def test_any_bytes_after_the_header_are_read_or_refused_by_name(body: bytes) -> None:
    data = crosswalk_csv(rows=()) + body
    try:
        parsed = parse_file(_text(data, "fuzz.csv"))
    except InputError as error:
        assert str(error).startswith("fuzz.csv: ")
        return
    # Whatever was read is valid: 11-digit NDCs, codes in the HCPCS form.
    assert all(len(row.ndc11) == 11 and row.ndc11.isdigit() for row in parsed.crosswalk)
    assert all(len(row.code) == 5 for row in parsed.crosswalk)


def _overlapping_zip(path: Path, data: bytes, copies: int) -> Path:
    """One deflated CSV listed ``copies`` times in the central directory, every entry
    pointing at the same bytes: the attack's ZIP (184 KB that expands to 2 GB)."""
    import io
    import struct
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("asp.csv", data)
    raw = buffer.getvalue()
    end = raw.rindex(b"PK\x05\x06")
    (directory_size, directory_start) = struct.unpack("<II", raw[end + 12 : end + 20])
    entry = raw[directory_start : directory_start + directory_size]
    directory = entry * copies
    record = raw[end : end + 22]
    record = (
        record[:8]
        + struct.pack("<HHII", copies, copies, len(directory), directory_start)
        + record[20:]
    )
    return write(path, raw[:directory_start] + directory + record)


def test_a_zip_of_overlapping_members_is_refused_before_any_is_read(tmp_path: Path) -> None:
    path = _overlapping_zip(tmp_path / "bomb.zip", pricing_csv(), copies=40)
    with pytest.raises(InputError, match=r"bomb\.zip:asp\.csv: overlaps another member"):
        read_texts(path)


def test_a_zip_listing_too_many_members_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = {f"m{n}.csv": pricing_csv() for n in range(6)}
    path = write_zip(tmp_path / "many.zip", members)
    monkeypatch.setattr("core.cms.files.MAX_MEMBERS", 5)
    with pytest.raises(InputError, match=r"many.zip: lists 7 members"):
        read_texts(path)


def test_a_zip_whose_members_together_are_too_big_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_zip(tmp_path / "sum.zip", {"a.csv": pricing_csv(), "b.csv": pricing_csv()})
    monkeypatch.setattr("core.cms.files.MAX_TOTAL_BYTES", len(pricing_csv()) + 10)
    opened: list[str] = []
    monkeypatch.setattr("zipfile.ZipFile.open", lambda *a, **k: opened.append("x"))
    with pytest.raises(InputError, match=r"sum.zip: holds more than"):
        read_texts(path)
    assert opened == []


def test_a_member_expanding_like_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = pricing_csv() + b"," * (3 * 1024 * 1024)
    path = write_zip(tmp_path / "ratio.zip", {"asp.csv": bomb})
    with pytest.raises(InputError, match=r"ratio.zip:asp.csv: expands more than 100 times"):
        read_texts(path)


def test_refused_files_keep_no_rows_alive() -> None:
    """Each refused file's error is kept for the report; its parsed rows must not be."""
    import gc

    from core.cms.importer import _bare
    from core.cms.parse import PricingRow

    rows = tuple(f"J{n:04d},Drug {n},1 MG,1.5,,,,,," for n in range(1000, 3000))
    refused: list[InputError] = []
    for _ in range(3):
        try:
            parse_file(_text(pricing_csv(rows=(*rows, "XX,Not a code,1 MG,1"))))
        except InputError as error:
            refused.append(_bare(error))
    gc.collect()
    alive = sum(1 for o in gc.get_objects() if isinstance(o, PricingRow))
    assert alive < 2000, "a refused file's rows are still in memory"
    assert all(e.__traceback__ is None and "XX" in e.message for e in refused)


def test_a_file_of_many_bad_rows_keeps_three_messages_and_a_count() -> None:
    rows = tuple(f"QQ{n},Drug,1 MG,1.5,,,,,," for n in range(5000))
    with pytest.raises(InputError, match=r"\(and 4997 more\)") as raised:
        parse_file(_text(pricing_csv(rows=rows)))
    assert raised.value.message.count("row ") == 3


def test_a_utf8_file_with_one_cp1252_byte_is_refused_naming_the_byte() -> None:
    good = "Privigen\u00ae".encode()
    data = b"a,b\r\n" + good + b",\xae\r\n"
    with pytest.raises(InputError, match=r"xw.csv: byte 17 \(line 2\) is 0xAE"):
        decode(data, "xw.csv")
    # A file all in cp1252 is still read as cp1252, a file all in UTF-8 as UTF-8.
    assert decode("Privigen\u00ae,\u00e9".encode("cp1252")) == "Privigen\u00ae,\u00e9"
    assert decode(good + b"," + good) == "Privigen\u00ae,Privigen\u00ae"


def test_quoted_multi_line_fields_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack: a 100 MB record of quoted multi-line fields took 1.4 GB."""
    monkeypatch.setattr("core.cms.files.MAX_RECORD_CHARS", 5000)
    field = '"' + "x\r\n" * 200 + '"'
    data = pricing_csv(rows=("J1459," + ",".join([field] * 20) + ",500 MG,1",))
    with pytest.raises(InputError, match="a record is longer than 5,000 characters"):
        parse_file(_text(data))
