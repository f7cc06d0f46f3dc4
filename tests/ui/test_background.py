"""Long work off the GUI thread: answers on the GUI thread, a bar while it runs, Cancel."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QPushButton, QWidget

from core.record_jobs import Cancelled, CancelToken
from ui.background import BackgroundWork


def parts(qtbot):  # type: ignore[no-untyped-def]
    holder = QWidget()
    qtbot.addWidget(holder)
    bar, cancel, note = QProgressBar(holder), QPushButton("Cancel", holder), QLabel(holder)
    holder.show()
    work = BackgroundWork(bar, cancel, note)
    work.holder = holder  # type: ignore[attr-defined]  # keeps the widgets alive
    return work, bar, cancel, note


def test_the_answer_comes_back_on_the_gui_thread(qtbot) -> None:
    work, bar, cancel, _note = parts(qtbot)
    answered: list[tuple[int, bool]] = []
    gui = QApplication.instance().thread()  # type: ignore[union-attr]
    worker_threads: list[str] = []

    def job(_token: CancelToken) -> int:
        worker_threads.append(threading.current_thread().name)
        return 42

    work.start(
        "job",
        "Working…",
        job,
        lambda v: answered.append((v, QThread.currentThread() is gui)),
        print,
    )
    assert bar.isVisible() and cancel.isVisible()
    qtbot.waitUntil(lambda: not work.busy)
    assert answered == [(42, True)]
    assert worker_threads == ["unitcalc-job"]
    assert not bar.isVisible()


def test_cancel_stops_the_job_and_neither_callback_runs(qtbot) -> None:
    work, _bar, cancel, note = parts(qtbot)
    calls: list[object] = []

    def job(token: CancelToken) -> None:
        while not token.cancelled:
            time.sleep(0.01)
        raise Cancelled

    work.start("verify", "Checking every PDF…", job, calls.append, calls.append)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not work.busy)
    assert calls == []
    assert note.text() == "Cancelled: checking every pdf."


def test_a_newer_search_replaces_the_older_one(qtbot) -> None:
    work, *_ = parts(qtbot)
    answers: list[str] = []
    release = threading.Event()

    def slow(_token: CancelToken) -> str:
        release.wait(5)
        return "old"

    work.start("search", "Searching…", slow, answers.append, answers.append)
    work.start("search", "Searching…", lambda _t: "new", answers.append, answers.append)
    release.set()
    qtbot.waitUntil(lambda: not work.busy)
    work.wait()
    qtbot.wait(50)
    assert answers == ["new"]


def test_a_failure_is_said_in_words(qtbot) -> None:
    work, *_ = parts(qtbot)
    failures: list[str] = []

    def broken(_token: CancelToken) -> None:
        raise OSError("disk full")

    work.start("export", "Exporting…", broken, lambda _v: None, failures.append)
    qtbot.waitUntil(lambda: not work.busy)
    assert failures == ["disk full"]


def test_the_bar_says_how_far_the_job_has_come_once_it_knows(qtbot) -> None:
    work, bar, _cancel, _note = parts(qtbot)
    said = threading.Event()
    release = threading.Event()
    answers: list[object] = []

    def job(token: CancelToken) -> str:
        said.wait(5)
        token.report(25, 100)
        release.wait(5)
        return "checked"

    work.start("verify", "Checking every PDF…", job, answers.append, answers.append)
    assert bar.maximum() == 0  # moving: nothing said yet
    said.set()
    qtbot.waitUntil(lambda: bar.maximum() == 100)
    assert bar.value() == 25 and bar.isVisible()
    release.set()
    qtbot.waitUntil(lambda: not work.busy)
    assert answers == ["checked"] and not bar.isVisible()


def test_a_report_after_cancel_leaves_the_bar_alone(qtbot) -> None:
    work, bar, cancel, _note = parts(qtbot)
    cancelled = threading.Event()

    def job(token: CancelToken) -> None:
        cancelled.wait(5)
        token.report(50, 100)
        raise Cancelled

    work.start("verify", "Checking every PDF…", job, print, print)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    cancelled.set()
    qtbot.waitUntil(lambda: not work.busy)
    assert bar.maximum() == 0
