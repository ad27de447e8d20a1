"""Text from users and the files belwar writes: markup, terminal control codes and HTML in
titles, labels, units and the register are shown as text in every renderer; ``--output`` onto
a symlink, a device, a FIFO or a path blocked by a file is written through, in place, or
refused with a message, and never replaced.

Cases that put control codes in the output run the real executable (``subprocess``), whose
output is not a terminal and has ``NO_COLOR`` set: rich then writes no escape of its own, so
any ESC or BEL in the output came from a user's text.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from . import Case

VALID = (Path(__file__).resolve().parent.parent / "data" / "valid.yaml").read_text()
RUN = ("-n", "2000", "--register", "{register}")
CONTROLS = ("Traceback", "internal error", "\x1b", "\x07", "\x9b", "\u202e")


def _scenario(**fields: str) -> str:
    """valid.yaml with its title, a rung's label and a driver's unit replaced (YAML source)."""
    text = VALID
    if "title" in fields:
        text = text.replace("title: A small worked example", f"title: {fields['title']}")
    if "label" in fields:
        text = text.replace("label: Limited direct involvement", f"label: {fields['label']}")
    if "unit" in fields:
        text = text.replace("unit: share of adults", f"unit: {fields['unit']}")
    return text


SOURCE = """\
id: hostile
title: "[/] [bold red]Red[/] source [link=http://evil.example]click[/link]"
outlet: "<script>alert(1)</script> | Outlet"
author: "[blink]Author\\e[2J"
published: 2022-03-15
date_precision: day
date_basis: Made up.
seed_file: none.txt
summary: Hostile text in every free field.
facts:
  - id: claim
    claim: "A claim with [/] and [bold]markup[/bold], *stars*, <b>html</b> | a pipe \\e]0;pwned\\a"
    figures: {share: 0.5}
    drivers: [public_opposition]
    direction: lowers
"""


def _link_to_dev_full(tmp: str) -> None:
    os.symlink("/dev/full", os.path.join(tmp, "out.json"))


def _private_full_device(tmp: str) -> None:
    """A copy of /dev/full where this user may make one (a writer that replaced it breaks
    only the copy), else a link to the real one, which such a user cannot replace."""
    path = os.path.join(tmp, "full")
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        os.symlink("/dev/full", path)


def _fifo(tmp: str) -> None:
    os.mkfifo(os.path.join(tmp, "pipe"))


def _link_to_folder(tmp: str) -> None:
    os.mkdir(os.path.join(tmp, "folder"))
    os.symlink("folder", os.path.join(tmp, "out.json"))


CASES = [
    Case(
        "markup-closing-tag-in-title",
        ("run", "s.yaml", *RUN, "-q"),
        exit=0,
        message=r"Worked \[/\] example",
        files={"s.yaml": _scenario(title='"Worked [/] example"')},
    ),
    Case(
        "markup-style-in-rung-label",
        ("run", "s.yaml", *RUN, "-q"),
        exit=0,
        message=r"\[bold red\]Limited",
        files={"s.yaml": _scenario(label='"[bold red]Limited[/] involvement"')},
    ),
    Case(
        "markup-closing-tag-in-unit",
        ("run", "s.yaml", *RUN, "-q"),
        exit=0,
        message=r"share \[/\]",
        files={"s.yaml": _scenario(unit='"share [/]"')},
    ),
    Case(
        "markup-link-and-blink-shown-as-text",
        ("run", "s.yaml", *RUN, "-q"),
        exit=0,
        message=r"\[link=http://evil\.example\]click\[/link\] \[blink\]now\[/blink\]",
        files={
            "s.yaml": _scenario(title='"[link=http://evil.example]click[/link] [blink]now[/blink]"')
        },
    ),
    Case(
        "markup-in-diff-assumptions",
        ("diff", "a.yaml", "b.yaml", *RUN),
        exit=0,
        message=r"(?=.*\[bold\]share)(?=.*\[/\]Worked)",
        files={
            "a.yaml": _scenario(title='"[/]Worked"', unit='"[bold]share"'),
            "b.yaml": VALID,
        },
    ),
    Case(
        "markup-in-sources-table",
        ("sources", "--register", "reg"),
        exit=0,
        message=r"\[/\] \[bold red\]Red\[/\] source.*\[bold\]markup\[/bold\]",
        files={"reg/hostile.yaml": SOURCE},
        absent=CONTROLS,
        subprocess=True,
    ),
    Case(
        "html-and-pipes-in-sources-markdown",
        ("sources", "--register", "reg", "-f", "markdown"),
        exit=0,
        message=r"&lt;b&gt;html&lt;/b&gt; \\\| a pipe \\\\x1b\\\]0;pwned\\\\x07",
        files={"reg/hostile.yaml": SOURCE},
        absent=(*CONTROLS, "<b>"),
        subprocess=True,
    ),
    Case(
        "html-in-label-run-markdown",
        ("run", "s.yaml", *RUN, "-q", "-f", "markdown"),
        exit=0,
        message=r"&lt;img src=x onerror=alert\(1\)&gt; \\\| cell",
        files={"s.yaml": _scenario(label='"<img src=x onerror=alert(1)> | cell"')},
        absent=("Traceback", "<img"),
    ),
    Case(
        "markup-and-html-in-diff-markdown",
        ("diff", "a.yaml", "b.yaml", *RUN, "-f", "markdown"),
        exit=0,
        message=r"\\\[/\\\] &lt;i&gt;title",
        files={"a.yaml": _scenario(title='"[/] <i>title"'), "b.yaml": VALID},
        absent=("Traceback", "<i>"),
    ),
    Case(
        "clear-screen-escape-in-title",
        ("run", "s.yaml", *RUN, "-q"),
        exit=0,
        message=r"Title\\x1b\[2J\\x1b\[3J",
        files={"s.yaml": _scenario(title='"Title\\e[2J\\e[3J"')},
        absent=CONTROLS,
        subprocess=True,
    ),
    Case(
        "terminal-title-escape-in-label",
        ("run", "s.yaml", *RUN, "-q"),
        exit=0,
        message=r"\\x1b\]0;pwned\\x07",
        files={"s.yaml": _scenario(title='"\\e]0;pwned\\a and more"')},
        absent=CONTROLS,
        subprocess=True,
    ),
    Case(
        "c1-csi-and-bidi-override-in-unit-and-label",
        ("run", "s.yaml", *RUN, "-q"),
        exit=0,
        message=r"Left \\u202e right.*share \\x9b31m",
        files={"s.yaml": _scenario(unit='"share \\x9b31m"', title='"Left \\u202e right"')},
        absent=CONTROLS,
        subprocess=True,
    ),
    Case(
        "output-symlink-to-full-device",
        ("run", "s.yaml", *RUN, "-f", "json", "-o", "out.json"),
        message=r"out\.json: cannot write: no space left on device",
        files={"s.yaml": VALID},
        setup=_link_to_dev_full,
    ),
    Case(
        "output-onto-full-device",
        ("schema", "-o", "full"),
        message=r"full: cannot write: no space left on device",
        setup=_private_full_device,
    ),
    Case(
        "output-onto-fifo-without-reader",
        ("run", "s.yaml", *RUN, "-f", "csv", "-o", "pipe"),
        message=r"pipe: cannot write: it is a FIFO that nothing reads",
        files={"s.yaml": VALID},
        setup=_fifo,
        subprocess=True,
        timeout=30,
    ),
    Case(
        "output-below-a-file",
        ("run", "s.yaml", *RUN, "-f", "json", "-o", "s.yaml/out.json"),
        message=r"s\.yaml/out\.json: cannot write: not a directory",
        files={"s.yaml": VALID},
    ),
    Case(
        "output-symlink-to-a-folder",
        ("schema", "-o", "out.json"),
        message=r"'out\.json' is a directory",
        setup=_link_to_folder,
    ),
    Case(
        "plot-below-a-file",
        ("run", "s.yaml", *RUN, "-q", "--plot", "s.yaml/chart.svg"),
        message=r"s\.yaml/chart\.svg: cannot write: not a directory",
        files={"s.yaml": VALID},
    ),
    Case(
        "mathtext-in-title-plot",
        ("run", "s.yaml", *RUN, "-q", "--plot", "chart.svg"),
        exit=0,
        files={"s.yaml": _scenario(title='"Costs $\\\\frac$ and $x^2$"')},
    ),
]
