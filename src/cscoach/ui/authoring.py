"""What trainers see: stats tables, autoplay reports, and the questions of `cscoach new`."""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text as RichText

from cscoach.autoplay import AutoplayReport
from cscoach.i18n import tr
from cscoach.model import Channel, Lang, Scenario
from cscoach.stats import ScenarioStats

BAR = "█"


def stats_table(rows: list[ScenarioStats], lang: Lang) -> Table:
    table = Table(title=tr(lang, "stats.title"), box=box.SIMPLE_HEAVY, title_justify="left")
    table.add_column(tr(lang, "label.id"), style="bold cyan", no_wrap=True)
    for key in ("label.nodes", "stats.choices"):
        table.add_column(tr(lang, key), justify="right")
    table.add_column(f"{tr(lang, 'label.endings')}\n{tr(lang, 'stats.endings_split')}",
                     justify="right")
    table.add_column(tr(lang, "stats.words"), justify="right")
    table.add_column(tr(lang, "stats.traps"), justify="right")
    table.add_column(tr(lang, "stats.paths"), justify="right")
    table.add_column(tr(lang, "stats.best"), justify="right")
    table.add_column(tr(lang, "stats.worst"), justify="right")
    table.add_column(tr(lang, "stats.best_steps"), ratio=1)
    for s in rows:
        e = s.endings
        best = "—" if s.best is None else _score(s.best, s.pass_mark)
        worst = "—" if s.worst is None else _score(s.worst, s.pass_mark)
        table.add_row(s.id, str(s.nodes), str(s.choices),
                      f"{e['good']}/{e['partial']}/{e['bad']}",
                      f"{s.words['ko']:,}/{s.words['en']:,}", str(s.traps), f"{s.paths:,}",
                      best, worst, " → ".join(s.best_steps))
    return table


def _score(score: int, pass_mark: int) -> RichText:
    return RichText(str(score), style="green" if score >= pass_mark else "red")


def autoplay_report(console: Console, r: AutoplayReport, lang: Lang) -> None:
    s = r.scenario
    head = (tr(lang, "autoplay.random", runs=r.runs, seed=r.seed if r.seed is not None else "-")
            if r.mode == "random" else tr(lang, "autoplay.exhaustive", runs=r.runs))
    console.print(RichText(f"{s.id} · {s.title(lang)}", style="bold"))
    console.print(head)
    if not r.complete:
        console.print(RichText(tr(lang, "autoplay.incomplete", runs=r.runs), style="yellow"))
    if r.unfinished:
        from cscoach.engine import MAX_TURNS

        console.print(RichText(tr(lang, "autoplay.unfinished", n=r.unfinished,
                                  turns=MAX_TURNS), style="yellow"))
    d = r.scores
    if d.count:
        console.print()
        console.print(RichText(tr(lang, "autoplay.scores"), style="bold"))
        console.print(tr(lang, "autoplay.summary", mean=d.mean(), median=d.percentile(50),
                         min=min(d.scores), max=max(d.scores), rate=d.pass_rate(s.pass_mark),
                         mark=s.pass_mark))
        console.print(_histogram(r, s))
    console.print()
    console.print(_node_table(r, s, lang))
    console.print(_ending_table(r, s, lang))
    for key, found in (("autoplay.best_path", r.best), ("autoplay.worst_path", r.worst)):
        if found is not None:
            console.print(tr(lang, key, score=found[0], answers=",".join(map(str, found[1]))))


def _histogram(r: AutoplayReport, s: Scenario) -> Group:
    buckets = r.scores.histogram()
    top = max((n for _, n in buckets), default=0) or 1
    lines = []
    for start, n in buckets:
        end = start + 9 if start < 90 else 100
        style = "green" if start >= s.pass_mark else (
            "yellow" if end >= s.pass_mark else "red")
        line = RichText(f"{start:>3}-{end:<3} ")
        line.append(BAR * round(30 * n / top), style=style)
        line.append(f" {n}")
        lines.append(line)
    return Group(*lines)


def _node_table(r: AutoplayReport, s: Scenario, lang: Lang) -> Table:
    table = Table(title=tr(lang, "autoplay.nodes"), box=box.SIMPLE, title_justify="left")
    table.add_column(tr(lang, "autoplay.node"), style="cyan", no_wrap=True)
    table.add_column(tr(lang, "autoplay.hits"), justify="right")
    table.add_column(tr(lang, "autoplay.replies"))
    for nid, node in s.nodes.items():
        visits = r.node_hits.get(nid, 0)
        picks = [r.choice_hits.get((nid, i), 0) for i in range(1, len(node.choices) + 1)]
        cell = RichText(" · ".join(str(n) for n in picks)) if visits else RichText(
            tr(lang, "autoplay.never"), style="red")
        table.add_row(nid, str(visits), cell)
    return table


def _ending_table(r: AutoplayReport, s: Scenario, lang: Lang) -> Table:
    table = Table(title=tr(lang, "autoplay.endings"), box=box.SIMPLE, title_justify="left")
    table.add_column(tr(lang, "label.endings"), style="cyan", no_wrap=True)
    table.add_column(tr(lang, "autoplay.hits"), justify="right")
    table.add_column("%", justify="right")
    finished = max(1, sum(r.ending_hits.values()))
    for eid, ending in s.endings.items():
        n = r.ending_hits.get(eid, 0)
        style = {"good": "green", "partial": "yellow", "bad": "red"}[ending.outcome.value]
        table.add_row(RichText(f"{eid} ({tr(lang, 'outcome.' + ending.outcome.value)})",
                               style=style), str(n), f"{100 * n / finished:.0f}")
    return table


def ask_new(lang: Lang, given: dict[str, str | None],
            id_problem: Callable[[str], str | None]) -> dict[str, str]:
    """Ask for what the command line did not give."""
    from cscoach.ui import prompt

    def non_empty(value: str) -> str | None:
        return None if value.strip() else tr(lang, "new.empty")

    out: dict[str, str] = {}
    for key, check in (("id", id_problem), ("title_en", non_empty), ("title_ko", non_empty),
                       ("persona_en", non_empty), ("persona_ko", non_empty)):
        value = given.get(key)
        out[key] = value if value else prompt.text(tr(lang, f"new.{key}"), validate=check)
    channel = given.get("channel")
    if channel:
        out["channel"] = channel
    else:
        channels = list(Channel)
        picked = prompt.select(tr(lang, "new.channel"),
                               [tr(lang, f"channel.{c.value}") for c in channels])
        out["channel"] = channels[picked].value
    return out
