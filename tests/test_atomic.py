"""Output files: a symlink writes its target, a device or pipe is written in place (never
replaced by a regular file), and every system failure is a message naming the file."""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from belwar.errors import InputError
from belwar.render import atomic

from .conftest import ROOT


def _device(tmp: Path, name: str, minor: int) -> str:
    """A private copy of a memory device (1, minor: 3 null, 7 full) where this user may make
    one, so a writer that replaces it can only break the copy; else the real one in /dev,
    which a user who cannot make devices cannot replace either."""
    path = tmp / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        return f"/dev/{name}"
    return str(path)


def _message(exc: pytest.ExceptionInfo[InputError]) -> str:
    return exc.value.render()


def test_symlink_writes_its_target(tmp_path: Path) -> None:
    real = tmp_path / "data" / "real.json"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(Path("data") / "real.json")
    atomic.write_text(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.json"]  # no temp file left


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    atomic.write_text(link, "new")
    assert link.is_symlink()
    assert (tmp_path / "made.json").read_text() == "new"


def test_symlink_loop_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(InputError) as exc:
        atomic.write_text(tmp_path / "a", "x")
    assert "cannot write: too many levels of symbolic links" in _message(exc)


def test_devices_are_written_in_place(tmp_path: Path) -> None:
    null = _device(tmp_path, "null", 3)
    atomic.write_text(null, "into the void")
    assert stat.S_ISCHR(os.stat(null).st_mode)
    # only once the private copy survived is the real one tried
    atomic.write_text("/dev/null", "into the void")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    link = tmp_path / "to-null"
    link.symlink_to("/dev/null")
    atomic.write_text(link, "through a link")
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_full_device_is_a_message(tmp_path: Path) -> None:
    full = _device(tmp_path, "full", 7)
    with pytest.raises(InputError) as exc:
        atomic.write_text(full, "x" * 10_000)
    assert _message(exc) == f"{full}: cannot write: no space left on device"
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_fifo_with_a_reader_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        atomic.write_text(fifo, "through the pipe")
        assert os.read(reader, 1000) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_fifo_without_a_reader_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as exc:
        atomic.write_text(fifo, "x")
    assert _message(exc) == f"{fifo}: cannot write: it is a FIFO that nothing reads"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_folder_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "out.json").mkdir()
    with pytest.raises(InputError) as exc:
        atomic.write_text(tmp_path / "out.json", "x")
    assert _message(exc) == f"{tmp_path / 'out.json'}: cannot write: it is a folder"
    (tmp_path / "file").write_text("keep")
    with pytest.raises(InputError) as exc:
        atomic.write_text(tmp_path / "file" / "out.json", "x")
    assert "cannot write: not a directory" in _message(exc)
    assert (tmp_path / "file").read_text() == "keep"


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        atomic.write_text(tmp_path / "nope" / "out.json", "x")
    assert "the folder" in _message(exc)
    assert "does not exist" in _message(exc)


def test_full_disk_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills during the write: the old file is untouched and no temp file is left."""
    target = tmp_path / "out.json"
    target.write_text("old")
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if fd > 2:  # pytest's own output goes on
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(InputError) as exc:
        atomic.write_text(target, "new")
    monkeypatch.undo()
    assert _message(exc) == f"{target}: cannot write: no space left on device"
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def _without_root_override() -> None:
    """In the child before exec: drop the two capabilities by which root ignores file modes
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from the bounding set, so root's program meets a
    read-only folder as anyone would. A no-op for other users, who have neither."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def test_read_only_folder_from_the_command_line(tmp_path: Path) -> None:
    """A folder the user may not write in: exit 2 with the reason, no traceback."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    done = subprocess.run(
        [sys.executable, "-m", "belwar", "schema", "-o", str(folder / "schema.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=_without_root_override,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        f"{folder / 'schema.json'}: cannot write: permission denied (in the folder {folder})"
    )
    assert list(folder.iterdir()) == []
