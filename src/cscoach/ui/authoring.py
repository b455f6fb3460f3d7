"""What trainers see: stats tables, autoplay reports, and the questions of `cscoach new`."""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text as RichText

from cscoach.authoring.autoplay import AutoplayReport
from cscoach.authoring.explain import CATEGORIES, Loss, PathState
from cscoach.authoring.stats import PathDetail, ScenarioStats
from cscoach.content.model import Channel, Lang, Scenario, StepCatalog
from cscoach.drill.engine import answers_text
from cscoach.i18n import tr
from cscoach.ui.fit import show

BAR = "█"


TABLE_FROM = 120  # columns; narrower terminals get one card per scenario


def stats_view(rows: list[ScenarioStats], lang: Lang, steps: StepCatalog,
               width: int, why: bool = False) -> Table | Group:
    """The figures of each scenario; with `why`, each one's best and worst path explained."""
    order = {sid: str(steps.get(sid).order) for sid in steps.ids()}
    legend = "  ".join(f"{order[sid]} {steps.get(sid).name(lang)}" for sid in steps.ids())
    caption = f"{tr(lang, 'stats.best_steps')}: {legend}"
    if any(not s.exact or not s.paths_exact for s in rows):
        caption += "\n" + tr(lang, "stats.bounds")
    if width < TABLE_FROM:
        view: Table | Group = _stats_cards(rows, lang, order, caption)
    else:
        view = _stats_table(rows, lang, order, caption)
        extra = _size2_table(rows, lang)
        if extra is not None:
            view = Group(view, extra)
    if not why:
        return view
    parts: list[RenderableType] = [view]
    for s in rows:
        for key, path, score in (("stats.why_best", s.best_path, s.best_found),
                                 ("stats.why_worst", s.worst_path, s.worst_found)):
            if path is not None:
                parts.append(_path_view(s, key, path, score, lang))
    return Group(*parts)


def _size2_table(rows: list[ScenarioStats], lang: Lang) -> Table | None:
    """Facts, lessons, variants, routes and compose turns of the format-2 scenarios."""
    counted = [s for s in rows if s.size2 is not None]
    if not counted:
        return None
    table = Table(box=box.SIMPLE_HEAVY, padding=(0, 1))
    table.add_column(tr(lang, "label.id"), style="bold cyan", overflow="fold")
    for key in ("stats.facts", "stats.lessons", "stats.variants", "stats.routes",
                "stats.compose"):
        table.add_column(tr(lang, key), justify="right", no_wrap=True)
    for s in counted:
        z = s.size2
        assert z is not None
        table.add_row(s.id, str(z.facts), f"{z.lessons} ({z.critical})", str(z.variants),
                      str(z.routes), str(z.compose))
    return table


def _names(ids: tuple[str, ...], critical: tuple[str, ...], lang: Lang) -> str:
    if not ids:
        return tr(lang, "state.none")
    mark = f" ({tr(lang, 'state.critical')})"
    return ", ".join(i + (mark if i in critical else "") for i in ids)


def state_lines(state: PathState, critical: tuple[str, ...], lang: Lang,
                facts: bool = True) -> Table:
    """facts set / lessons met / lessons broken, as label: value lines that wrap."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    if facts:
        grid.add_row(tr(lang, "state.facts") + ":", ", ".join(state.facts)
                     or tr(lang, "state.none"))
    grid.add_row(tr(lang, "state.met") + ":", _names(state.met, critical, lang))
    broken = RichText(_names(state.broken, critical, lang),
                      style="red" if state.broken else "")
    grid.add_row(tr(lang, "state.broken") + ":", broken)
    return grid


def _path_view(s: ScenarioStats, key: str, path: PathDetail, score: int | None,
               lang: Lang) -> Group:
    from rich.padding import Padding

    head = RichText("\n")
    head.append(f"{s.id} · ", style="bold cyan")
    head.append(tr(lang, key, score=score if score is not None else path.why.score,
                   answers=path.answers), style="bold")
    body: list[RenderableType] = [RichText(tr(
        lang, "stats.ending", ending=path.ending, outcome=tr(lang, "outcome." + path.outcome),
        mood=path.mood))]
    if s.size2 is not None:
        body.append(state_lines(path.state, s.critical, lang, facts=s.size2.facts > 0))
    why = path.why
    shown = [c for c in CATEGORIES if c != "lessons" or s.critical or why.points[c]
             or (s.size2 is not None and s.size2.lessons)]
    body.append(RichText(tr(lang, "stats.points") + ": " + " · ".join(
        f"{tr(lang, 'category.' + c)} {why.points[c]}"
        + (f"/{why.most[c]}" if why.most[c] else "") for c in shown)))
    lost = sum(x.points for x in why.losses)
    if not lost:
        body.append(RichText(tr(lang, "stats.nothing_lost"), style="green"))
    else:
        body.append(RichText(tr(lang, "stats.lost" if 100 - lost == why.score
                                else "stats.lost_clamped", lost=lost)))
        body.append(Padding(_losses(why.losses, lang), (0, 0, 0, 2)))
    return Group(head, Padding(Group(*body), (0, 0, 0, 2)))


def _losses(losses: tuple[Loss, ...], lang: Lang) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True, style="red")
    grid.add_column(overflow="fold")
    for x in losses:
        reason = x.reason(lang)
        at = tr(lang, "stats.at_turn", n=x.turn) if x.turn is not None else ""
        if at and at not in reason:
            reason += f" ({at})"
        grid.add_row(f"−{x.points}", reason)
    return grid


def _stats_table(rows: list[ScenarioStats], lang: Lang, order: dict[str, str],
                 caption: str) -> Table:
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
        z = s.size2
        if z is not None:
            body.append("\n" + tr(lang, "stats.card_state", facts=z.facts, lessons=z.lessons,
                                   critical=z.critical, variants=z.variants, routes=z.routes,
                                   compose=z.compose))
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
    if r.states is not None:
        _state_tables(console, r, lang)
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


PER_PATH = 12  # at most this many paths are listed one by one; more are grouped by state
COMBINATIONS = 15  # state groups shown (all of them are in --json)


def _lessons_cell(state: PathState, critical: tuple[str, ...], lang: Lang) -> RichText:
    cell = RichText()
    for lid in state.met:
        cell.append(("\n" if cell else "") + f"✓ {lid}", style="green")
    for lid in state.broken:
        mark = f" ({tr(lang, 'state.critical')})" if lid in critical else ""
        cell.append(("\n" if cell else "") + f"✗ {lid}{mark}", style="red")
    return cell if cell else RichText(tr(lang, "state.none"), style="dim")


def _facts_cell(facts: tuple[str, ...], lang: Lang) -> RichText:
    return RichText("\n".join(facts)) if facts else RichText(tr(lang, "state.no_facts"),
                                                              style="dim")


def _state_tables(console: Console, r: AutoplayReport, lang: Lang) -> None:
    """What the paths (or runs) end holding, then each lesson and fact counted."""
    s, states = r.scenario, r.states
    assert states is not None
    critical = tuple(x.id for x in s.lessons if x.critical)
    runs = r.mode == "random"
    if r.paths is not None and len(r.paths) <= PER_PATH:
        table = Table(title=tr(lang, "autoplay.per_path"), box=box.SIMPLE, title_justify="left",
                      show_lines=True)
        table.add_column("--answers", style="cyan", no_wrap=True)
        table.add_column(tr(lang, "label.endings"), no_wrap=True)
        table.add_column(tr(lang, "autoplay.score"), justify="right", no_wrap=True)
        table.add_column(tr(lang, "state.facts"))
        table.add_column(tr(lang, "autoplay.lessons"))
        for p in sorted(r.paths, key=lambda p: -p.score):
            table.add_row(p.answers, p.ending, _score(p.score, s.pass_mark),
                          _facts_cell(p.state.facts, lang),
                          _lessons_cell(p.state, critical, lang))
        show(console, table)
    else:
        combos = states.ordered()
        table = Table(title=tr(lang, "autoplay.states_runs" if runs else "autoplay.states"),
                      box=box.SIMPLE, title_justify="left", show_lines=True)
        table.add_column(tr(lang, "autoplay.at_end"))
        table.add_column(tr(lang, "autoplay.lessons"))
        table.add_column(tr(lang, "autoplay.runs" if runs else "paths.count"), justify="right",
                         no_wrap=True)
        table.add_column(tr(lang, "autoplay.score"), justify="right", no_wrap=True)
        table.add_column(tr(lang, "autoplay.replay"), style="cyan", no_wrap=True)
        for c in combos[:COMBINATIONS]:
            span = RichText()
            span.append_text(_score(c.low, s.pass_mark))
            if c.high != c.low:
                span.append("–")
                span.append_text(_score(c.high, s.pass_mark))
            table.add_row(_facts_cell(c.state.facts, lang),
                          _lessons_cell(c.state, critical, lang), f"{c.paths:,}", span,
                          c.example)
        if len(combos) > COMBINATIONS:
            table.caption = tr(lang, "autoplay.more_states", n=len(combos) - COMBINATIONS)
            table.caption_justify = "left"
        show(console, table)
    if states.lessons:
        show(console, _lesson_table(r, lang))
    if s.facts:
        table = Table(title=tr(lang, "autoplay.facts_runs" if runs else "autoplay.facts"),
                      box=box.SIMPLE, title_justify="left")
        table.add_column(tr(lang, "stats.facts"), style="cyan", no_wrap=True)
        table.add_column(tr(lang, "autoplay.true_at_end"), justify="right", no_wrap=True)
        table.add_column("%", justify="right", no_wrap=True)
        for fid, n in states.facts.items():
            table.add_row(fid, str(n) if n else RichText("0", style="red"),
                          f"{100 * n / max(1, states.count):.0f}")
        show(console, table)


def _lesson_table(r: AutoplayReport, lang: Lang) -> Table:
    s, states = r.scenario, r.states
    assert states is not None
    runs = r.mode == "random"
    table = Table(title=tr(lang, "autoplay.lessons_runs" if runs else "autoplay.lesson_paths"),
                  box=box.SIMPLE, title_justify="left")
    table.add_column(tr(lang, "autoplay.lesson"), style="cyan", no_wrap=True)
    table.add_column(tr(lang, "autoplay.met"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "autoplay.broken"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "autoplay.broken_best"))
    for t in states.lessons.values():
        name = t.lesson + (f" ({tr(lang, 'state.critical')})" if t.critical else "")
        if t.broken_high is None:
            verdict = RichText("—", style="dim")
        elif t.critical:
            verdict = RichText(f"{t.broken_high} · ")
            verdict.append(tr(lang, "autoplay.all_fail") if not t.broken_passed else
                           tr(lang, "autoplay.some_pass", n=t.broken_passed),
                           style="green" if not t.broken_passed else "red bold")
        else:
            verdict = _score(t.broken_high, s.pass_mark)
        table.add_row(name, str(t.met) if t.met else RichText("0", style="red"),
                      str(t.broken), verdict)
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
