"""The audit on real exports (issue 22): facts compared as values, per-line NDCs and
vials, unreadable lines, mass vials, numbers as written, modifiers in any order, lines
far apart, several files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.audit import late as late_module
from core.audit import run as run_module
from core.audit.findings import Finding
from core.audit.numbers import Unreadable, read_amount
from tests.core.audit_fakes import FakePricing, line, write_csv
from tests.shipped import audit_file, audit_files

PRIVIGEN = {
    "hcpcs": "J1459",
    "product": "Privigen",
    "concentration": "",
    "vial_size": "",
    "vials_opened": "",
    "multi_dose": "",
    "administered": "280 mL",
}


class PrivigenCrosswalk:
    """Both Privigen NDCs bill under J1459."""

    def codes_for_ndc(self, ndc11: str, service_date: object) -> frozenset[str] | None:
        return frozenset({"J1459"}) if ndc11.startswith("44206") else None

    def has_ndc(self, ndc11: str) -> bool:
        return ndc11.startswith("44206")


def _audit(tmp_path: Path, rows: list[dict[str, str]], **kw: object):  # type: ignore[no-untyped-def]
    return audit_file(write_csv(tmp_path / "export.csv", rows), **kw)  # type: ignore[arg-type]


def _reasons(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.administration_id, f.reason) for f in findings)


def test_two_ndcs_for_two_vial_sizes_in_one_dose(tmp_path: Path) -> None:
    """28 g of Privigen from a 20 g and a 10 g vial, each line with its vial's NDC."""
    rows = [
        line("IG-2", 56, ndc="44206-0437-91", **PRIVIGEN),
        line("IG-2", 4, "JW", ndc="44206-0436-90", **PRIVIGEN),
    ]
    report = _audit(tmp_path, rows, crosswalk=PrivigenCrosswalk())
    assert (report.administrations, report.skipped, report.findings) == (1, 0, [])
    # Each line's NDC is checked on its own: one that bills elsewhere is found.
    rows[1] = dict(rows[1], ndc="0002-7597-01")
    report = _audit(tmp_path, rows, crosswalk=_MixedCrosswalk())
    (finding,) = report.findings
    assert finding.reason == "ndc-code-mismatch"
    assert finding.detail == "NDC 00002759701 bills under J1569, not J1459"


class _MixedCrosswalk(PrivigenCrosswalk):
    def codes_for_ndc(self, ndc11: str, service_date: object) -> frozenset[str] | None:
        if ndc11 == "00002759701":
            return frozenset({"J1569"})
        return super().codes_for_ndc(ndc11, service_date)


def test_different_vial_sizes_on_the_lines_add_up(tmp_path: Path) -> None:
    """A 20 g vial on the dose line and a 10 g vial on the JW line: 30 g opened."""
    sizes = {**PRIVIGEN, "product": "", "concentration": "10%", "administered": "28 g"}
    rows = [
        line("IG-3", 56, vial_size="20 g", vials_opened="1", **_without(sizes, "vial_size")),
        line("IG-3", 4, "JW", vial_size="10 g", vials_opened="1", **_without(sizes, "vial_size")),
    ]
    assert _audit(tmp_path, rows).findings == []
    rows[1] = dict(rows[1], vials_opened="")
    report = _audit(tmp_path, rows)
    assert "vials_opened: needed on each line" in report.skipped_rows[0].reason


def _without(facts: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in facts.items() if k not in names and k != "vials_opened"}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"administered": "12 mL"}, {"administered": "12mL"}),
        ({"payer": ""}, {"payer": "medicare"}),
        ({"payer": "Medicare"}, {"payer": "MEDICARE"}),
        (
            {"administered": "1.2 g", "vial_size": "2 g"},
            {"administered": "1200 mg", "vial_size": "2000 mg"},
        ),
        ({"concentration": "10%"}, {"concentration": "100 mg/mL"}),
        ({"setting": ""}, {"setting": "outpatient"}),
        ({"service_date": "2026-07-14"}, {"service_date": "07/14/2026"}),
        ({"vial_size": "10 mL"}, {"vial_size": "10.0 mL"}),
    ],
)
def test_facts_written_differently_are_the_same_fact(
    tmp_path: Path, first: dict[str, str], second: dict[str, str]
) -> None:
    rows = [line("V-1", 3, **first), line("V-1", 1, "JW", **second)]
    report = _audit(tmp_path, rows)
    assert (report.administrations, report.skipped) == (1, 0)


def test_facts_that_differ_in_value_still_skip(tmp_path: Path) -> None:
    rows = [line("V-2", 3, payer=""), line("V-2", 1, "JW", payer="commercial")]
    report = _audit(tmp_path, rows)
    assert report.administrations == 0
    assert "payer: differs between the lines of administration 'V-2'" in (
        report.skipped_rows[0].reason
    )
    # The field named is the one whose value differs, not the first written differently.
    rows = [line("V-3", 3, payer=""), line("V-3", 1, "JW", payer="medicare", administered="14 mL")]
    reason = _audit(tmp_path, rows).skipped_rows[0].reason
    assert reason.startswith("administered: differs between the lines of administration 'V-3'")


def test_a_line_naming_no_vials_does_not_contradict_the_others(tmp_path: Path) -> None:
    rows = [line("V-4", 3), line("V-4", 1, "JW", vial_size="", vials_opened="")]
    report = _audit(tmp_path, rows)
    assert (report.administrations, report.findings) == (1, [])


@pytest.mark.parametrize("units", ["abc", "", "-4"])
def test_an_unreadable_jw_line_makes_the_administration_incomplete(
    tmp_path: Path, units: str
) -> None:
    """``J1410,,3`` with a JW line that cannot be read is neither audited nor found."""
    rows = [line("J-1", 3), line("J-1", 0, "JW", billed_units=units)]
    report = _audit(tmp_path, rows, pricing=FakePricing())
    assert report.findings == [] and report.recoverable == report.at_risk == Decimal(0)
    assert (report.administrations, report.incomplete) == (0, 1)
    (incomplete,) = report.incomplete_administrations
    assert incomplete.administration_id == "J-1"
    assert incomplete.rows == (2, 3)
    assert incomplete.reason.startswith("row 3: billed_units:")


def test_mass_vial_without_a_concentration(tmp_path: Path) -> None:
    """J1566, a 6 g vial, 4.5 g given: 9 units, 3 JW; no concentration needed."""
    facts = {
        "hcpcs": "J1566",
        "concentration": "",
        "vial_size": "6 g",
        "vials_opened": "1",
        "administered": "4.5 g",
    }
    report = _audit(tmp_path, [line("L-1", 9, **facts), line("L-1", 3, "JW", **facts)])
    assert (report.administrations, report.skipped, report.findings) == (1, 0, [])
    report = _audit(tmp_path, [line("L-2", 9, **facts)])
    assert _reasons(report.findings) == [("L-2", "missing-jw")]


@pytest.mark.parametrize("amount", [".5 mL", "0.50 mL", "5. mL", "12.300000000000001 mL", "5 cc"])
def test_any_unambiguous_number_is_read(tmp_path: Path, amount: str) -> None:
    report = _audit(tmp_path, [line("N-1", 1, administered=amount, vials_opened="")])
    assert report.skipped == 0
    assert report.administrations == 1


def test_numbers_are_read_exactly_and_printed_our_way(tmp_path: Path) -> None:
    # 12.300000000000001 mL is more than 12.3: read as written, never through a float.
    rows = [
        line("N-2", 3, administered="12.300000000000001 mL", vial_size="12.3 mL", vials_opened="1")
    ]
    report = _audit(tmp_path, rows)
    assert (
        "administered: 12.3 mL is more than the 12.3 mL labeled"
        not in report.skipped_rows[0].reason
    )
    assert report.skipped_rows[0].reason.startswith("administered: 12.3")
    rows = [line("N-3", 1, administered=".5 mL", vial_size=".4 mL", vials_opened="1")]
    reason = _audit(tmp_path, rows).skipped_rows[0].reason
    assert reason == (
        "administered: 0.5 mL is more than the 0.4 mL labeled in the vials opened "
        "(overfill is never billed)"
    )


def test_a_decimal_comma_is_refused_not_guessed() -> None:
    with pytest.raises(Unreadable, match="has a comma"):
        read_amount("1,5", "administered")
    assert read_amount("5.", "administered") == read_amount("5 mL", "administered")
    assert read_amount("1.2 g", "administered") == read_amount("1200mg", "administered")


@pytest.mark.parametrize("text", ["1e3 mL", "NaN", "-2 mL", "12 mL mL", "12 L"])
def test_ambiguous_or_foreign_numbers_are_refused_by_name(tmp_path: Path, text: str) -> None:
    report = _audit(tmp_path, [line("N-4", 3, administered=text)])
    assert report.skipped_rows[0].reason.startswith("administered:")


@pytest.mark.parametrize("modifiers", ["JZ-JA", "JA-JZ", "JZ JA", "jz,ja", "JA/JZ", "JZ+JA"])
def test_modifiers_in_any_order_and_separator(tmp_path: Path, modifiers: str) -> None:
    rows = [line("M-1", 2, modifiers, administered="10 mL", vials_opened="1")]
    assert _audit(tmp_path, rows).findings == []


def test_a_jw_line_far_after_its_administration_is_merged(tmp_path: Path) -> None:
    """The JW line comes 1,100 administrations after its dose line (window: 1,024)."""
    rows = [line("FAR", 3)]
    rows += [line(f"X-{n}", 2, "JZ", administered="10 mL", vials_opened="1") for n in range(1100)]
    rows += [line("FAR", 1, "JW")]
    report = _audit(tmp_path, rows, pricing=FakePricing())
    assert (report.administrations, report.skipped, report.findings) == (1101, 0, [])
    # Without the JW line it is the one finding.
    report = _audit(tmp_path, rows[:-1], pricing=FakePricing())
    assert _reasons(report.findings) == [("FAR", "missing-jw")]


def test_any_order_is_audited_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All dose lines, then all JW lines (an export sorted by modifier), through many
    spill buckets: every administration audited whole, the same as sorted."""
    monkeypatch.setattr(run_module, "OPEN_WINDOW", 4)
    monkeypatch.setattr(late_module, "PER_BUCKET", 7)
    count = 60
    dose = [line(f"S-{n}", 3 + (n % 3 == 0)) for n in range(count)]
    waste = [line(f"S-{n}", 1, "JW") for n in range(count) if n % 5]
    report = _audit(tmp_path, dose + waste)
    paired = [
        row
        for pair in zip(dose, [line(f"S-{n}", 1, "JW") for n in range(count)], strict=True)
        for row in pair
    ]
    paired = [
        row for row in paired if row["modifiers"] != "JW" or int(row["administration_id"][2:]) % 5
    ]
    sorted_report = _audit(tmp_path, paired)
    assert report.administrations == sorted_report.administrations == count
    assert report.skipped == 0
    assert _reasons(report.findings) == _reasons(sorted_report.findings)
    assert ("S-5", "missing-jw") in _reasons(report.findings)
    assert ("S-3", "units-over-billed") in _reasons(report.findings)
    assert ("S-1", "missing-jw") not in _reasons(report.findings)


def test_several_files_make_one_report(tmp_path: Path) -> None:
    january = write_csv(tmp_path / "january.csv", [line("A-1", 3), line("A-1", 1, "JW")])
    february = write_csv(
        tmp_path / "february.csv", [line("A-1", 3), line("A-2", 4), line("A-2", 1, "JW")]
    )
    report = audit_files([january, february])
    assert report.source == "january.csv, february.csv"
    assert (report.rows, report.administrations) == (5, 3)
    # IDs belong to their file: February's A-1 is its own administration.
    assert sorted((f.source, f.administration_id, f.reason) for f in report.findings) == [
        ("february.csv", "A-1", "missing-jw"),
        ("february.csv", "A-2", "units-over-billed"),
    ]


def test_not_audited_entries_stream_and_only_the_first_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.audit import report_data

    monkeypatch.setattr(report_data, "KEEP_SKIPPED", 5)
    streamed: list[object] = []
    rows = [line("", 3) for _ in range(40)] + [line("J-2", 0, billed_units="x")]
    report = _audit(tmp_path, rows, on_not_audited=streamed.append)
    assert (report.skipped, report.incomplete, len(report.skipped_rows)) == (40, 1, 5)
    assert len(streamed) == 41


def test_the_bloom_filter_never_forgets() -> None:
    bloom = late_module.Bloom(bits_log2=12)
    names = [f"ENC{n:08d}" for n in range(2_000)]
    for name in names[::2]:
        bloom.add(name)
    assert all(name in bloom for name in names[::2])
    # A small filter answers wrongly sometimes, a large one seldom; never "absent" wrongly.
    large = late_module.Bloom()
    for name in names[::2]:
        large.add(name)
    assert sum(name in large for name in names[1::2]) <= 2


def test_no_room_for_spill_files_is_one_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from core.errors import InputError

    def full(*args: object, **kw: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(run_module, "OPEN_WINDOW", 1)
    monkeypatch.setattr(late_module.tempfile, "TemporaryFile", full)
    rows = [line("A", 3), line("B", 3), line("C", 3), line("A", 1, "JW")]
    with pytest.raises(InputError, match=r"temporary files: .*No space left on device"):
        _audit(tmp_path, rows)
