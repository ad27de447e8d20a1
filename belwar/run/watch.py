"""``watch``: what seeing each indicator or event next month would do to a target cell.

Watching is conditioning: for each signpost the scenario is run given it seen in month 1 and
given it not seen (:mod:`belwar.run.given`), with the same samples and seed as the run it is
compared with, so P(seen) is the ratio of the runs' mean weights. The law of total
probability then holds sample by sample for an indicator (its chance comes from each sample's
exact ladder); an event's path is drawn by each sample, and given seen or not it is replaced,
so for an event it holds within the Monte Carlo error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from belwar.core.estimative import words_for
from belwar.errors import input_error
from belwar.results.run import Result
from belwar.results.watch import Signpost, Watch
from belwar.run.given import Given, givens
from belwar.run.options import RunOptions
from belwar.run.simulation import simulate
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.scenario import Scenario
from belwar.spec.words import listing, suggest


def watch(
    scenario: Scenario,
    *,
    history: History | LoadedHistory | None = None,
    target: str | None = None,
    month: int | None = None,
    options: RunOptions | None = None,
    given: Sequence[Given | str] = (),
    now: Result | None = None,
) -> Watch:
    """Each indicator and event of ``scenario`` watched next month, against the target ``P(S_month
    >= target)`` (default: the top rung by the horizon), given ``history`` and what is ``given``
    (``"e@1"``, see :mod:`belwar.run.given`) if any. A signpost already given for next month is
    known, so it is not watched. ``now``, a run of the same scenario with the same options,
    history and givens that reports ``month``, saves running it again."""
    rungs = [r.id for r in scenario.ladder.rungs]
    target = target or rungs[-1]
    above = rungs[rungs.index(scenario.ladder.start_id) + 1 :]
    if target not in above:
        raise input_error(
            f"'{target}' is not a rung above the start{suggest(target, above)} "
            f"(rungs above the start: {listing(above)})",
            key="--target",
        )
    month = month or scenario.simulation.horizon_months
    chosen = replace(options or RunOptions(), months=(month,))

    known = givens(given)

    def run(more: list[Given]) -> Result:
        return simulate(scenario, options=chosen, history=history, given=[*known, *more])

    if now is None:
        now = run([])
    p_now = now.cell(target, month).p
    base_log = now.conditioning.log_evidence if now.conditioning is not None else 0.0
    names = [(n, "indicator", i.label) for n, i in scenario.indicators.items()]
    names += [(n, "event", e.label) for n, e in scenario.events.items()]
    settled = {g.name for g in known if g.month == 1}
    posts = []
    for name, kind, label in names:
        if name in settled:
            continue
        seen, unseen = run([Given(name, 1)]), run([Given(name, 1, seen=False)])
        assert seen.conditioning is not None
        p_seen = math.exp(seen.conditioning.log_evidence - base_log)
        if_seen, if_not = seen.cell(target, month).p, unseen.cell(target, month).p
        posts.append(
            Signpost(
                name=name,
                kind=kind,
                label=label,
                p_seen=p_seen,
                if_seen=if_seen,
                if_not=if_not,
                likelihood_ratio=_odds(if_seen) / _odds(p_now),
                shift_points=100 * (if_seen - p_now),
                words_now=words_for(p_now),
                words_if_seen=words_for(if_seen),
            )
        )
    posts.sort(key=lambda s: (-abs(s.shift_points), s.name))
    return Watch(
        scenario_id=scenario.name,
        title=scenario.title,
        history_id=now.conditioning.history_id if now.conditioning is not None else "",
        target=target,
        month=month,
        p=p_now,
        samples=now.metadata.samples,
        seed=now.metadata.seed,
        signposts=tuple(posts),
    )


def _odds(p: float) -> float:
    return p / (1 - p) if p < 1 else math.inf
