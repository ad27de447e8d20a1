"""Writing output files so that a reader never sees half of one: write a temporary file beside
the target, flush it to disk, then rename it over the target in one step."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from pathlib import Path

from belwar.errors import input_error


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically; the old file survives any failure."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; the old file survives any failure intact."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise input_error(f"cannot write: the folder {folder} does not exist", file=str(target))
    _remove_stale(folder, target.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_stale(folder: Path, name: str) -> None:
    """Remove temporaries of ``name`` left by a writer that was killed (SIGKILL cannot be
    caught): they carry the writer's process id, and one whose process is gone is stale."""
    for stale in folder.glob(f".{glob.escape(name)}.*.tmp"):
        pid = stale.name[len(name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                stale.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid > 0  # another user's process, or no such id at all
    return True
