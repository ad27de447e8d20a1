"""What a command hands the user: a result delivered as a chart, a file, machine text or tables
in the terminal, and the progress bar while it runs."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import typer

if TYPE_CHECKING:
    from belwar.render.tables import Table


def check_format(fmt: str, formats: tuple[str, ...]) -> None:
    """Refuse a ``--format`` that is not one of ``formats``."""
    from belwar.errors import input_error
    from belwar.spec.scenario import suggest

    if fmt not in formats:
        raise input_error(
            f"unknown format '{fmt}'{suggest(fmt, formats)} (one of: {', '.join(formats)})",
            key="--format",
        )


#: the formats of run, diff, sweep and sensitivity: render.report's text formats, and xlsx
RUN_FORMATS = ("table", "json", "csv", "markdown", "xlsx")


class Shown(Protocol):
    """A result a command delivers: each can draw its chart."""

    def plot(self) -> Any:
        """The result's chart (a matplotlib figure)."""


T = TypeVar("T", bound=Shown)


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """Where and how a result goes: ``--format``, ``--output``, ``--quiet`` and ``--plot``."""

    fmt: str
    output: Path | None = None
    quiet: bool = False
    plot: Path | None = None

    def checked(self, formats: tuple[str, ...]) -> Delivery:
        """This delivery, refused (exit 2) when its format is not one of ``formats`` or is a
        workbook bound for a terminal."""
        from belwar.errors import input_error

        check_format(self.fmt, formats)
        if self.fmt == "xlsx" and self.output is None and sys.stdout.isatty():
            raise input_error(
                "--format xlsx writes a binary workbook: give --output FILE.xlsx "
                "(or redirect stdout to a file)",
                key="--output",
            )
        return self


def unpadded(text: str) -> str:
    """``text`` without the spaces rich pads each line with to the full width."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def print_tables(items: Sequence[object]) -> None:
    """Print rich renderables one after another: drawn to fit a terminal, or, when stdout is
    a pipe or a file, with no padding after the last character of a line."""
    from rich.console import Console

    console = Console()
    if console.is_terminal:
        for item in items:
            console.print(item)
        return
    with console.capture() as captured:
        for item in items:
            console.print(item)
    sys.stdout.write(unpadded(captured.get()))


def deliver(
    item: T,
    how: Delivery,
    *,
    text: Callable[[T, str], str],
    tables: Callable[[T], Sequence[object]],
    sheets: Callable[[T], Sequence[tuple[str, Table]]],
) -> None:
    """Write ``item``'s chart when asked, then ``text(item, fmt)`` (or the workbook of
    ``sheets(item)`` for xlsx) to the output file (atomically) or to stdout for a machine
    format, else print ``tables(item)`` to the terminal. Only what is shown is rendered; each
    file written is said on stderr unless ``--quiet``."""
    from belwar.render.atomic import write_bytes, write_text

    if how.plot is not None:
        from belwar.render.charts import save

        save(item.plot(), str(how.plot))
        _wrote("the chart to ", how.plot, how.quiet)
    if how.fmt == "xlsx":
        from belwar.render.xlsx import workbook

        data = workbook(sheets(item))
        if how.output is None:
            sys.stdout.buffer.write(data)
        else:
            write_bytes(how.output, data)
            _wrote("", how.output, how.quiet)
    elif how.output is not None:
        body = text(item, how.fmt)
        write_text(how.output, unpadded(body) if how.fmt == "table" else body)
        _wrote("", how.output, how.quiet)
    elif how.fmt != "table":
        sys.stdout.write(text(item, how.fmt))
    else:
        print_tables(tables(item))


def _wrote(what: str, path: Path, quiet: bool) -> None:
    """Say on stderr that ``path`` was written (``what`` it holds, when it is not the output)."""
    from belwar.render.report import clean

    if not quiet:
        typer.echo(f"wrote {what}{clean(str(path))}", err=True)


@contextmanager
def progress(quiet: bool, unit: str = "samples") -> Iterator[Callable[[int, int], None] | None]:
    """A transient progress bar on stderr, only when stderr is a terminal and not ``--quiet``,
    counting ``unit`` (samples, or a sweep's points)."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Samples(ProgressColumn):
        """``done/total samples``; the total is unknown (None) until the model is compiled,
        and the bar is drawn from its start, so this column must draw without one."""

        def render(self, task: Task) -> Text:
            total = "" if task.total is None else f"/{task.total:,.0f}"
            return Text(f"{task.completed:,.0f}{total} {unit}")

    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        Samples(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("run", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick
