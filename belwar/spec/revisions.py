"""Scenario files read at a git revision: ``REV:PATH`` (``HEAD~3:scenarios/baseline.yaml``, a
tag, a commit) names the file ``PATH`` as it was at ``REV``, with every file it ``extends`` as
it was then too.

The files are read with ``git cat-file`` (an argument list, never a shell) into a temporary
folder laid out as the repository is, and loaded from there under their ``REV:PATH`` names, so
every problem names the revision. A path that is a real file is always that file, even when
its name holds a colon; a revision that begins with ``-`` is refused (it would read as an
option).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from belwar.errors import InputError, input_error
from belwar.spec import yamlio
from belwar.spec.shipped import PREFIX

MAX_FILES = 17  # the scenario and at most MAX_EXTENDS (16) parents
GIT_SECONDS = 30


@dataclass(frozen=True)
class AtRevision:
    """A scenario named at a revision: the revision as given, the commit it names, the
    repository's top folder and the file's path inside it (``/`` separated)."""

    revision: str
    commit: str
    top: Path
    path: str

    @property
    def working_folder(self) -> Path:
        """The nearest folder of the working tree where the file would be (to find the
        evidence register a scenario there cites)."""
        folder = self.top / os.path.dirname(self.path)
        while not folder.is_dir() and folder != self.top:
            folder = folder.parent
        return folder


def split(text: str) -> tuple[str, str] | None:
    """``(revision, path)`` when ``text`` names a file at a revision, else None: a path that
    exists is itself, as are ``belwar:NAME`` (a shipped scenario) and ``C:\\...``."""
    if ":" not in text or os.path.lexists(text) or text.startswith(PREFIX):
        return None
    if re.match(r"^[A-Za-z]:[\\/]", text):
        return None
    revision, _, path = text.partition(":")
    if not revision or not path:
        return None
    return revision, path


def _git(top: Path | None, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = ["git", *(["-C", os.fspath(top)] if top is not None else []), *args]
    try:
        return subprocess.run(command, capture_output=True, timeout=GIT_SECONDS, check=False)
    except FileNotFoundError:
        raise input_error(
            "reading a scenario at a revision needs git, which is not installed"
        ) from None
    except subprocess.TimeoutExpired:
        raise input_error(f"git did not answer within {GIT_SECONDS} s") from None


def locate(revision: str, path: str) -> AtRevision:
    """Where ``path`` at ``revision`` lives: the repository around the path (or the current
    folder) and the commit the revision names; a placed error naming the revision if there
    is no repository, no such revision or no such file at it."""
    shown = f"{revision}:{path}"
    if revision.startswith("-"):
        raise input_error(f"'{revision}' is not a git revision (it begins with '-')", file=shown)
    absolute = Path(os.path.abspath(path))
    anchor = absolute.parent
    while not anchor.is_dir():
        anchor = anchor.parent
    found = _git(anchor, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        raise input_error(
            f"not in a git repository, so there is no revision '{revision}' to read", file=shown
        )
    top = Path(found.stdout.decode().strip())
    inside = os.path.relpath(os.path.realpath(anchor), top)
    relative = os.path.normpath(os.path.join(inside, os.path.relpath(absolute, anchor)))
    if relative.startswith(".."):
        raise input_error(f"'{path}' is outside the repository at {top}", file=shown)
    commit = _git(
        top, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"
    )
    if commit.returncode != 0:
        raise input_error(f"unknown git revision '{revision}'", file=shown)
    at = AtRevision(revision, commit.stdout.decode().strip(), top, Path(relative).as_posix())
    if _blob(at, at.path) is None:
        raise input_error(f"no file '{at.path}' at revision '{revision}'", file=shown)
    return at


def _blob(at: AtRevision, path: str) -> bytes | None:
    shown = _git(at.top, "cat-file", "blob", f"{at.commit}:{path}")
    return shown.stdout if shown.returncode == 0 else None


@contextmanager
def checked_out(at: AtRevision) -> Iterator[Path]:
    """The file and the chain of parents it extends, as they were at the revision, written
    under a temporary folder laid out as the repository; yields the file's path there. A
    parent missing at the revision is left out, for the loader to report."""
    with tempfile.TemporaryDirectory(prefix="belwar-rev-") as folder:
        root = Path(folder)
        path: str | None = at.path
        written: set[str] = set()
        while path is not None and path not in written and len(written) < MAX_FILES:
            data = _blob(at, path)
            if data is None:
                break
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.add(path)
            path = _parent(data, path, f"{at.revision}:{path}")
        yield root / at.path


def _parent(data: bytes, path: str, shown: str) -> str | None:
    """The repository path of the parent the file ``extends`` (None: none, or one the loader
    will refuse or find elsewhere)."""
    try:
        node = yamlio.parse(data.decode("utf-8"), shown).child("extends")
    except (InputError, UnicodeDecodeError):
        return None  # the loader reports it, placed
    if node is None or not isinstance(node.value, str) or node.value.startswith(PREFIX):
        return None
    joined = os.path.normpath(os.path.join(os.path.dirname(path), node.value))
    return None if joined.startswith("..") or os.path.isabs(joined) else Path(joined).as_posix()


def chain_paths(at: AtRevision) -> list[str]:
    """The repository paths of the file and of the parents it extends, at the revision (the
    ones that exist there)."""
    paths: list[str] = []
    path: str | None = at.path
    while path is not None and path not in paths and len(paths) < MAX_FILES:
        data = _blob(at, path)
        if data is None:
            break
        paths.append(path)
        path = _parent(data, path, f"{at.revision}:{path}")
    return paths


@dataclass(frozen=True)
class Revision:
    """One commit that changed a scenario or a parent of it: its hash, short hash and date."""

    commit: str
    short: str
    date: str


def history_of(path: str) -> tuple[AtRevision, list[Revision]]:
    """Every commit, oldest first, that changed the file at ``path`` (as HEAD names it) or a
    file it extends at that commit."""
    head = locate("HEAD", path)
    files = set(chain_paths(head))
    while True:  # each commit's own chain may name parents HEAD no longer extends
        found = _log(head.top, sorted(files))
        more = {
            p
            for rev in found
            for p in chain_paths(AtRevision(rev.commit, rev.commit, head.top, head.path))
        }
        if more <= files:
            break
        files |= more
    kept = [
        r for r in found if _blob(AtRevision(r.commit, r.commit, head.top, head.path), head.path)
    ]
    return head, kept


def _log(top: Path, files: list[str]) -> list[Revision]:
    shown = _git(top, "log", "--reverse", "--format=%H %h %cI", "HEAD", "--", *files)
    if shown.returncode != 0:
        raise input_error(f"git log failed: {shown.stderr.decode(errors='replace').strip()}")
    revisions = []
    for line in shown.stdout.decode().splitlines():
        commit, short, day = line.split(" ")
        revisions.append(Revision(commit, short, day))
    return revisions
