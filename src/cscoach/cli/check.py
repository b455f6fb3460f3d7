"""`cscoach check`: lint a reply against the phrasebook and the seven steps."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import cscoach.cli.options as options
from cscoach.cli.options import ContentArg, LangOption, OutputFormat
from cscoach.cli.root import app
from cscoach.errors import ExitStatus, UsageError

if TYPE_CHECKING:
    from cscoach.content.model import Lang
    from cscoach.judge.check import Checker

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
            special = not (is_dir or is_file) and path.exists()
        except (OSError, ValueError):  # a long sentence is no file name
            is_dir = is_file = special = False
        if is_dir:
            raise UsageError(f"{arg}: is a folder; give a file, '-' for standard input, or text")
        if special:  # an open would block for ever (a pipe) or a read never end (/dev/zero)
            raise UsageError(f"{arg}: is not a regular file (a pipe, device or socket); give a "
                             "file, '-' for standard input, or text")
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


def each_line(arg: str, limit: int) -> tuple[str, Iterator[tuple[int, str | None, str, str]]]:
    """(where, the replies of a file or `-`, one a line): (line number, an id or None, the
    text, a problem or ""), streamed: a file of any length is read a line at a time and no line
    further than `limit` bytes. A line that is a JSON object gives its "text" (and "id"); a
    line that is not text (NUL, invalid UTF-8, too long, bad JSON) comes with its problem, and
    the rest are still read. Blank lines are skipped."""
    import json

    if arg == "-":
        stream, where = sys.stdin.buffer, "<stdin>"
    else:
        path = Path(arg)
        if path.is_dir():
            raise UsageError(f"{arg}: is a folder; give a file of replies, one a line")
        if path.exists() and not path.is_file():  # a pipe would block the open for ever
            raise UsageError(f"{arg}: is not a regular file (a pipe, device or socket); give a "
                             "file of replies, one a line, or '-' to read them from standard "
                             "input")
        try:
            stream, where = path.open("rb"), arg
        except OSError as exc:
            raise UsageError(f"{arg}: cannot read: {exc.strerror or exc}") from None

    def lines() -> Iterator[tuple[int, str | None, str, str]]:
        number = 0
        with stream if arg != "-" else _borrowed(stream):
            while True:
                data = stream.readline(limit + 1)
                if not data:
                    return
                number += 1
                if len(data) > limit and not data.endswith(b"\n"):
                    while (more := stream.readline(65536)) and not more.endswith(b"\n"):
                        pass  # the rest of a line too long to check
                    yield number, None, "", f"more than {limit:,} bytes on one line"
                    continue
                if number == 1 and data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                if b"\0" in data:
                    yield number, None, "", "binary data (a NUL byte), not text"
                    continue
                try:
                    text = data.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError as exc:
                    yield number, None, "", (f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at "
                                             f"column {exc.start + 1})")
                    continue
                if not text.strip():
                    continue
                ident: str | None = None
                if text.lstrip().startswith("{"):
                    try:
                        value = json.loads(text)
                    except ValueError as exc:
                        yield number, None, "", f"not a JSON object: {exc}"
                        continue
                    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
                        yield number, None, "", 'a JSON line needs a "text" string'
                        continue
                    text = value["text"]
                    ident = None if value.get("id") is None else str(value["id"])
                yield number, ident, text, ""

    return where, lines()


class _borrowed:
    """Standard input as a context that does not close it."""

    def __init__(self, stream: object) -> None:
        self.stream = stream

    def __enter__(self) -> object:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        return None


def _check_each_line(reply: str, output: OutputFormat, chosen: Lang, checker: Checker) -> int:
    """`check --each-line`: every line its own reply, in one process; findings as
    FILE:LINE:COL (text) or one JSON object a line; a bad line is told and the rest go on."""
    import json

    from cscoach.judge.check import MAX_BYTES, to_dict
    from cscoach.ui.check import show_line

    where, lines = each_line(reply, MAX_BYTES)
    checked = found = bad = 0
    for number, ident, text, problem in lines:
        if problem:
            bad += 1
            sys.stderr.write(f"cscoach: {where}:{number}: {problem}\n")
            if output is OutputFormat.json:
                sys.stdout.write(json.dumps({"line": number, "error": problem}) + "\n")
            continue
        checked += 1
        result = checker.check(text)
        found += not result.clean
        if output is OutputFormat.json:
            row = {"line": number, **({"id": ident} if ident is not None else {}),
                   **to_dict(result, f"{where}:{number}", chosen)}
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            show_line(result, where, number, chosen)
    sys.stderr.write(f"{where}: {checked:,} line(s) checked, {found:,} with a \"don't say\""
                     + (f", {bad:,} not read" if bad else "") + "\n")
    if bad:
        return ExitStatus.BAD_INPUT
    return ExitStatus.PROBLEMS_FOUND if found else ExitStatus.OK


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
    lines: Annotated[bool, typer.Option(
        "--each-line", help="Each line of the file (or -) is a reply of its own (a JSON "
        "object with \"text\" and \"id\" is read too): thousands in one run.")] = False,
    content: ContentArg = None,
) -> int:
    """Lint a customer-service reply: every "don't say" (line:col, why, what to say instead) and
    which of the seven steps it performs. Exit 1 when a "don't say" is found."""
    import json

    from cscoach.judge.check import MAX_BYTES, Checker, to_dict
    from cscoach.judge.phrases import Matcher

    chosen = options.lang(lang)
    if lines:
        library = options.library(content)
        checker = Checker(Matcher(library.phrasebook, mend_slips=True), library.steps)
        return _check_each_line(reply, output, chosen, checker)
    text, where = read_input(reply, MAX_BYTES)
    library = options.library(content)
    result = Checker(Matcher(library.phrasebook, mend_slips=True), library.steps).check(text)
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(to_dict(result, where, chosen), ensure_ascii=False,
                                    indent=2) + "\n")
    else:
        from cscoach.ui.check import show

        show(result, where, chosen)
    return ExitStatus.OK if result.clean else ExitStatus.PROBLEMS_FOUND
