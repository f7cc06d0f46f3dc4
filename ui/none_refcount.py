"""Work around a PySide6 6.12 reference-count bug that crashes the app on Python 3.11.

In the locked PySide6 6.12.0 / shiboken6 6.12.0, every call of a Qt method that
returns nothing (``setText``, ``setEnabled``, ...) takes one reference from ``None``
without having given one. On Python 3.12+ ``None`` is immortal (PEP 683) and this does
no harm; on 3.11 its count runs down (about 65 per keystroke in this window, from about
16,000 at start) and the process dies with "Fatal Python error: none_dealloc" after a
few hundred keystrokes. Measured with ``sys.getrefcount(None)`` around 1,000
``QPushButton.setEnabled`` calls: -1,000.

The real fix is Python 3.12+ or a PySide6 build without the bug (a pyproject change).
Until then, ``keep_none_alive`` gives ``None`` a reserve of references large enough
for any session. It touches only ``None``'s count, once, and only where it is needed.
"""

from __future__ import annotations

import sys

RESERVE = 1 << 40  # at ~65 references per keystroke: billions of keystrokes


def keep_none_alive() -> None:
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        return  # None is immortal; or a debug build, where the count is not the first field
    import ctypes

    # CPython object header: the reference count is the first field (Py_ssize_t).
    count = ctypes.c_ssize_t.from_address(id(None))
    if count.value < RESERVE:
        count.value += RESERVE
