"""``python -m simulator`` runs the ``kefu`` command."""

from simulator.cli import entry

entry()
