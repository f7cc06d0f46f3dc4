"""The worksheet PDF as it will print, in a resizable window that fits the screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from ui.announce import announce
from ui.banner import Banner
from ui.qt_pdf import load_pdf
from ui.window_layout import fit_dialog


class PreviewDialog(QDialog):
    """The worksheet PDF as it will print, in a resizable window.

    ``on_print``/``on_save`` add Print…/Save PDF… buttons; leave them out (or pass
    ``refusal``, the reason in words) while the worksheet may not go into the chart.
    """

    def __init__(
        self,
        pdf_bytes: bytes,
        parent: QWidget | None = None,
        *,
        title: str = "Worksheet preview",
        on_print: Callable[[], object] | None = None,
        on_save: Callable[[], object] | None = None,
        refusal: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("worksheetPreview")
        self.setWindowTitle(title)
        self.document = load_pdf(pdf_bytes, self)
        self.view = QPdfView(self)
        self.view.setObjectName("worksheetPreviewView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.print_button = self._button(buttons, "&Print…", "previewPrint", on_print, refusal)
        self.save_button = self._button(buttons, "&Save PDF…", "previewSave", on_save, refusal)
        #: Said before printing, in the dialog (not a message box): a queue set to other paper.
        self.paper_notice = Banner("previewPaperNotice")
        layout = QVBoxLayout(self)
        layout.addWidget(self.paper_notice)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        fit_dialog(self, 760, 900)

    def _button(
        self,
        buttons: QDialogButtonBox,
        text: str,
        name: str,
        action: Callable[[], object] | None,
        refusal: str,
    ) -> QPushButton:
        button = buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.setEnabled(action is not None and not refusal)
        if refusal:
            button.setToolTip(f"Not for the chart yet: {refusal}")
        if action is not None:
            button.clicked.connect(lambda: action())
        return button

    def ask_paper(self, warning: str, paper: str, on_print: Callable[[], object]) -> None:
        """Show ``warning`` above the page, announced, with "Print on ``paper``" (focused)
        and Cancel; nothing prints until the first is chosen."""

        def go_on() -> None:
            on_print()

        self.paper_notice.ask(
            warning,
            [
                (f"Print on {paper}", "previewPrintAnyway", go_on),
                ("Cancel", "previewPaperCancel", lambda: None),
            ],
            safe=lambda: None,
        )
        go = self.paper_notice.button("previewPrintAnyway")
        go.setAccessibleDescription(warning)
        go.setFocus()
        announce(self.paper_notice, warning, assertive=True)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()
