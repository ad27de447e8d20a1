"""One walk over a scenario's random inputs: what compilation samples, what citations and the
numeric checks see, are the same entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from belwar.spec.compile import compile_model
from belwar.spec.entries import PATTERNS, citations, entries
from belwar.spec.loader import load_scenario
from belwar.spec.located import Loc, from_python
from belwar.spec.salvage import raw_citations, raw_entries

from .conftest import SCENARIOS

SHIPPED = sorted(p for p in SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_entries_are_what_the_model_samples(path: Path) -> None:
    scenario = load_scenario(path)
    model = compile_model(scenario)
    walked = {e.stream: e for e in entries(scenario)}
    sampled = {i.key: i for i in model.inputs()}
    # indicators are drawn only when observed, from inputs of their own (never among inputs())
    watched = [x for i in model.indicators for x in (i.base, *i.odds)]
    assert not set(sampled) & {x.key for x in watched}
    sampled |= {x.key: x for x in watched}
    unlisted = {f"hazard:{rung}" for rung in model.rungs[1:] if rung not in scenario.hazards}
    assert set(sampled) == set(walked) | unlisted  # a rung with no hazard is sampled at 0
    for key, entry in walked.items():
        assert (sampled[key].kind, sampled[key].name, sampled[key].unit) == (
            entry.kind,
            entry.name,
            entry.unit,
        )
        assert sampled[key].evidence == len(entry.evidence)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_raw_walk_finds_the_same_entries_and_citations(path: Path) -> None:
    scenario = load_scenario(path)
    root = from_python(scenario.to_data(), Loc(str(path)))
    walked = [(e.kind, e.path) for e in entries(scenario)]
    raw = [(kind, ".".join(str(p) for p in at)) for kind, at, _ in raw_entries(root)]
    assert sorted(raw) == sorted(walked)
    assert sorted(raw_citations(root)) == sorted(citations(scenario))
    assert citations(scenario)  # the shipped scenarios cite their evidence
    assert {e.kind for e in entries(scenario)} <= set(PATTERNS)
