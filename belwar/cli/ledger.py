"""The forecast ledger: ``score`` (forecasts against what happened) and ``track`` (a scenario's
forecast across its git revisions)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

from belwar.cli.options import INPUTS, OUTPUT, Flags, opt, scenario_argument, shared
from belwar.cli.output import Delivery, deliver

if TYPE_CHECKING:
    from belwar.render.tables import Table

SCORE_FORMATS = ("table", "json", "csv", "markdown")


@shared("set_", "samples", "seed", "workers", "dask", "output", "quiet", "register")
def score_command(
    forecasts: Annotated[
        list[str],
        scenario_argument(
            "Forecasts: scenarios (run at their own seed) or saved results (.json).",
            "FORECAST...",
        ),
    ],
    history: Annotated[
        Path,
        opt(
            "--history",
            metavar="FILE",
            panel=INPUTS,
            help="The observed history the forecasts are scored against.",
            dir_okay=False,
        ),
    ],
    at: Annotated[
        Optional[str],  # noqa: UP045 - typer reads the annotation at run time
        opt(
            "--at",
            metavar="DATE",
            panel=INPUTS,
            help="Score the record as it stood on DATE (later observations are ignored).",
        ),
    ] = None,
    reference: Annotated[
        Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
        opt(
            "--reference",
            metavar="FILE",
            panel=INPUTS,
            help="Plain probabilities per rung and month (YAML or CSV), scored beside.",
            dir_okay=False,
        ),
    ] = None,
    fmt: Annotated[
        str,
        opt("--format", "-f", metavar="FORMAT", panel=OUTPUT, help="table, json, csv or markdown."),
    ] = "table",
    *,
    flags: Flags,
) -> int:
    """Score forecasts against what happened: Brier, ranked probability, log and baseline scores.

    Each forecast must be made as of the history's since (a scenario's as_of): forecast month m
    is the record's month m. Every cell the record settles is scored (a rung reached settles
    all later months; a rung not reached, only the months observed); the cells not yet settled
    are listed, never scored. The forecasts are ranked by their mean baseline score.

    Examples:
        The shipped spring-2022 stories against the record to the end of 2025:
            belwar score scenarios/baseline.yaml scenarios/kremlin-squeeze.yaml \\
                --history scenarios/history/belarus-2022-2025.yaml
        As the record stood at the end of 2022, with a crowd's forecast beside:
            belwar score scenarios/baseline.yaml --at 2022-12-31 \\
                --history scenarios/history/belarus-2022-2025.yaml \\
                --reference crowd.yaml
    """
    from belwar.cli.output import check_format
    from belwar.render.score_layouts import score_tables, score_text
    from belwar.run.scoring import score
    from belwar.spec.history_loader import read_history

    check_format(fmt, SCORE_FORMATS)
    given = [
        item if item.lower().endswith(".json") else flags.load(Path(item)) for item in forecasts
    ]
    found = read_history(history, register=flags.register_at())
    result = score(
        given, found, at=at, reference=reference, options=flags.run_options(), names=forecasts
    )
    how = Delivery(fmt=fmt, output=flags.output, quiet=flags.quiet)
    deliver(result, how, text=score_text, tables=score_tables, sheets=_no_workbook)
    return 0


def _no_workbook(_: object) -> list[tuple[str, Table]]:
    raise AssertionError("score has no xlsx format (SCORE_FORMATS)")


@shared("samples", "seed", "target", "month", "workers", "dask", "output", "quiet", "plot")
def track_command(
    path: Annotated[str, scenario_argument("The scenario file, kept in git.", "PATH")],
    history: Annotated[
        Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
        opt(
            "--history",
            metavar="FILE",
            panel=INPUTS,
            help="Also score each revision against this observed history.",
            dir_okay=False,
        ),
    ] = None,
    fmt: Annotated[
        str,
        opt("--format", "-f", metavar="FORMAT", panel=OUTPUT, help="table, json, csv or markdown."),
    ] = "table",
    *,
    flags: Flags,
) -> int:
    """Track a scenario's forecast across its git revisions, and what moved it.

    One row per commit that changed the file or a file it extends (oldest first): its date,
    its as_of, the target's probability with its 90% spread (each revision run at its own
    seed), the change from the row before, and the assumptions that moved it: each changed
    assumption applied alone to the revision before and run paired with it, largest first.

    Examples:
        How the baseline's full-entry forecast moved, commit by commit:
            belwar track scenarios/baseline.yaml -n 20k
        Deeper integration by month 6, each revision scored on the record:
            belwar track scenarios/kremlin-squeeze.yaml --target deeper_integration \\
                --month 6 --history scenarios/history/belarus-2022-2025.yaml
    """
    from belwar.cli.output import check_format
    from belwar.render.track_layouts import track_tables, track_text
    from belwar.run.tracking import track
    from belwar.spec.history_loader import read_history

    check_format(fmt, SCORE_FORMATS)
    found = track(
        path,
        target=flags.target,
        month=flags.month,
        history=None if history is None else read_history(history),
        options=flags.run_options(),
    )
    how = Delivery(fmt=fmt, output=flags.output, quiet=flags.quiet, plot=flags.plot)
    deliver(found, how, text=track_text, tables=track_tables, sheets=_no_workbook)
    return 0
