"""Text for people: user text made safe to print, and belwar's numbers written the one way
every table shows them. Pure string functions; no backend is imported here."""

from __future__ import annotations

import json
import re
from typing import Any

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


def points(mcse: float) -> str:
    """A standard error in percentage points, two significant digits (``±0.013``)."""
    return f"±{100 * mcse:.2g}"


def spread(low: float, high: float) -> str:
    """A 90% interval of probabilities, compactly: ``14.3-44.5%`` (with an en dash)."""
    return f"{percent(low).removesuffix('%')}\u2013{percent(high)}"


def signed(delta: float) -> str:
    """A change of probability in percentage points, signed (``+5.8``)."""
    return f"{100 * delta:+.2f}"


def shown_value(value: Any) -> str:
    """An assumption's value in a diff: JSON for structures, cut to 60 characters."""
    if value is None:
        return "(absent)"
    text = (
        json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    )
    return text if len(text) <= 60 else text[:57] + "..."


def figure(value: float) -> str:
    """A fact's figure: thousands separated when it is a whole number of four digits or more."""
    return f"{value:,.0f}" if float(value).is_integer() and abs(value) >= 1000 else f"{value:g}"
