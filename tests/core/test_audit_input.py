"""Reading real exports: mappings, encodings, delimiters, bad rows, unsorted lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.audit import preview
from core.audit import run as run_module
from core.audit.reader import MAX_LINE_BYTES
from core.audit.template import FIELDS, load_mapping, parse_map_option
from core.errors import InputError
from tests.core.audit_fakes import line, write_csv
from tests.shipped import audit_file

#: How one EHR names the template's columns.
EHR_HEADERS = {
    "administration_id": "Encounter #",
    "service_date": "DOS",
    "payer": "Financial Class",
    "setting": "Place",
    "hcpcs": "Proc Code",
    "modifiers": "Mods",
    "billed_units": "Units Billed",
    "ndc": "NDC",
    "product": "Drug",
    "concentration": "Strength",
    "vial_size": "Vial Size",
    "vials_opened": "Vials",
    "multi_dose": "MDV",
    "administered": "Dose Given",
}

ROWS = [
    line("Zoé-1", 3),  # JW missing
    line("Zoé-2", 3),
    line("Zoé-2", 1, "JW"),
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "utf-8-sig"])
def test_encodings_and_delimiters(tmp_path: Path, delimiter: str, encoding: str) -> None:
    path = write_csv(tmp_path / "x.csv", ROWS, delimiter, encoding)
    report = audit_file(path)
    assert (report.rows, report.administrations, report.skipped) == (3, 2, 0)
    assert [(f.reason, f.administration_id) for f in report.findings] == [("missing-jw", "Zoé-1")]


def test_a_real_looking_export_through_a_mapping(tmp_path: Path) -> None:
    rows = [dict(r, service_date="07/14/2026", modifiers=r["modifiers"]) for r in ROWS]
    path = write_csv(tmp_path / "ehr.csv", rows, ";", "latin-1", header=EHR_HEADERS)
    with pytest.raises(InputError, match="no column for administration_id"):
        audit_file(path)
    report = audit_file(path, EHR_HEADERS)
    assert [(f.reason, f.administration_id) for f in report.findings] == [("missing-jw", "Zoé-1")]
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(json.dumps(EHR_HEADERS))
    assert load_mapping(mapping_file) == EHR_HEADERS


def test_mapping_problems_name_the_field(tmp_path: Path) -> None:
    assert parse_map_option('hcpcs="Proc Code"'.replace('"', "")) == ("hcpcs", "Proc Code")
    with pytest.raises(InputError, match="not a template field"):
        parse_map_option("proc=Proc Code")
    with pytest.raises(InputError, match="FIELD="):
        parse_map_option("hcpcs")
    bad = tmp_path / "m.json"
    bad.write_bytes(b"[1, 2]")
    with pytest.raises(InputError, match="JSON object"):
        load_mapping(bad)
    bad.write_bytes(b"\xff\xfe{")
    with pytest.raises(InputError, match="not valid UTF-8 JSON"):
        load_mapping(bad)
    path = write_csv(tmp_path / "x.csv", ROWS)
    with pytest.raises(InputError, match="no column 'Nope'"):
        audit_file(path, {"hcpcs": "Nope"})


def test_header_is_required(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="header row is required"):
        audit_file(empty)
    headless = tmp_path / "headless.csv"
    headless.write_text("A-1,2026-07-14,medicare,outpatient,J1410,,3\n")
    with pytest.raises(InputError, match="no column for"):
        audit_file(headless)


def test_utf16_is_named_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "excel.txt"
    path.write_bytes(write_csv(tmp_path / "x.csv", ROWS, "\t").read_text().encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        audit_file(path)


def _with_bad_rows(tmp_path: Path) -> Path:
    path = write_csv(tmp_path / "bad.csv", [line("G-1", 3), line("G-1", 1, "JW")])
    good = path.read_text()
    header, first, second = good.splitlines()
    bad_lines = [
        "B-1,2026-13-45,medicare,outpatient,J1410,,3,,,10%,10 mL,2,no,12 mL",  # row 3
        "B-2,2026-07-14,medicare,outpatient,J1410,,three,,,10%,10 mL,2,no,12 mL",  # row 4
        "B-3,2026-07-14,medicare,outpatient,J1410",  # row 5: cut short
        ",2026-07-14,medicare,outpatient,J1410,,3,,,10%,10 mL,2,no,12 mL",  # row 6
        "B-5,2026-07-14,medicare,outpatient,J1410,,3,,,10%,10 mL,1,no,12 mL",  # row 7: overfill
        "B-6,2026-07-14,medicare,outpatient,XYZ,,3,,,10%,10 mL,2,no,12 mL",  # row 8
        "B-7,2026-07-14,medicare,outpatient,J1410,ZZZ,3,,,10%,10 mL,2,no,12 mL",  # row 9
        "B-8,2026-07-14,medicare,outpatient,J1410,,3,,,10%,10 mL,2,no," + "9" * 300,  # row 10
        "B-9,2026-07-14,medicare,outpatient,J1410,,3,,,nan,10 mL,2,no,12 mL",  # row 11
    ]
    data = "\n".join([header, first, *bad_lines]).encode()
    data += b"\nB-10," + b"x" * (MAX_LINE_BYTES + 10) + b"\n"  # row 13, after row 12
    data += b"B-11,2026-07-14,medicare,outpatient,J1410,\x00,3,,,10%,10 mL,2,no,12 mL\n"
    data += (second + "\n").encode()
    path.write_bytes(data)
    return path


def test_bad_rows_are_reported_with_row_and_reason_and_never_stop_the_audit(
    tmp_path: Path,
) -> None:
    report = audit_file(_with_bad_rows(tmp_path))
    reasons = {s.row: s.reason for s in report.skipped_rows}
    assert "service_date" in reasons[3]
    assert "administration_id: is empty" in reasons[6]
    assert "more than the 10 mL labeled" in reasons[7]
    assert "hcpcs: 'XYZ'" in reasons[8]
    assert "concentration" in reasons[11]
    assert "longer than 1 MB" in reasons[12]
    assert report.skipped == 6
    # A line of a known administration that cannot be read: the administration is
    # incomplete, reported whole with the line and why.
    incomplete = {i.administration_id: i.reason for i in report.incomplete_administrations}
    assert incomplete == {
        "B-2": "row 4: billed_units: 'three' is not a whole number of units",
        "B-3": "row 5: has 5 columns; the header maps 14 (a short or cut row)",
        "B-7": "row 9: modifiers: 'ZZZ' is not a two-character modifier such as JW",
        "B-8": "row 10: administered: longer than 200 characters",
        "B-11": "row 13: modifiers: '\x00' is not a two-character modifier such as JW",
    }
    assert report.incomplete == 5
    # G-1's two lines straddle the bad rows and are still one clean administration.
    assert report.administrations == 1
    assert report.findings == []


def test_lines_that_disagree_skip_their_administration(tmp_path: Path) -> None:
    rows = [line("D-1", 3), line("D-1", 1, "JW", administered="14 mL")]
    report = audit_file(write_csv(tmp_path / "d.csv", rows))
    assert report.administrations == 0
    assert [s.row for s in report.skipped_rows] == [2, 3]
    assert "administered: differs" in report.skipped_rows[0].reason


def test_unsorted_lines_group_within_the_window(tmp_path: Path) -> None:
    rows = [line("U-1", 3), line("U-2", 3), line("U-3", 3), line("U-1", 1, "JW")]
    report = audit_file(write_csv(tmp_path / "u.csv", rows))
    assert sorted(f.administration_id for f in report.findings) == ["U-2", "U-3"]


def test_lines_far_apart_are_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_module, "OPEN_WINDOW", 2)
    rows = [line("F-1", 3), line("F-2", 3), line("F-3", 3), line("F-4", 3), line("F-1", 1, "JW")]
    report = audit_file(write_csv(tmp_path / "f.csv", rows))
    assert report.skipped == 0
    assert sorted(f.administration_id for f in report.findings) == ["F-2", "F-3", "F-4"]


def test_an_administration_with_too_many_lines_is_cut_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_module, "MAX_LINES", 3)
    rows = [line("L-1", 1) for _ in range(5)]
    report = audit_file(write_csv(tmp_path / "l.csv", rows))
    assert [(s.row, "more than 3 lines" in s.reason) for s in report.skipped_rows] == [
        (5, True),
        (6, True),
    ]
    assert report.counts == {"missing-jw": 1}  # 3 dose lines of 1 unit: 3 units, no JW


def test_preview_gives_header_and_first_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", ROWS * 5, ";", "latin-1")
    header, rows = preview(path, 4)
    assert header == list(FIELDS)
    assert len(rows) == 4
    assert rows[0][0] == "Zoé-1"


def test_cr_only_line_endings_are_refused_plainly(tmp_path: Path) -> None:
    """The attack: a file with CR-only line endings gave "unexpected error"."""
    lf = write_csv(tmp_path / "x.csv", ROWS, ",").read_bytes()
    path = tmp_path / "mac.csv"
    path.write_bytes(lf.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    with pytest.raises(InputError, match="CR-only line endings"):
        audit_file(path)


def test_a_record_of_quoted_lines_past_the_limit_is_one_bad_row_read_past_in_bounded_memory(
    tmp_path: Path,
) -> None:
    """The attack (issue 23, item 8): a 100 MB record of quoted multi-line fields took
    1.4 GB. Now the record is skipped at 1 MB without being kept, reading goes on after
    its closing quote (doubled quotes inside count), and later rows keep their numbers."""
    import tracemalloc

    path = write_csv(tmp_path / "big.csv", [line("G-1", 3), line("G-1", 1, "JW")])
    header, first, second = path.read_text().splitlines()
    field = '"' + ("y" * 999 + "\n") * 100 + 'say ""y"""'  # about 100 KB over 101 lines
    record = "Q-1," + ",".join([field] * 200)  # about 20 MB, rows 3 to 20,003
    data = "\n".join([header, first, record, second, line_text("G-2", 3)]) + "\n"
    path.write_text(data)
    small = write_csv(tmp_path / "small.csv", [line("S-1", 3)])
    peaks = []
    for each in (small, path):  # the small file: the audit's fixed memory (its filters)
        tracemalloc.start()
        try:
            report = audit_file(each)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] - peaks[0] < 4_000_000, peaks  # the record alone is 20 MB
    assert [(s.row, s.reason) for s in report.skipped_rows] == [(3, "is longer than 1 MB")]
    assert report.administrations == 2  # G-1 straddles the record, G-2 follows it
    (finding,) = report.findings
    assert finding.administration_id == "G-2" and finding.rows == (20_005,)


def line_text(administration_id: str, units: int) -> str:
    row = line(administration_id, units)
    return ",".join(row[field] for field in FIELDS)


@pytest.mark.parametrize(
    "tail",
    [
        'end"\n',  # the quote closes and the line ends the record
        'say ""no"" end",x,y\n',  # doubled quotes inside, then plain fields
        'end",x,"opens again\nand closes",z\n',  # a second quoted field spanning a line
        'end"junk, 5" vial,ok\n',  # after a field: a quote is only text
    ],
)
def test_reading_goes_on_at_the_right_line_after_a_record_that_is_too_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: str
) -> None:
    from core.audit import reader

    monkeypatch.setattr(reader, "MAX_RECORD_BYTES", 100)
    long_record = 'L-1,"' + "x" * 60 + "\n" + "y" * 60 + "\n" + tail
    path = tmp_path / "f.csv"
    path.write_text("id,a,b\nA-1,1,2\n" + long_record + "A-2,3,4\n")
    file, source = reader.open_source(path)
    with file:
        records = list(source.records())
    with open(path, "rb") as again:
        ids = list(reader.CsvSource(again, 0).ids(0))
    row_of_a2 = 2 + long_record.count("\n") + 1
    assert records == [
        (2, ["A-1", "1", "2"], ""),
        (3, [], "is longer than 1 MB"),
        (row_of_a2, ["A-2", "3", "4"], ""),
    ]
    assert ids[0] == "A-1" and ids[-1] == "A-2" and len(ids) == 3
