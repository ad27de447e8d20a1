"""``belwar watch``: what to watch for next month, and what seeing it would mean."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from belwar.cli.options import OUTPUT, Flags, opt, scenario_argument, shared
from belwar.cli.output import Delivery, deliver

if TYPE_CHECKING:
    from belwar.render.tables import Table


@shared(
    "set_",
    "samples",
    "seed",
    "workers",
    "dask",
    "target",
    "month",
    "output",
    "quiet",
    "register",
    "history",
    "given",
)
def watch_command(
    scenario: Annotated[Path, scenario_argument("The scenario to watch (YAML).")],
    fmt: Annotated[
        str,
        opt("--format", "-f", metavar="FORMAT", panel=OUTPUT, help="table, json, csv or markdown."),
    ] = "table",
    *,
    flags: Flags,
) -> int:
    """What to watch for next month: each indicator and event, and what seeing it would mean.

    For each indicator the scenario defines (and each event): the chance it is seen next month,
    the target's probability if it is seen and if it is not, the likelihood ratio (how much
    likelier seeing it is if the target comes about), and the shift in percentage points and in
    ICD-203 words; sorted by how far seeing it would move the target (default: the top rung by
    the horizon). Watching is conditioning: "if seen" is `belwar run --given NAME@1`.
    --given watches what is left given something already seen (a signpost given for next
    month is known, so it is not watched).

    Examples:
        What would move the chance of full entry within a year:
            belwar watch scenarios/baseline.yaml --target full_entry --month 12
        The same, updated on what happened since spring 2022:
            belwar watch scenarios/baseline.yaml \\
                --history scenarios/history/belarus-2022-2025.yaml
    """
    from belwar.render.watch_layouts import FORMATS, watch_tables, watch_text
    from belwar.run.watch import watch

    how = Delivery(fmt=fmt, output=flags.output, quiet=flags.quiet).checked(FORMATS)
    found = watch(
        flags.load(scenario),
        history=flags.given_history(),
        target=flags.target,
        month=flags.month,
        options=flags.run_options(),
        given=flags.given or (),
    )
    deliver(found, how, text=watch_text, tables=watch_tables, sheets=_no_workbook)
    return 0


def _no_workbook(_: object) -> list[tuple[str, Table]]:
    raise AssertionError("watch has no xlsx format (FORMATS)")
