"""End to end: `main.py export hl7|fhir W-000001 -o FILE`."""

from __future__ import annotations

import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from tests.cli_run import run_main
from tests.core.charges_cases import record_example


def test_export_hl7_and_fhir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    record_example(data_dir)
    hl7, fhir = tmp_path / "charge.hl7", tmp_path / "charge.json"
    done = run_main("export", "hl7", "W-000001", "-o", hl7, "--data-dir", data_dir)
    assert done.returncode == 0, done.stderr
    text = hl7.read_bytes().decode("utf-8")
    assert text.startswith("MSH|^~\\&|unitcalc|") and text.endswith("\r")
    assert text.count("\rFT1|") == 2
    done = run_main("export", "fhir", "w-1", "-o", fhir, "--data-dir", data_dir)
    assert done.returncode == 0, done.stderr
    Bundle.model_validate(json.loads(fhir.read_bytes()))
    assert (hl7.stat().st_mode & 0o777) == 0o600  # written by core.atomic


def test_bad_input_is_one_line_naming_the_field(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    record_example(data_dir)
    out = tmp_path / "x.hl7"
    for args, field in (
        (("export", "hl7", "W-00000X", "-o", out), "worksheet ID"),
        (("export", "hl7", "W-000009", "-o", out), "W-000009"),
        (("export", "pdf", "W-000001", "-o", out), "format"),
        (("export", "fhir", "W-000001", "-o", tmp_path), "output file"),
    ):
        done = run_main(*args, "--data-dir", data_dir)
        assert done.returncode == 2, args
        assert len(done.stderr.strip().splitlines()) == 1
        assert field in done.stderr, done.stderr
    assert not out.exists()
