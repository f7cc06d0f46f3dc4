"""Start-up with a data directory that cannot be used: say what and where, offer another.

The window records worksheets and autosaves the form in the data directory; if that
cannot be created or written (a read-only disk, a path under a file, no permission), the
window would fail on its first write. Before the window is built, ``usable_data_dir``
checks it and, while it is unusable, shows ``DataDirProblem``: the directory, the reason,
and a choice of another directory (for this session) or quitting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

#: Shows the problem and returns the directory to try next, or None to quit.
Ask = Callable[[Path, str], "Path | None"]


class DataDirProblem(QMessageBox):
    """What is wrong with the data directory, where, and what the user can do."""

    def __init__(self, path: Path, problem: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataDirProblem")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("unitcalc: records directory")
        self.setText(f"unitcalc cannot keep its records in\n{path}\n\n{problem}.")
        self.setInformativeText(
            "<p>Worksheets are recorded and the form is autosaved there. Choose another "
            "directory for this session.</p><p>To keep it, start unitcalc with<br>"
            "<code>--data-dir DIR</code><br>or set <code>UNITCALC_DATA_DIR</code>.</p>"
        )
        self.choose = self.addButton("Choose another directory…", QMessageBox.ButtonRole.AcceptRole)
        self.quit = self.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.choose)


def ask_for_another(path: Path, problem: str) -> Path | None:
    """The dialog, then a directory picker; the path again if the picker is cancelled."""
    dialog = DataDirProblem(path, problem)
    dialog.exec()
    if dialog.clickedButton() is not dialog.choose:
        return None
    picked = QFileDialog.getExistingDirectory(
        None, "Where unitcalc keeps its records", str(Path.home())
    )
    return Path(picked) if picked else path


def usable_data_dir(choice: str | Path | None, ask: Ask = ask_for_another) -> Path | None:
    """The data directory to use (``choice``, else the default), asking for another while
    it cannot be used; None when the user quits."""
    from core.data_dir import data_dir_problem

    path, problem = data_dir_problem(choice)
    while problem is not None:
        picked = ask(path, problem)
        if picked is None:
            return None
        path, problem = data_dir_problem(picked)
    return path
