"""The shipped record: it loads, agrees with every shipped scenario, explains every entry and
matches its JSON Schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
from ruamel import yaml

from belwar.run.simulation import simulate
from belwar.spec.history_loader import check_against, read_history
from belwar.spec.history_schema import history_schema
from belwar.spec.loader import load_scenario

from .conftest import SCENARIOS

RECORD = SCENARIOS / "history" / "belarus-2022-2025.yaml"


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_record_agrees_with_every_shipped_scenario(path: object) -> None:
    check_against(read_history(RECORD), load_scenario(path))  # type: ignore[arg-type]


def test_the_record_observes_44_months_and_explains_each_entry() -> None:
    history = read_history(RECORD).history
    assert history.months == 44
    assert history.ladder["deeper_integration"].reached is not None
    assert history.month(history.ladder["deeper_integration"].reached) == 6
    explained = [(e.note, e.evidence) for e in history.ladder.values()]
    explained += [(e.note, e.evidence) for e in history.events.values()]
    explained += [(r.note, r.evidence) for rs in history.measurements.values() for r in rs]
    assert all(note and evidence for note, evidence in explained)


def test_the_record_matches_the_history_schema() -> None:
    assert RECORD.read_text().startswith("# yaml-language-server: $schema=../history.schema.json\n")
    data = json.loads(json.dumps(yaml.YAML(typ="safe").load(RECORD.read_text()), default=str))
    assert not list(jsonschema.Draft7Validator(history_schema()).iter_errors(data))


def test_a_rung_the_record_reached_is_certain_across_blocks() -> None:
    """Deeper integration was reached in 2022: every sample gives it probability one, so the
    weighted mean over several blocks is exactly one (the sums' rounding undone), with no
    Monte Carlo error and no spread."""
    found = simulate(
        load_scenario(SCENARIOS / "baseline.yaml"),
        samples=20_000,
        workers=2,
        history=read_history(SCENARIOS / "history" / "belarus-2022-2025.yaml"),
    )
    for month in found.months:
        cell = found.cell("deeper_integration", month)
        assert (cell.p, cell.mcse, cell.p05, cell.p95) == (1.0, 0.0, 1.0, 1.0)
    assert 0 < found.cell("full_entry", found.months[-1]).p < 1
