"""The hostile corpus: small files and flag sets that once broke belwar, each with the exit code
and message a user must see instead.

Cases are data (black's ``tests/data/cases`` is the pattern): every ``cases_*.py`` module in this
folder defines ``CASES``, a list of :class:`Case`; ``tests/test_hostile.py`` walks them all. A
case names the files it needs (written into a fresh folder; a callable makes a large one at run
time, so nothing big is committed) and the command line to run, with ``{tmp}`` standing for that
folder, ``{scenarios}`` for the shipped scenarios and ``{register}`` for the test register.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

Content = str | bytes | Callable[[], str | bytes]


@dataclass(frozen=True)
class Case:
    """One hostile input and what belwar must answer.

    ``message`` is a regular expression searched in stdout + stderr (``re.search`` with
    ``re.S``). ``absent`` must appear nowhere in the output. ``subprocess`` runs the real
    executable (for inputs that once crashed or hung the interpreter itself), with ``timeout``
    seconds before the case fails. ``setup`` gets the case folder for what files cannot say
    (a FIFO, a symlink, a read-only folder).
    """

    name: str
    argv: tuple[str, ...]
    exit: int = 2
    message: str = ""
    files: Mapping[str, Content] = field(default_factory=dict)
    absent: tuple[str, ...] = ("Traceback", "internal error")
    subprocess: bool = False
    timeout: float = 60.0
    setup: Callable[[str], None] | None = None
    stdin: str | None = None
