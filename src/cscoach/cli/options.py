"""What the commands share: the option types every area takes and the small helpers they use."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cscoach.errors import CscoachError

if TYPE_CHECKING:
    from rich.console import Console

    from cscoach.content.library import Library
    from cscoach.content.model import Lang
    from cscoach.history.config import Settings as HistorySettings


class LangOption(StrEnum):
    ko = "ko"
    en = "en"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


LangArg = Annotated[LangOption | None, typer.Option(
    "--lang", help="Language of content and interface (default: CSCOACH_LANG, the locale, or en).",
    show_default=False)]


TraineeArg = Annotated[str | None, typer.Option(
    "--trainee", help="Whose history (default: CSCOACH_TRAINEE, 'trainee' in config.toml, or "
    "your login name).", show_default=False)]
DataDirArg = Annotated[Path | None, typer.Option(
    "--data-dir", help="Folder of the history database and config.toml (default: CSCOACH_HOME "
    "or your data folder).", show_default=False)]
LrsArg = Annotated[str | None, typer.Option(
    "--lrs", help="Also send the attempt as xAPI to this Learning Record Store (default: "
    "CSCOACH_LRS_URL or config.toml); credentials from CSCOACH_LRS_USER/CSCOACH_LRS_PASSWORD.",
    show_default=False)]
ContentArg = Annotated[list[Path] | None, typer.Option(
    "--content", help="Also read this content pack: a folder of your team's scenarios/, "
    "phrasebook/ and quiz/ (repeatable; default: CSCOACH_CONTENT_PATH or 'content' in "
    "config.toml).", show_default=False)]
DetailsArg = Annotated[bool, typer.Option(
    "--details", help="The whole debrief: every point, the seven steps, the phrases to drop and "
    "every better choice (default: the score, the lessons and the three changes worth the most "
    "points).")]
NoRecordArg = Annotated[bool, typer.Option("--no-record", help="Do not keep this attempt in the "
                                           "history.")]


def library(content: list[Path] | None = None, data_dir: Path | None = None) -> Library:
    """The shipped library with the content packs asked for (see `content_packs`)."""
    from cscoach.content.library import load_library
    from cscoach.history.config import content_packs

    return load_library(packs=content_packs(content, data_dir))


def warn(message: str) -> None:
    sys.stderr.write(f"cscoach: warning: {message}\n")


def lang(option: LangOption | None) -> Lang:
    from cscoach.i18n import default_lang

    if option is None:
        return default_lang()
    return "ko" if option is LangOption.ko else "en"


def at_terminal() -> bool:
    """Whether there is someone to ask: both standard input and output are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def console(*, stderr: bool = False) -> Console:
    import os
    import shutil

    from cscoach.ui import safe

    width = height = None
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        # rich takes any dumb terminal as 80 x 25; measure the real one (a dumb terminal
        # still has a size, and COLUMNS / LINES still win)
        width, height = shutil.get_terminal_size()
    return safe.console(stderr=stderr, width=width, height=height)


def history(no_record: bool, data_dir: Path | None, trainee: str | None, lrs: str | None
            ) -> HistorySettings | None:
    """Where the attempt is kept, and sent (None with --no-record)."""
    if no_record:
        return None
    from cscoach.history.config import settings

    return settings(data_dir, trainee, lrs)


def keep(history: HistorySettings, records: list[dict[str, object]], *, send: bool = True
         ) -> bool:
    """Record attempts (True when they were); a history or LRS problem is a warning, never the
    end of a drill. With send=False their statements wait for `send_kept`, so that a result
    can be printed first."""
    from cscoach.history.service import record

    try:
        record(history, records, warn, send=send)
    except CscoachError as exc:
        warn(f"this attempt was not recorded: {exc.message}")
        return False
    return True


def send_kept(history: HistorySettings) -> None:
    """Send what `keep(send=False)` left waiting, once the result is out: standard output is
    flushed first, so a script reading it never waits for a slow LRS."""
    from cscoach.history.service import send_waiting

    sys.stdout.flush()
    try:
        send_waiting(history, warn)
    except CscoachError as exc:
        warn(f"the attempt was recorded but not sent: {exc.message}")


def write_file(out: Path, text: str | bytes) -> None:
    """Write --out whole or not at all: the previous file survives any failure."""
    from cscoach.content.writing import write_atomic

    write_atomic(out, text)


def emit_parts(parts: Iterable[str | bytes], out: Path | None) -> None:
    """`emit` of text made a part at a time (an export; str, or UTF-8 bytes): printed as it
    comes, or written to --out whole or not at all, never held whole."""
    if out is None:
        for part in parts:
            if isinstance(part, str):
                sys.stdout.write(part)
            elif (raw := getattr(sys.stdout, "buffer", None)) is not None:
                sys.stdout.flush()  # what was written as text goes first
                raw.write(part)
            else:  # a stream without bytes underneath (a test's capture, say)
                sys.stdout.write(part.decode("utf-8"))
    else:
        from cscoach.content.writing import write_atomic_parts

        write_atomic_parts(out, parts)


def emit(text: str, out: Path | None) -> None:
    """Print, or write to --out (via write_file)."""
    if out is None:
        sys.stdout.write(text)
    else:
        write_file(out, text)
