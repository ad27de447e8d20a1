"""``weigh``: several stories (scenarios) run on one history with the same seed and samples, so
their weights are paired, ranked by what the history says of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from belwar.core.weighted import paired_log_ratio
from belwar.errors import input_error
from belwar.results.evidence import Evidence, Story
from belwar.run.conditioned import loaded
from belwar.run.options import RunOptions
from belwar.run.sensitivities import MAX_KEPT_VALUES
from belwar.run.simulation import simulate
from belwar.spec.compile import compile_model
from belwar.spec.history import History
from belwar.spec.history_loader import LoadedHistory
from belwar.spec.scenario import Scenario


def weigh(
    scenarios: Sequence[Scenario],
    history: History | LoadedHistory,
    *,
    options: RunOptions | None = None,
) -> Evidence:
    """Each scenario's log evidence on ``history``, with its Bayes factor against the first.
    Every run takes the first scenario's samples and seed unless ``options`` gives them, so
    the weights are paired sample by sample (common random numbers)."""
    found = loaded(history)
    if found.history.is_empty():
        raise input_error(
            f"history '{found.history.id}' observes nothing: there is no evidence to weigh",
            key="history",
        )
    first = scenarios[0].simulation
    chosen = options or RunOptions()
    chosen = replace(
        chosen,
        samples=chosen.samples if chosen.samples is not None else first.samples,
        seed=chosen.seed if chosen.seed is not None else first.seed,
        keep_samples=True,
    )
    for scenario in scenarios:
        _check_kept(scenario, chosen.samples or first.samples)
    runs, logs = [], []
    for scenario in scenarios:  # one run's samples held at a time: only the weights are kept
        run = simulate(scenario, options=chosen, history=found)
        assert run.samples is not None
        assert run.samples.log_weights is not None
        logs.append(run.samples.log_weights)
        runs.append(replace(run, samples=None))
    stories = []
    for run, log in zip(runs, logs, strict=True):
        c = run.conditioning
        assert c is not None
        ratio, mcse = paired_log_ratio(log, logs[0])
        stories.append(
            Story(
                scenario_id=run.metadata.scenario_id,
                title=run.metadata.title,
                log_evidence=c.log_evidence,
                log_evidence_mcse=c.log_evidence_mcse,
                ess=c.ess,
                pareto_k=c.pareto_k,
                log_bayes_factor=ratio,
                log_bayes_factor_mcse=0.0 if run is runs[0] else mcse,
            )
        )
    return Evidence(
        history_id=found.history.id,
        fingerprint=found.history.fingerprint(),
        through=found.history.through.isoformat(),
        samples=runs[0].metadata.samples,
        seed=runs[0].metadata.seed,
        stories=tuple(stories),
    )


def _check_kept(scenario: Scenario, samples: int) -> None:
    """Refuse a run whose kept samples (each sample's inputs, probabilities and weight) would
    not fit in ``MAX_KEPT_VALUES`` numbers, naming the largest count that fits."""
    model = compile_model(scenario)
    per_sample = len(model.inputs()) + (model.states - 1) * len(model.months) + model.states + 1
    if samples * per_sample > MAX_KEPT_VALUES:
        most = MAX_KEPT_VALUES // per_sample
        raise input_error(
            f"weighing '{scenario.id}' keeps {per_sample} numbers a sample: at most {most:,} "
            f"samples, got {samples:,}",
            key="samples",
        )
