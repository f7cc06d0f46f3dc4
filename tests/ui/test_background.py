"""Long work off the GUI thread: answers on the GUI thread, a bar while it runs, Cancel,
progress at most ten times a second, and only immutable values sent across."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QPushButton, QWidget

from core.work import Cancelled, CancelToken
from ui.background import BackgroundWork, Shared

#: One job's events, shared with the plain functions below (module level on purpose: a
#: work function may not reach anything around it).
EVENTS: dict[str, threading.Event] = {}
WORKERS: list[str] = []


def parts(qtbot, **kw):  # type: ignore[no-untyped-def]
    holder = QWidget()
    qtbot.addWidget(holder)
    bar, cancel, note = QProgressBar(holder), QPushButton("Cancel", holder), QLabel(holder)
    holder.show()
    work = BackgroundWork(holder, bar=bar, cancel=cancel, note=note, **kw)
    work.holder = holder  # type: ignore[attr-defined]  # keeps the widgets alive
    return work, bar, cancel, note


@pytest.fixture(autouse=True)
def events() -> dict[str, threading.Event]:
    EVENTS.clear()
    WORKERS.clear()
    for name in ("said", "release", "cancelled"):
        EVENTS[name] = threading.Event()
    return EVENTS


def answer(given: int, _token: CancelToken) -> int:
    WORKERS.append(threading.current_thread().name)
    return given * 2


def until_cancelled(_given: None, token: CancelToken) -> None:
    while not token.cancelled:
        time.sleep(0.01)
    raise Cancelled


def test_the_answer_comes_back_on_the_gui_thread(qtbot) -> None:
    work, bar, cancel, _note = parts(qtbot)
    answered: list[tuple[int, bool]] = []
    gui = QApplication.instance().thread()  # type: ignore[union-attr]
    work.start(
        "job",
        "Working…",
        answer,
        21,
        lambda v: answered.append((v, QThread.currentThread() is gui)),
        print,
    )
    assert bar.isVisible() and cancel.isVisible()
    qtbot.waitUntil(lambda: not work.busy)
    assert answered == [(42, True)]
    assert WORKERS == ["unitcalc-job"]
    assert not bar.isVisible()


def test_cancel_stops_the_job_and_neither_callback_runs(qtbot) -> None:
    work, _bar, cancel, note = parts(qtbot)
    calls: list[object] = []
    with qtbot.waitSignal(work.idle):
        work.start("verify", "Checking every PDF…", until_cancelled, None, calls.append, print)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert calls == []
    assert note.text() == "Cancelled: checking every pdf."


def slow(given: str, _token: CancelToken) -> str:
    EVENTS["release"].wait(5)
    return given


def test_a_newer_search_replaces_the_older_one(qtbot) -> None:
    work, *_ = parts(qtbot)
    answers: list[str] = []
    work.start("search", "Searching…", slow, "old", answers.append, answers.append)
    work.start("search", "Searching…", answer, 21, answers.append, answers.append)
    EVENTS["release"].set()
    work.wait()
    assert answers == [42]
    assert not work.busy


def broken(_given: None, _token: CancelToken) -> None:
    raise OSError("disk full")


def test_a_failure_is_said_in_words_on_the_gui_thread(qtbot) -> None:
    work, *_ = parts(qtbot)
    failures: list[tuple[str, bool]] = []
    gui = QApplication.instance().thread()  # type: ignore[union-attr]
    successes: list[object] = []
    work.start(
        "export",
        "Exporting…",
        broken,
        None,
        successes.append,
        lambda message: failures.append((message, QThread.currentThread() is gui)),
    )
    qtbot.waitUntil(lambda: not work.busy)
    assert failures == [("disk full", True)] and successes == []


def reports_then_waits(_given: None, token: CancelToken) -> str:
    EVENTS["said"].wait(5)
    token.report(25, 100)
    EVENTS["release"].wait(5)
    return "checked"


def test_the_bar_says_how_far_the_job_has_come_once_it_knows(qtbot) -> None:
    work, bar, _cancel, _note = parts(qtbot)
    answers: list[object] = []
    work.start("verify", "Checking every PDF…", reports_then_waits, None, answers.append, print)
    assert bar.maximum() == 0  # moving: nothing said yet
    EVENTS["said"].set()
    qtbot.waitUntil(lambda: bar.maximum() == 100)
    assert bar.value() == 25 and bar.isVisible()
    EVENTS["release"].set()
    qtbot.waitUntil(lambda: not work.busy)
    assert answers == ["checked"] and not bar.isVisible()


def reports_after_cancel(_given: None, token: CancelToken) -> None:
    EVENTS["cancelled"].wait(5)
    token.report(50, 100)
    raise Cancelled


def test_a_report_after_cancel_leaves_the_bar_alone(qtbot) -> None:
    work, bar, cancel, _note = parts(qtbot)
    work.start("verify", "Checking every PDF…", reports_after_cancel, None, print, print)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    EVENTS["cancelled"].set()
    qtbot.waitUntil(lambda: not work.busy)
    assert bar.maximum() == 0


class TickingClock:
    """Ten milliseconds pass each time anyone looks."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            self.now += 0.01
            return self.now


def reports_a_thousand_times(total: int, token: CancelToken) -> int:
    for done in range(1, total + 1):
        token.report(done, total)
    return total


def test_progress_reaches_the_gui_thread_at_most_ten_times_a_second(qtbot) -> None:
    # 1,000 reports over ten (fake) seconds: about a hundred are passed on, not 1,000.
    work, *_ = parts(qtbot, clock=TickingClock())
    heard: list[tuple[int, int]] = []
    answers: list[int] = []
    work.start(
        "verify", "Checking…", reports_a_thousand_times, 1000, answers.append, print,
        progress=lambda done, total: heard.append((done, total)),
    )  # fmt: skip
    work.wait()
    assert answers == [1000]
    assert 90 <= len(heard) <= 101
    assert heard[0] == (1, 1000)  # the first at once
    assert all(b[0] - a[0] >= 9 for a, b in itertools.pairwise(heard))


def big_total(_given: None, token: CancelToken) -> None:
    token.report(3 * 2**31, 4 * 2**31)  # bytes of a 8 GiB export
    EVENTS["release"].wait(5)


def test_a_total_too_large_for_the_bar_is_shown_in_thousandths(qtbot) -> None:
    work, bar, *_ = parts(qtbot)
    work.start("audit", "Auditing…", big_total, None, print, print)
    qtbot.waitUntil(lambda: bar.maximum() == 1000)
    assert bar.value() == 750
    EVENTS["release"].set()
    work.wait()


@dataclass(frozen=True)
class Asked:
    path: Path
    codes: tuple[str, ...]


@dataclass
class Loose:
    path: Path


def test_only_immutable_values_cross_to_the_worker(qtbot) -> None:
    work, *_ = parts(qtbot)
    answers: list[object] = []
    asked = Asked(Path("x"), ("J1410",))
    work.start("ok", "…", lambda given, _t: given, asked, answers.append, print)
    work.wait()
    assert answers == [Asked(Path("x"), ("J1410",))]
    for given in ([1, 2], {"a": 1}, Loose(Path("x")), Asked(Path("x"), (["J1410"],)), QWidget()):  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="may not cross"):
            work.start("no", "…", answer, given, print, print)
    assert not work.running("no")
    shared = Shared([1, 2])  # said where it is sent: made to be shared
    work.start("shared", "…", lambda given, _t: given.value, shared, answers.append, print)
    work.wait()
    assert answers[-1] == [1, 2]


def test_work_must_be_a_plain_function_that_reaches_nothing_around_it(qtbot) -> None:
    work, bar, *_ = parts(qtbot)
    with pytest.raises(TypeError, match="reaches bar"):
        work.start("no", "…", lambda _given, _t: bar.setValue(1), None, print, print)
    with pytest.raises(TypeError, match="not a plain function"):
        work.start("no", "…", bar.setValue, None, print, print)  # type: ignore[arg-type]
    assert not work.busy


def test_without_widgets_it_still_runs_and_answers(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    work = BackgroundWork(owner)
    work.owner = owner  # type: ignore[attr-defined]
    answers: list[int] = []
    work.start("autosave", "Saving…", answer, 5, answers.append, print)
    assert work.running("autosave")
    work.wait()  # the answer is given by the time wait returns
    assert answers == [10] and not work.busy


def starts_another(work: Shared[BackgroundWork], _token: CancelToken) -> None:
    work.value.start("nested", "…", answer, 1, print, print)


def test_only_the_gui_thread_starts_work(qtbot) -> None:
    work, *_ = parts(qtbot)
    failures: list[str] = []
    work.start("outer", "…", starts_another, Shared(work), print, failures.append)
    work.wait()
    assert failures == ["BackgroundWork.start is called on the thread that owns it"]
    assert not work.running("nested")


def test_a_frozen_model_crosses_and_a_mutable_one_does_not(qtbot) -> None:
    from pydantic import BaseModel, ConfigDict

    from core.dose_input import DoseForm

    work, *_ = parts(qtbot)
    answers: list[object] = []
    form = DoseForm(vial_size="10", dose_ordered="12", administered="12")
    work.start("dose", "…", lambda given, _t: given.vial_size, form, answers.append, print)
    work.wait()
    assert answers == ["10"]

    class Loose(BaseModel):
        codes: list[str]

    class FrozenOverAList(BaseModel):
        model_config = ConfigDict(frozen=True)
        codes: list[str]

    for given in (Loose(codes=["J1410"]), FrozenOverAList(codes=["J1410"])):
        with pytest.raises(TypeError, match="may not cross"):
            work.start("no", "…", answer, given, print, print)
