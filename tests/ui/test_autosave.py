"""The autosave writes through ``BackgroundWork``: off the GUI thread, one write at a
time, its failure said on the status bar and tried again at the next tick."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core import drafts
from core.drafts import load_draft
from ui.autosave import Autosave, Draft


def make(data_dir: Path, fields: dict[str, str]) -> tuple[Autosave, list[str]]:
    saver = Autosave(data_dir, lambda: dict(fields), lambda: bool(fields))
    said: list[str] = []
    saver.status.connect(said.append)
    return saver, said


def test_the_draft_is_written_on_a_worker_thread_and_said_on_the_gui_thread(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = {"dose_ordered": "12", "patient_name": "Jane Example"}
    saver, said = make(tmp_path, fields)
    writers: list[str] = []
    real = drafts.save_draft

    def save(data_dir: Path, given: dict[str, str], **kw: int | None) -> None:
        writers.append(threading.current_thread().name)
        real(data_dir, given, **kw)

    monkeypatch.setattr(drafts, "save_draft", save)
    saver.mark_changed()
    saver.flush()
    assert saver.work.running("autosave")  # the GUI thread went on
    qtbot.waitUntil(lambda: said == ["Draft saved"])
    assert writers == ["unitcalc-autosave"]
    assert load_draft(tmp_path) == fields
    saver.stop()


def test_a_failed_write_is_said_and_tried_again(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saver, said = make(tmp_path, {"dose_ordered": "12"})

    def full(_data_dir: Path, _fields: dict[str, str], **_kw: int | None) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(drafts, "save_draft", full)
    saver.mark_changed()
    saver.flush(wait=True)
    assert said == ["Autosave failed: No space left on device. Keep this window open."]
    monkeypatch.undo()
    saver.flush(wait=True)  # the next tick writes what the failed one could not
    assert said[-1] == "Draft saved"
    assert load_draft(tmp_path) == {"dose_ordered": "12"}
    saver.stop()


def test_a_change_during_a_write_waits_for_it_and_is_written_after(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = {"dose_ordered": "12"}
    saver, _said = make(tmp_path, fields)
    release = threading.Event()
    order: list[str] = []
    real = drafts.save_draft

    def slow(data_dir: Path, given: dict[str, str], **kw: int | None) -> None:
        release.wait(5)
        order.append(given["dose_ordered"])
        real(data_dir, given, **kw)

    monkeypatch.setattr(drafts, "save_draft", slow)
    saver.mark_changed()
    saver.flush()
    fields["dose_ordered"] = "15"
    saver.mark_changed()
    saver.flush()  # the first write is still under way: this one waits for the next tick
    release.set()
    saver.flush(wait=True)
    assert order == ["12", "15"]
    assert load_draft(tmp_path) == {"dose_ordered": "15"}
    saver.stop()


def test_an_empty_form_clears_the_draft(qtbot, tmp_path: Path) -> None:
    drafts.save_draft(tmp_path, {"dose_ordered": "12"})
    saver, _said = make(tmp_path, {})
    saver.mark_changed()
    saver.flush(wait=True)
    assert load_draft(tmp_path) is None
    saver.stop()


def test_what_a_write_is_given_cannot_change_under_it() -> None:
    draft = Draft(Path("d"), (("dose_ordered", "12"),))
    with pytest.raises(AttributeError):
        draft.fields = None  # type: ignore[misc]
