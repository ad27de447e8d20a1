"""Writing output files so that a reader never sees half of one: write a temporary file beside
the target, flush it to disk, then rename it over the target in one step.

Only a regular file is replaced. A symlink is followed: its target is written, atomically
beside the target, and the link stays a link. A character device (``/dev/null``, a terminal)
or a pipe (``-o >(gzip > x.gz)``, a FIFO with a reader) is written in place, as the shell's
``>`` would; renaming over one would put a regular file where the device was. Anything else
in the way (a folder, a block device, a socket) is refused. Every failure of the system (a
read-only folder, a full disk, a missing folder) is reported as bad input naming the file and
the reason, never as a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
import tempfile
from pathlib import Path

from belwar.errors import InputError, input_error


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically; the old file survives any failure."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; the old file survives any failure intact.

    Raises :class:`~belwar.errors.InputError` naming ``path`` and the system's reason when the
    file cannot be written.
    """
    shown = os.fspath(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _failed(shown, exc) from None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        _write_in_place(shown, data, fifo=stat.S_ISFIFO(mode))
    elif mode is not None and not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else f"a {_kind(mode)}, not a file"
        raise input_error(f"cannot write: it is {what}", file=shown)
    else:
        # a symlink (or a chain of them) is followed, so the link survives and its target
        # is the file replaced; a dangling link creates its target
        _replace(shown, Path(os.path.realpath(path)), data, mode)


def _replace(shown: str, target: Path, data: bytes, mode: int | None) -> None:
    folder = target.parent
    if not folder.is_dir():
        state = (
            f"{folder} is not a folder"
            if folder.exists()
            else f"the folder {folder} does not exist"
        )
        raise input_error(f"cannot write: {state}", file=shown)
    _remove_stale(folder, target.name)
    tmp = _temporary(shown, target, data, stat.S_IMODE(mode) if mode is not None else None)
    try:
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _failed(shown, exc) from None
        raise


def _temporary(shown: str, target: Path, data: bytes, mode: int | None) -> str:
    """A temporary file beside ``target`` holding ``data``, synced to disk, with ``mode`` (the
    umask's default when None): the path to rename or link into place. Nothing is left behind
    if it cannot be written."""
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise _failed(shown, exc, f" (in the folder {folder})") from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _failed(shown, exc) from None
        raise
    return tmp


def _write_in_place(shown: str, data: bytes, *, fifo: bool) -> None:
    """Write a device or pipe through an ordinary open, without creating or renaming anything.

    A FIFO is opened without blocking, so one nobody reads is refused at once instead of
    hanging belwar; the writes themselves then block as a pipe's should.
    """
    flags = os.O_WRONLY | os.O_NOCTTY | (os.O_NONBLOCK if fifo else 0)
    try:
        fd = os.open(shown, flags)
    except OSError as exc:
        if fifo and exc.errno == errno.ENXIO:
            raise input_error("cannot write: it is a FIFO that nothing reads", file=shown) from None
        raise _failed(shown, exc) from None
    try:
        os.set_blocking(fd, True)
        _write_all(fd, data)
    except OSError as exc:
        raise _failed(shown, exc) from None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _failed(shown: str, exc: OSError, where: str = "") -> InputError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return input_error(f"cannot write: {reason[:1].lower()}{reason[1:]}{where}", file=shown)


def _kind(mode: int) -> str:
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


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


def create_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to a new file ``path``, atomically: it appears whole or not at all, and
    if anything is already there (a file, a link, a folder) nothing is written."""
    shown = os.fspath(path)
    target = Path(shown)
    if os.path.lexists(target):
        raise input_error("already exists: nothing was written", file=shown)
    folder = target.parent
    if not folder.is_dir():
        raise input_error(f"cannot write: the folder {folder} does not exist", file=shown)
    tmp = _temporary(shown, target, text.encode("utf-8"), None)
    try:
        os.link(tmp, target)  # fails if the name was taken meanwhile, unlike a rename
    except FileExistsError:
        raise input_error("already exists: nothing was written", file=shown) from None
    except OSError as exc:
        raise _failed(shown, exc) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
