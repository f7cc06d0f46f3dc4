"""A non-modal question across the top of the window (restore a draft? clear the form?).

Not a dialog box: the form stays usable and visible while the question waits, and
nothing blocks an automated test. Esc answers with the safe choice, the one that keeps data.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from ui.style import set_role


class Banner(QFrame):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        set_role(self, "banner")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self._row = QHBoxLayout(self)
        self._row.addWidget(self.message, 1)
        self._buttons: list[QPushButton] = []
        self._safe: Callable[[], None] | None = None
        self.hide()

    def ask(
        self,
        message: str,
        choices: list[tuple[str, str, Callable[[], None]]],
        safe: Callable[[], None] | None = None,
    ) -> None:
        """Show ``message`` with one button per (text, objectName, action).

        ``safe`` is what Esc does; every button also hides the banner.
        """
        for button in self._buttons:
            self._row.removeWidget(button)
            button.deleteLater()
        self._buttons = []
        self.message.setText(message)
        for text, name, action in choices:
            button = QPushButton(text)
            button.setObjectName(name)
            button.setAutoDefault(True)
            button.clicked.connect(lambda _=False, act=action: self._answer(act))
            self._row.addWidget(button)
            self._buttons.append(button)
        self._safe = safe
        self.show()

    def button(self, name: str) -> QPushButton:
        return next(b for b in self._buttons if b.objectName() == name)

    def escape(self) -> bool:
        """Esc: take the safe answer if there is one. Returns whether the banner handled it."""
        if not self.isVisible() or self._safe is None:
            return False
        self._answer(self._safe)
        return True

    def _answer(self, action: Callable[[], None]) -> None:
        self.hide()
        action()
