"""The Typer app and main(), the one place a failure becomes one line and an exit code."""

from __future__ import annotations

import errno
import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from cscoach import __version__
from cscoach.errors import ContentError, CscoachError, ExitStatus, Interrupted, PackError, clip

if TYPE_CHECKING:
    from cscoach.content.model import Lang

app = typer.Typer(
    name="cscoach",
    help="Role-play drills for handling complaints and difficult clients.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"cscoach {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Role-play drills for handling complaints and difficult clients.

    Exit codes: 0 success, 1 a check found problems, 2 bad usage or unreadable input,
    130 interrupted, 129/143 stopped by SIGHUP/SIGTERM.
    """


def _fail(message_lines: list[str], status: int, lead: str = "") -> NoReturn:
    try:
        sys.stderr.write(lead)
        for line in message_lines:
            sys.stderr.write(f"cscoach: {line}\n")
        sys.stderr.flush()
    except OSError:
        pass  # the terminal is gone (SIGHUP): the exit status still says what happened
    sys.exit(status)


def _stopped(args: list[str]) -> tuple[list[str], int]:
    """What to say and the exit status when stopped: 130 for Ctrl-C, 128 + N for signal N."""
    import signal

    from cscoach.i18n import tr

    if not _stopped_by:
        return [tr(_lang_of(args), "interrupted")], ExitStatus.INTERRUPTED
    name = signal.Signals(_stopped_by[0]).name
    return [tr(_lang_of(args), "stopped", signal=name)], 128 + _stopped_by[0]


def _lang_of(args: list[str]) -> Lang:
    """The language the command was asked to speak (before its options are parsed)."""
    from cscoach.i18n import default_lang

    lang: Lang = default_lang()
    for i, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            args[i + 1] if arg == "--lang" and i + 1 < len(args) else None)
        if value in ("ko", "en"):
            lang = "ko" if value == "ko" else "en"
    return lang


# The signal that is stopping cscoach (SIGTERM, or SIGHUP when the terminal closes), if any.
_stopped_by: list[int] = []


def _stop(signum: int, frame: object) -> None:
    """SIGTERM and SIGHUP stop a command as Ctrl-C does, so a drill under way is kept as
    abandoned instead of lost; a second signal waits until that is done."""
    import signal

    _stopped_by.append(signum)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    raise KeyboardInterrupt


def _arm_stops() -> None:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return  # signals are the main thread's (tests may call main() from another)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) == signal.SIG_DFL:
            signal.signal(getattr(signal, name), _stop)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and maps every failure to one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    _stopped_by.clear()
    _arm_stops()
    try:
        returned = app(args=args, prog_name="cscoach", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _fail(*_stopped(args))
    except CscoachError as exc:
        if debug:
            raise
        if isinstance(exc, Interrupted):
            _fail(*_stopped(args))
        lines = exc.lines()
        if isinstance(exc, ContentError) and not isinstance(exc, PackError) and len(lines) > 1:
            lines = [f"{lines[0]} (+{len(lines) - 1} more: 'cscoach validate "
                     f"{exc.problems[0].path}' lists them)"]
        _fail(lines, exc.exit_status)
    except (KeyboardInterrupt, EOFError):
        if debug:
            raise
        _fail(*_stopped(args), lead="\n")
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing more to say
        sys.exit(ExitStatus.OK)
    except Exception as exc:  # the one place a bug becomes a message
        parser_code = getattr(exc, "exit_code", None)
        if hasattr(exc, "show") and isinstance(parser_code, int):
            exc.show()  # a usage error found by the argument parser (click's or typer's)
            sys.exit(ExitStatus.BAD_INPUT if parser_code == 2 else parser_code)
        if debug:
            raise
        if isinstance(exc, OSError) and exc.errno in (errno.ENAMETOOLONG, errno.ELOOP):
            # A path no file can have: a name too long for the system, or a symbolic link
            # loop. pathlib's exists() and is_dir() raise these instead of answering False,
            # wherever a path the user gave (--data-dir, --out ...) is looked at: bad input.
            _fail([f"{clip(str(exc.filename))}: cannot use this path ({exc.strerror})"],
                  ExitStatus.BAD_INPUT)
        _fail([f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the "
               "traceback, and please report it)"], ExitStatus.INTERNAL)
    if returned == ExitStatus.INTERRUPTED:
        # Typer turns a Ctrl-C that lands outside a prompt (while a panel is being drawn, say)
        # into a silent `return 130`; no command returns 130 itself, so say what happened.
        _fail(*_stopped(args), lead="\n")
    sys.exit(returned if isinstance(returned, int) else ExitStatus.OK)
