"""Words for messages: numbers as a person writes them, "did you mean", lists of names."""

from __future__ import annotations

import difflib
from typing import Any


def suggest(name: str, choices: Any) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices``, or ``""``."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def number(value: float) -> str:
    """A number for a message, as a person would write it: every digit it holds (``1.0000001``,
    not ``1``), whole numbers without ``.0``, very long integers cut short with their length."""
    if isinstance(value, int):
        if value.bit_length() > 14_000:  # beyond the digits Python will print
            return f"a number of about {int(value.bit_length() * 0.30103):,} digits"
        text = str(value)
        digits = len(text.lstrip("-"))
        return text if digits <= 24 else f"{text[:12]}…{text[-6:]} ({digits:,} digits)"
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def listing(choices: Any) -> str:
    """The names, comma-separated, or that none are defined."""
    names = list(choices)
    return ", ".join(names) if names else "none are defined"
