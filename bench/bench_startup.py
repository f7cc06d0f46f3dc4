"""Start-up time: process start to the window's first paint, unitcalc vs a bare PySide6 window.

    uv run python bench/bench_startup.py [--repeat 9] [--platform offscreen]

Each measurement is a fresh Python process, timed from launch until it exits at its
window's first paint (the child leaves with os._exit right after painting, so teardown
is not counted). Bare and unitcalc runs alternate so both see the same machine load;
the medians and their ratio are printed. The target is a ratio of at most 1.3.

"ready" is also reported: until the billing engine (pydantic models, catalog) is loaded,
which the window does right after its first paint.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE_EDITS = 18  # inputs of the unitcalc window at start-up (before vial rows exist)
COMBOS = 9
TARGET = 1.3

BARE = f"""
import os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (QApplication, QComboBox, QFormLayout, QLineEdit,
    QMainWindow, QWidget)

class ExitOnPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, lambda: os._exit(0))
        return False

app = QApplication(sys.argv)
window = QMainWindow()
page = QWidget()
form = QFormLayout(page)
for n in range({LINE_EDITS}):
    form.addRow(f"Field {{n}}", QLineEdit())
for n in range({COMBOS}):
    box = QComboBox()
    box.addItems(["one", "two", "three"])
    form.addRow(f"Choice {{n}}", box)
window.setCentralWidget(page)
exit_filter = ExitOnPaint()
window.installEventFilter(exit_filter)
window.show()
sys.exit(app.exec())
"""

UNITCALC = """
import os, sys
from PySide6.QtCore import QEvent, QObject, QTimer

import ui.main_window as main_window

WAIT_FOR_ENGINE = {wait}

class ExitOnPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, lambda: os._exit(0))
        return False

build = main_window.build_main_window
keep = []

def build_and_watch(*args, **kwargs):
    window = build(*args, **kwargs)
    if WAIT_FOR_ENGINE:
        window.engine_ready.connect(lambda: os._exit(0))
    else:
        keep.append(ExitOnPaint())
        window.installEventFilter(keep[-1])
    return window

main_window.build_main_window = build_and_watch
import main
sys.exit(main.main(["main.py"]))
"""

assert "reportlab" not in UNITCALC


def run_once(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        # Bytecode is cached (outside the tree) as on any installed copy after its first
        # run; with PYTHONDONTWRITEBYTECODE every start would recompile every module.
        env = dict(
            os.environ,
            QT_QPA_PLATFORM=args.platform,
            UNITCALC_DATA_DIR=scratch,
            XDG_CONFIG_HOME=scratch,
            PYTHONPATH=str(ROOT),
            PYTHONPYCACHEPREFIX=str(Path(scratch) / "pycache"),
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        kinds = {
            "bare": BARE,
            "unitcalc": UNITCALC.format(wait=False),
            "unitcalc ready": UNITCALC.format(wait=True),
        }
        for code in kinds.values():  # warm the disk cache; not measured
            run_once(code, env)
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        for _ in range(args.repeat):
            for kind, code in kinds.items():
                times[kind].append(run_once(code, env))
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    bare = medians["bare"]
    for kind, median in medians.items():
        print(
            f"{kind:15s} median {median * 1000:7.1f} ms  ({median / bare:.2f}x bare)"
            f"  runs: {', '.join(f'{t * 1000:.0f}' for t in times[kind])}"
        )
    ratio = medians["unitcalc"] / bare
    verdict = "OK" if ratio <= TARGET else "SLOWER THAN TARGET"
    print(f"first paint ratio: {ratio:.2f} (target <= {TARGET}) {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
