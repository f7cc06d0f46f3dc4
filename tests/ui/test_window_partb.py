"""The window takes doses per m², with the BSA or the height beside the weight, and
amounts in mcg and units (issue 20)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel

from .window_parts import child, text, type_into


def unit(window, name: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    box = child(window, name)
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(box.findText(choice))


def test_a_dose_per_m2_with_the_bsa(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    type_into(qtbot, window, "concentration", "10%")
    unit(window, "doseUnit", "mg/m2")
    type_into(qtbot, window, "doseOrdered", "375")
    type_into(qtbot, window, "bsa", "1.9")
    type_into(qtbot, window, "vialSize", "10")
    unit(window, "administeredUnit", "mg")
    type_into(qtbot, window, "amountAdministered", "712.5")
    assert text(window, "claimLines").splitlines() == ["J1410-JZ x 2 units"]
    assert "Dose ordered: 375 mg/m² × 1.9 m² = 712.5 mg" in window.result().steps


def test_the_height_asks_for_the_weight_beside_the_field(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    type_into(qtbot, window, "concentration", "10%")
    unit(window, "doseUnit", "mg/m2")
    type_into(qtbot, window, "doseOrdered", "375")
    type_into(qtbot, window, "height", "170")
    type_into(qtbot, window, "vialSize", "10")
    type_into(qtbot, window, "amountAdministered", "7")
    assert window.result() is None
    assert window.session.errors["weight"] == (
        "is needed with the height for the body surface area"
    )
    type_into(qtbot, window, "weight", "70")
    assert window.result() is not None
    assert window.result().steps[0].startswith("Body surface area (Mosteller): √(170 cm × 70 kg")


def test_the_code_picker_searches_every_imported_code(
    qtbot, open_window, isolated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests import partb_samples
    from tests.cli_run import run_main
    from tests.cms_samples import Q4_2025, pricing_csv, write

    asp = write(tmp_path / "asp.csv", pricing_csv(Q4_2025, rows=partb_samples.PRICING_ROWS))
    assert run_main("cms", "import", asp, "--data-dir", isolated).returncode == 0
    window = open_window()
    box = child(window, "code")
    assert isinstance(box, QComboBox)
    assert box.findData("J9271") < 0  # not loaded before the picker is used
    box.setFocus()
    qtbot.waitUntil(lambda: box.findData("J9271") >= 0)
    assert box.itemText(box.findData("J9271")) == "J9271 · Inj pembrolizumab · per 1 MG · 2025Q4"
    assert box.itemText(box.findData("J7999")).endswith("· per EA · 2025Q4 · not an amount")
    assert box.itemText(box.findData("J1410")).startswith("J1410 (per 5 mL)")  # the catalog's
    completer = box.completer()
    completer.setCompletionPrefix("pembro")
    assert completer.completionCount() == 1
    box.setCurrentIndex(box.findData("J9271"))
    type_into(qtbot, window, "vialSize", "100 mg")
    unit(window, "doseUnit", "mg")
    type_into(qtbot, window, "doseOrdered", "200")
    unit(window, "administeredUnit", "mg")
    type_into(qtbot, window, "amountAdministered", "200")
    assert text(window, "claimLines").splitlines() == ["J9271-JZ x 200 units"]


def test_a_scanned_ndc_fills_the_code_and_the_sizes(qtbot, open_window, isolated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests import partb_samples
    from tests.cli_run import run_main
    from tests.cms_samples import Q4_2025, crosswalk_csv, pricing_csv, write
    from tests.ui.test_scan_field import scan

    files = [
        write(tmp_path / "asp.csv", pricing_csv(Q4_2025, rows=partb_samples.PRICING_ROWS)),
        write(tmp_path / "xw.csv", crosswalk_csv(Q4_2025, rows=partb_samples.CROSSWALK_ROWS)),
    ]
    assert run_main("cms", "import", *files, "--data-dir", isolated).returncode == 0
    window = open_window()
    unit(window, "doseUnit", "mg")
    type_into(qtbot, window, "doseOrdered", "200")
    unit(window, "administeredUnit", "mg")
    type_into(qtbot, window, "amountAdministered", "200")
    child(window, "ndc").setText("0006-3026-02")  # settles the 11-digit form
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    scan(qtbot, window, "SN1", ndc10="0006302602")
    qtbot.waitUntil(lambda: text(window, "vialLot1") == "LX2231A")  # the crosswalk answered
    assert (
        "NDC 0006-3026-02 bills J9271 (CMS crosswalk): Keytruda (Merck Sharp & Dohme LLC), "
        "100 mg single-dose vial; vial sizes 100 mg."
    ) in text(window, "vialScanStatus")
    dose = window.dose
    assert dose.code.currentData() == "J9271"
    assert dose.product.currentText() == (
        "Keytruda (Merck Sharp & Dohme LLC), NDC 0006-3026-02 (CMS crosswalk)"
    )
    assert dose.vial_size.currentText() == "100 mg"
    assert dose.vial_type.currentText() == "Single-dose"
    assert text(window, "claimLines").splitlines() == ["J9271-JZ x 200 units"]
    assert window.result().vials_opened == 2
    assert text(window, "vialLot1") == "LX2231A"
    assert child(window, "vialLot1").parent() is not None
    captions = [
        label.text() for label in window.findChildren(QLabel) if label.text().startswith("Vial 2 (")
    ]
    assert captions == ["Vial 2 (100 mg)"]


def _imported(tmp_path, isolated, crosswalk: bool = False) -> None:  # type: ignore[no-untyped-def]
    from tests import partb_samples
    from tests.cli_run import run_main
    from tests.cms_samples import Q4_2025, crosswalk_csv, pricing_csv, write

    files = [write(tmp_path / "asp.csv", pricing_csv(Q4_2025, rows=partb_samples.PRICING_ROWS))]
    if crosswalk:
        rows = partb_samples.CROSSWALK_ROWS
        files.append(write(tmp_path / "xw.csv", crosswalk_csv(Q4_2025, rows=rows)))
    assert run_main("cms", "import", *files, "--data-dir", isolated).returncode == 0


def test_the_imported_codes_are_read_off_the_gui_thread(
    qtbot, open_window, isolated, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import threading

    from core.cms.codes import FileCodes

    _imported(tmp_path, isolated)
    threads: list[threading.Thread] = []
    listing = FileCodes.listing

    def recording(self):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return listing(self)

    monkeypatch.setattr(FileCodes, "listing", recording)
    window = open_window()
    box = child(window, "code")
    box.setFocus()
    qtbot.waitUntil(lambda: box.findData("J9271") >= 0)
    assert threads and threading.main_thread() not in threads


def test_enter_on_a_code_typed_exactly_picks_it(
    qtbot, qtlog, open_window, isolated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    _imported(tmp_path, isolated)
    window = open_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    box = child(window, "code")
    assert isinstance(box, QComboBox)
    box.setFocus()
    edit = box.lineEdit()
    edit.selectAll()
    with qtlog.disabled():  # the offscreen platform cannot raise the list or grab keys
        qtbot.keyClicks(edit, "j9271")  # typed before (or while) the list is read
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.currentData() == "J9271")
    assert box.currentText() == "J9271 · Inj pembrolizumab · per 1 MG · 2025Q4"
    box.setFocus()
    edit.selectAll()
    with qtlog.disabled():
        qtbot.keyClicks(edit, "J0585")
    popup = box.completer().popup()
    assert popup.isVisible()  # the list filtered to J0585; Enter reaches the list first
    qtbot.keyClick(popup, Qt.Key.Key_Enter)
    assert box.currentData() == "J0585"
    assert "per 1 UNIT · 2025Q4" in box.currentText()


def test_scans_of_two_rituximab_sizes_plan_among_the_labelers_sizes(
    qtbot, open_window, isolated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.test_scan_field import scan

    _imported(tmp_path, isolated, crosswalk=True)
    window = open_window()
    unit(window, "doseUnit", "mg/m2")
    type_into(qtbot, window, "doseOrdered", "375")
    type_into(qtbot, window, "bsa", "1.9")
    unit(window, "administeredUnit", "mg")
    type_into(qtbot, window, "amountAdministered", "712.5")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    scan(qtbot, window, "R1", ndc10="5024205121")  # Rituxan 100 mg
    scan(qtbot, window, "R2", ndc10="5024205306")  # Rituxan 500 mg, scanned at once
    qtbot.waitUntil(lambda: text(window, "vialLot2") == "LX2231A")
    dose = window.dose
    assert dose.code.currentData() == "J9312"
    assert dose.vial_size.currentText() == "Least waste (auto)"
    sizes = [dose.vial_size.itemText(i) for i in range(dose.vial_size.count())]
    assert sizes == ["Least waste (auto)", "100 mg", "500 mg"]
    assert [str(use) for use in window.result().vials_by_size] == ["1 × 500 mg", "3 × 100 mg"]
    assert text(window, "claimLines").splitlines() == ["J9312 x 72 units", "J9312-JW x 8 units"]
    assert [v.ndc for v in window.documentation().vials][:2] == ["50242005121", "50242005306"]


def test_an_unreadable_crosswalk_row_is_one_line_beside_the_scan_and_the_ndc(
    qtbot, open_window, isolated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.test_scan_field import scan

    _imported(tmp_path, isolated, crosswalk=True)
    window = open_window()
    unit(window, "doseUnit", "mg")
    type_into(qtbot, window, "doseOrdered", "200")
    unit(window, "administeredUnit", "mg")
    type_into(qtbot, window, "amountAdministered", "200")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    scan(qtbot, window, "U1", ndc10="9999900101")  # the sample row whose PKG QTY is 'see label'
    said = (
        "NDC: 99999-0001-01: the crosswalk 2025Q4 row cannot be read as a vial's amount "
        "(BILLUNITSPKG '', PKG QTY 'see label'); enter the vial size."
    )
    qtbot.waitUntil(lambda: text(window, "vialScanStatus").startswith(said))
    assert text(window, "vialScanStatus") == f"{said} No vial row to fill: enter the dose first."
    assert window.session.errors["ndc"] == said.removeprefix("NDC: ").removesuffix(".")
    assert window.dose.code.currentData() == "J1410"  # nothing filled from the row
    box = child(window, "code")
    box.setFocus()
    qtbot.waitUntil(lambda: box.findData("J7999") >= 0)
    box.setCurrentIndex(box.findData("J7999"))  # a descriptor that is not an amount
    assert window.session.errors["code"] == (
        "J7999 is billed per 'EA' in the CMS pricing file 2025Q4: not an amount in mg, g, "
        "mcg, mL or units, so its units cannot be calculated"
    )


def test_a_dose_in_mcg_is_shown_in_mcg(qtbot, open_window, isolated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _imported(tmp_path, isolated)
    window = open_window()
    box = child(window, "code")
    box.setFocus()
    qtbot.waitUntil(lambda: box.findData("J2796") >= 0)
    box.setCurrentIndex(box.findData("J2796"))  # romiplostim, per 10 mcg
    unit(window, "doseUnit", "mcg/kg")
    type_into(qtbot, window, "doseOrdered", "1")
    type_into(qtbot, window, "weight", "75")
    type_into(qtbot, window, "vialSize", "125 mcg")
    unit(window, "administeredUnit", "mcg")
    type_into(qtbot, window, "amountAdministered", "75")
    assert text(window, "claimLines").splitlines() == ["J2796 x 8 units", "J2796-JW x 4 units"]
    assert text(window, "wasteVolume") == "50 mcg"
    shown = " ".join(text(window, name) for name in ("resultSummary", "steps", "wasteVolume"))
    assert "Dose ordered: 1 mcg/kg × 75 kg = 75 mcg" in shown
    assert " mg" not in shown


def test_an_import_has_the_crosswalk_read_again(qtbot, open_window, isolated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests import partb_samples
    from tests.cli_run import run_main
    from tests.cms_samples import Q4_2025, crosswalk_csv, write
    from ui.features import forget_imported

    _imported(tmp_path, isolated)  # pricing only: the crosswalk does not list the NDC yet
    window = open_window()
    unit(window, "doseUnit", "mg")
    type_into(qtbot, window, "doseOrdered", "200")
    unit(window, "administeredUnit", "mg")
    type_into(qtbot, window, "amountAdministered", "200")
    box = child(window, "code")
    box.setFocus()
    qtbot.waitUntil(lambda: box.findData("J9271") >= 0)
    box.setCurrentIndex(box.findData("J9271"))
    child(window, "ndc").setText("0006-3026-02")
    qtbot.waitUntil(lambda: not window.docs.vials.scan.crosswalk(window).work.busy)
    assert window.session.errors.get("vial_size") == "is empty; enter the size in mL"
    rows = partb_samples.CROSSWALK_ROWS
    crosswalk = write(tmp_path / "xw.csv", crosswalk_csv(Q4_2025, rows=rows))
    assert run_main("cms", "import", crosswalk, "--data-dir", isolated).returncode == 0
    forget_imported(window)  # what the window's own import does when it is done
    qtbot.waitUntil(lambda: window.result() is not None)
    assert text(window, "claimLines").splitlines() == ["J9271-JZ x 200 units"]


def test_a_draft_of_an_imported_code_is_restored_with_that_code(
    qtbot, open_window, isolated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from core.drafts import save_draft

    _imported(tmp_path, isolated)
    fields = {"code": "J9271", "vial_size": "100 mg", "dose_ordered": "200", "dose_unit": "mg"}
    save_draft(isolated, fields | {"administered": "200", "administered_unit": "mg"})
    window = open_window()
    qtbot.mouseClick(child(window, "restoreDraftButton"), Qt.MouseButton.LeftButton)
    box = child(window, "code")
    assert box.currentData() == "J9271"  # not the catalog's first code in its place
    assert text(window, "claimLines").splitlines() == ["J9271-JZ x 200 units"]
    box.setFocus()  # the list arrives: the line gets its descriptor and quarter
    qtbot.waitUntil(lambda: box.itemText(box.currentIndex()).startswith("J9271 · "))
    assert box.findText("J9271") < 0
    window.mark_saved()


def test_an_imported_code_is_remembered_for_the_next_window(
    qtbot, open_window, isolated, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _imported(tmp_path, isolated)
    window = open_window()
    box = child(window, "code")
    box.setFocus()
    qtbot.waitUntil(lambda: box.findData("J9271") >= 0)
    box.setCurrentIndex(box.findData("J9271"))
    window.close()
    again = open_window()
    assert child(again, "code").currentData() == "J9271"
