"""A scenario file and the chain of parents it ``extends``: each read, checked (relative, inside
the scenario's folder, no cycle, at most ``MAX_EXTENDS`` levels) and deep-merged under it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from belwar.errors import InputError
from belwar.spec import yamlio
from belwar.spec.located import Loc, Located
from belwar.spec.words import suggest

MAX_EXTENDS = 16


def read_chain(file: Path, display: str, tree: Path, chain: tuple[Path, ...]) -> Located:
    node = yamlio.read(file, display)
    here = file.resolve()
    parent_ref = node.child("extends")
    if parent_ref is None or parent_ref.value is None:
        return node
    if not isinstance(parent_ref.value, str):
        raise InputError([parent_ref.loc.problem("extends", "expected a relative file path")])
    ref = parent_ref.value
    loc = parent_ref.loc
    shown = yamlio.short(ref)
    if re.search(r"[\x00-\x1f\x7f]", ref):
        raise InputError([loc.problem("extends", "the path contains a control character")])
    if len(ref) > MAX_PATH or any(len(part) > MAX_NAME for part in Path(ref).parts):
        raise InputError(
            [loc.problem("extends", f"'{shown}' is too long for a path ({len(ref):,} characters)")]
        )
    if Path(ref).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", ref):
        raise InputError(
            [loc.problem("extends", f"'{shown}' is absolute: give a path relative to this file")]
        )
    target = resolve_path(file.parent / ref, loc, "extends")
    if not target.is_relative_to(tree):
        raise InputError(
            [loc.problem("extends", f"'{shown}' leaves the scenario's folder ({relative(tree)})")]
        )
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
    parent_display = os.path.normpath(os.path.join(os.path.dirname(display), ref))
    parent = read_chain(target, parent_display, tree, (*chain, here))
    return yamlio.merge(parent, node)


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
