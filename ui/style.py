"""The look: readable sizes (points, so high-DPI screens scale), calm colours, loud warnings.

Panels say what a widget is for with ``set_role(widget, "error")``; this module decides
how that looks. Text roles are plain fonts and palette colours; only the few boxed roles
(warnings, the missing-input note, the code-source note, banners, the two action
buttons) carry a small style sheet of their own. A window-wide style sheet would make
every widget go through Qt's style-sheet engine and slow the first paint noticeably.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QFont, QPalette

BASE_POINTS = 10

# role -> (point size, bold, text colour)
_TEXT_ROLES: dict[str, tuple[int, bool, str]] = {
    "error": (9, False, "#b00020"),
    "hint": (9, False, "#555555"),
    "notice": (9, True, "#8a4b00"),
    "ok": (9, True, "#1b5e20"),
    "section": (13, True, "#1a2a40"),
    "subsection": (10, True, "#1a2a40"),
    "claim": (22, True, "#0d2a52"),
    "figure": (20, True, "#0d2a52"),
    "steps": (10, False, "#222222"),
}

_BOX_ROLES: dict[str, str] = {
    "source": "color: #6d4c00; background: #fff8e1; border: 1px solid #ffe082;"
    " border-radius: 3px; padding: 3px; font-size: 9pt;",
    "missing": "color: #333333; background: #eef1f5; border-radius: 4px; padding: 6px;"
    " font-size: 11pt;",
    "warning": "color: #4a1c00; background: #fff3cd; border: 2px solid #e0a800;"
    " border-radius: 4px; padding: 6px; font-size: 10pt;",
    "banner": "QFrame#{name} {{ background: #e3f2fd; border: 1px solid #90caf9;"
    " border-radius: 4px; }}",
    "verify": "QPushButton:enabled {{ background: #1565c0; color: white; font-weight: bold;"
    " padding: 4px 12px; }}",
    "print": "QPushButton:enabled {{ background: #2e7d32; color: white; font-weight: bold;"
    " padding: 4px 12px; }}",
}


_looks: dict[str, tuple[QFont, QPalette]] = {}


def set_role(widget: QWidget, role: str) -> None:
    """Give ``widget`` the look of ``role`` (and remember the role as a property)."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    if role in _BOX_ROLES:
        widget.setStyleSheet(_BOX_ROLES[role].format(name=widget.objectName()))
        return
    if widget.styleSheet():
        widget.setStyleSheet("")
    if role not in _looks:  # one font and palette per role, shared by all its labels
        size, bold, colour = _TEXT_ROLES[role]
        font = widget.font()
        font.setPointSize(size)
        font.setBold(bold)
        palette = widget.palette()
        palette.setColor(palette.ColorRole.WindowText, colour)
        _looks[role] = (font, palette)
    font, palette = _looks[role]
    widget.setFont(font)
    widget.setPalette(palette)


def apply_base_font(window: QWidget) -> None:
    font = window.font()
    font.setPointSize(BASE_POINTS)
    window.setFont(font)
