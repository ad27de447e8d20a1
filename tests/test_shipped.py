"""What ships: the evidence register, the scenarios, and the JSON Schema editors use."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from belwar import cli
from belwar.run.simulation import simulate
from belwar.spec.editor_schema import scenario_schema, scenario_schema_text
from belwar.spec.loader import load_register, load_scenario

from .conftest import ROOT, SCENARIOS, SHARED_SEEDS

SCENARIO_FILES = sorted(SCENARIOS.glob("*.yaml"))
REGISTER = load_register(ROOT / "seeds")
DRIVERS = {
    "public_opposition",
    "russian_battlefield_success",
    "kremlin_pressure",
    "western_sanctions",
    "regime_security",
    "army_loyalty",
    "army_capacity",
    "russian_need_for_troops",
}
EVENTS = {"staged_incident", "strike_on_belarus", "mass_protests"}


def _json_ready(value: Any) -> Any:
    """YAML as an editor's language server sees it: dates are plain strings."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


# --- The register --------------------------------------------------------------------------------


def test_register_holds_the_five_source_documents() -> None:
    seeded = [s for s in REGISTER.sources if s.seed_file is not None]
    assert len(seeded) == 5
    seed_files = {s.seed_file for s in seeded}
    assert len(seed_files) == 5
    if SHARED_SEEDS.is_dir():  # beside the repository in CI and on developers' machines
        assert seed_files == {p.name for p in SHARED_SEEDS.glob("*.txt")}


def test_register_carries_figures_as_numbers() -> None:
    figures = [v for _, _, fact in REGISTER.facts() for v in fact.figures.values()]
    assert len(figures) >= 40
    assert all(isinstance(v, float) for v in figures)
    known = {d for _, _, fact in REGISTER.facts() for d in fact.drivers}
    assert known <= DRIVERS | EVENTS


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'"))


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the source documents live in ../shared")
def test_claims_are_in_our_own_words() -> None:
    # No run of 8 words of a claim, summary or note may appear in the source documents.
    source = " ".join(_words(" ".join(p.read_text() for p in SHARED_SEEDS.glob("*.txt"))))
    texts = [fact.claim for _, _, fact in REGISTER.facts()]
    texts += [s.summary for s in REGISTER.sources]
    for path in SCENARIO_FILES:
        texts += re.findall(r"(?:note|description): (.+)", path.read_text())
    for text in texts:
        words = _words(text)
        for i in range(len(words) - 7):
            run = " ".join(words[i : i + 8])
            assert f" {run} " not in f" {source} ", f"copied from a source: {run!r}"


# --- The scenarios -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_shipped_scenario_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.title
    assert path.read_text().startswith("# yaml-language-server: $schema=schema.json\n")


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_shipped_scenario_matches_the_json_schema(path: Path) -> None:
    validator = jsonschema.Draft7Validator(scenario_schema())
    data = _json_ready(YAML(typ="safe").load(path.read_text()))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_schema_json_is_in_step_with_the_models() -> None:
    jsonschema.Draft7Validator.check_schema(scenario_schema())
    assert (SCENARIOS / "schema.json").read_text() == scenario_schema_text()


def test_baseline_names_every_driver_event_and_rung() -> None:
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    assert set(baseline.drivers) >= DRIVERS
    assert set(baseline.events) >= EVENTS
    start = [r.id for r in baseline.ladder.rungs].index(baseline.ladder.start_id)
    assert set(baseline.hazards) == {r.id for r in baseline.ladder.rungs[start + 1 :]}


def test_every_baseline_number_cites_facts_or_explains_itself() -> None:
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    entries: list[tuple[str, Any]] = [(f"drivers.{k}", v) for k, v in baseline.drivers.items()]
    entries += [(f"events.{k}", v) for k, v in baseline.events.items()]
    for rung, hazard in baseline.hazards.items():
        entries.append((f"hazards.{rung}", hazard))
        entries += [(f"hazards.{rung}.odds_ratios.{k}", v) for k, v in hazard.odds_ratios.items()]
    if baseline.momentum is not None:
        entries.append(("momentum", baseline.momentum))
    for key, entry in entries:
        assert entry.evidence or entry.note.strip(), f"{key} neither cites nor explains"


def test_alternatives_extend_the_baseline_and_tell_a_story() -> None:
    alternatives = [p for p in SCENARIO_FILES if p.stem != "baseline"]
    assert len(alternatives) >= 4
    for path in alternatives:
        raw = YAML(typ="safe").load(path.read_text())
        assert raw["extends"] == "baseline.yaml"
        assert len(raw["description"].split()) >= 25, path.name
        assert "reference" not in json.dumps(raw.get("drivers", {})), (
            f"{path.name}: references are absolute; alternatives move distributions"
        )


def test_baseline_runs_and_reads_sensibly() -> None:
    result = simulate(load_scenario(SCENARIOS / "baseline.yaml"), samples=20_000)
    for rung in result.rungs:
        ps = [result.probability(rung, m) for m in result.months]
        assert ps == sorted(ps)
        assert all(0 <= p <= 1 for p in ps)
    assert sum(h.p for h in result.highest) == pytest.approx(1.0)


def test_sources_command_shows_all_five(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["sources", "--register", str(ROOT / "seeds")]) == 0
    out = capsys.readouterr().out
    for source in REGISTER.sources:
        assert source.id in out


def test_later_sources_say_how_firm_their_reporting_is() -> None:
    later = [s for s in REGISTER.sources if s.seed_file is None]
    assert len(later) >= 10  # the history's sources
    assert all(s.certainty in {"firm", "claimed"} for s in later)
    assert all(s.published > date(2022, 4, 15) for s in later)
