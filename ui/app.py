"""`uv run main.py`: the application object, the window, the event loop.

The billing engine (pydantic models, catalog) is not imported here: the window paints
first and loads it right after (``MainWindow._start_up``). Loading it on a second thread
meanwhile was measured and gained nothing: the import holds the interpreter and only
delayed the first paint (``bench/bench_startup.py``).
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from ui import settings as prefs


def run(argv: list[str], data_dir: str | None = None) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setOrganizationName(prefs.ORGANIZATION)
    app.setApplicationName(prefs.APPLICATION)
    app.setApplicationDisplayName("unitcalc")
    from ui.main_window import build_main_window

    window = build_main_window(data_dir)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
