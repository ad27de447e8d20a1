"""How ``--help`` reads: typer's rich help with each docstring's paragraphs unwrapped (rich
wraps them to the terminal), an ``Examples:`` section kept line by line as the epilog, flags
without value labels, arguments without type labels or braces, the option panels in one order
in every command, and no padding after the lines when stdout is not a terminal. The command
classes in :mod:`belwar.cli.app` call these."""

from __future__ import annotations

import inspect
import io
import re
import sys
from collections.abc import Callable
from typing import Any

from belwar.cli.options import PANELS
from belwar.cli.output import unpadded

# typer vendors click privately (typer._click): its Parameter is typer's to name, so the
# signatures that take one say Any.


def no_flag_values(params: list[Any]) -> list[Any]:
    """Flags take no value, so ``--help`` shows none (typer would label them ``<bool>``)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


def unwrapped(help_text: str | None) -> str | None:
    """A docstring's paragraphs each on one line: typer keeps its single line breaks, which
    at a narrower terminal than the source leave ragged half-lines; rich wraps them instead."""
    if help_text is None:
        return None
    return re.sub(r"(?<=\S)[ \t]*\n[ \t]*(?=\S)", " ", inspect.cleandoc(help_text))


_EXAMPLES = re.compile(r"^Examples:[ \t]*$", re.MULTILINE)


def help_and_examples(help_text: str | None) -> tuple[str | None, str | None]:
    """A docstring's prose, unwrapped, and its ``Examples:`` section as the epilog: each
    description line as prose, each command (a line starting ``belwar``, and the lines it
    continues onto with a backslash) indented and kept as written, so that it copies whole."""
    if help_text is None:
        return None, None
    prose, *examples = _EXAMPLES.split(inspect.cleandoc(help_text), maxsplit=1)
    if not examples:
        return unwrapped(prose), None
    shown, continued = [], False
    for line in inspect.cleandoc(examples[0]).splitlines():
        text = line.strip().replace("[", "\\[")
        follows = text.endswith("\\")
        if continued or text.startswith("belwar "):
            command = text.removesuffix("\\").rstrip()
            # the backslash outside the markup, where it cannot escape the closing tag
            shown.append(
                ("      " if continued else "  ") + f"[bold]{command}[/]" + " \\" * follows
            )
        else:
            shown.append(text)
        continued = follows
    return unwrapped(prose.rstrip()), "Examples:\n" + "\n".join(shown)


def panel_rank(param: Any) -> int:
    """Where a parameter's panel comes in ``--help``: arguments, then :data:`PANELS`."""
    if param.param_type_name == "argument":
        return -1
    panel = getattr(param, "rich_help_panel", None)
    return PANELS.index(panel) if panel in PANELS else len(PANELS)


def usage_name(param: Any) -> str:
    """An argument as the usage line shows it: its metavar as written (typer would add braces
    to a required one: ``{SCENARIO}``)."""
    return str(param.metavar or param.name.upper())


def unpadded_help(draw: Callable[[], None]) -> None:
    """Run ``draw`` (typer's help, which rich pads to the full width); when stdout is not a
    terminal, pass on what it printed without the spaces after each line's last character."""
    if sys.stdout.isatty():
        draw()
        return
    real, drawn = sys.stdout, io.StringIO()
    sys.stdout = drawn
    try:
        draw()
    finally:
        sys.stdout = real
    real.write(unpadded(drawn.getvalue()))
