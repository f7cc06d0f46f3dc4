"""Several workstations on one PostgreSQL database: concurrent writers, a killed writer.

Each "workstation" has its own data directory; all point at the same server through
``UNITCALC_DATABASE``, as a site would. The writers are separate processes recording
through the store (``records_writer_child.py``), each record on a fresh connection like
one `main.py worksheet` each.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from core.records import RecordStore
from tests.cli_run import run_main

CHILD = Path(__file__).with_name("records_writer_child.py")
ROOT = Path(__file__).resolve().parents[2]


def writer(data_dir: Path, url: str, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "UNITCALC_DATABASE": url}
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), str(count), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def reported(output: str) -> list[int]:
    return [int(line.split()[1]) for line in output.splitlines() if line.startswith("ok ")]


def test_eight_writers_on_two_workstations_lose_nothing(
    tmp_path: Path, postgresql_url: str
) -> None:
    stations = [tmp_path / "pharmacy", tmp_path / "infusion"]
    procs = [writer(stations[i % 2], postgresql_url, 25) for i in range(8)]
    ids: list[int] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
        ids += reported(out)
    assert sorted(ids) == list(range(1, 201))  # all 200, each ID handed out once
    with RecordStore.open(stations[0], url=postgresql_url) as store:
        assert len(store.list()) == 200
    done = run_main("verify", "--full", "--data-dir", stations[1], "--database", postgresql_url)
    assert done.returncode == 0, done.stderr
    assert "Intact (hash chain and PDFs): 200 worksheet records" in done.stdout


def test_a_killed_writer_loses_nothing_it_reported(tmp_path: Path, postgresql_url: str) -> None:
    station = tmp_path / "pharmacy"
    other = writer(tmp_path / "infusion", postgresql_url, 30)
    victim = writer(station, postgresql_url, 10_000)
    assert victim.stdout is not None
    seen = [victim.stdout.readline() for _ in range(15)]
    os.kill(victim.pid, signal.SIGKILL)
    rest, _ = victim.communicate(timeout=60)
    said = reported("".join(seen) + rest)
    out, err = other.communicate(timeout=120)
    assert other.returncode == 0, out + err
    with RecordStore.open(station, url=postgresql_url) as store:
        held = {row.id for row in store.list()}
        assert set(said) <= held
        assert set(reported(out)) <= held
        report = store.verify(check_pdfs=True)
        assert report.ok, report.message
        assert report.checked == len(held) == max(held)  # no gap from the killed one
