"""The practice app: the only package that imports Textual.

``kefu`` with no arguments (on a terminal) calls :func:`run`.
"""

from __future__ import annotations


def run(lang: str | None = None, database_url: str | None = None) -> int:
    """Start the app; returns the exit code."""
    from simulator.tui.app import KefuApp

    app = KefuApp(lang=lang, database_url=database_url)
    app.run()
    return app.return_code or 0
