"""The worksheet PDF read back: every field, the arithmetic, the claim lines, escaping,
determinism, page count, expired vials, the QR code."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.calculation_models import CalculationResult
from core.documentation import Documentation, VialRecord
from core.dose_input import DoseForm
from core.worksheet import build_worksheet
from core.worksheet.content import format_worksheet_id
from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_result
from tests.core.blocker_cases import blocker_messages, blockers_of
from tests.shipped import evaluate

ROOT = Path(__file__).resolve().parents[2]


def build(
    doc: Documentation = DOCUMENTATION,
    result: CalculationResult | None = None,
    **kwargs: object,
) -> bytes:
    options: dict[str, object] = {"worksheet_id": "W-000042", "printed_at": PRINTED_AT}
    options.update(kwargs)
    return build_worksheet(result or example_result(), doc, **options)  # type: ignore[arg-type]


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Whitespace collapsed: layout may break a value over lines or cells."""
    return " ".join(text.split())


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def example_text() -> str:
    return flat(text_of(build()))


def test_example_is_complete_enough_for_the_chart() -> None:
    assert blocker_messages(DOCUMENTATION, example_result()) == []


@pytest.mark.parametrize(
    "expected",
    [
        # header
        "Riverside Infusion Center",
        "Drug Administration and Waste Worksheet",
        "Worksheet W-000042",
        "Printed 2025-03-01 15:02",
        # patient
        "Nguyễn Thị Zoë",
        "00123456",
        "1961-04-02",
        "2025-03-01 14:30",
        "IV",
        "D80.1",
        "PA-2025-77812",
        # order and product
        "J1410 — Immune globulin, per 5 mL (not verified CMS data)",
        "Not CMS data",
        "00002759701",
        "0002-7597-01",
        "Dose ordered 12 mL",
        # vials
        "LX2231A",
        "2026-01-31",
        "single-dose",
        "2 × 10 mL = 20 mL opened",
        # calculation
        "12 mL",
        "3 units",
        "8 mL",
        "1 unit",
        "Units administered: 12 mL / 5 mL = 2.4 -> 3 units (rounded up)",
        "Labeled amount opened: 20 mL / 5 mL = 4 units (rounded down)",
        "Waste: 20 mL - 12 mL = 8 mL",
        "Waste units (JW): 4 units labeled - 3 units administered = 1 unit",
        # claim lines
        "J1410 none 3 units N400002759701ML12",
        "J1410-JW JW 1 unit N400002759701ML8",
        # waste
        "8 mL; 1 unit billed with JW",
        "Single-dose vials; the remainder cannot be kept",
        "R. Alvarez, RN",
        "disposed of per facility policy",
        # warnings and sign-off
        "No warnings were shown.",
        "J. Kim, PharmD",
        "2025-03-01 14:05",
        "M. Osei, PharmD",
        "2025-03-01 14:12",
        "signature",
        # footer
        "page 1 of 1",
    ],
)
def test_every_field_prints(example_text: str, expected: str) -> None:
    assert expected in example_text


def test_numbers_follow_ismp(example_text: str) -> None:
    assert not re.search(r"\d\.0\b", example_text)  # no trailing zero
    assert not re.search(r"(?<![\d])\.\d", example_text)  # no naked decimal point
    assert " cc" not in example_text
    assert not re.search(r"\d (U|IU)\b", example_text)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_12_ml_example_fits_on_one_page(paper: str) -> None:
    assert pages(build(paper=paper)) == 1


def test_paper_sizes() -> None:
    a4 = PdfReader(io.BytesIO(build(paper="a4"))).pages[0].mediabox
    letter = PdfReader(io.BytesIO(build(paper="letter"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_same_input_same_bytes() -> None:
    first, second = build(), build()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()


def test_same_bytes_in_a_fresh_process() -> None:
    """Nothing from the process (clock, ids, registration order) leaks into the bytes."""
    code = (
        "import hashlib, sys\n"
        "from core.worksheet import build_worksheet\n"
        "from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_result\n"
        "pdf = build_worksheet(example_result(), DOCUMENTATION, worksheet_id='W-000042',"
        " printed_at=PRINTED_AT)\n"
        "print(hashlib.sha256(pdf).hexdigest())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == hashlib.sha256(build()).hexdigest()


def test_printed_time_comes_from_the_argument() -> None:
    other = build(printed_at=datetime(2030, 12, 24, 8, 5))
    assert "Printed 2030-12-24 08:05" in flat(text_of(other))
    assert other != build()


@pytest.mark.parametrize(
    "name",
    [
        'O\'Brien <Jr> & "Co"',
        "<b>not bold</b> &amp; </para>",
        "Nguyễn Thị Zoë",
        "Иван Петров",
        "Αλέξανδρος Παπαδόπουλος",
        "Վարդան Մամիկոնյան",
        "ნინო ბერიძე",
    ],
)
def test_names_come_back_exactly_as_typed(name: str) -> None:
    doc = DOCUMENTATION.replace(patient_name=name, prepared_by=name, waste_witness=name)
    text = flat(text_of(build(doc)))
    assert text.count(name) >= 4  # patient, footer, waste witness, sign-off
    assert "font cannot print" not in text


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("王小明", "has characters the worksheet font cannot print (U+738B U+5C0F U+660E)"),
        ("דוד כהן", "has right-to-left text"),
        ("محمد علي", "has right-to-left text"),
    ],
)
def test_scripts_the_font_cannot_print_faithfully_are_named(name: str, problem: str) -> None:
    doc = DOCUMENTATION.replace(patient_name=name)
    text = flat(text_of(build(doc)))
    assert f"Patient name {problem}" in text
    # No glyph: printed as code points rather than empty boxes or nothing.
    if "U+" in problem:
        assert "[U+738B][U+5C0F][U+660E]" in text
    else:
        # The letters are all there; their order on paper is what the notice warns about.
        assert set(name) - {" "} <= set(text)


def test_user_text_cannot_inject_markup() -> None:
    doc = DOCUMENTATION.replace(notes='Rash <font color="red">x</font>\nsecond line & more')
    text = text_of(build(doc))
    assert '<font color="red">x</font>' in text
    assert "second line & more" in text


def test_expired_vial_is_flagged() -> None:
    doc = DOCUMENTATION.replace(
        vials=(
            VialRecord(size_ml="10", lot="GOOD1", expiry=date(2026, 1, 31)),
            VialRecord(size_ml="10", lot="OLD22", expiry=date(2025, 2, 28)),
        )
    )
    text = flat(text_of(build(doc)))
    assert "EXPIRED before use on 2025-03-01" in text
    assert "Vial 2 (lot OLD22) expired on 2025-02-28, before the administration date" in text
    assert text.count("EXPIRED") == 1  # the good vial is not flagged
    assert "in date" in text


def test_vial_used_on_its_expiry_day_is_not_expired() -> None:
    doc = DOCUMENTATION.replace(
        vials=(VialRecord(size_ml="10", lot="L1", expiry=date(2025, 3, 1)),) * 2
    )
    assert "EXPIRED" not in text_of(build(doc))


def test_replaces_names_the_corrected_worksheet() -> None:
    text = flat(text_of(build(replaces=41)))
    assert "Replaces worksheet W-000041" in text
    from_doc = flat(text_of(build(DOCUMENTATION.replace(replaces=7))))
    assert "Replaces worksheet W-000007" in from_doc
    assert "Replaces" not in flat(text_of(build()))


def test_worksheet_id_format_matches_the_records_store() -> None:
    records = pytest.importorskip("core.records")
    for n in (1, 42, 999_999, 1_234_567):
        assert format_worksheet_id(n) == records.format_worksheet_id(n)


def test_draft_is_watermarked_and_lists_what_is_missing() -> None:
    doc = DOCUMENTATION.replace(verified_by="", verified_at=None)
    blockers = blockers_of(doc, example_result())
    text = flat(text_of(build(doc, draft=True, blockers=blockers)))
    assert text.count("DRAFT — not for the chart") >= 2  # header, footer, watermark
    assert "Not ready for the chart: verified by is empty;" in text
    assert "the dose has not been verified" in text
    assert "DRAFT" not in text_of(build())


def test_warnings_and_override_reason_print() -> None:
    result = evaluate(DoseForm(vial_size="10", dose_ordered="12", administered="10"))
    doc = DOCUMENTATION.replace(difference_reason="Infusion stopped: patient reported chills")
    text = flat(text_of(build(doc, result)))
    assert "Administered 10 mL is 2 mL less than the 12 mL ordered." in text
    assert "Infusion stopped: patient reported chills" in text
    assert "Reason for difference / override" in text


def test_no_waste_prints_jz_and_no_disposal_line() -> None:
    result = evaluate(DoseForm(vial_size="10", dose_ordered="20", administered="20"))
    text = flat(text_of(build(DOCUMENTATION, result)))
    assert "J1410-JZ JZ 4 units N400002759701ML20" not in text  # no NDC in this form
    assert "J1410-JZ JZ 4 units" in text
    assert "Nothing was discarded" in text
    assert "disposed of" not in text
    assert "JZ: no billable amount was discarded." in text


def test_mass_code_shows_the_conversion() -> None:
    result = evaluate(
        DoseForm(
            code="J1459",
            product="Privigen 10%",
            dose_ordered="0.4 g/kg",
            weight="70",
            administered="280",
            ndc="44206-0436-90",
        )
    )
    text = flat(text_of(build(DOCUMENTATION, result)))
    assert "Dose ordered: 0.4 g/kg × 70 kg = 28 g" in text
    assert "J1459-JW JW 4 units" in text
    assert "10% (100 mg/mL)" in text
    assert result.units_administered == 56
    assert Decimal(result.waste_ml) == Decimal(20)


def test_long_case_runs_over_pages_with_numbered_footers() -> None:
    doc = DOCUMENTATION.replace(notes="Observation. " * 600)
    pdf = build(doc)
    n = pages(pdf)
    assert n >= 2
    text = flat(text_of(pdf))
    for page in range(1, n + 1):
        assert f"page {page} of {n}" in text


def test_qr_code_holds_the_worksheet_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.worksheet import page

    made: list[str] = []
    original = page.qr_widget

    def spy(value: str):  # type: ignore[no-untyped-def]
        widget = original(value)
        made.append(widget.value)
        return widget

    monkeypatch.setattr(page, "qr_widget", spy)
    pdf = build(DOCUMENTATION.replace(notes="Observation. " * 600), worksheet_id="W-000777")
    assert made == ["W-000777"] * pages(pdf)  # one per page


def test_qr_code_decodes_to_the_worksheet_id(tmp_path: Path) -> None:
    """Decoded from the rendered page when a QR decoder is installed (optional)."""
    zbarimg = shutil.which("zbarimg")
    pdftoppm = shutil.which("pdftoppm")
    if not (zbarimg and pdftoppm):
        pytest.skip("zbarimg or pdftoppm not installed")
    (tmp_path / "w.pdf").write_bytes(build(worksheet_id="W-000123"))
    subprocess.run([pdftoppm, "-png", "-r", "200", tmp_path / "w.pdf", tmp_path / "w"], check=True)
    done = subprocess.run(
        [zbarimg, "--quiet", "--raw", next(tmp_path.glob("w*.png"))],
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == "W-000123"


def test_module_import_does_not_load_reportlab() -> None:
    code = "import sys, core.worksheet; print(any(m.startswith('reportlab') for m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.stdout.strip() == "False", done.stderr


def test_font_is_embedded() -> None:
    reader = PdfReader(io.BytesIO(build()))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    # Only the embedded DejaVu subsets: no font the viewer or printer must supply.
    assert names == {"/AAAAAA+DejaVuSans", "/AAAAAA+DejaVuSans-Bold"}


def test_multi_dose_waste_is_not_called_discarded() -> None:
    result = evaluate(
        DoseForm(vial_size="10", dose_ordered="12", administered="12", multi_dose=True)
    )
    text = flat(text_of(build(DOCUMENTATION, result)))
    assert "Multi-dose vial: the remaining 8 mL stays in the vial" in text
    assert "disposed of" not in text
    assert "multi-dose" in text
    assert "J1410-JW" not in text and "J1410-JZ" not in text
    assert "Multi-dose vial: no JW or JZ modifier; waste is not billed." in text


def test_times_with_a_zone_show_their_offset() -> None:
    from datetime import timedelta, timezone

    zone = timezone(timedelta(hours=-5))
    text = flat(text_of(build(printed_at=datetime(2025, 3, 1, 15, 2, tzinfo=zone))))
    assert "Printed 2025-03-01 15:02 (UTC-05:00)" in text


def test_a_very_long_name_still_lays_out() -> None:
    name = "Maria-Alexandra " * 12  # 191 characters: near the 200 a name field takes
    pdf = build(DOCUMENTATION.replace(patient_name=name.strip()))
    assert "…" in text_of(pdf)  # the footer shortens it; the patient box wraps it in full
    assert flat(name) in flat(text_of(pdf))
