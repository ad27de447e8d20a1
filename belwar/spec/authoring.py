"""Writing scenarios for an analyst: a new stub that extends a shipped scenario (``belwar
init``) and a scenario with everything it extends merged in (``belwar show``), both as YAML that
belwar reads back to the same scenario.
"""

from __future__ import annotations

import re

from belwar.errors import input_error
from belwar.spec.scenario import Scenario
from belwar.spec.shipped import PREFIX, shipped_names
from belwar.spec.words import suggest
from belwar.spec.yamlwrite import dump

SCHEMA_LINE = "# yaml-language-server: $schema={schema}\n"


def merged_text(scenario: Scenario, shown_as: str) -> str:
    """``scenario`` (loaded, with its parents and overrides merged in) as one YAML file that
    needs no parent: every value, defaults included where they are not empty."""
    shown = re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", shown_as)  # a comment stays one line
    header = (
        f"# {shown}\n"
        "# merged with every file it extends and each --set: the scenario as belwar runs it,\n"
        "# in one file that validates and runs to the same digits on its own.\n"
    )
    return dump(scenario.to_data(), header)


def scenario_id(name: str) -> str:
    """The scenario id a file name gives (``my-variant`` -> ``my_variant``), or bad input."""
    made = re.sub(r"[-. ]", "_", name.lower())
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", made):
        raise input_error(
            f"cannot make a scenario id from '{name}': use letters, digits, '-' or '_', "
            "starting with a letter",
            key="NAME",
        )
    return made


def shipped_file(name: str) -> str:
    """The shipped scenario's file name for ``name`` (``baseline`` or ``baseline.yaml``)."""
    names = shipped_names()
    wanted = name if name.endswith(".yaml") else f"{name}.yaml"
    if wanted not in names:
        stems = [n.removesuffix(".yaml") for n in names]
        raise input_error(
            f"no shipped scenario '{name}'{suggest(name.removesuffix('.yaml'), stems)} "
            f"(shipped: {', '.join(stems)})",
            key="--from",
        )
    return wanted


def stub_text(scenario_name: str, parent_file: str, parent: Scenario, schema: str) -> str:
    """A new scenario ``scenario_name`` extending the shipped ``parent_file`` (loaded as
    ``parent``), with a working ``$schema`` line (``schema``: a path from the new file) and
    commented examples, built from the parent's own values, of changing a driver, a hazard and
    the evidence cited; it validates and runs as the parent does until something is changed."""
    lines = [
        SCHEMA_LINE.format(schema=schema),
        f"# A scenario of your own, built on belwar's shipped {parent_file}. What you write\n",
        "# here is merged over it: mappings merge key by key; lists (such as evidence) and\n",
        f"# numbers replace. Check it with `belwar validate {scenario_name}.yaml`, run it with\n",
        f"# `belwar run {scenario_name}.yaml`; `belwar show {scenario_name}.yaml` prints it\n",
        "# merged with its parent.\n",
        f"extends: {PREFIX}{parent_file}\n",
        f"id: {scenario_id(scenario_name)}\n",
        f"title: {scenario_name} (a variant of {parent_file.removesuffix('.yaml')})\n",
    ]
    if parent.as_of is not None:
        lines.append(
            f"# as_of: {parent.as_of.isoformat()}  # the day your judgments stand at "
            "(citing evidence dated later warns)\n"
        )
    if parent.drivers:
        name, driver = next(iter(parent.drivers.items()))
        example: dict[str, object] = {"dist": driver.dist.model_dump(exclude_none=True)}
        if driver.evidence:
            example["evidence"] = list(driver.evidence[:2])
        example["note"] = "Why this number, and what it rests on."
        lines += [
            "\n# To change a driver, uncomment and edit (these are the parent's values). Cite\n",
            f"# facts as source-id/fact-id: `belwar sources --driver {name}` lists its facts.\n",
            *_commented({"drivers": {name: example}}),
        ]
    if parent.hazards:
        rung, hazard = list(parent.hazards.items())[-1]  # the top rung, most often
        changed: dict[str, object] = {"base": hazard.base.model_dump(exclude_none=True)}
        for odds_name, ratio in list(hazard.odds_ratios.items())[:1]:
            odds = ratio.model_dump(exclude_none=True, include={"per", "dist"})
            changed["odds_ratios"] = {odds_name: odds}
        lines += [
            "\n# To change a hazard (the monthly chance of stepping up to a rung) or how a\n",
            "# driver moves its odds (per `per` units above the driver's reference):\n",
            *_commented({"hazards": {rung: changed}}),
        ]
    return "".join(lines)


def _commented(data: dict[str, object]) -> list[str]:
    return [f"# {line}\n" for line in dump(data).splitlines()]
