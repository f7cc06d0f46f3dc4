"""Many widgets shown and hidden at once, laid out once.

Qt lays a widget's parents out on the spot each time the widget is shown
(``QWidget.setVisible`` activates every enclosing layout), so a redraw that shows the
vial rows, the result figures and a few error lines lays each column out again and again,
measuring every word-wrapped label each time; the rest of the work then trickles through
the event loop over several passes, each painting a layout that is not the final one.

Inside ``one_layout_pass(root)`` the layouts under ``root`` hold still while shows and
hides mark them out of date. At the end each out-of-date layout is done once, innermost
first, and then whatever that changed around ``root`` (a scroll area's bars), so the
next paint is of the final layout. What ends up on screen is the same.

    with one_layout_pass(page):
        rows.set_sizes(sizes)       # shows and hides rows
        result.show_result(result)  # and labels
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget


@contextmanager
def one_layout_pass(root: QWidget) -> Iterator[None]:
    """Lay ``root`` and everything in it out once, when the block ends. Geometry read
    inside the block is the one from before it."""
    held = [
        (widget, layout)
        for widget in (root, *root.findChildren(QWidget))
        if (layout := widget.layout()) is not None and layout.isEnabled()
    ]
    for _widget, layout in held:
        layout.setEnabled(False)
    try:
        yield
    finally:
        # Children before parents (``findChildren`` lists each widget before what is in
        # it), so a parent sees its children's new sizes; an up-to-date layout returns
        # at once; a hidden one waits until it is shown, as before.
        for widget, layout in reversed(held):
            with contextlib.suppress(RuntimeError):  # deleted in the block: nothing to do
                layout.setEnabled(True)
                if widget.isVisible():
                    layout.activate()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
