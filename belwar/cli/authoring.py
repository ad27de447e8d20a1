"""The commands that help write scenarios: ``init`` (a new scenario extending a shipped one)
and ``show`` (a scenario with everything it extends merged in). Their options are spelled out
here, as the shared ones read, so that this module stands on its own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from belwar.cli.options import load


def init(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="The new scenario: NAME.yaml is written (never overwritten)."
        ),
    ],
    parent: Annotated[
        str,
        typer.Option("--from", metavar="SHIPPED", help="The shipped scenario it extends."),
    ] = "baseline",
) -> int:
    """Start a scenario of your own that extends a shipped one, in any folder.

    Writes NAME.yaml with [bold]extends: belwar:baseline.yaml[/], a working editor schema line
    (schema.json is written beside it unless one is there) and commented examples of changing
    a driver, a hazard and the evidence cited. It validates, and runs to the parent's digits,
    until you change something.

    Examples:
        A scenario of your own on the baseline, then one on the kremlin-squeeze story:
            belwar init my-view
            belwar init squeeze-harder --from kremlin-squeeze
    """
    from belwar.render.atomic import create_text, write_text
    from belwar.render.report import clean
    from belwar.spec.authoring import shipped_file, stub_text
    from belwar.spec.editor_schema import scenario_schema_text
    from belwar.spec.loader import load_scenario
    from belwar.spec.shipped import shipped_scenarios

    file = Path(name if name.endswith(".yaml") else f"{name}.yaml")
    parent_file = shipped_file(parent)
    folder = shipped_scenarios()
    assert folder is not None  # shipped_file found it there
    loaded = load_scenario(folder / parent_file)
    create_text(file, stub_text(file.stem, parent_file, loaded, "schema.json"))
    schema = file.parent / "schema.json"
    wrote = [str(file)]
    if not schema.exists():
        write_text(schema, scenario_schema_text())
        wrote.append(str(schema))
    typer.echo(f"wrote {clean(' and '.join(wrote))} (extends belwar:{parent_file})", err=True)
    return 0


def show(
    scenario: Annotated[Path, typer.Argument(metavar="SCENARIO", help="The scenario file.")],
    set_: Annotated[
        Optional[list[str]],  # noqa: UP045 (typer reads the annotation at run time)
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Change a value before showing (VALUE read as YAML). Repeatable.",
        ),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically) instead of stdout.",
            dir_okay=False,
        ),
    ] = None,
    register: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--register",
            metavar="DIR",
            help="Evidence register folder (default: the one nearest the scenario, with the "
            "shipped one).",
            file_okay=False,
        ),
    ] = None,
) -> int:
    """Print a scenario with everything it extends and each --set merged in, as YAML.

    The output is the scenario as belwar runs it, in one file that needs no parent: it
    validates and runs to the same digits.

    Examples:
        The kremlin-squeeze story merged with the baseline, then yours as changed:
            belwar show scenarios/kremlin-squeeze.yaml
            belwar show mine.yaml --set drivers.kremlin_pressure.dist.mode=0.8
    """
    from belwar.render.atomic import write_text
    from belwar.spec.authoring import merged_text

    text = merged_text(load(scenario, set_, register), str(scenario))
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(output, text)
    return 0
