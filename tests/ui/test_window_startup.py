"""The window starts without the heavy modules it needs only later."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run_probe(code: str, data_dir: Path) -> list[str]:
    """Run ``code`` in a fresh Python offscreen, on its own data directory; its lines."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "UNITCALC_DATA_DIR": str(data_dir),
        "XDG_CONFIG_HOME": str(data_dir / "config"),
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


PROBE = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
import main
window = main.build_window()
window.show()
app.processEvents()
window.ensure_engine()   # everything the window loads after its first paint
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'sqlite3', 'pypdf'})
print(','.join(heavy) or 'none')
window.mark_saved()
window.close()
"""


def test_reportlab_and_the_records_database_load_only_when_first_needed(tmp_path: Path) -> None:
    assert run_probe(PROBE, tmp_path)[-1] == "none"


BEFORE_PAINT = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
import main
window = main.build_window()   # built, not yet painted: the engine is not needed yet
print('pydantic' in sys.modules)
"""


def test_the_window_is_built_without_the_engine(tmp_path: Path) -> None:
    assert run_probe(BEFORE_PAINT, tmp_path)[-1] == "False"


FIRST_ANSWER = """
import sys
from PySide6.QtWidgets import QApplication, QLabel, QWidget
app = QApplication([])
import main
window = main.build_window()
window.show()
# Typed at once, before the window finished starting: the first edit loads the session.
window.dose.vial_size.setEditText("10")
for name, text in (("doseOrdered", "12"), ("amountAdministered", "12")):
    window.findChild(QWidget, name).setText(text)
print(window.findChild(QLabel, "unitsAdministered").text(), 'pydantic' in sys.modules)
window.ensure_engine()   # then the documentation, its checks and printing
status = window.findChild(QLabel, "printStatus").text()
print(status.startswith("To print:"), 'pydantic' in sys.modules)
window.mark_saved()
window.close()
"""


def test_the_first_answer_needs_no_pydantic_and_the_checks_follow(tmp_path: Path) -> None:
    assert run_probe(FIRST_ANSWER, tmp_path)[-2:] == ["3 False", "True True"]
