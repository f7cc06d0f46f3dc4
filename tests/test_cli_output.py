"""`worksheet -o`: standard output, symlinks and FIFOs, end to end."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from tests.cli_run import run_main

DOSE = ["--vial-size", "10", "--ordered", "12", "--administered", "12"]
DOC = [
    "--patient", "Doe, Jane", "--mrn", "00123456", "--dob", "1961-04-02",
    "--administered-at", "2025-03-01T14:30", "--diagnosis", "D80.1",
    "--lot", "LX1", "--expiry", "2026-01-31", "--prepared-by", "J. Kim",
    "--verified-by", "M. Osei", "--waste-reason", "single-dose vial", "--witness", "R. Alvarez",
]  # fmt: skip


def worksheet(data: Path, output: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return run_main(
        "worksheet", *DOSE, *DOC, "-o", output, "--data-dir", data, cwd=cwd, binary=True
    )


def test_dash_writes_the_worksheet_pdf_to_standard_output(tmp_path: Path) -> None:
    done = worksheet(tmp_path / "data", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"%PDF-") and done.stdout.rstrip().endswith(b"%%EOF")
    assert b"Recorded worksheet W-000001" in done.stderr  # the note stays off the PDF
    assert not (tmp_path / "-").exists()
    again = run_main("reprint", "W-000001", "-o", "-", "--data-dir", tmp_path / "data", binary=True)
    assert again.returncode == 0 and again.stdout == done.stdout


@pytest.mark.skipif(os.name != "posix", reason="FIFOs")
def test_a_fifo_receives_the_worksheet_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "printer"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = worksheet(tmp_path / "data", str(fifo), cwd=tmp_path)
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert received and received[0].startswith(b"%PDF-")
    assert fifo.is_fifo()


def test_a_directory_is_refused_and_the_record_named(tmp_path: Path) -> None:
    done = worksheet(tmp_path / "data", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == b""
    line = done.stderr.decode()
    assert line.count("\n") == 1 and "output file" in line and "reprint W-000001" in line


def test_a_reader_that_goes_away_is_no_error(tmp_path: Path) -> None:
    """`calc | head -1`: the reader closes before calc writes; calc ends without a word
    on standard error (never "unexpected error (BrokenPipeError)")."""
    import sys

    root = Path(__file__).resolve().parents[1]
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: every write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, str(root / "main.py"), "calc", *DOSE],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == b""
    assert done.returncode == 1
