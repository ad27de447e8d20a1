"""The command line: typer commands, flags, exit codes and the error boundary."""

from belwar.cli.app import main, run

__all__ = ["main", "run"]
