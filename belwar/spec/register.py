"""The evidence register read from its folder, and a scenario's citations checked against it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from belwar.errors import InputError, Problem
from belwar.spec import yamlio
from belwar.spec.evidence import Register, Source, find_register
from belwar.spec.hindsight import hindsight, warn
from belwar.spec.located import Loc, Located
from belwar.spec.overrides import parse_key
from belwar.spec.placing import place, validate
from belwar.spec.shipped import shipped_register
from belwar.spec.words import suggest


def citation_problems(
    cited: list[tuple[str, str]],
    root: Located,
    register: Register | None,
    folder: Path | None,
    *,
    as_of: dt.date | None = None,
) -> list[Problem]:
    """A problem at each citation the register (default: :func:`default_register` of
    ``folder``) does not hold; with ``as_of``, a :class:`~belwar.errors.HindsightWarning` for
    each it holds that is dated after it."""
    if not cited:
        return []
    if register is None:
        register = default_register(folder or Path.cwd())
        if register is None:
            key, _ = cited[0]
            return [
                place(
                    root,
                    parse_key(key),
                    "no evidence register (a seeds/ folder) found to check citations against",
                )
            ]
    known = register.citations()
    problems = []
    for key, ref in cited:
        if ref not in known:
            problems.append(place(root, parse_key(key), _unknown_citation(ref, register)))
    if as_of is not None:
        warn(hindsight(cited, root, register, as_of))
    return problems


MAX_LISTED = 12


def _unknown_citation(ref: str, register: Register) -> str:
    """Why a citation is not in the register: an unknown source, or an unknown fact of a known
    source (then that source's facts are listed)."""
    source_id, _, _ = ref.partition("/")
    sources = {s.id: s for s in register.sources}
    head = f"'{ref}' is not in the evidence register"
    if source_id not in sources:
        return f"{head}: there is no source '{source_id}'{suggest(source_id, sources)}"
    facts = [f"{source_id}/{fact.id}" for fact in sources[source_id].facts]
    listed = ", ".join(f.partition("/")[2] for f in facts[:MAX_LISTED])
    more = f" and {len(facts) - MAX_LISTED} more" if len(facts) > MAX_LISTED else ""
    return f"{head}{suggest(ref, facts)} (facts of '{source_id}': {listed}{more})"


# --- The evidence register -----------------------------------------------------------------------


def default_register(folder: Path) -> Register | None:
    """The register a scenario in ``folder`` cites by default: the nearest ``seeds/`` folder in
    or above it, joined by the register that ships with belwar (its sources first, then the
    shipped ones it lacks); the shipped register alone where there is no ``seeds/`` folder."""
    found = find_register(folder)
    if found is None:
        return None
    register = load_register(found)
    shipped = shipped_register()
    if shipped is None or found.resolve() == shipped:
        return register
    return register.joined(load_register(shipped))


def load_register(folder: str | os.PathLike[str]) -> Register:
    """Read and validate every ``*.yaml`` source file in ``folder``."""
    base = Path(folder)
    sources: list[Source] = []
    problems: list[Problem] = []
    files = sorted(base.glob("*.yaml"))
    if not files:
        raise InputError(
            [Loc(os.fspath(base)).problem("", "no source files (*.yaml) in the register")]
        )
    seen: dict[str, str] = {}
    for file in files:
        display = os.fspath(file)
        try:
            root = yamlio.read(file, display)
            source = validate(Source, root)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if source.id != file.stem:
            problems.append(
                place(root, ("id",), f"'{source.id}' must match the file name '{file.stem}'")
            )
        if source.id in seen:
            problems.append(
                place(root, ("id",), f"source '{source.id}' is also defined in {seen[source.id]}")
            )
        seen[source.id] = display
        first: dict[str, int] = {}
        for i, fact in enumerate(source.facts):
            if fact.id in first:
                problems.append(
                    place(
                        root,
                        ("facts", i, "id"),
                        f"duplicate fact id '{fact.id}' (first at facts[{first[fact.id]}])",
                    )
                )
            first.setdefault(fact.id, i)
        sources.append(source)
    if problems:
        raise InputError(problems)
    return Register(tuple(sources))
