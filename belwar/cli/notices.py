"""Warnings the library gives about an input (:class:`~belwar.errors.BelwarWarning`, such as
hindsight), shown on stderr as placed messages, ``file:line:col: key: warning: ...`` with the
line, once each; they never change the exit code. Other warnings pass through untouched."""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from typing import TextIO


@contextlib.contextmanager
def placed_warnings() -> Iterator[None]:
    """Within this block, belwar's warnings go to stderr as messages (not Python's warning
    text), each shown once."""
    from belwar.errors import BelwarWarning
    from belwar.render.report import clean

    shown: set[tuple[str, str]] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("always", BelwarWarning)
        passed_on = warnings.showwarning

        def show(  # noqa: PLR0917 - the signature warnings.showwarning has
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            if not isinstance(message, BelwarWarning):
                passed_on(message, category, filename, lineno, file, line)
                return
            seen = (message.problem.key, message.problem.message)
            if seen not in shown:  # a scenario and the same one derived from it warn alike
                shown.add(seen)
                with contextlib.suppress(OSError):
                    print(clean(str(message.problem)), file=sys.stderr)

        warnings.showwarning = show
        yield
