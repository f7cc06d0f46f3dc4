"""`uv run main.py`: the application object, the window, the event loop.

The billing engine (pydantic models, catalog) is loaded on a second thread from the
first line, while Qt starts and the window paints: the first answer then waits less for
it (``bench/bench_startup.py`` measures both the paint and the answer).
"""

from __future__ import annotations

import sys
import threading


def preload_engine() -> threading.Thread:
    """Import the engine and read the catalog in the background (the window loads them
    again, from the caches, when it needs them; any error is reported then)."""

    def load() -> None:
        try:
            import core.session  # noqa: F401  (the import is the work)
            from core.catalog import default_catalog, default_payers

            default_catalog()
            default_payers()
        except Exception:  # the window reads the catalog itself and says what is wrong
            return

    thread = threading.Thread(target=load, name="engine-preload", daemon=True)
    thread.start()
    return thread


def run(argv: list[str], data_dir: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from ui import settings as prefs

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setOrganizationName(prefs.ORGANIZATION)
    app.setApplicationName(prefs.APPLICATION)
    app.setApplicationDisplayName("unitcalc")
    from ui.main_window import build_main_window

    window = build_main_window(data_dir)
    window.show()
    preload_engine()  # while the first paint is on its way
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
