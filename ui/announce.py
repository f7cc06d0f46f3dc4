"""Say something to a screen reader without moving the focus (``QAccessibleAnnouncementEvent``,
Qt 6.8+): a new result, a status message, an error beside a field, a PIN's length.

Sent only while an assistive technology listens (``QAccessible.isActive``); tests
collect what would be said from ``spoken`` (the last messages, newest last).
"""

from __future__ import annotations

from collections import deque

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget

#: What was announced lately (for tests and for a look in a debugger); never a PIN digit.
spoken: deque[str] = deque(maxlen=20)


def announce(widget: QWidget, message: str, assertive: bool = False) -> None:
    if not message:
        return
    spoken.append(message)
    if not QAccessible.isActive():
        return
    event = QAccessibleAnnouncementEvent(widget, message)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)
