"""Qt paints on the window's thread alone, never waiting for helper threads.

Qt's raster engine hands every fill taller than about 96 lines (a panel's background, a
scroll bar's groove, a group box) to a pool of threads and waits for all of them. On a
two-core desk computer whose other core is busy (the full tamper check of the records
runs in a process of its own) waiting for a free core costs more than the fill: a scroll
bar took 1.05 ms to paint instead of 0.18 ms, and a keystroke that shows the vial rows
16-20 ms instead of 11 (``bench/bench_keystroke.py``). ``QT_NO_GUI_THREADPOOL``, which
Qt reads once, before it first paints, keeps every fill on the painting thread.
"""

from __future__ import annotations

import os


def paint_serially() -> None:
    """Keep Qt's painting on one thread; call before the application object is made."""
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
