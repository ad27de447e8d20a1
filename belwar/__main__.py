"""``python -m belwar`` runs the command line."""

from belwar.cli import main

main()
