"""A scenario written back as YAML that belwar's strict reader reads to the same values: what
``belwar show`` prints and ``belwar init`` builds on. Distributions and short lists of numbers
or names are written on one line (``{type: pert, min: 0.3, mode: 0.55, max: 0.9}``), as the
shipped scenarios write them; everything else block by block, in the order of the data.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

FLOW_WIDTH = 60  # a list of scalars this short goes on one line
TEXT_WIDTH = 80  # longer text is folded (``>-``) at spaces to lines about this long


def dump(data: Mapping[str, Any], header: str = "") -> str:
    """``data`` (plain values: dicts, lists or tuples, text, numbers, booleans, dates) as YAML
    text, after ``header`` (comment lines, each starting ``#``)."""
    from ruamel.yaml import YAML  # noqa: PLC0415 - heavy (ruamel)

    yaml = YAML(typ="rt")
    yaml.width = 4096  # long text is folded here (_folded), never by the emitter
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(_styled(data), out)
    return header + out.getvalue()


def _styled(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq  # noqa: PLC0415 - heavy (ruamel)

    if isinstance(value, Mapping):
        if "type" in value:  # a distribution: its type first
            value = {"type": value["type"], **value}
        styled = CommentedMap((k, _styled(v)) for k, v in value.items() if not _empty(v))
        if "type" in value and all(_scalar(v) or _short(v) for v in value.values()):
            styled.fa.set_flow_style()
        return styled
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_styled(v) for v in value)
        if _short(value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and len(value) > TEXT_WIDTH and "\n" not in value:
        return _folded(value)
    return value


def _empty(value: Any) -> bool:
    """A default that need not be written: empty text, an empty list or mapping."""
    return isinstance(value, str | list | tuple | Mapping) and len(value) == 0


def _folded(text: str) -> Any:
    """``text`` as a folded block (``>-``), broken at spaces into lines of about TEXT_WIDTH."""
    from ruamel.yaml.scalarstring import FoldedScalarString  # noqa: PLC0415 - heavy (ruamel)

    folded = FoldedScalarString(text)
    breaks, start = [], 0
    while len(text) - start > TEXT_WIDTH:
        at = text.rfind(" ", start, start + TEXT_WIDTH)
        if at <= start or text[at + 1 : at + 2] == " " or text[at - 1] == " ":
            return text  # no clean place to break: leave it to the emitter
        breaks.append(at)
        start = at + 1
    folded.fold_pos = breaks
    return folded


def _scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list | tuple)


def _short(value: Any) -> bool:
    if not isinstance(value, list | tuple):
        return False
    if not all(isinstance(v, int | float | str) and not isinstance(v, bool) for v in value):
        return False
    return sum(len(str(v)) + 2 for v in value) <= FLOW_WIDTH
