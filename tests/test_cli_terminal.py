"""Everything a command prints to a terminal has its control characters escaped."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_run import ROOT, run_main

HOSTILE = "Immune globulin\x1b]0;owned\x07\x1b[2K\u202e\x9b per 5 mL"
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def calc(catalog: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    dose = ["--vial-size", "10", "--ordered", "12", "--administered", "12"]
    return run_main("calc", *dose, "--catalog", catalog, *extra)


def test_calc_escapes_catalog_text_in_its_report_and_json(tmp_path: Path) -> None:
    catalog = json.loads((ROOT / "resources" / "catalog.json").read_text(encoding="utf-8"))
    catalog["codes"][0]["descriptor"] = HOSTILE
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")

    text = calc(path)
    assert text.returncode == 0, text.stderr
    assert not any(raw in text.stdout for raw in RAW)
    assert "\\x1b]0;owned\\x07" in text.stdout
    assert len(text.stdout.splitlines()) > 5  # the report keeps its lines

    done = calc(path, "--json")
    assert done.returncode == 0, done.stderr
    assert not any(raw in done.stdout for raw in RAW)
    assert json.loads(done.stdout)["descriptor"] == HOSTILE  # JSON readers get it back


def test_usage_errors_escape_what_was_typed() -> None:
    done = run_main("calc", "--paper\x1b]0;x\x07")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "\x1b" not in done.stderr and "\\x1b]0;x\\x07" in done.stderr


def test_a_huge_value_is_named_not_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    """100,000 characters pasted into a field come back as one short line."""
    from core.cli import MAX_MESSAGE_CHARS, run_command

    assert run_command(["cms", "lookup", "--ndc", "9" * 100_000]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) <= len("unitcalc: ") + MAX_MESSAGE_CHARS + 1


def test_restore_of_a_name_too_long_is_one_plain_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from core.cli import run_command

    assert run_command(["restore", "a" * 5000, "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot read the backup" in err and "unexpected error" not in err
