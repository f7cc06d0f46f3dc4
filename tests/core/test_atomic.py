"""Output files: atomic for regular files, never replacing a link or a special file."""

from __future__ import annotations

import io
import os
import stat
import threading
from pathlib import Path

import pytest

from core.atomic import write_atomic, write_output

posix_only = pytest.mark.skipif(os.name != "posix", reason="symlinks and FIFOs")


def test_a_regular_file_is_replaced_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "w.pdf"
    target.write_bytes(b"old")
    write_atomic(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["w.pdf"]


@posix_only
def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "w.pdf"
    target.write_bytes(b"old")
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    write_output(link, b"%PDF-new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"%PDF-new"
    # Written atomically there: no temporary file left beside the target or the link.
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["w.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.pdf", "real"]


@posix_only
def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.pdf"
    link.symlink_to(tmp_path / "new.pdf")
    write_output(link, b"%PDF-new")
    assert link.is_symlink() and (tmp_path / "new.pdf").read_bytes() == b"%PDF-new"


@posix_only
def test_a_fifo_is_written_directly_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, b"%PDF-" + b"x" * 200_000)  # more than a pipe buffer holds
    reader.join(timeout=10)
    assert received == [b"%PDF-" + b"x" * 200_000]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


@posix_only
def test_a_symlink_to_a_fifo_keeps_both(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "stdout"
    link.symlink_to(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(link, b"%PDF-data")
    reader.join(timeout=10)
    assert received == [b"%PDF-data"]
    assert link.is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)


@posix_only
def test_a_character_device_is_written_directly(tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:  # a private copy of /dev/null (1, 3), so no system path is touched
        os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    before = device.lstat()
    write_output(device, b"%PDF-data")
    after = device.lstat()
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_a_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_output(tmp_path, b"%PDF-data")
    assert list(tmp_path.iterdir()) == []


def test_dash_means_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.BytesIO()
    write_output("-", b"%PDF-data", stdout=out)
    assert out.getvalue() == b"%PDF-data"
    assert not (tmp_path / "-").exists()
