"""The ICD-203 estimative words: the one place that maps words to probabilities and back.

Analysts write ``{type: estimative, term: unlikely}`` for an input, and read the same words beside
every output probability. Bands are the 90% intervals the intelligence community attaches to each
term (Intelligence Community Directive 203).
"""

from __future__ import annotations

from typing import Final, Literal

Term = Literal[
    "almost_no_chance",
    "very_unlikely",
    "unlikely",
    "roughly_even_chance",
    "likely",
    "very_likely",
    "almost_certain",
]

BANDS: Final[dict[str, tuple[float, float]]] = {
    "almost_no_chance": (0.01, 0.05),
    "very_unlikely": (0.05, 0.20),
    "unlikely": (0.20, 0.45),
    "roughly_even_chance": (0.45, 0.55),
    "likely": (0.55, 0.80),
    "very_likely": (0.80, 0.95),
    "almost_certain": (0.95, 0.99),
}


def band(term: str) -> tuple[float, float]:
    """The (low, high) probability band of an ICD-203 term."""
    return BANDS[term]


def words_for(p: float) -> str:
    """The ICD-203 phrase for probability ``p`` ("very unlikely"), read off the bands.

    Values below the lowest band read as "almost no chance" and above the highest as "almost
    certain"; a value on a boundary takes the higher band, so the words never under-state.
    """
    term = "almost_no_chance"
    for name, (low, _high) in BANDS.items():
        if p >= low:
            term = name
    return term.replace("_", " ")
