"""`cscoach check`: lint a reply against the phrasebook and the seven steps."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer

import cscoach.cli.options as options
from cscoach.cli.options import LangOption, OutputFormat
from cscoach.cli.root import app
from cscoach.errors import ExitStatus, UsageError

# what can only mean a file: one word with a text-file suffix, or a path from /, ./ or ~/
_FILE_NAME = re.compile(r"\S+\.(?:txt|md|eml|html?|json|text)|(?:\.{1,2}|~)?/\S*")


def read_input(arg: str, limit: int) -> tuple[str, str]:
    """(text, where it came from) for an argument that is `-`, a file, or the text itself.

    Refuses, with one line, what is not text: empty input, more than `limit` bytes (read no
    further than that), NUL bytes, invalid UTF-8, a folder, an unreadable file.
    """
    if arg == "-":
        data, where = sys.stdin.buffer.read(limit + 1), "<stdin>"
    else:
        path = Path(arg)
        try:
            is_dir, is_file = path.is_dir(), path.is_file()
        except (OSError, ValueError):  # a long sentence is no file name
            is_dir = is_file = False
        if is_dir:
            raise UsageError(f"{arg}: is a folder; give a file, '-' for standard input, or text")
        if is_file:
            try:
                with path.open("rb") as handle:
                    data = handle.read(limit + 1)
            except OSError as exc:
                raise UsageError(f"{arg}: cannot read: {exc.strerror or exc}") from None
            where = arg
        elif _FILE_NAME.fullmatch(arg):
            raise UsageError(f"{arg}: no such file")
        else:
            data, where = arg.encode("utf-8", "surrogateescape"), "<text>"
    if len(data) > limit:
        raise UsageError(f"{where}: more than {limit // 1_000_000} MB; check one reply or "
                         "draft at a time")
    nul = data.find(b"\0")
    if nul >= 0:
        raise UsageError(f"{where}: binary data (a NUL byte at offset {nul}), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{where}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                         f"{exc.start}); save it as UTF-8") from None
    if not text.strip():
        raise UsageError(f"{where}: nothing to check (empty)")
    return text, where


@app.command()
def check(
    reply: Annotated[str, typer.Argument(
        help="The reply: the text itself, a file, or - for standard input.",
        show_default=False)],
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")
                      ] = OutputFormat.text,
    lang: Annotated[LangOption | None, typer.Option(
        "--lang", help="Language of the explanations (default: CSCOACH_LANG, the locale, "
        "or en).", show_default=False)] = None,
) -> int:
    """Lint a customer-service reply: every "don't say" (line:col, why, what to say instead) and
    which of the seven steps it performs. Exit 1 when a "don't say" is found."""
    import json

    from cscoach.content.library import load_library
    from cscoach.judge.check import MAX_BYTES, Checker, to_dict
    from cscoach.judge.phrases import Matcher

    chosen = options.lang(lang)
    text, where = read_input(reply, MAX_BYTES)
    library = load_library()
    result = Checker(Matcher(library.phrasebook, mend_slips=True), library.steps).check(text)
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(to_dict(result, where, chosen), ensure_ascii=False,
                                    indent=2) + "\n")
    else:
        from cscoach.ui.check import show

        show(result, where, chosen)
    return ExitStatus.OK if result.clean else ExitStatus.PROBLEMS_FOUND
