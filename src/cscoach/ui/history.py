"""Screens for the history: progress, the next drill, the trainer's report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from cscoach.history.drill import Plan
from cscoach.history.formats import TITLES
from cscoach.history.formats import Table as PlainTable
from cscoach.i18n import tr
from cscoach.model import Lang, Phrasebook, StepCatalog


def _bar(level: int | None, width: int = 10) -> RichText:
    if level is None:
        return RichText("-", style="dim")
    filled = round(width * level / 100)
    style = "green" if level >= 80 else "yellow" if level >= 50 else "red"
    text = RichText("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    text.append(f" {level:>3}%")
    return text


def _score(value: int | None) -> str:
    return "-" if value is None else str(value)


def progress(console: Console, data: dict[str, Any], steps: StepCatalog,
             phrasebook: Phrasebook, lang: Lang, example: str) -> None:
    trainee = data["trainee"]
    console.print(RichText(tr(lang, "hist.progress_title", trainee=trainee), style="bold"))
    if not data["attempts"] and not data["quizzes"] and not data["abandoned"]:
        console.print(tr(lang, "hist.none", trainee=trainee, example=example))
        return
    console.print(tr(lang, "hist.totals", attempts=data["attempts"], passed=data["passed"],
                     abandoned=data["abandoned"], quizzes=data["quizzes"]))
    if data["scores"]:
        line = RichText(f"{tr(lang, 'hist.trend')}: ")
        line.append(data["trend"], style="cyan")
        first, latest = data["first"], data["latest"]
        line.append("   " + tr(lang, "hist.first_latest", first=first["score"],
                                latest=latest["score"], change=data["change"]))
        console.print(line)

    if data["scenarios"]:
        console.print(RichText(tr(lang, "hist.scenarios"), style="bold"))
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column(tr(lang, "label.title"), ratio=1, overflow="fold")
        for key in ("hist.attempts", "hist.best", "hist.last"):
            table.add_column(tr(lang, key), justify="right", no_wrap=True)
        table.add_column(tr(lang, "hist.trend_col"), no_wrap=True, style="cyan")
        for s in data["scenarios"]:
            tries = str(s["attempts"]) + (f" (+{s['abandoned']})" if s["abandoned"] else "")
            best = RichText(_score(s["best"]),
                            style="green" if s["passed"] else "")
            table.add_row(s["title"][lang], tries, best, _score(s["last"]),
                          s["trend"][-12:])
        console.print(table)

    if any(s["level"] is not None for s in data["steps"]):
        console.print(RichText(tr(lang, "hist.steps"), style="bold"))
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column(tr(lang, "debrief.step"), overflow="fold")
        table.add_column(tr(lang, "hist.level"), no_wrap=True)
        for s in data["steps"]:
            step = steps.get(s["step"])
            table.add_row(f"{step.order}. {step.name(lang)}", _bar(s["level"]))
        console.print(table)

    console.print(RichText(tr(lang, "hist.dont_say"), style="bold"))
    if not data["dont_say"]:
        console.print("  " + tr(lang, "hist.no_dont_say"), style="green")
    for use in data["dont_say"]:
        try:
            entry = phrasebook.get(use["entry"])
            said, instead = entry.dont_say[lang][0], entry.say_instead(lang)
        except KeyError:
            said, instead = use["entry"], ""
        line = RichText("  ✗ " if use["still"] else "  ✓ ",
                        style="red" if use["still"] else "green")
        line.append(f"\"{said}\" ", style="bold" if use["still"] else "dim")
        line.append(f"({use['entry']}) ", style="dim")
        line.append(tr(lang, "hist.still", uses=use["recent_uses"]) if use["still"] else
                    tr(lang, "hist.dropped", when=use["last_used"][:10]))
        console.print(line)
        if use["still"] and instead:
            console.print(RichText(f"      → {instead}", style="green"))
    if data["quiz"]["answered"]:
        console.print(tr(lang, "hist.quiz", right=data["quiz"]["right"],
                         answered=data["quiz"]["answered"]))
    console.print(tr(lang, "hist.next"), style="dim")


def _due(when: datetime | None, now: datetime, lang: Lang) -> str:
    if when is None:
        return tr(lang, "drill.new")
    if when <= now:
        return tr(lang, "drill.now")
    return tr(lang, "drill.in_days", days=max(1, round((when - now).total_seconds() / 86400)))


def drill_plan(console: Console, plan: Plan, trainee: str, lang: Lang, now: datetime) -> None:
    pick = plan.pick
    console.print(RichText(tr(lang, "drill.title", trainee=trainee,
                              title=pick.scenario.title(lang)), style="bold"))
    console.print(RichText(tr(lang, "drill.why"), style="bold"))
    for reason in pick.reasons:
        console.print(f"  • {reason(lang)}")
    console.print(RichText(tr(lang, "drill.schedule"), style="bold"))
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(tr(lang, "label.title"), ratio=1, overflow="fold")
    table.add_column(tr(lang, "hist.attempts"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "drill.recall"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "drill.due"), no_wrap=True)
    table.add_column(tr(lang, "drill.priority"), justify="right", no_wrap=True)
    for c in plan.ranked:
        style = "bold cyan" if c is pick else ""
        table.add_row(c.scenario.title(lang), str(c.attempts),
                      "-" if c.recall is None else f"{round(100 * c.recall)}%",
                      _due(c.due, now, lang), f"{c.priority:.2f}", style=style)
    console.print(table)


def report(console: Console, tables: list[PlainTable], steps: StepCatalog, lang: Lang) -> None:
    for name, header, rows in tables:
        console.print(RichText(TITLES[name][1 if lang == "ko" else 0], style="bold"))
        table = Table(box=box.SIMPLE_HEAD)
        for h in header:
            label = steps.get(h).name(lang) if h in steps else h.replace("_", " ")
            numeric = any(isinstance(r[header.index(h)], int) for r in rows)
            table.add_column(label, justify="right" if numeric else "left",
                             overflow="fold", max_width=40 if h == "top_trap_text" else None)
        for row in rows:
            table.add_row(*("-" if v is None else " ".join(v) if isinstance(v, list) else str(v)
                            for v in row))
        if not rows:
            table.add_row(*["-"] * len(header))
        console.print(table)
