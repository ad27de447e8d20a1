"""The table model and its backends, on small tables: each backend draws any table, escapes
user text its own way, and keeps belwar's own text (numbers, words) as it is."""

from __future__ import annotations

import io

from rich.console import Console

from belwar import load_register
from belwar.render.report import sources_markdown
from belwar.render.tables import (
    Column,
    Span,
    lines,
    own,
    table,
    to_csv,
    to_html,
    to_markdown,
    to_records,
    to_rich,
    user,
)
from belwar.render.text import figure, markdown_text

from .conftest import ROOT

SMALL = table(
    [Column("name"), Column("chance", "right")],
    [
        [user("a | b <i>"), own("<0.01%", "bold")],
        [user('say "hi", then\nleave'), own("27.3%", value=0.273)],
    ],
    title=user("T & <co>"),
    caption=own("a caption"),
    notes=(user("a note\x1b[2J", "dim"),),
)
EMPTY = table(["key", Column("value", "right")])


def _drawn(width: int = 60) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    for item in to_rich(SMALL):
        console.print(item)
    return console.export_text()


def test_markdown_escapes_user_text_and_keeps_its_own() -> None:
    assert to_markdown([SMALL], heading=lines([Span("H_1"), Span(" -> ", own=True)])) == (
        "### H\\_1 -> \n"
        "\n"
        "T &amp; &lt;co&gt;:\n"
        "\n"
        "| name | chance |\n"
        "|---|---:|\n"
        "| a \\| b &lt;i&gt; | **<0.01%** |\n"
        '| say "hi", then leave | 27.3% |\n'
        "\n"
        "a note\\\\x1b\\[2J\n"
    )


def test_markdown_line_breaks_and_emphasis() -> None:
    cell = lines([Span("5%", "bold", own=True), Span(" ±1", "dim", own=True)], [Span("x*")])
    assert to_markdown([table(["c"], [[cell], [own("r", "code")]])]) == (
        "| c |\n|---|\n| **5%** ±1<br>x\\* |\n| `r` |\n"
    )


def test_html_escapes_every_cell_and_class_is_belwar() -> None:
    assert to_html(SMALL) == (
        '<table class="belwar"><caption>T &amp; &lt;co&gt;</caption>'
        "<thead><tr><th>name</th><th>chance</th></tr></thead><tbody>"
        "<tr><td>a | b &lt;i&gt;</td><td>&lt;0.01%</td></tr>"
        "<tr><td>say &quot;hi&quot;, then\nleave</td><td>27.3%</td></tr>"
        '</tbody><tfoot><tr><td colspan="2">a note\\x1b[2J</td></tr></tfoot></table>'
    )
    broken = table(["c"], [[lines([Span("1")], [Span("2\x1b")])]])
    assert "<td>1 · 2\\x1b</td>" in to_html(broken)


def test_csv_quotes_with_the_csv_module() -> None:
    assert to_csv(SMALL) == ('name,chance\na | b <i>,<0.01%\n"say ""hi"", then\nleave",27.3%\n')


def test_records_carry_raw_values_else_text() -> None:
    assert to_records(SMALL) == [
        {"name": "a | b <i>", "chance": "<0.01%"},
        {"name": 'say "hi", then\nleave', "chance": 0.273},
    ]


def test_terminal_aligns_escapes_controls_and_prints_notes() -> None:
    text = _drawn()
    rows = text.splitlines()
    assert rows[0].rstrip() == "T & <co>"
    header = next(r for r in rows if "name" in r)
    first = next(r for r in rows if "a | b" in r)
    # right alignment: the chance ends where its header ends
    assert first.rstrip().endswith("<0.01%")
    assert header.rstrip().endswith("chance")
    assert len(first.rstrip()) == len(header.rstrip())
    assert "a caption" in text
    assert "a note\\x1b[2J" in text  # the escape is shown, never sent
    assert "\x1b" not in text


def test_terminal_never_reads_markup() -> None:
    console = Console(file=io.StringIO(), width=40, color_system=None, record=True)
    for item in to_rich(table(["c"], [[user("[red]x[/red]")], [own("[bold]y")]])):
        console.print(item)
    text = console.export_text()
    assert "[red]x[/red]" in text
    assert "[bold]y" in text


def test_an_empty_table_in_every_backend() -> None:
    assert to_markdown([EMPTY]) == "| key | value |\n|---|---:|\n"
    assert to_html(EMPTY) == (
        '<table class="belwar"><thead><tr><th>key</th><th>value</th></tr></thead>'
        "<tbody></tbody></table>"
    )
    assert to_csv(EMPTY) == "key,value\n"
    assert to_records(EMPTY) == []
    drawn = to_rich(EMPTY)
    assert len(drawn) == 1  # no notes, no extra lines
    console = Console(file=io.StringIO(), width=40, color_system=None, record=True)
    console.print(drawn[0])
    assert "key" in console.export_text()


def test_sources_markdown_breaks_figures_with_a_real_line_break() -> None:
    # the layout joins a fact's figures by line breaks the backend draws, so the markdown
    # shows "<br>" as a break, not as the escaped text "&lt;br&gt;"
    register = load_register(ROOT / "seeds")
    several = [f for _, _, f in register.facts() if len(f.figures) > 1]
    assert several
    shown = sources_markdown(register)
    assert "&lt;br&gt;" not in shown
    for fact in several:
        figures = [f"{markdown_text(k)} = {figure(v)}" for k, v in fact.figures.items()]
        assert "<br>".join(figures) in shown
