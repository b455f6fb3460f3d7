"""The command line, assembled: each area module registers its commands on the one Typer app.

Commands are thin: options, load, run, render. The areas are play (play, list), authoring
(validate, graph, schema, stats, autoplay, new), check, history (progress, drill, report,
export, sync, coverage) and quiz; what they share is in `options`; the app and main() are in
`root`. No area imports this package back (an import-linter contract holds it).
"""

# isort: off
# Importing an area registers its commands, and `cscoach --help` lists them in this order.
from cscoach.cli import play  # noqa: F401
from cscoach.cli import authoring  # noqa: F401
from cscoach.cli import check  # noqa: F401
from cscoach.cli import history  # noqa: F401
from cscoach.cli import quiz  # noqa: F401
# isort: on
from cscoach.cli.root import app, main

__all__ = ["app", "main"]
