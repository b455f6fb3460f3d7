"""Screens for the history: progress, the next drill, the trainer's report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text as RichText

from cscoach.content.model import Lang, Phrasebook, StepCatalog
from cscoach.history.formats import TITLES
from cscoach.i18n import tr
from cscoach.ui.fit import show

if TYPE_CHECKING:  # the report, the trainer's screen, needs neither (some 60 ms of start-up)
    from datetime import datetime

    from cscoach.history.drill import Plan


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
        line.append("   " + tr(lang, "hist.first_latest", first=first["score"], best=data["best"],
                                latest=latest["score"], change=data["change"]))
        console.print(line)

    if data["scenarios"]:
        console.print(RichText(tr(lang, "hist.scenarios"), style="bold"))
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column(tr(lang, "label.title"), ratio=1, overflow="fold")
        for key in ("hist.attempts", "hist.first", "hist.best", "hist.last"):
            table.add_column(tr(lang, key), justify="right", no_wrap=True)
        table.add_column(tr(lang, "hist.trend_col"), overflow="fold", style="cyan")
        for s in data["scenarios"]:
            tries = str(s["attempts"]) + (f" (+{s['abandoned']})" if s["abandoned"] else "")
            best = RichText(_score(s["best"]),
                            style="green" if s["passed"] else "")
            table.add_row(_titled(s, lang), tries, _score(s["first"]), best, _score(s["last"]),
                          s["trend"])
        show(console, table)

    if any(s["level"] is not None for s in data["steps"]):
        console.print(RichText(tr(lang, "hist.steps"), style="bold"))
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column(tr(lang, "debrief.step"), overflow="fold")
        table.add_column(tr(lang, "hist.level"), no_wrap=True)
        for s in data["steps"]:
            step = steps.get(s["step"])
            table.add_row(f"{step.order}. {step.name(lang)}", _bar(s["level"]))
        show(console, table)

    if data["attempts"]:
        _dont_say(console, data, phrasebook, lang)
    if data["quiz"]["answered"]:
        console.print(tr(lang, "hist.quiz", right=data["quiz"]["right"],
                         answered=data["quiz"]["answered"]))
    console.print(tr(lang, "hist.next"), style="dim")


def _dont_say(console: Console, data: dict[str, Any], phrasebook: Phrasebook,
              lang: Lang) -> None:
    from cscoach.history.progress import FIXED_AFTER

    console.print(RichText(tr(lang, "hist.dont_say"), style="bold"))
    if not data["dont_say"]:
        console.print("  " + tr(lang, "hist.no_dont_say"), style="green")
    marks = {"still": ("✗ ", "red"), "unsure": ("? ", "yellow"), "fixed": ("✓ ", "green")}
    for use in data["dont_say"]:
        try:
            instead = phrasebook.get(use["entry"]).say_instead(lang)
        except KeyError:
            instead = ""
        mark, colour = marks[use["status"]]
        fixed = use["status"] == "fixed"
        line = RichText(mark, style=colour)
        line.append(f"\"{use['said'][lang]}\" ", style="dim" if fixed else "bold")
        line.append(f"({use['entry']}) ", style="dim")
        when = use["last_used"][:10]
        line.append(tr(lang, "hist.still", uses=use["recent_uses"]) if use["status"] == "still"
                    else tr(lang, "hist.fixed", chances=use["chances"], when=when) if fixed
                    else tr(lang, "hist.unsure", chances=use["chances"], need=FIXED_AFTER,
                            when=when))
        console.print(Padding(line, (0, 0, 0, 2)))
        if not fixed and instead:
            console.print(Padding(RichText(f"→ {instead}", style="green"), (0, 0, 0, 6)))


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
    reasons = Table.grid(padding=(0, 1))
    reasons.add_column(no_wrap=True)
    reasons.add_column(overflow="fold")
    for reason in pick.reasons:
        reasons.add_row(" •", reason(lang))
    console.print(reasons)
    console.print(RichText(tr(lang, "drill.schedule"), style="bold"))
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(tr(lang, "label.title"), ratio=1, overflow="fold")
    table.add_column(tr(lang, "hist.attempts"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "drill.recall"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "drill.due"), no_wrap=True)
    table.add_column(tr(lang, "drill.priority"), justify="right", no_wrap=True)
    for c in plan.ranked:
        style = "bold cyan" if c is pick else ""
        recall = (RichText("-") if c.recall is None else
                  RichText(f"{round(100 * c.recall)}% ") + RichText(tr(lang, "drill.failed"),
                                                                   style="red")
                  if c.failed else RichText(f"{round(100 * c.recall)}%"))
        table.add_row(c.scenario.title(lang), str(c.attempts), recall,
                      _due(c.due, now, lang), f"{c.priority:.2f}", style=style)
    show(console, table)


def _pct(value: int | None) -> str:
    return "-" if value is None else f"{value}%"


def report(console: Console, data: dict[str, Any], steps: StepCatalog, lang: Lang,
           only: str | None = None) -> None:
    """The report for a terminal: short headers, long text where there is room."""
    ko = lang == "ko"
    if only in (None, "steps"):
        console.print(RichText(TITLES["steps"][ko], style="bold"))
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column(tr(lang, "report.trainee"), ratio=1, overflow="fold")
        for key in ("report.drills", "report.mean", "report.pass"):
            table.add_column(tr(lang, key), justify="right", no_wrap=True)
        for step in steps.steps:
            table.add_column(str(step.order), justify="right", no_wrap=True)
        for row in data["steps"]:
            cells = [RichText("-", style="dim") if row[s.id] is None else
                     RichText(str(row[s.id]), style="green" if row[s.id] >= 80 else
                              "yellow" if row[s.id] >= 50 else "red") for s in steps.steps]
            table.add_row(row["trainee"], str(row["drills"]), _score(row["mean_score"]),
                          _pct(row["pass_rate"]), *cells)
        show(console, table)
        legend = " · ".join(f"{s.order} {s.name(lang)}" for s in steps.steps)
        console.print(Padding(RichText(legend, style="dim"), (0, 0, 1, 2)))
    if only in (None, "hardest"):
        console.print(RichText(TITLES["hardest"][ko], style="bold"))
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column(tr(lang, "report.where"), overflow="fold", max_width=28)
        table.add_column(tr(lang, "report.trapped"), justify="right", no_wrap=True)
        table.add_column(tr(lang, "report.top_trap"), ratio=1, overflow="fold")
        for row in data["hardest"]:
            where = RichText(row["scenario"])
            if row.get("pack"):
                where.append(f" ({tr(lang, 'hist.pack', name=row['pack'])})", style="dim")
            if row.get("version", 1) > 1:
                where.append(f" v{row['version']}", style="dim")
            where.append(f"\n{row['node']}", style="dim")
            rate = RichText(f"{row['trap_rate']}%", style="red" if row["trap_rate"] >= 50
                            else "yellow")
            rate.append("\n" + tr(lang, "report.trainees_trapped", n=row["trainees_trapped"],
                                   of=row["trainees"]), style="dim")
            text = RichText(f"{row['top_trap']}) {row['top_trap_text'][lang]}")
            if row["dont_say"]:
                text.append("\n" + ", ".join(row["dont_say"]), style="dim red")
            table.add_row(where, rate, text)
        if not data["hardest"]:
            table.add_row("-", "-", tr(lang, "report.no_traps"))
        show(console, table)
    if only in (None, "scenarios"):
        console.print(RichText(TITLES["scenarios"][ko], style="bold"))
        table = Table(box=box.SIMPLE_HEAD)
        table.add_column(tr(lang, "label.title"), ratio=1, overflow="fold")
        for key in ("report.drills", "report.trainees", "report.pass", "report.mean",
                    "hist.best"):
            table.add_column(tr(lang, key), justify="right", no_wrap=True)
        for row in data["scenarios"]:
            abandoned = f" (+{row['abandoned']})" if row["abandoned"] else ""
            table.add_row(_titled(row, lang), f"{row['attempts']}{abandoned}",
                          str(row["trainees"]), _pct(row["pass_rate"]),
                          _score(row["mean_score"]), _score(row["best_score"]))
        show(console, table)


def _titled(row: dict[str, Any], lang: Lang) -> RichText:
    """A scenario's title, with its pack and, once it has changed, which version the row is
    (a changed scenario's attempts are a row of their own: history/versions.py)."""
    title = RichText(row["title"][lang])
    notes = []
    if row.get("pack"):
        notes.append(tr(lang, "hist.pack", name=row["pack"]))
    if row.get("versions", 1) > 1:
        notes.append(tr(lang, "hist.version", n=row["version"], date=row["since"][:10]))
    if notes:
        title.append("\n" + " · ".join(notes), style="dim")
    return title
