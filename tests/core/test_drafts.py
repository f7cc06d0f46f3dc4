"""Autosaved form drafts: atomic, private, and a corrupt draft never crashes start-up."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from core.drafts import DRAFT_FILENAME, clear_draft, load_draft, save_draft


def test_save_load_roundtrip_and_overwrite(tmp_path: Path) -> None:
    assert load_draft(tmp_path) is None
    save_draft(tmp_path, {"mrn": "12345", "patient": "Ölçer, Zoë", "dose": "350 mg"})
    assert load_draft(tmp_path) == {"mrn": "12345", "patient": "Ölçer, Zoë", "dose": "350 mg"}
    save_draft(tmp_path, {"mrn": "6"})
    assert load_draft(tmp_path) == {"mrn": "6"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [DRAFT_FILENAME]  # no temp files


def test_clear(tmp_path: Path) -> None:
    save_draft(tmp_path, {"a": "b"})
    clear_draft(tmp_path)
    assert load_draft(tmp_path) is None
    clear_draft(tmp_path)  # clearing nothing is fine


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_draft_is_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        save_draft(tmp_path, {"mrn": "1"})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / DRAFT_FILENAME).stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"format": 1, "fields": {"mrn": "12',  # torn write
        b"\xff\xfe not utf-8",
        b"[1, 2]",
        json.dumps({"format": 1, "fields": {"mrn": 12}}).encode(),
        json.dumps({"format": 1, "fields": ["mrn"]}).encode(),
        json.dumps({"format": 99, "fields": {"mrn": "1"}}).encode(),
    ],
)
def test_corrupt_draft_returns_none_and_is_kept_aside(tmp_path: Path, content: bytes) -> None:
    (tmp_path / DRAFT_FILENAME).write_bytes(content)
    assert load_draft(tmp_path) is None
    assert not (tmp_path / DRAFT_FILENAME).exists()
    (aside,) = tmp_path.glob("draft.corrupt-*.json")
    assert aside.read_bytes() == content
    # The next autosave starts cleanly.
    save_draft(tmp_path, {"mrn": "1"})
    assert load_draft(tmp_path) == {"mrn": "1"}


def test_only_text_fields_are_accepted(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        save_draft(tmp_path, {"units": 3})  # type: ignore[dict-item]
    assert load_draft(tmp_path) is None


def test_failed_write_leaves_previous_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_draft(tmp_path, {"mrn": "old"})

    def fail(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        save_draft(tmp_path, {"mrn": "new"})
    monkeypatch.undo()
    assert load_draft(tmp_path) == {"mrn": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [DRAFT_FILENAME]


def test_logs_hold_no_field_values(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    save_draft(tmp_path, {"mrn": "SECRET-MRN"})
    (tmp_path / DRAFT_FILENAME).write_text('{"format": 1, "fields": {"mrn": "SECRET-MRN"')
    assert load_draft(tmp_path) is None
    assert caplog.records
    assert "SECRET" not in caplog.text
