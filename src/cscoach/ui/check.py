"""The text report of `cscoach check`: one line per finding, like a compiler or a prose linter."""

from __future__ import annotations

import sys

from cscoach.content.model import Lang
from cscoach.i18n import tr
from cscoach.judge.check import CheckResult, Finding
from cscoach.plain import visible


def wrap(text: str, first: int, rest: int) -> list[str]:
    """`text` broken at spaces into lines of at most `first` terminal cells, then `rest` (a
    Hangul syllable takes two); a word longer than a line is cut where the line ends."""
    from rich.cells import cell_len

    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and cell_len(candidate) > (rest if lines else first):
            lines.append(line)
            candidate = word
        line = candidate
        while cell_len(line) > (limit := rest if lines else first) and limit > 0:
            cut = max(1, next(i for i in range(len(line), -1, -1)
                              if cell_len(line[:i]) <= limit))
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line)
    return lines


def doubt(f: Finding, lang: Lang) -> str:
    """How sure the judge is of a finding it is not sure of ("the judge is 62% sure"), else ""
    (`check`, `--each-line` and `play --free` say it alike)."""
    return "" if f.sure else tr(lang, "check.unsure", p=round(f.confidence * 100))


def _named(f: Finding, lang: Lang) -> str:
    """The entry and its source, and how sure the judge is when it is not."""
    unsure = doubt(f, lang)
    return f"({f.entry.id}, {f.entry.source}{'; ' + unsure if unsure else ''})"


def show(result: CheckResult, where: str, lang: Lang) -> None:
    """One finding a block. At a terminal the prose is wrapped to its width under its label;
    piped, every finding stays on its own unbroken lines for scripts."""
    import shutil

    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 0

    def out(line: str) -> None:
        body = line.rstrip("\n")
        if width and cell_len_over(body, width):
            lead = len(body) - len(body.lstrip(" "))
            parts = wrap(body.lstrip(" "), width - lead, width - lead - 2)
            line = " " * lead + ("\n" + " " * (lead + 2)).join(parts) + "\n"
        sys.stdout.write(line)

    for f in result.findings:
        phrase = visible(f.hit.phrase)
        out(f"{where}:{f.line}:{f.column}: {tr(lang, 'check.dont_say')} \"{phrase}\" "
            f"{_named(f, lang)}\n")
        out(f"    {tr(lang, 'check.why')}: {f.entry.why(lang)}\n")
        out(f"    {tr(lang, 'check.instead')}: {f.entry.say_instead(lang)}\n")
    done = ", ".join(f"{s.step.order} {s.step.name(lang)} ({s.line}:{s.column})"
                     for s in result.steps) or tr(lang, "check.none")
    out(f"{tr(lang, 'check.steps')}: {done}\n")
    if result.missing:
        missing = ", ".join(f"{s.order} {s.name(lang)}" for s in result.missing)
        out(f"{tr(lang, 'check.missing')}: {missing}\n")
    summary = (tr(lang, "check.clean") if result.clean
               else tr(lang, "check.found", n=len(result.findings)))
    sys.stderr.write(f"{where}: {summary}\n")


def show_line(result: CheckResult, where: str, number: int, lang: Lang) -> None:
    """`check --each-line`: one line per "don't say" of line `number`, placed FILE:LINE:COL,
    then the steps it performs; nothing more for a clean line (an audit of thousands)."""
    for f in result.findings:
        sys.stdout.write(f"{where}:{number}:{f.column}: {tr(lang, 'check.dont_say')} "
                         f"\"{visible(f.hit.phrase)}\" {_named(f, lang)}: "
                         f"{tr(lang, 'check.instead')}: {f.entry.say_instead(lang)}\n")
    if result.findings:
        done = ", ".join(s.step.id for s in result.steps) or tr(lang, "check.none")
        sys.stdout.write(f"{where}:{number}: {tr(lang, 'check.steps')}: {done}\n")


def cell_len_over(line: str, width: int) -> bool:
    from rich.cells import cell_len

    return cell_len(line) > width
