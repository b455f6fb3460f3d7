"""The command line, assembled: each area module registers its commands on the one Typer app.

Commands are thin: options, load, run, render. The areas are play (play, list), authoring
(validate, graph, schema, stats, autoplay, new), check, history (progress, drill, report,
export, sync, coverage) and quiz; what they share is in `options`; the app and the error
handling of main() are in `root`. Nothing imports this module but the entry points.
"""

# isort: off
# Importing an area registers its commands, and `cscoach --help` lists them in this order.
import cscoach.cli.play  # noqa: F401
import cscoach.cli.authoring  # noqa: F401
import cscoach.cli.check  # noqa: F401
import cscoach.cli.history  # noqa: F401
import cscoach.cli.quiz  # noqa: F401
# isort: on
from cscoach.cli.root import app, main

__all__ = ["app", "main"]
