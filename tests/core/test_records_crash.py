"""SIGKILL a process that is recording worksheets, many times, at random moments.

After every kill the database must pass SQLite's integrity check and our
chain verification, every id the worker reported as recorded must be there,
every reprinted PDF on disk must be whole, and the autosaved draft must load.
See records_crash_child.py for the child's protocol.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from core.drafts import load_draft
from core.records import DB_FILENAME, RecordStore

CHILD = Path(__file__).with_name("records_crash_child.py")
KILLS = 60
# Every STARTUP_EVERY-th kill lands within the worker's first few milliseconds:
# creating the database on the first run, recovering the WAL, migrating.
STARTUP_EVERY = 6

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs fork and SIGKILL")


@pytest.fixture
def child(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    (tmp_path / "pdfs").mkdir()
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(tmp_path / "data"), str(tmp_path / "pdfs")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,  # its own process group, holding it and its worker
    )
    try:
        yield proc
    finally:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()  # the child exits at end of input...
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            # ...unless a failed round left a worker running: end both.
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()


def read_line(stdout: IO[bytes]) -> str:
    line = stdout.readline()
    assert line.endswith(b"\n"), f"child died unexpectedly (last output {line!r})"
    return line.decode().rstrip("\n")


def run_and_kill(child: subprocess.Popen[bytes], rng: random.Random, at_startup: bool) -> list[int]:
    """Fork one worker, SIGKILL it at a random moment, return the ids it reported."""
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(b"go\n")
    child.stdin.flush()
    pid: int | None = None
    ready = False
    ids: list[int] = []
    while pid is None or not (ready or at_startup):
        line = read_line(child.stdout)
        if line.startswith("pid "):
            pid = int(line[4:])
        elif line == "ready":
            ready = True
        else:
            ids.append(parse_id(line))
    time.sleep(rng.uniform(0.0, 0.01) if at_startup else rng.uniform(0.0, 0.1))
    os.kill(pid, signal.SIGKILL)
    while (line := read_line(child.stdout)) != "done SIGKILL":
        assert not line.startswith("done"), f"worker was not killed by us: {line}"
        if line != "ready":
            ids.append(parse_id(line))
    return ids


def parse_id(line: str) -> int:
    assert line.isdigit(), f"unexpected output from the child: {line!r}"
    return int(line)


def check_store(data: Path, pdfs: Path, promised: set[int]) -> int:
    conn = sqlite3.connect(data / DB_FILENAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    with RecordStore.open(data) as store:
        report = store.verify(check_pdfs=True)
        assert report.ok, report.message
        present = {s.id for s in store.list()}
        assert promised <= present, f"lost records: {sorted(promised - present)[:10]}"
        for pdf in pdfs.glob("W-*.pdf"):  # temp files are ".W-....tmp", ignored
            assert pdf.read_bytes() == store.pdf(int(pdf.stem[2:])), f"torn PDF {pdf.name}"
    if (data / "draft.json").exists():
        assert load_draft(data) is not None, "torn draft"
    return report.checked


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_that_was_reported(
    tmp_path: Path, child: subprocess.Popen[bytes]
) -> None:
    # UNITCALC_CRASH_SEED replays a failing run; the seed is printed before anything runs,
    # so even a hung or killed test run shows it.
    seed = int(os.environ.get("UNITCALC_CRASH_SEED") or random.randrange(2**32))
    print(f"\ncrash test seed {seed} (replay: UNITCALC_CRASH_SEED={seed})", flush=True)
    sys.stderr.write(f"crash test seed {seed}\n")
    rng = random.Random(seed)
    data, pdfs = tmp_path / "data", tmp_path / "pdfs"
    promised: set[int] = set()
    committed_unreported = 0  # kills that fell between a commit and its report
    started = time.monotonic()
    for round_no in range(KILLS):
        promised.update(run_and_kill(child, rng, at_startup=round_no % STARTUP_EVERY == 0))
        if not (data / DB_FILENAME).exists():
            continue  # killed before the store was first created
        count = check_store(data, pdfs, promised)
        committed_unreported += count > max(promised, default=0)
        # Rewritten files in place, e.g. by a non-atomic save, would be set aside.
        assert not list(data.glob("draft.corrupt-*")), f"draft torn by kill {round_no}"
    print(
        f"\ncrash test (seed {seed}): {KILLS} kills in {time.monotonic() - started:.1f}s, "
        f"{len(promised)} reported records all present, {len(list(pdfs.glob('*.pdf')))} "
        f"PDFs whole, {committed_unreported} kills between a commit and its report"
    )
    assert len(promised) > KILLS, "the worker hardly wrote anything; kills were not mid-write"
