"""The one display mixin of result records: notebooks, rich consoles, pandas and matplotlib.

Records are plain data and never print. What they show is decided in one place,
:mod:`belwar.render.display`, reached from here by the single deliberate edge from ``results``
up to ``render`` (the pattern of xarray, whose ``_repr_html_`` hands itself to
``formatting_html``): every method below imports it lazily, so importing a record loads no
renderer, and hands it ``self``. A record class mixes this in and defines :meth:`to_dict`.
"""

from __future__ import annotations

import os
from typing import Any

from belwar.results import jsonio


def short_repr(kind: str, head: str, *lines: str) -> str:
    """A record's ``repr``: its kind and ``head`` on the first line, then a few indented lines
    (a notebook's ``print`` and a debugger show this, not the record's full contents)."""
    body = "".join(f"\n  {line}" for line in lines)
    return f"<belwar.{kind} {head}{body}>"


def share(p: float) -> str:
    """A probability as a percentage for a ``repr`` (``12.3%``)."""
    return f"{100 * p:.1f}%"


def points(value: float) -> str:
    """A Monte Carlo error or a change in percentage points for a ``repr`` (``0.12 points``)."""
    return f"{100 * value:.2g} points"


class Display:
    """Display and saving for a frozen result record that defines :meth:`to_dict`."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The record's versioned JSON data (a :func:`~belwar.results.jsonio.envelope`)."""
        raise NotImplementedError(f"{type(self).__name__} must define to_dict")

    def to_json(self) -> str:
        """:meth:`to_dict` as indented JSON ending in a newline."""
        return jsonio.dumps(self.to_dict())

    def to_pandas(self) -> Any:
        """The record's tidy rows as a pandas DataFrame (pandas is an optional extra)."""
        from belwar.render import display  # noqa: PLC0415 - the one display edge

        return display.frame(self)

    def plot(self) -> Any:
        """The record's chart, a matplotlib figure (matplotlib is an optional extra)."""
        from belwar.render import display  # noqa: PLC0415 - the one display edge

        return display.plot(self)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_json` to ``path``, atomically."""
        from belwar.render import display  # noqa: PLC0415 - the one display edge

        display.save(self, path)

    def _repr_html_(self) -> str:
        from belwar.render import display  # noqa: PLC0415 - the one display edge

        return display.html(self)

    def _repr_markdown_(self) -> str:
        from belwar.render import display  # noqa: PLC0415 - the one display edge

        return display.markdown(self)

    def __rich__(self) -> Any:
        from belwar.render import display  # noqa: PLC0415 - the one display edge

        return display.rich(self)
