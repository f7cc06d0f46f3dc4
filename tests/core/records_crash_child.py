"""Child process for test_records_crash.py: record worksheets until killed.

Usage: python records_crash_child.py DATA_DIR PDF_DIR

Starting Python and importing pydantic takes ~0.3 s, which would dominate a
test of 60 kills, so this process imports once and then, for each "go" line on
stdin, forks a worker and prints ``pid N``. The test SIGKILLs that worker; this
process reaps it and prints ``done SIGNAL`` (or ``done exit CODE``).

The worker opens the store (so WAL recovery runs after every kill), prints
``ready``, then records worksheets forever. After each ``add`` returns it
prints the id on its own line: each printed id is a promise the test
holds the store to. Every fifth record corrects the one before; every third
record is also reprinted to PDF_DIR and the form draft saved, so those writes
are killed mid-way too (not every record, so most kills land in ``add``).
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from core.drafts import save_draft
from core.records import RecordStore


def say(line: str) -> None:
    """One write(2) per line: the worker and this process share the pipe, and a
    line written in one call (< PIPE_BUF) is never torn or interleaved."""
    os.write(1, (line + "\n").encode())


def work(data_dir: Path, pdf_dir: Path) -> None:
    with RecordStore.open(data_dir) as store:
        say("ready")
        latest = store.list(limit=1)
        last_id = latest[0].id if latest else 0
        while True:
            # Different bytes each time, long enough for a write to be torn.
            tail = os.urandom(16 * 1024)

            def render(wid: str, rep: int | None, tail: bytes = tail) -> bytes:
                return b"%PDF-1.7\n% " + wid.encode() + b"\n" + tail

            replaces = last_id if last_id and (last_id + 1) % 5 == 0 else None
            rec = store.add(
                code="J1410",
                mrn=f"MRN-{last_id + 1}",
                patient_name="Crash, Test",
                administered_at=None,
                prepared_by="child",
                verified_by="child",
                inputs={"round": str(last_id + 1)},
                result={"units": last_id + 1},
                documentation={},
                render=render,
                replaces=replaces,
            )
            say(str(rec.id))
            if rec.id % 3 == 0:
                store.write_pdf(rec.id, pdf_dir / f"{rec.worksheet_id}.pdf")
                save_draft(data_dir, {"mrn": rec.mrn, "note": "x" * 4096})
            last_id = rec.id


def main() -> None:
    data_dir, pdf_dir = Path(sys.argv[1]), Path(sys.argv[2])
    for line in sys.stdin:
        assert line == "go\n", line
        pid = os.fork()
        if pid == 0:
            try:
                work(data_dir, pdf_dir)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(1)  # never fall back into this loop
        say(f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            say(f"done {signal.Signals(os.WTERMSIG(status)).name}")
        else:
            say(f"done exit {os.waitstatus_to_exitcode(status)}")


if __name__ == "__main__":
    main()
