"""What trainers see: stats tables, autoplay reports, and the questions of `cscoach new`."""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text as RichText

from cscoach.authoring.autoplay import AutoplayReport
from cscoach.authoring.stats import ScenarioStats
from cscoach.content.model import Channel, Lang, Scenario, StepCatalog
from cscoach.drill.engine import answers_text
from cscoach.i18n import tr
from cscoach.ui.fit import show

BAR = "█"


TABLE_FROM = 120  # columns; narrower terminals get one card per scenario


def stats_view(rows: list[ScenarioStats], lang: Lang, steps: StepCatalog,
               width: int) -> Table | Group:
    order = {sid: str(steps.get(sid).order) for sid in steps.ids()}
    legend = "  ".join(f"{order[sid]} {steps.get(sid).name(lang)}" for sid in steps.ids())
    caption = f"{tr(lang, 'stats.best_steps')}: {legend}"
    if any(not s.exact or not s.paths_exact for s in rows):
        caption += "\n" + tr(lang, "stats.bounds")
    if width < TABLE_FROM:
        return _stats_cards(rows, lang, order, caption)
    table = Table(title=tr(lang, "stats.title"), box=box.SIMPLE_HEAVY, title_justify="left",
                  caption=caption, caption_justify="left", padding=(0, 1))
    table.add_column(tr(lang, "label.id"), style="bold cyan", overflow="fold",
                     min_width=min(24, max((len(s.id) for s in rows), default=2)))
    for key in ("stats.nodes", "stats.choices", "stats.endings", "stats.words", "stats.traps",
                "stats.paths", "stats.best", "stats.worst", "stats.best_steps_short"):
        table.add_column(tr(lang, key), justify="right", no_wrap=True)
    for s in rows:
        e = s.endings
        table.add_row(s.id, str(s.nodes), str(s.choices),
                      f"{e['good']}/{e['partial']}/{e['bad']}",
                      f"{s.words['ko']:,}/{s.words['en']:,}", str(s.traps), _paths(s),
                      _score(s.best, s.pass_mark, "" if s.exact else "≤"),
                      _score(s.worst, s.pass_mark, "" if s.exact else "≥"),
                      "→".join(order[sid] for sid in s.best_steps))
    return table


def _stats_cards(rows: list[ScenarioStats], lang: Lang, order: dict[str, str],
                 caption: str) -> Group:
    from rich.padding import Padding

    parts: list[RichText | Padding] = [RichText(tr(lang, "stats.title"), style="bold")]
    for s in rows:
        e = s.endings
        parts.append(RichText("\n" + s.id, style="bold cyan"))
        body = RichText(tr(lang, "stats.card_size", nodes=s.nodes, choices=s.choices,
                           good=e["good"], partial=e["partial"], bad=e["bad"], traps=s.traps))
        body.append("\n" + tr(lang, "stats.card_words", ko=s.words["ko"], en=s.words["en"],
                               paths=s.paths))
        if not s.paths_exact:
            body.append("+")
        body.append("\n" + tr(lang, "stats.best") + " ")
        body.append_text(_score(s.best, s.pass_mark, "" if s.exact else "≤"))
        body.append(" (" + "→".join(order[sid] for sid in s.best_steps) + ") · "
                    + tr(lang, "stats.worst") + " ")
        body.append_text(_score(s.worst, s.pass_mark, "" if s.exact else "≥"))
        body.append(" · " + tr(lang, "label.pass_mark") + f" {s.pass_mark}")
        parts.append(Padding(body, (0, 0, 0, 2)))
    parts.append(RichText("\n" + caption, style="dim"))
    return Group(*parts)


def _paths(s: ScenarioStats) -> str:
    return f"{s.paths:,}" if s.paths_exact else f"≥{s.paths:,}"


def _score(score: int | None, pass_mark: int, bound: str = "") -> RichText:
    if score is None:
        return RichText("—")
    return RichText(bound + str(score), style="green" if score >= pass_mark else "red")


def autoplay_report(console: Console, r: AutoplayReport, lang: Lang) -> None:
    s = r.scenario
    head = (tr(lang, "autoplay.random", runs=r.runs, seed=r.seed if r.seed is not None else "-")
            if r.mode == "random" else tr(lang, "autoplay.exhaustive", runs=r.runs))
    console.print(RichText(f"{s.id} · {s.title(lang)}", style="bold"))
    console.print(head)
    if not r.complete:
        key = "autoplay.incomplete" if r.exact else "autoplay.incomplete_walk"
        console.print(RichText(tr(lang, key, runs=r.runs), style="yellow"))
    if not r.exact:
        console.print(RichText(tr(lang, "autoplay.bounds"), style="yellow"))
    if r.unfinished:
        from cscoach.drill.engine import MAX_TURNS

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
    show(console, _node_table(r, s, lang))
    show(console, _ending_table(r, s, lang))
    for key, found in (("autoplay.best_path", r.best), ("autoplay.worst_path", r.worst)):
        if found is not None:
            console.print(tr(lang, key, score=found[0], answers=answers_text(s, found[1])))


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
    table.add_column(tr(lang, "autoplay.reached"), justify="right")
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
                               [tr(lang, f"channel.{c.value}") for c in channels],
                               instruction=tr(lang, "prompt.hint"))
        out["channel"] = channels[picked].value
    return out
