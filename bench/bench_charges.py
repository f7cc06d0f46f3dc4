"""Charges out: the sender's messages per second against a local MLLP listener, and the
outbox's cost per recorded worksheet, each as a ratio to a baseline in the same run.

    uv run python bench/bench_charges.py [--count 200]

1. Recording: ``--count`` worksheets recorded with their charges queued (the outbox's
   INSERT in the recording's transaction) against the same records without, on SQLite
   (WAL, synchronous=FULL, one durable transaction each, as in the app), in alternating
   rounds.
2. Sending: the queued messages delivered by ``charges send``'s own code to hl7apy's
   MLLP server on the loopback (each message built from its record with hl7apy, stored,
   delivered, its ACK parsed, its row updated), against a bare loop of ``deliver`` of
   one prebuilt message (the network and ACK alone), and against building the DFTs alone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the repository root

from core.charges.facts import charge_facts  # noqa: E402
from core.charges.hl7 import dft_p03  # noqa: E402
from core.charges.mllp import deliver  # noqa: E402
from core.charges.outbox import queue_charges  # noqa: E402
from core.charges.sending import Destination, send_due  # noqa: E402
from core.records import BackupPlan, RecordStore  # noqa: E402
from core.values import to_data  # noqa: E402
from core.worksheet.example import DOCUMENTATION, DOSE, example_result  # noqa: E402
from tests.core.mllp_listener import Listener  # noqa: E402

ROUNDS = 4


def record(data_dir: Path, count: int, *, queue: bool) -> float:
    """Seconds to record ``count`` example worksheets (charges queued or not)."""
    result = to_data(example_result())
    documentation = DOCUMENTATION.model_dump(mode="json")
    plan = BackupPlan(directory=data_dir / "backups", every=10**9, keep=1)
    also = partial(queue_charges, replaces=None) if queue else None
    with RecordStore.open(data_dir, backup_plan=plan) as store:
        start = time.perf_counter()
        for _ in range(count):
            store.add(
                code="J1410",
                mrn=DOCUMENTATION.mrn,
                patient_name=DOCUMENTATION.patient_name,
                administered_at="2025-03-01T14:30:00",
                prepared_by=DOCUMENTATION.prepared_by,
                verified_by=DOCUMENTATION.verified_by,
                inputs={"dose": to_data(DOSE)},
                result=result,
                documentation=documentation,
                render=lambda _id, _replaces: b"%PDF-1.7\n" + b"x" * 50_000,
                also=also,
            )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as top:
        # Rounds alternate between the two, so a busy moment of the machine hits both.
        without = queued = 0.0
        data_dir = Path(top) / "with"
        for _ in range(ROUNDS):
            without += record(Path(top) / "without", count // ROUNDS, queue=False)
            queued += record(data_dir, count // ROUNDS, queue=True)
        count = count // ROUNDS * ROUNDS
        print(
            f"recording {count} worksheets: {without / count * 1000:.2f} ms each without "
            f"the outbox, {queued / count * 1000:.2f} ms with it: the outbox costs "
            f"{(queued - without) / count * 1000:+.2f} ms a worksheet "
            f"(ratio {queued / without:.3f})"
        )
        with RecordStore.open(data_dir) as store:
            facts = charge_facts(store.get(1))
        start = time.perf_counter()
        for _ in range(count):
            message = dft_p03(facts)
        build = time.perf_counter() - start
        with Listener("accept") as listener:
            start = time.perf_counter()
            for _ in range(count):
                deliver("127.0.0.1", listener.port, message, "W-000001-CG")
            bare = time.perf_counter() - start
            with RecordStore.open(data_dir) as store:
                start = time.perf_counter()
                report = send_due(store, Destination("127.0.0.1", listener.port))
                sent = time.perf_counter() - start
        assert report.acknowledged == count, report
        print(
            f"sending {count} messages: {count / sent:.1f} messages/s through the outbox "
            f"(built, stored, delivered, ACK read, row updated); bare deliver of one "
            f"prebuilt message {count / bare:.1f}/s (ratio {bare / sent:.3f}); building "
            f"the DFT alone {count / build:.1f}/s ({build / sent:.0%} of the outbox's time)"
        )


if __name__ == "__main__":
    main()
