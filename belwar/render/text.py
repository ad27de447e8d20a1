"""Text for people: user text made safe to print, and belwar's numbers written the one way
every table shows them. Pure string functions; no backend is imported here."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

# C0 controls but tab and newline, DEL, C1 controls (ESC and CSI start terminal commands), and
# the bidirectional overrides and isolates that reorder what a reader sees
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN = re.compile(r"([\\`*_\[\]{}#|~])")


def clean(text: str) -> str:
    """User text with every control character written as its escape (``\\x1b``, ``\\u202e``):
    printed, it stays text, and cannot clear the screen, retitle the terminal or reorder a line.
    """
    return _CONTROL.sub(_escape_control, text)


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def markdown_text(value: str) -> str:
    """User text for markdown: controls escaped, HTML's ``& < >`` as entities, markdown's
    punctuation (emphasis, code, links, table pipes) escaped, one line."""
    value = clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", value).replace("\n", " ").replace("\t", " ")


def percent(p: float) -> str:
    """A probability as a percentage with sensible precision (``27.3%``, ``0.96%``, ``<0.01%``)."""
    if p <= 0.0:
        return "0%"
    if p >= 1.0:
        return "100%"
    value = 100 * p
    if value < 0.01:
        return "<0.01%"
    if value > 99.99:
        return ">99.99%"
    return f"{value:.1f}%" if 1 <= value <= 99 else f"{value:.2f}%"


def two_figures(value: float) -> str:
    """A non-negative number to two significant figures, trailing zeros kept (``0.0050``,
    ``0.13``, ``1.0``); from 10 up, a whole number (``12``). The one rounding of Monte Carlo
    errors, so that their precision never wanders."""
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:#.2g}".removesuffix(".") if value > 0 else "0"


EN_DASH = "\u2013"

#: the unit of every Monte Carlo error and change of probability belwar prints
POINTS = "percentage points"


def points(mcse: float) -> str:
    """A standard error in percentage points, two significant figures, with its unit
    (``±0.013 points``)."""
    return f"±{two_figures(100 * mcse)} points"


def error_bound(mcses: Iterable[float]) -> str:
    """The largest of some Monte Carlo errors, rounded up to two significant figures, in
    percentage points (``0.13``): "below" it holds for every one of them. ``0`` when none."""
    largest = 100 * max(mcses, default=0.0)
    if largest <= 0:
        return "0"
    scale = 10.0 ** (math.floor(math.log10(largest)) - 1)
    return two_figures(math.ceil(round(largest / scale, 9)) * scale)


def _spread_end(p: float) -> str:
    """One end of a 90% spread: two significant figures of the probability or, above 50%, of
    its complement (``2.9``, ``15``, ``87``, ``99.5``), so the ends near 0 and 100% keep their
    precision; always without the percent sign."""
    value = 100 * p
    if value <= 0.0 or value >= 100.0:
        return "0" if value <= 0.0 else "100"
    if value < 0.01:
        return "<0.01"
    if value > 99.99:
        return ">99.99"
    if value <= 50:
        return two_figures(value)
    rest = 100 - value
    if rest >= 10:
        return f"{value:.0f}"
    digits = max(0, 1 - math.floor(math.log10(rest)))
    return f"{value:.{digits}f}"


def spread(low: float, high: float) -> str:
    """A 90% interval of probabilities, compactly, each end to two significant figures (see
    :func:`_spread_end`): ``2.9-15%`` (with an en dash), or one figure when both ends read the
    same (``100%``: every assumption agrees)."""
    ends = _spread_end(low), _spread_end(high)
    return f"{ends[0]}%" if ends[0] == ends[1] else f"{ends[0]}{EN_DASH}{ends[1]}%"


def signed(delta: float) -> str:
    """A change of probability in percentage points, signed (``+5.8``)."""
    return f"{100 * delta:+.2f}"


KEY_WIDTH = 20  # a key longer than this is shown over lines, broken after its separators


def key_lines(key: str, width: int = KEY_WIDTH) -> list[str]:
    """A dotted key over lines no wider than ``width``, broken only after a separator: after
    a dot where that is enough, else also after an underscore (never inside a word; a word
    wider than ``width`` keeps a line of its own)."""
    out: list[str] = []
    for part in re.split(r"(?<=\.)", key):
        if out and len(out[-1]) + len(part) <= width:
            out[-1] += part
            continue
        if len(part) <= width:
            out.append(part)
            continue
        pieces = re.split(r"(?<=_)", part)  # a name too long for a line: its words
        out.append(pieces[0])
        for piece in pieces[1:]:
            if len(out[-1]) + len(piece) <= width:
                out[-1] += piece
            else:
                out.append(piece)
    return out


def figure(value: float) -> str:
    """A fact's figure: thousands separated when it is a whole number of four digits or more."""
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 1000 else f"{value:g}"
