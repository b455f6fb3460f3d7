"""One exception tree for every failure a user can meet, each with its exit code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes shared by every command."""

    OK = 0
    PROBLEMS_FOUND = 1  # a check found problems
    BAD_INPUT = 2  # bad usage or unreadable input
    UNAVAILABLE = 69  # a live quiz's host cannot be reached or went away (EX_UNAVAILABLE)
    INTERNAL = 70  # a bug in cscoach (EX_SOFTWARE); shown only with --debug in full
    INTERRUPTED = 130  # Ctrl-C / EOF at a prompt


class CscoachError(Exception):
    """Base of every error cscoach reports to a user as one line."""

    exit_status: ExitStatus = ExitStatus.BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        """The message as printed, one problem a line."""
        return [self.message]


def clip(text: str, most: int = 100) -> str:
    """A value a message quotes, at most `most` characters: a 5,000-character name given on the
    command line still makes a readable line."""
    return text if len(text) <= most else text[: most - 3] + "..."


class UsageError(CscoachError):
    """The command line asked for something impossible (exit 2)."""


class NoTerminalError(UsageError):
    """An interactive command ran without a terminal and without its scripted twin."""


class NotFoundError(CscoachError):
    """A scenario id, file or content item does not exist (exit 2)."""


class NothingFound(CscoachError):
    """There is nothing to show: no finished drill to review (exit 1)."""

    exit_status = ExitStatus.PROBLEMS_FOUND


class Interrupted(CscoachError):
    """The user pressed Ctrl-C or closed input (exit 130)."""

    exit_status = ExitStatus.INTERRUPTED

    def __init__(self, message: str = "interrupted") -> None:
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Problem:
    """One located finding in a content file: `file:line:col: severity: message`."""

    path: str
    line: int  # 1-based; 0 when unknown
    col: int  # 1-based; 0 when unknown
    message: str
    severity: str = "error"  # "error" or "warning"
    code: str = ""

    def __post_init__(self) -> None:
        # A message quotes what it found, which may hold a line break or another control
        # character (a key written across lines, say); each problem stays one line.
        if not self.message.isprintable():
            object.__setattr__(self, "message", printable(self.message))
        if not self.path.isprintable():  # a file name with ESC or a line break in it
            object.__setattr__(self, "path", printable(self.path))

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.severity}: {self.message}"


def printable(text: str, limit: int | None = None) -> str:
    """Control and other unprintable characters as escapes (\\n, \\x1b, \\u202e), so text
    from elsewhere is one line that cannot move the cursor or forge a line; with `limit`, at most
    that many characters, ending '...' when cut."""
    shown = [c if c.isprintable() else repr(c)[1:-1] for c in text]
    if limit is None or sum(map(len, shown)) <= limit:
        return "".join(shown)
    kept, length = [], 3
    for piece in shown:  # an escape is kept whole or not at all
        if length + len(piece) > limit:
            break
        kept.append(piece)
        length += len(piece)
    return "".join(kept) + "..."


class ContentError(CscoachError):
    """A content file (scenario, phrasebook, steps ...) could not be loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("ContentError needs at least one problem")
        self.problems = problems
        super().__init__(str(problems[0]))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class PackError(ContentError):
    """A content pack cannot be used (missing, a file, empty, or holding broken or clashing
    files): every problem is shown, one line each, and nothing of the library is used (exit
    2)."""

    MOST_SHOWN = 50

    def lines(self) -> list[str]:
        lines = [str(p) for p in self.problems[:self.MOST_SHOWN]]
        if len(self.problems) > self.MOST_SHOWN:
            lines.append(f"... and {len(self.problems) - self.MOST_SHOWN} more problem(s) in "
                         "the content packs")
        return lines
