"""A scenario file and the chain of parents it ``extends``: each read, checked and deep-merged
under it. A parent is either a path relative to the file, inside the scenario's folder tree, or a
shipped scenario by name (``belwar:baseline.yaml``, see :mod:`belwar.spec.shipped`), whose own
parents stay inside the shipped folder; no cycle, at most ``MAX_EXTENDS`` levels.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from belwar.errors import InputError
from belwar.spec import yamlio
from belwar.spec.located import Loc, Located
from belwar.spec.shipped import PREFIX, shipped_names, shipped_scenarios
from belwar.spec.words import suggest

MAX_EXTENDS = 16


class Chain(NamedTuple):
    """The merged tree of a scenario and its parents, and every file read (the scenario first,
    each resolved)."""

    node: Located
    files: tuple[Path, ...]


def read_chain(file: Path, display: str, tree: Path, chain: tuple[Path, ...]) -> Chain:
    """``file`` merged over its parents; ``tree`` is the folder its relative parents must stay
    in and ``chain`` the files that extend it (to find cycles)."""
    node = yamlio.read(file, display)
    here = file.resolve()
    parent_ref = node.child("extends")
    if parent_ref is None or parent_ref.value is None:
        return Chain(node, (here,))
    if not isinstance(parent_ref.value, str):
        message = "expected a relative file path or a shipped scenario (belwar:baseline.yaml)"
        raise InputError([parent_ref.loc.problem("extends", message)])
    ref, loc = parent_ref.value, parent_ref.loc
    shown = yamlio.short(ref)
    if re.search(r"[\x00-\x1f\x7f]", ref):
        raise InputError([loc.problem("extends", "the path contains a control character")])
    if len(ref) > MAX_PATH or any(len(part) > MAX_NAME for part in Path(ref).parts):
        raise InputError(
            [loc.problem("extends", f"'{shown}' is too long for a path ({len(ref):,} characters)")]
        )
    if ref.startswith(PREFIX):
        target, parent_tree = _shipped(file, ref, loc), shipped_scenarios() or tree
        parent_display = ref
    else:
        target, parent_tree = _relative(file, ref, loc, tree), tree
        parent_display = _joined(display, ref)
    if target == here or target in chain:
        names = [relative(p) for p in (*chain, here, target)]
        raise InputError([loc.problem("extends", "extends cycle: " + " -> ".join(names))])
    if len(chain) >= MAX_EXTENDS:
        raise InputError([loc.problem("extends", f"more than {MAX_EXTENDS} levels of extends")])
    if target.exists() and not target.is_file():
        what = "a folder" if target.is_dir() else "not a regular file"
        raise InputError([loc.problem("extends", f"parent scenario '{shown}' is {what}")])
    if not target.is_file():
        siblings = (
            sorted(p.name for p in target.parent.glob("*.yaml")) if target.parent.is_dir() else []
        )
        raise InputError(
            [
                loc.problem(
                    "extends",
                    f"parent scenario '{shown}' not found{suggest(Path(ref).name, siblings)}",
                )
            ]
        )
    parent = read_chain(target, parent_display, parent_tree, (*chain, here))
    return Chain(yamlio.merge(parent.node, node), (here, *parent.files))


def _relative(file: Path, ref: str, loc: Loc, tree: Path, key: str = "extends") -> Path:
    """The parent at ``ref``, relative to ``file``: not absolute, not outside ``tree``
    (``key`` names the field in problems: a pool's members are found the same way)."""
    shown = yamlio.short(ref)
    if Path(ref).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", ref):
        raise InputError(
            [loc.problem(key, f"'{shown}' is absolute: give a path relative to this file")]
        )
    target = resolve_path(parent_path(file, ref), loc, key)
    if not target.is_relative_to(tree):
        raise InputError(
            [loc.problem(key, f"'{shown}' leaves the scenario's folder ({relative(tree)})")]
        )
    return target


_SHIPPED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _shipped(file: Path, ref: str, loc: Loc, key: str = "extends") -> Path:
    """The shipped scenario ``ref`` names (``belwar:`` and a file name in belwar's scenarios,
    nothing more: no folders, no ``..``), with its symlinks followed and still inside that
    folder."""
    folder = shipped_scenarios()
    name = ref[len(PREFIX) :]
    shown = yamlio.short(ref)
    if not _SHIPPED_NAME.fullmatch(name) or name.startswith(".."):
        message = f"'{shown}' must name a shipped scenario file, such as {PREFIX}baseline.yaml"
        raise InputError([loc.problem(key, message + " (no folders)")])
    names = shipped_names()
    if folder is None or name not in names:
        known = ", ".join(PREFIX + n for n in names) or "none are installed"
        hint = suggest(name, names).replace("'", f"'{PREFIX}", 1) if names else ""
        raise InputError(
            [loc.problem(key, f"no shipped scenario '{shown}'{hint} (shipped: {known})")]
        )
    target = resolve_path(parent_path(file, ref), loc, key)
    if not target.is_relative_to(folder):
        raise InputError([loc.problem(key, f"'{shown}' leaves belwar's scenarios")])
    return target


def parent_path(file: Path, ref: str) -> Path:
    """Where ``extends: ref`` in ``file`` points: a shipped scenario (``belwar:NAME``) or a path
    beside ``file``. Unchecked: :func:`read_chain` checks the reference."""
    folder = shipped_scenarios()
    if ref.startswith(PREFIX) and folder is not None:
        return folder / ref[len(PREFIX) :]
    return file.parent / ref


def member_path(file: Path, ref: str, loc: Loc, key: str) -> Path:
    """The scenario a pool member ``ref`` in ``file`` names, checked as ``extends`` is: a
    shipped scenario (``belwar:NAME``) or a relative path inside ``file``'s folder."""
    if ref.startswith(PREFIX):
        return _shipped(file, ref, loc, key)
    folder = resolve_path(file, loc, key).parent
    return _relative(file, ref, loc, folder, key)


def joined(display: str, ref: str) -> str:
    """How the file at ``ref`` beside ``display`` is named in messages (see :func:`_joined`)."""
    return ref if ref.startswith(PREFIX) else _joined(display, ref)


def _joined(display: str, ref: str) -> str:
    """How the parent at relative ``ref`` is named in messages: beside ``display`` (a shipped
    scenario's parents are shipped too, and named so)."""
    if display.startswith(PREFIX):
        return PREFIX + os.path.normpath(os.path.join(os.path.dirname(display[len(PREFIX) :]), ref))
    return os.path.normpath(os.path.join(os.path.dirname(display), ref))


MAX_PATH = 1024  # characters in an `extends` path; each part at most MAX_NAME
MAX_NAME = 255


def resolve_path(path: Path, loc: Loc, key: str) -> Path:
    """``path`` made absolute with its symlinks followed, or a placed problem saying why not."""
    try:
        return path.resolve()
    except RuntimeError:  # Python < 3.13 on a symlink loop
        reason = "it is a symlink loop"
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "the path cannot be used"
    raise InputError([loc.problem(key, f"cannot follow '{yamlio.short(str(path))}': {reason}")])


def relative(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
