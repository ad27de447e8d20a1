"""A comparison's assumption changes as a reader takes them in: grouped by the input they belong
to (``drivers.kremlin_pressure``), a distribution as one setting however many of its parameters
moved (``PERT(0.3, 0.55, 0.9)`` to ``PERT(0.55, 0.8, 1.0)``), a list of cited facts as the ids
added and removed. Pure functions over the comparison's flat :class:`Change` records and the two
resolved scenarios they came from; no backend is imported here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from belwar.spec.dists import DIST_TYPES

if TYPE_CHECKING:
    from belwar.results.comparison import Change

#: the sections whose entries are named inputs (``drivers.<name>.…``)
NAMED = ("drivers", "events", "hazards")
#: the entries of a hazard (or an event) that are inputs of their own, one per driver
ODDS = "odds_ratios"
#: where the scenario's own top-level fields are grouped
SCENARIO = "scenario"
PROSE = 90  # characters of a changed text shown before it is shortened at a space
_ABSENT = object()


@dataclass(frozen=True, kw_only=True)
class Setting:
    """One changed setting of an input: its full dotted key (what ``--set`` takes), the name it
    is shown by under its input, and either its old and new values as text or, for a list of
    names (cited facts, say), the items removed and added."""

    key: str
    name: str
    old: str = ""
    new: str = ""
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def listed(self) -> bool:
        """Whether the change is shown as items removed and added."""
        return bool(self.removed or self.added)


@dataclass(frozen=True, kw_only=True)
class InputChange:
    """The changed settings of one input (``drivers.kremlin_pressure``, or ``scenario`` for the
    scenario's own fields), in key order."""

    input: str
    settings: tuple[Setting, ...]


def grouped(
    changes: Sequence[Change], a: dict[str, Any] | None, b: dict[str, Any] | None
) -> list[InputChange]:
    """``changes`` grouped by input, in the order their first key sorts, the keys inside a
    distribution of ``a`` or ``b`` (the resolved scenarios) merged into one setting."""
    a, b = a or {}, b or {}
    groups: dict[str, dict[str, Setting]] = {}
    for change in changes:
        parts = change.key.split(".")
        group, start = _group(parts)
        node = _dist_node(parts, a, b)
        settings = groups.setdefault(group, {})
        if node is not None:
            key = ".".join(parts[:node])
            old, new = _at(a, parts[:node]), _at(b, parts[:node])
            settings[key] = Setting(
                key=key,
                name=".".join(parts[start:node]),
                old=shown_value(old),
                new=shown_value(new),
            )
        else:
            settings[change.key] = _setting(change, ".".join(parts[start:]))
    return [InputChange(input=g, settings=tuple(s.values())) for g, s in groups.items()]


def _group(parts: list[str]) -> tuple[str, int]:
    """The input a key belongs to and where its setting's name starts among its parts."""
    if len(parts) == 1:
        return SCENARIO, 0
    if parts[0] in NAMED and len(parts) > 4 and parts[2] == ODDS:
        return ".".join(parts[:4]), 4  # an odds ratio is an input of its own
    if parts[0] in NAMED and len(parts) > 2:
        return ".".join(parts[:2]), 2
    return parts[0], 1


def _at(data: Any, parts: Sequence[str]) -> Any:
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return _ABSENT
        data = data[part]
    return data


def _is_dist(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") in DIST_TYPES


def _dist_node(parts: list[str], a: dict[str, Any], b: dict[str, Any]) -> int | None:
    """How many of ``parts`` name the distribution the key lies in (in either scenario), if
    it lies in one; the key of a whole distribution counts."""
    for end in range(1, len(parts) + 1):
        if _is_dist(_at(a, parts[:end])) or _is_dist(_at(b, parts[:end])):
            return end
    return None


def _setting(change: Change, name: str) -> Setting:
    old, new = change.old, change.new
    if _names(old) and _names(new):
        gone = tuple(_item(x) for x in old or () if x not in (new or ()))
        came = tuple(_item(x) for x in new or () if x not in (old or ()))
        if gone or came:
            return Setting(key=change.key, name=name, removed=gone, added=came)
    return Setting(key=change.key, name=name, old=shown_value(old), new=shown_value(new))


def _names(value: Any) -> bool:
    """Whether ``value`` is absent or a list of strings or records (shown item by item), not
    a list of numbers (shown whole, like ``[0.01, 0.08]``)."""
    if value is None:
        return True
    return isinstance(value, list) and all(isinstance(x, str | dict) for x in value)


def _item(value: Any) -> str:
    """One item of a list: a name as it is, a correlation as ``a ~ b: rho -0.4``, a rung as
    ``id (label)``, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "between" in value and "rho" in value:
            return " ~ ".join(map(str, value["between"])) + f": rho {_number(value['rho'])}"
        if "id" in value and "label" in value:
            return f"{value['id']} ({value['label']})"
    return json.dumps(value, ensure_ascii=False, default=str)


def _number(value: Any) -> str:
    """A number exactly as the scenario holds it (never rounded or cut short)."""
    return repr(value) if isinstance(value, float) else str(value)


def dist_text(dist: dict[str, Any]) -> str:
    """A distribution in one short line: ``PERT(0.3, 0.55, 0.9)`` (min, mode, max),
    ``beta(90% in [0.55, 0.85])``, ``estimative(unlikely)``, a point as its number."""
    kind = str(dist.get("type"))
    if kind == "point":
        return _number(dist.get("value"))
    if kind in {"pert", "triangular"}:
        three = ", ".join(_number(dist.get(k)) for k in ("min", "mode", "max"))
        return f"{'PERT' if kind == 'pert' else 'triangular'}({three})"
    if kind == "estimative":
        return f"estimative({str(dist.get('term', '')).replace('_', ' ')})"
    shown = []
    for name, value in dist.items():
        if name == "type" or value is None:
            continue
        if name == "ci90" and isinstance(value, list):
            shown.append(f"90% in [{', '.join(map(_number, value))}]")
        else:
            shown.append(f"{name} {_number(value)}")
    return f"{kind}({', '.join(shown)})"


def shown_value(value: Any) -> str:
    """A setting's value in one line: a distribution as :func:`dist_text`, a number exactly,
    a list of numbers as ``[0.01, 0.08]``, a text shortened at a space after :data:`PROSE`
    characters, an absent one as ``(absent)``."""
    if value is _ABSENT or value is None:
        return "(absent)"
    if _is_dist(value):
        return dist_text(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list) and all(isinstance(x, int | float) for x in value):
        return "[" + ", ".join(map(_number, value)) + "]"
    if isinstance(value, str):
        return value if len(value) <= PROSE else value[:PROSE].rsplit(" ", 1)[0] + "…"
    return json.dumps(value, ensure_ascii=False, default=str)
