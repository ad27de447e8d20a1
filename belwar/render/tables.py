"""Tables as data, several backends (dvc's ``TabularData`` is the pattern): a layout builds a
:class:`Table` from a result once, and each backend here draws any table without knowing what
result it came from: :func:`to_rich`, :func:`to_markdown`, :func:`to_html`, :func:`to_csv` and
:func:`to_records` (for pandas).

A cell is lines of :class:`Span`; a span is user text (escaped for markdown) unless it is marked
``own`` (belwar's numbers and words, written as they are). Every backend escapes control
characters; HTML escapes everything."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any, Literal

from belwar.render.text import clean, markdown_text

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

Align = Literal["left", "right"]

#: what a line break inside a cell becomes in each text backend
MARKDOWN_BREAK = "<br>"
HTML_BREAK = " · "


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style: ``bold``, ``dim``, ``italic``, ``code`` or a colour.
    Markdown shows ``bold``, ``italic`` and ``code``; the terminal shows all but ``code``."""

    text: str
    style: str = ""
    own: bool = False  # belwar's own text: markdown writes it unescaped


@dataclass(frozen=True, slots=True)
class Cell:
    """Lines of spans; ``style`` is the whole cell's (its padding too, in a terminal) and
    ``value`` the raw datum behind the text, for records and frames."""

    lines: tuple[tuple[Span, ...], ...]
    style: str = ""
    value: Any = None

    @property
    def text(self) -> str:
        """The plain text, lines joined by newlines."""
        return "\n".join("".join(span.text for span in line) for line in self.lines)


def user(text: str, style: str = "") -> Cell:
    """A one-span cell of user text (escaped wherever it is shown)."""
    return Cell(((Span(text),),), style)


def own(text: str, style: str = "", value: Any = None) -> Cell:
    """A one-span cell of belwar's own text (a number, a word), optionally with its raw value."""
    return Cell(((Span(text, own=True),),), style, value)


def lines(*rows: Iterable[Span]) -> Cell:
    """A cell of several lines, each a sequence of spans."""
    return Cell(tuple(tuple(row) for row in rows))


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header (user text), alignment, and how a terminal may squeeze it."""

    header: str
    align: Align = "left"
    wrap: bool = True
    fold: bool = False  # break long words instead of cutting them with an ellipsis
    ratio: int | None = None
    min_width: int | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table: columns, rows of cells, a caption under it and notes after it."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()
    title: Cell | None = None
    caption: Cell | None = None
    notes: tuple[Cell, ...] = ()
    ruled: bool = False  # a rule between rows (terminal only)
    breaks: frozenset[int] = frozenset()  # rows followed by a rule (terminal only)
    #: the layout a terminal draws instead when this one cannot fit it without breaking a word
    #: (months as rows instead of columns, say): a table is rearranged, never cut short
    narrow: Table | None = None


def table(
    columns: Iterable[Column | str],
    rows: Iterable[Iterable[Cell | str]] = (),
    **options: Any,
) -> Table:
    """A :class:`Table` from columns (a bare string is a left-aligned header) and rows (a bare
    string is user text)."""
    return Table(
        tuple(c if isinstance(c, Column) else Column(c) for c in columns),
        tuple(tuple(c if isinstance(c, Cell) else user(c) for c in row) for row in rows),
        **options,
    )


# --- terminal ------------------------------------------------------------------------------------


def _rich_style(style: str) -> str:
    return " ".join(word for word in style.split() if word != "code")


def rich_text(cell: Cell, style: str = "") -> Text:
    """A cell as one rich :class:`~rich.text.Text`: never read as markup, controls escaped;
    ``style`` (else the cell's own) is the base style of the whole text."""
    from rich.text import Text  # noqa: PLC0415 - heavy (rich)

    text = Text(style=_rich_style(style or cell.style))
    for i, line in enumerate(cell.lines):
        if i:
            text.append("\n")
        for span in line:
            text.append(clean(span.text), style=_rich_style(span.style) or None)
    return text


class _Whole:
    """A cell of a column that does not wrap, for measuring a table: its narrowest is its
    widest (rich measures any text by its longest word, whatever its column's wrapping)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement  # noqa: PLC0415 - heavy (rich)

        widest = Measurement.get(console, options, self.text).maximum
        return Measurement(widest, widest)

    def __rich_console__(self, console: Any, options: Any) -> Iterable[RenderableType]:
        yield self.text


def _rich_table(model: Table, *, measured: bool = False, folded: bool = False) -> RenderableType:
    """The rich table of ``model``; ``measured``: a copy to measure, not to draw, whose cells
    that may not wrap measure as wide at their narrowest as at their widest; ``folded``: every
    column wraps and folds what does not fit (for a terminal narrower than the table)."""
    from rich import box  # noqa: PLC0415 - heavy (rich)
    from rich.table import Table as RichTable  # noqa: PLC0415 - heavy (rich)

    drawn = RichTable(
        box=box.SIMPLE_HEAVY,
        title_justify="left",
        caption_justify="left",
        title=None if model.title is None else rich_text(model.title, "table.title"),
        caption=None if model.caption is None else rich_text(model.caption, "table.caption"),
        show_lines=model.ruled,
    )
    whole = [measured and not column.wrap for column in model.columns]
    for column, unbroken in zip(model.columns, whole, strict=True):
        header = rich_text(user(column.header))
        drawn.add_column(
            _Whole(header) if unbroken else header,
            justify=column.align,
            no_wrap=not (column.wrap or folded),
            overflow="fold" if column.fold or folded else "ellipsis",
            ratio=column.ratio,
            min_width=column.min_width,
        )
    for i, row in enumerate(model.rows):
        texts = [rich_text(cell) for cell in row]
        cells = [_Whole(t) if w else t for t, w in zip(texts, whole, strict=True)]
        drawn.add_row(*cells, end_section=i in model.breaks)
    return drawn


class _Fitted:
    """The first of some layouts, each a table and its notes, that fits the console without
    breaking a word of a wrapping column or any text of the others (its minimum width), else
    the last at the width it needs (a rich renderable: the choice is made when it is drawn,
    at the width it is drawn at)."""

    def __init__(self, models: list[Table]) -> None:
        self.models = models

    def __rich_console__(self, console: Any, options: Any) -> Iterable[RenderableType]:
        # measured without a limit: a measurement is otherwise clamped to the width it is for
        unlimited = options.update(max_width=10**6)
        for model in self.models:
            measured = _rich_table(model, measured=True)
            narrowest = console.measure(measured, options=unlimited).minimum
            if narrowest <= options.max_width:
                yield _rich_table(model)
                yield from (rich_text(note) for note in model.notes)
                return
        # not even the narrowest layout fits: every column may fold, so a number is broken over
        # lines rather than cut short, and the table says so
        width = options.max_width
        yield rich_text(own(f"(this table needs {narrowest} columns, the terminal has {width})"))
        yield _rich_table(model, folded=True)
        yield from (rich_text(note) for note in model.notes)


def to_rich(model: Table) -> list[RenderableType]:
    """The table as rich renderables: the table, then each note as a line of text; where the
    model has a :attr:`Table.narrow` layout, whichever of them fits the console's width."""
    layouts = [model]
    while (narrow := layouts[-1].narrow) is not None:
        layouts.append(narrow)
    if len(layouts) == 1:
        return [_rich_table(model), *(rich_text(note) for note in model.notes)]
    return [_Fitted(layouts)]


# --- markdown ------------------------------------------------------------------------------------


def _emphasis(text: str, style: str) -> str:
    words = style.split()
    if not text:
        return text
    if "code" in words:
        return f"`{text}`"
    if "bold" in words:
        return f"**{text}**"
    if "italic" in words:
        return f"_{text}_"
    return text


def markdown_cell(cell: Cell) -> str:
    """A cell as one line of markdown: user text escaped, line breaks as ``<br>``; bold,
    italic and code shown, other styles dropped."""
    text = MARKDOWN_BREAK.join(
        "".join(
            _emphasis(span.text if span.own else markdown_text(span.text), span.style)
            for span in line
        )
        for line in cell.lines
    )
    return _emphasis(text, cell.style)


def to_markdown(models: Sequence[Table], heading: Cell | None = None) -> str:
    """Tables as GitHub-flavoured markdown: an optional ``###`` heading, then each table, its
    title (if any) as a line before it and its notes after it, blocks apart by a blank line."""
    blocks: list[list[str]] = []
    if heading is not None:
        blocks.append([f"### {markdown_cell(heading)}"])
    for model in models:
        if model.title is not None:
            blocks.append([f"{markdown_cell(model.title)}:"])
        head = "| " + " | ".join(markdown_text(c.header) for c in model.columns) + " |"
        rule = "|" + "".join("---:|" if c.align == "right" else "---|" for c in model.columns)
        rows = ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in model.rows]
        blocks.append([head, rule, *rows])
        blocks += [[markdown_cell(note)] for note in model.notes]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


# --- HTML ----------------------------------------------------------------------------------------


def _html_cell(cell: Cell) -> str:
    return escape(clean(HTML_BREAK.join("".join(s.text for s in line) for line in cell.lines)))


def to_html(model: Table) -> str:
    """The table as one HTML ``<table class="belwar">``, its title as the caption and its notes
    in the footer; every cell is escaped here. Styles and terminal hints are not drawn."""
    head = "".join(f"<th>{escape(clean(c.header))}</th>" for c in model.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_html_cell(c)}</td>" for c in row) + "</tr>" for row in model.rows
    )
    title = "" if model.title is None else _html_cell(model.title)
    cap = f"<caption>{title}</caption>" if title else ""
    span = len(model.columns)
    notes = "".join(
        f'<tr><td colspan="{span}">{_html_cell(note)}</td></tr>' for note in model.notes
    )
    foot = f"<tfoot>{notes}</tfoot>" if notes else ""
    return (
        f'<table class="belwar">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
        f"{foot}</table>"
    )


# --- data ----------------------------------------------------------------------------------------


def to_csv(model: Table) -> str:
    """The table as CSV (the csv module's quoting, ``\\n`` line ends): the headers, then each
    row's plain text. Titles, captions and notes are not data and are left out."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.header for c in model.columns])
    writer.writerows([cell.text for cell in row] for row in model.rows)
    return out.getvalue()


def to_records(model: Table) -> list[dict[str, Any]]:
    """One dict per row, keyed by header: each cell's raw value, else its text."""
    return [
        {
            column.header: cell.text if cell.value is None else cell.value
            for column, cell in zip(model.columns, row, strict=True)
        }
        for row in model.rows
    ]
