"""The text report of `cscoach check`: one line per finding, like a compiler or a prose linter."""

from __future__ import annotations

import sys

from cscoach.check import CheckResult
from cscoach.i18n import tr
from cscoach.model import Lang


def show(result: CheckResult, where: str, lang: Lang) -> None:
    out = sys.stdout.write
    for f in result.findings:
        out(f"{where}:{f.line}:{f.column}: {tr(lang, 'check.dont_say')} \"{f.hit.phrase}\" "
            f"({f.entry.id}, {f.entry.source})\n")
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
