"""How an analysis says what it was conditioned on: one line naming the history (and where its
months count from) and what was given, and one naming what the conditioned runs' weights say,
with the warning a run gives when they are too degenerate to trust. Used by the layouts of
diff, sweep and sensitivity (and the warning by a conditioned run's own)."""

from __future__ import annotations

from collections.abc import Sequence

from belwar.core.pareto import WARN_ABOVE
from belwar.render.tables import Cell, Span, lines, own
from belwar.results.conditions import Conditions, Seen, Weights


def warning(stories: str) -> str:
    """The warning when the Pareto ``k`` of ``stories``' weights is above 0.7."""
    return (
        f"Pareto k above {WARN_ABOVE} for {stories}: the history is too surprising for the "
        "assumptions and the weighted numbers are not reliable."
    )


def _seen(g: Seen) -> list[Span]:
    how = "seen" if g.seen else "not seen"
    return [Span(g.name), Span(f" {how} in month {g.month}", own=True)]


def condition_spans(conditions: Conditions) -> list[Span]:
    """``as of 2025-12-31, given belarus_2022_2025 (months counted from 2025-12-31)``, with
    what was given after the history (``and reservist_callup seen in month 1``), or what was
    given alone (``given reservist_callup seen in month 1``). Names are user text."""
    said = [_seen(g) for g in conditions.given]
    if conditions.history_id is None:
        spans = [Span("given ", own=True)]
        for i, seen in enumerate(said):
            spans += [Span(" and ", own=True), *seen] if i else seen
        return spans
    spans = [Span(f"as of {conditions.through}, given ", own=True), Span(conditions.history_id)]
    for seen in said:
        spans += [Span(" and ", own=True), *seen]
    return [*spans, Span(f" (months counted from {conditions.through})", own=True)]


def condition_line(conditions: Conditions) -> Cell:
    """:func:`condition_spans` as a one-line cell."""
    return lines(condition_spans(conditions))


def _weights(w: Weights, *, least: bool = False) -> str:
    at = ("at least ", "at most ") if least else ("", "")
    k = f"Pareto k {at[1]}{w.pareto_k:.2f}" + (" (too high)" if w.unreliable else "")
    return f"{at[0]}{w.ess:,.0f} effective samples of {w.samples:,} ({w.ess / w.samples:.1%}), {k}"


def weights_notes(
    sides: Sequence[tuple[str, Weights | None]], *, least: bool = False
) -> tuple[Cell, ...]:
    """A note per conditioned run (``sides``: each run's name, or ``""`` for an analysis'
    one run), then the warning when any run's ``k`` is above 0.7. ``least``: the weights are
    the smallest ESS and the largest ``k`` of many runs (a sweep's points)."""
    notes: list[Cell] = []
    for name, w in sides:
        if w is None:
            continue
        head = f"weights of {name}: " if name else "weights: "
        if least:
            head = "weights of every point: "
        notes.append(own(head + _weights(w, least=least), "dim"))
    alone = "a point" if least else "this run"
    high = [name or alone for name, w in sides if w is not None and w.unreliable]
    if high:
        notes.append(own(warning(", ".join(high)), "bold yellow"))
    return tuple(notes)
