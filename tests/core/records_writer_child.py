"""Child process for the concurrent-writers test: record N worksheets, one store each.

Usage: python records_writer_child.py DATA_DIR N RENDER_SECONDS

Like one `main.py worksheet` per record, each record opens the store, records (the PDF
"build" holds the write lock for RENDER_SECONDS) and closes it. Prints ``ok ID`` per
record, or ``error TEXT`` and exits 1 on the first failure.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from core.records import RecordStore


def main(data_dir: Path, count: int, render_seconds: float) -> int:
    def render(worksheet_id: str, replaces: int | None) -> bytes:
        time.sleep(render_seconds)
        return f"%PDF-1.7 {worksheet_id}".encode()

    url = os.environ.get("UNITCALC_DATABASE")  # read once, at start-up, like main.py

    for n in range(count):
        try:
            with RecordStore.open(data_dir, url=url) as store:
                record = store.add(
                    code="J1410",
                    mrn=f"MRN-{n}",
                    patient_name="Writer",
                    administered_at=None,
                    prepared_by="AB",
                    verified_by="CD",
                    inputs={},
                    result={},
                    documentation={},
                    render=render,
                )
        except Exception as error:
            print(f"error {type(error).__name__}: {error}", flush=True)
            return 1
        print(f"ok {record.id}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
