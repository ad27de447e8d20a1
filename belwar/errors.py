"""Errors belwar raises, and the problems a bad input file is reported with.

Every mistake in a file a person wrote becomes a :class:`Problem` that points at the place
(``path:line:col: key.path: what is wrong``); one :class:`InputError` carries all of them, so a
user fixes a file in one pass rather than one message at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class BelwarError(Exception):
    """Base class of every error belwar raises on purpose.

    Errors cross process and Dask boundaries by pickling, which re-creates an exception from
    its ``args``: a subclass whose ``__init__`` takes something other than its message must
    say how to rebuild it (``__reduce__``), as :class:`InputError` does.
    """


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, and where it is.

    ``file`` is the path as the user gave it (or ``--set`` for a command-line override); ``line``
    and ``column`` are 1-based and ``None`` when the place has no position (a missing file).
    ``key`` is the dotted path of the offending value, such as ``drivers.x.dist.ci90`` or
    ``ladder.rungs[2].id``; ``source_line`` is the text of that line, shown under the message.
    """

    file: str
    line: int | None
    column: int | None
    key: str
    message: str
    source_line: str | None = None

    @property
    def where(self) -> str:
        """``file:line:col`` (as much of it as is known)."""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        head = ": ".join(part for part in (self.where, self.key, self.message) if part)
        if self.source_line is None or self.line is None:
            return head
        shown, at = _window(self.source_line, (self.column or 1) - 1)
        gutter = f"{self.line:>5} | "
        caret = " " * (len(gutter) - 2) + "| " + " " * at + "^"
        return f"{head}\n{gutter}{shown}\n{caret}"


SOURCE_WIDTH = 120  # longer source lines are shown as a window of WINDOW characters
WINDOW = 100
# Control characters of a source line are shown as visible symbols (U+2400...), one for one so
# the caret stays in place; a tab becomes a space for the same reason.
_VISIBLE = (
    {i: 0x2400 + i for i in range(32)}
    | {9: 32, 127: 0x2421}
    | dict.fromkeys(range(128, 160), 65533)
)


def _window(line: str, column: int) -> tuple[str, int]:
    """The part of ``line`` to show around 0-based ``column``, and the caret's offset in it."""
    line = line.translate(_VISIBLE)
    if len(line) <= SOURCE_WIDTH:
        return line, column
    start = max(0, min(column - WINDOW // 2, len(line) - WINDOW))
    end = start + WINDOW
    shown = ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")
    return shown, column - start + (1 if start else 0)


class InputError(BelwarError):
    """Bad input: a scenario, register or option a user wrote. Carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.key, p.message))
        )
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type[InputError], tuple[tuple[Problem, ...]]]:
        # by default pickle calls InputError(rendered message): a str, not problems
        return type(self), (self.problems,)

    def render(self) -> str:
        """Every problem, each with its place and offending line, one after another."""
        return "\n".join(str(problem) for problem in self.problems)


def input_error(message: str, *, file: str = "", key: str = "") -> InputError:
    """An :class:`InputError` with a single problem that has no line (an option, a missing file)."""
    return InputError([Problem(file=file, line=None, column=None, key=key, message=message)])


class BelwarWarning(UserWarning):
    """Base class of the warnings belwar gives: something in an input that is allowed but worth
    a second look. Carries the :class:`Problem` it is about, with its place."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem

    def __reduce__(self) -> tuple[type[BelwarWarning], tuple[Problem]]:
        return type(self), (self.problem,)


class HindsightWarning(BelwarWarning):
    """A scenario cites evidence dated after its ``as_of``: something its author could not have
    known on that date."""
