"""User text is text: the one function that escapes control characters for every renderer,
and a table written to a file, where an escape would act when the file is printed."""

from __future__ import annotations

from pathlib import Path

from belwar import cli
from belwar.render.report import _md, clean
from belwar.render.text import spread

from .conftest import TESTS


def test_clean_escapes_every_control_but_tab_and_newline() -> None:
    controls = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
    controls += [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    for char in controls:
        shown = clean(f"a{char}b")
        if char in "\t\n":
            assert shown == f"a{char}b"
        else:
            assert (
                shown == f"a\\x{ord(char):02x}b" if ord(char) < 0x100 else f"a\\u{ord(char):04x}b"
            )
    assert clean("Minsk — Мінск, 50%") == "Minsk — Мінск, 50%"  # letters and punctuation stay


def test_markdown_escapes_html_and_markdown() -> None:
    assert _md("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert _md("a | b *c* _d_ `e` [f](g) #h ~i~ \\") == (
        "a \\| b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) \\#h \\~i\\~ \\\\"
    )
    # the backslash of the control's escape is itself escaped, so it renders as typed
    assert _md("two\nlines\tand\x1b[2J") == "two lines and\\\\x1b\\[2J"


def test_table_written_to_a_file_has_no_escapes(tmp_path: Path) -> None:
    valid = (TESTS / "data" / "valid.yaml").read_text()
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        valid.replace("title: A small worked example", 'title: "Clear\\e[2J\\e]0;pwned\\a"')
    )
    out = tmp_path / "out.txt"
    argv = ["run", str(scenario), "--register", str(TESTS / "data" / "register"), "-n", "2000"]
    assert cli.run([*argv, "-q", "-o", str(out)]) == 0
    table = out.read_text()
    assert "\x1b" not in table
    assert "\x07" not in table
    assert "Clear\\x1b[2J\\x1b]0;pwned\\x07 (example)" in table


def test_a_spread_whose_ends_read_the_same_is_one_figure() -> None:
    assert spread(1.0, 1.0) == "100%"
    assert spread(0.0, 0.0) == "0%"
    assert spread(0.029, 0.15) == "2.9\u201315%"
