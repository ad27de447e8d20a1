"""What a command hands the user: a result delivered as a chart, a file, machine text or tables
in the terminal, and the progress bar while it runs."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import typer


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


def print_tables(items: Sequence[object]) -> None:
    """Print rich renderables to the terminal, one after another."""
    from rich.console import Console

    console = Console()
    for item in items:
        console.print(item)


def deliver(
    item: T,
    how: Delivery,
    *,
    text: Callable[[T, str], str],
    tables: Callable[[T], Sequence[object]],
) -> None:
    """Write ``item``'s chart when asked, then ``text(item, fmt)`` to the output file
    (atomically) or to stdout for a machine format, else print ``tables(item)`` to the
    terminal. Only what is shown is rendered."""
    from belwar.render.atomic import write_text
    from belwar.render.report import clean

    if how.plot is not None:
        from belwar.render.charts import save

        save(item.plot(), str(how.plot))
    if how.output is not None:
        write_text(how.output, text(item, how.fmt))
        if not how.quiet:
            typer.echo(f"wrote {clean(str(how.output))}", err=True)
    elif how.fmt != "table":
        sys.stdout.write(text(item, how.fmt))
    else:
        print_tables(tables(item))


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
