"""Everything that draws: scenario intro, the customer's turn, feedback, the debrief (rich)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from cscoach.content.model import (
    MOOD_MAX,
    MOOD_MIN,
    Channel,
    Choice,
    Ending,
    Facts,
    Lang,
    Node,
    Phrasebook,
    Scenario,
    Text,
)
from cscoach.drill.engine import Turn
from cscoach.i18n import mood_label, tr, tr_for
from cscoach.judge.free import FreeReply
from cscoach.judge.phrases import Hit
from cscoach.judge.scoring import Change, Debrief, TurnReport, top_changes
from cscoach.ui import safe
from cscoach.ui.check import doubt
from cscoach.ui.fit import show

_MOOD_STYLE = {-5: "bold red", -4: "red", -3: "red", -2: "dark_orange", -1: "yellow",
               0: "white", 1: "green_yellow", 2: "green", 3: "green", 4: "bold green",
               5: "bold green"}
_OUTCOME_STYLE = {"good": "green", "partial": "yellow", "bad": "red"}


def mood_meter(mood: int, lang: Lang) -> RichText:
    """`Mood ■■■□□□□□□□□ irritated (-2)`: one block per level from -5 to +5."""
    filled = mood - MOOD_MIN + 1
    width = MOOD_MAX - MOOD_MIN + 1
    style = _MOOD_STYLE[mood]
    out = RichText(f"{tr(lang, 'label.mood')} ")
    out.append("■" * filled, style=style)
    out.append("□" * (width - filled), style="dim")
    out.append(f" {mood_label(lang, mood)} ({mood:+d})", style=style)
    return out


def intro(console: Console, s: Scenario, lang: Lang) -> None:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row(tr(lang, "label.persona"), f"{s.persona.name(lang)} — {s.persona.type(lang)}")
    grid.add_row(tr(lang, "label.channel"), tr(lang, f"channel.{s.channel.value}"))
    grid.add_row(tr(lang, "label.difficulty"), "★" * s.difficulty + "☆" * (5 - s.difficulty))
    grid.add_row(tr(lang, "label.pass_mark"), str(s.pass_mark))
    grid.add_row(tr(lang, "label.sources"), ", ".join(s.sources))
    body = Group(RichText(s.summary(lang)), RichText(""),
                 RichText(s.persona.description(lang), style="italic"), RichText(""), grid)
    console.print(Panel(body, title=safe.text(s.title(lang), "bold"), border_style="cyan",
                        box=box.ROUNDED))


def customer_turn(console: Console, s: Scenario, node: Node, mood: int, lang: Lang,
                  turn: int, facts: Facts = frozenset()) -> None:
    """What the customer says at `node` (the variant the conversation's facts and mood pick)."""
    parts: list[RichText] = []
    narration = node.narration_at(facts, mood)
    if narration is not None:
        parts.append(RichText(narration(lang), style="italic dim"))
    parts.append(RichText(node.says_at(facts, mood)(lang)))
    parts.append(mood_meter(mood, lang))
    title = safe.text(f"{tr(lang, 'label.turn')} {turn} · {s.persona.name(lang)}")
    subtitle = tr(lang, f"channel.{s.channel_at(node).value}")
    console.print(Panel(Group(*_spaced(parts)), title=title, subtitle=subtitle,
                        title_align="left", border_style=_MOOD_STYLE[mood], box=box.ROUNDED))


def _spaced(parts: list[RichText]) -> list[RichText]:
    out: list[RichText] = []
    for p in parts:
        if out:
            out.append(RichText(""))
        out.append(p)
    return out


def _hit_lines(hits: tuple[Hit, ...], phrasebook: Phrasebook, lang: Lang,
               channel: Channel | None = None,
               unsure: dict[Hit, str] | None = None) -> list[RichText]:
    """Each "don't say" with why (as said for the drill's channel) and what to say instead,
    then each good phrasing. `unsure`: for a finding the judge is not sure of, how sure it
    is (`ui.check.doubt`), said after it."""
    lines = []
    for hit in (h for h in hits if h.kind == "dont_say"):
        entry = phrasebook.get(hit.entry_id)
        note = (unsure or {}).get(hit)
        lines.append(RichText.assemble(
            (f"✗ {tr(lang, 'feedback.dont_say')}: ", "bold red"), f"“{hit.phrase}” — ",
            entry.why_in(channel)(lang), (f" ({note})" if note else "", "dim")))
        lines.append(RichText.assemble((f"  → {tr(lang, 'feedback.say_instead')}: ", "green"),
                                       entry.say_instead(lang)))
    for hit in (h for h in hits if h.kind == "say_instead"):
        lines.append(RichText.assemble((f"✓ {tr(lang, 'feedback.good_phrase')}: ", "green"),
                                       f"“{hit.phrase}”"))
    return lines


def turn_feedback(console: Console, report: TurnReport, phrasebook: Phrasebook,
                  lang: Lang, recap: bool = False, channel: Channel | None = None) -> None:
    """What happened after one choice: feedback, mood change, phrase hits. Right after a typed
    reply its hits were just shown (`free_reply`), so only the customer's reaction is, and the
    authored feedback only under the reply it was taken as: it is about that reply's words and
    actions ("moved her to the quiet desk"), which the trainee may not have typed."""
    turn = report.turn
    delta = turn.mood_after - turn.mood_before
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
    style = "green" if delta > 0 else "red" if delta < 0 else "dim"
    mood = RichText(f"{arrow} " + tr(lang, "mood.changed", before=turn.mood_before,
                                     after=turn.mood_after), style=style)
    if turn.typed:
        lines: list[RichText] = [mood]
        if recap:
            lines.insert(0, RichText.assemble((f"{tr(lang, 'debrief.wrote')}: ", "bold"),
                                              turn.choice.says(lang)))
            lines += _hit_lines(report.hits, phrasebook, lang, channel)
        lines.append(RichText(tr(lang, "free.about_taken"), style="bold"))
        lines.append(RichText(f"“{turn.authored.says(lang)}”", style="cyan"))
        lines.append(RichText(turn.authored.feedback(lang), style="dim"))
    else:
        lines = [RichText(turn.choice.feedback(lang)), mood]
        lines += _hit_lines(report.hits, phrasebook, lang, channel)
    title = tr(lang, "free.feedback_as" if turn.typed else "label.feedback")
    console.print(Panel(Group(*lines), title=title, title_align="left",
                        border_style="blue", box=box.ROUNDED))


def free_reply(console: Console, reply: FreeReply, node: Node, phrasebook: Phrasebook,
               lang: Lang, channel: Channel | None = None) -> None:
    """A typed reply, checked: the phrasebook's findings, the steps performed and which authored
    reply the customer takes it as (or that none is close enough)."""
    unsure = {f.hit: doubt(f, lang) for f in reply.check.findings if not f.sure}
    lines = _hit_lines(reply.hits, phrasebook, lang, channel, unsure)
    steps = ", ".join(f"{s.step.order} {s.step.name(lang)}" for s in reply.check.steps)
    lines.append(RichText.assemble((f"{tr(lang, 'free.steps')}: ", "bold"),
                                   steps or tr(lang, "free.no_steps")))
    closest = reply.closest
    if reply.close_enough:
        lines.append(RichText(tr(lang, "free.taken_as", percent=closest.percent), style="bold"))
        lines.append(RichText(f"“{node.choices[closest.index].says(lang)}”", style="cyan"))
    elif reply.negated is not None and reply.negated.index == closest.index:
        lines.append(RichText(tr(lang, "free.negates"), style="yellow"))
        lines.append(RichText(f"“{node.choices[closest.index].says(lang)}”", style="dim"))
        lines.append(RichText(tr(lang, "free.pick_nearest"), style="yellow"))
    else:
        lines.append(RichText(tr(lang, "free.not_close", percent=closest.percent),
                              style="yellow"))
    console.print(Panel(Group(*lines), title=tr(lang, "free.title"), title_align="left",
                        border_style="magenta", box=box.ROUNDED))


PROMPT_MARGIN = 8  # questionary draws " » 1) " before each option


def reply_options(console: Console, texts: list[str]) -> list[str]:
    """The titles for the reply list.

    A terminal list cannot wrap, so when a reply is wider than the screen every reply is first
    printed in full, numbered, and the list shows each one shortened with an ellipsis.
    """
    room = console.width - PROMPT_MARGIN
    if all(cell_len(t) <= room for t in texts):
        return texts
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold cyan")
    grid.add_column(ratio=1, overflow="fold")
    for i, text in enumerate(texts, 1):
        grid.add_row(f"{i})", text)
    console.print(grid)
    return [shorten(t, room) for t in texts]


def chosen(console: Console, question: str, text: str) -> None:
    """The reply picked, whole and wrapped, where the prompt would have echoed it cut short."""
    console.print(RichText.assemble(("? ", "bold green"), (f"{question} ", "bold"),
                                    (text, "cyan")))


def shorten(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells (Korean characters take two), ending in …."""
    if cell_len(text) <= cells:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out.rstrip() + "…"


def compose_start(console: Console, node: Node, lang: Lang) -> None:
    console.print(RichText(tr(lang, "compose.start", n=len(node.parts)), style="bold"))


def composed(console: Console, message: Choice, lang: Lang) -> None:
    """The whole message a compose turn made, as the customer will read it."""
    console.print(Panel(RichText(message.says(lang)), title=tr(lang, "compose.done"),
                        title_align="left", border_style="cyan", box=box.ROUNDED))


def you_said(console: Console, s: Scenario, turn: Turn, lang: Lang) -> None:
    """The reply picked, worded for the channel ("Your email", "Your public reply", ...)."""
    label = tr_for(lang, "label.you", s.channel_at(turn.node).value)
    if turn.node.parts or "\n" in turn.choice.says(lang):  # a written message, whole as sent
        console.print(Panel(RichText(turn.choice.says(lang)), title=label, title_align="left",
                            border_style="cyan", box=box.ROUNDED))
        return
    console.print(RichText.assemble((f"{label}: ", "bold cyan"),
                                    turn.choice.says(lang)))


def ending(console: Console, s: Scenario, e: Ending, lang: Lang,
           says: Text | None = None) -> None:
    """The ending; `says` is the variant of its last words the conversation picked."""
    style = _OUTCOME_STYLE[e.outcome.value]
    body = Group(RichText((says or e.says)(lang)), RichText(""),
                 RichText(e.summary(lang), style="italic"))
    title = safe.text(f"{e.title(lang)} · {tr(lang, f'outcome.{e.outcome.value}')}")
    console.print(Panel(body, title=title, title_align="left", border_style=style,
                        box=box.DOUBLE))


def scripted_drill(console: Console, d: Debrief, phrasebook: Phrasebook, lang: Lang,
                   feedback_now: bool, details: bool = False,
                   more: str = "debrief.more_play") -> None:
    """A drill played from --answers (or replayed by `review --details`), drawn as the trainee
    would have seen it, then the debrief."""
    s = d.transcript.scenario
    intro(console, s, lang)
    for report in d.turns:
        turn = report.turn
        customer_turn(console, s, turn.node, turn.mood_before, lang, turn.number,
                      turn.facts_before)
        you_said(console, s, turn, lang)
        if feedback_now:
            turn_feedback(console, report, phrasebook, lang, channel=s.channel)
    ending(console, s, d.transcript.ending, lang, d.transcript.ending_says)
    if not feedback_now:
        recap(console, d, phrasebook, lang)
    debrief(console, d, phrasebook, lang, details=details, more=more)


def recap(console: Console, d: Debrief, phrasebook: Phrasebook, lang: Lang) -> None:
    """Every turn's feedback, for `--feedback end`."""
    for report in d.turns:
        you_said(console, d.transcript.scenario, report.turn, lang)
        turn_feedback(console, report, phrasebook, lang, recap=True,
                      channel=d.transcript.scenario.channel)


DEBRIEF_LINES = 30  # the short debrief fits one screen of an 80 x 30 terminal or more
CHANGES = 3


def debrief(console: Console, d: Debrief, phrasebook: Phrasebook, lang: Lang,
            wrote: dict[int, str] | None = None, details: bool = False,
            more: str = "debrief.more_play", lines: int = DEBRIEF_LINES) -> None:
    """The debrief. Short (the default): the score, the lessons, and the three changes worth
    the most points with what to say instead, in at most DEBRIEF_LINES lines, nothing the
    drill's own feedback already showed; then a line naming `more` (an i18n key), where the
    rest is. With `details`: the steps, every point, the phrases to drop, every better choice
    and, after a free drill, what the trainee wrote beside the best reply (`wrote` holds words
    typed at turns where the trainee then picked a reply). `lines` is the short debrief's room
    (less when something was printed above it that belongs on the same screen)."""
    if details:
        full_debrief(console, d, phrasebook, lang, wrote or {})
        return
    parts: list[RenderableType] = [_summary(d, lang, mood=False)]
    lessons = _lesson_lines(d, lang)
    if lessons:
        parts.append(Group(RichText(tr(lang, "debrief.lessons_title"), style="bold italic"),
                           *lessons))
    hint = RichText(tr(lang, more), style="dim")
    room = lines - sum(_height(console, p) for p in parts) - _height(console, hint)
    changes = top_changes(d, CHANGES)
    if not changes:
        block: RenderableType = RichText("  " + tr(lang, "debrief.no_weak"), style="green")
        if _height(console, block) + 1 <= room:
            parts.append(Group(RichText(tr(lang, "debrief.changes_title"),
                                        style="bold italic"), block))
    else:
        title = RichText(tr(lang, "debrief.changes_title"), style="bold italic")
        shown: list[RenderableType] = []
        room -= _height(console, title)
        for rank, change in enumerate(changes, 1):
            # a change with why its better reply works, else without, else no more of them
            for block in (_change(d, change, rank, lang, True),
                          _change(d, change, rank, lang, False)):
                height = _height(console, block)
                if height <= room:
                    shown.append(block)
                    room -= height
                    break
            else:
                break
        if shown:
            parts.append(Group(title, *shown))
    for part in parts:
        console.print(part)
    console.print(hint)


def _height(console: Console, renderable: RenderableType) -> int:
    """How many lines `renderable` takes on this console."""
    return len(console.render_lines(renderable, console.options, pad=False))


def _summary(d: Debrief, lang: Lang, mood: bool = True) -> Panel:
    s = d.transcript.scenario
    verdict = tr(lang, "debrief.passed") if d.passed else tr(lang, "debrief.failed")
    style = "bold green" if d.passed else "bold red"
    head = RichText.assemble((tr(lang, "debrief.score", score=d.score), "bold"), "  ",
                             (verdict, style),
                             f"  ({tr(lang, 'debrief.pass_mark', mark=s.pass_mark)})")
    ending_line = RichText.assemble(
        (f"{tr(lang, 'debrief.ending')}: ", "bold"), d.transcript.ending.title(lang),
        (f" ({tr(lang, 'outcome.' + d.transcript.ending.outcome.value)})",
         _OUTCOME_STYLE[d.transcript.ending.outcome.value]))
    subtotals = RichText(tr(lang, "debrief.subtotals", **{c: d.subtotal(c) for c in (
        "steps", "order", "language", "outcome")}), style="dim")
    if s.lessons:  # format 2: the lessons part, and the cap when a critical one was broken
        subtotals.append(tr(lang, "debrief.subtotal_lessons", lessons=d.subtotal("lessons")))
    lines: list[RenderableType] = [head, ending_line]
    if mood:
        lines.append(mood_meter(d.transcript.final_mood, lang))
    lines.append(subtotals)
    return Panel(Group(*lines), title=safe.text(f"{tr(lang, 'debrief.title')} · {s.title(lang)}"),
                 border_style=style, box=box.HEAVY)


def _lessons(d: Debrief) -> tuple[Any, ...]:
    """The scenario's lessons, each met or broken (format-2 scenarios; none before)."""
    return tuple(getattr(d, "lessons", ()) or ())


def _lesson_lines(d: Debrief, lang: Lang) -> list[Table]:
    """Broken lessons first (a critical one marked), then those met, then those not met, each
    with its source."""
    results = _lessons(d)

    def rank(r: Any) -> tuple[int, int]:
        if r.broken is not None:
            return (0 if r.lesson.critical else 1, r.broken)
        return (2, r.met) if r.met is not None else (3, 0)

    turns = d.transcript.turns

    def said(key: str, turn: int) -> str:
        """At a typed turn the lesson is the authored reply's the words were taken as."""
        typed = 0 < turn <= len(turns) and turns[turn - 1].typed
        return tr(lang, key + ("_taken" if typed else ""), turn=turn)

    lines = []
    for r in sorted(results, key=rank):
        lesson = r.lesson
        if r.broken is not None:
            mark, style, state = "✗", "red", said("debrief.lesson_broken", r.broken)
        elif r.met is not None:
            mark, style, state = "✓", "green", said("debrief.lesson_met", r.met)
        else:
            mark, style, state = "○", "yellow", tr(lang, "debrief.lesson_open")
        line = RichText()
        if lesson.critical:
            line.append(f"[{tr(lang, 'debrief.critical')}] ", style="bold " + style)
        line.append(lesson.text(lang))
        line.append(f" — {state} ({lesson.source})", style="dim")
        row = Table.grid(padding=(0, 1, 0, 0))  # a wrapped lesson stays under its text
        row.add_column(width=3, justify="right", no_wrap=True)
        row.add_column()
        row.add_row(RichText(mark, style=style), line)
        lines.append(row)
    return lines


def _change(d: Debrief, change: Change, rank: int, lang: Lang, why: bool) -> RenderableType:
    """One change: the turn and the points at stake, the "don't say" phrases said there (the
    reply itself and its feedback were shown after it), what to say instead and, with `why`,
    why that works (its feedback, which the drill never showed)."""
    turn = change.weak.turn
    better = turn.node.choices[change.weak.better_index]
    body: list[RenderableType] = [
        RichText(f"{rank}. " + tr(lang, "debrief.at_stake", turn=turn.number,
                                  points=change.at_stake), style="bold")]
    report = d.turns[turn.number - 1] if turn.number <= len(d.turns) else None
    if report is not None and report.dont_say:
        body.append(_indented(RichText("✗ " + " · ".join(f"“{h.phrase}”"
                                                          for h in report.dont_say),
                                       style="red")))
    body.append(_indented(RichText.assemble((f"{tr(lang, 'feedback.say_instead')}: ", "bold"),
                                            (better.says(lang), "green"))))
    if why:
        body.append(_indented(RichText(better.feedback(lang), style="dim")))
    return Group(*body)


def _indented(text: RichText) -> Padding:
    return Padding(text, (0, 0, 0, 3))


def full_debrief(console: Console, d: Debrief, phrasebook: Phrasebook, lang: Lang,
                 wrote: dict[int, str]) -> None:
    """The whole debrief (`--details`): the score, the lessons, the seven steps, every point,
    the phrases to drop, every better choice and, after a free drill, what was written."""
    console.print(_summary(d, lang))
    lessons = _lesson_lines(d, lang)
    if lessons:
        console.print(RichText(tr(lang, "debrief.lessons_title"), style="bold italic"))
        for line in lessons:
            console.print(line)
    channel = d.transcript.scenario.channel

    steps = Table(title=tr(lang, "debrief.steps_title"), box=box.SIMPLE_HEAVY, title_justify="left")
    steps.add_column("#", justify="right")
    steps.add_column(tr(lang, "debrief.step"))
    steps.add_column(tr(lang, "debrief.done_at"))
    steps.add_column(tr(lang, "debrief.status"))
    for r in d.steps:
        if not r.done:
            status = RichText(f"✗ {tr(lang, 'debrief.missing')}", style="red")
        elif r.in_order:
            status = RichText(f"✓ {tr(lang, 'debrief.in_order')}", style="green")
        else:
            names = ", ".join(b.name(lang) for b in r.before)
            status = RichText(f"~ {tr(lang, 'debrief.before', steps=names)}", style="yellow")
        steps.add_row(str(r.step.order), r.step.name(lang),
                      ", ".join(str(t) for t in r.turns) or "—", status)
    show(console, steps, key_columns=2)

    points = Table(title=tr(lang, "debrief.points_title"), box=box.SIMPLE_HEAVY,
                   title_justify="left")
    points.add_column(tr(lang, "debrief.points"), justify="right")
    points.add_column(tr(lang, "label.turn"), justify="right")
    points.add_column(tr(lang, "debrief.reason"))
    for item in d.items:
        pstyle = "green" if item.points > 0 else "red" if item.points < 0 else "dim"
        points.add_row(RichText(f"{item.points:+d}", style=pstyle),
                       str(item.turn) if item.turn else "",
                       RichText(f"[{tr(lang, 'debrief.category.' + item.category)}] "
                                f"{item.reason(lang)}"))
    show(console, points, key_columns=2)

    dont = [(tr_, h) for tr_ in d.turns for h in tr_.dont_say]
    console.print(RichText(tr(lang, "debrief.phrases_title"), style="bold italic"))
    if not dont:
        console.print(RichText("  " + tr(lang, "debrief.no_phrases"), style="green"))
    for report, hit in dont:
        entry = phrasebook.get(hit.entry_id)
        rows = _Hanging(f"{tr(lang, 'label.turn')} {report.turn.number}")
        rows.add_row(RichText.assemble(("✗ ", "red"), (f"“{hit.phrase}”", "bold red"),
                                       f" ({entry.source})"))
        rows.add_row(RichText(f"{tr(lang, 'feedback.why')}: {entry.why_in(channel)(lang)}"))
        rows.add_row(RichText.assemble(f"{tr(lang, 'feedback.say_instead')}: ",
                                       (entry.say_instead(lang), "green")))
        console.print(rows)
    console.print()

    console.print(RichText(tr(lang, "debrief.weak_title"), style="bold italic"))
    if not d.weak:
        console.print(RichText("  " + tr(lang, "debrief.no_weak"), style="green"))
    for w in d.weak:
        better = w.turn.node.choices[w.better_index]
        rows = _Hanging(f"{tr(lang, 'label.turn')} {w.turn.number}")
        chose = tr(lang, "debrief.wrote" if w.turn.typed else "debrief.chose")
        # the reply's own feedback was shown after it (or in the recap): not again here
        rows.add_row(RichText.assemble((f"{chose}: ", "bold"), (w.turn.choice.says(lang), "red")))
        rows.add_row(RichText.assemble((f"{tr(lang, 'debrief.better')}: ", "bold"),
                                       (better.says(lang), "green")))
        rows.add_row(RichText(better.feedback(lang)))
        console.print(rows)
    free_debrief(console, d, lang, wrote)


def free_debrief(console: Console, d: Debrief, lang: Lang, wrote: dict[int, str]) -> None:
    """Every turn of a free drill: what the trainee wrote, the reply it was taken as, and the
    authored best reply at that point."""
    typed = [r.turn for r in d.turns if r.turn.typed or r.turn.number in wrote]
    if not typed:
        return
    console.print()
    console.print(RichText(tr(lang, "debrief.free_title"), style="bold italic"))
    for turn in typed:
        rows = _Hanging(f"{tr(lang, 'label.turn')} {turn.number}")
        words = turn.choice.says(lang) if turn.typed else wrote[turn.number]
        rows.add_row(RichText.assemble((f"{tr(lang, 'debrief.wrote')}: ", "bold"), words))
        taken = tr(lang, "debrief.taken_as" if turn.typed else "debrief.picked")
        rows.add_row(RichText.assemble((f"{taken}: ", "bold"), (turn.authored.says(lang), "dim")))
        best = d.best[turn.number - 1] if turn.number <= len(d.best) else None
        if best is not None:
            rows.add_row(RichText.assemble((f"{tr(lang, 'debrief.best')}: ", "bold"),
                                           (turn.node.choices[best].says(lang), "green")))
        console.print(rows)


class _Hanging:
    """A label in a left column and lines that wrap under each other beside it."""

    def __init__(self, label: str) -> None:
        self.table = Table.grid(padding=(0, 1))
        self.table.add_column(no_wrap=True, min_width=len(label) + 2)
        self.table.add_column(ratio=1, overflow="fold")
        self.label: str | None = label

    def add_row(self, text: RichText) -> None:
        self.table.add_row(f"  {self.label}" if self.label else "", text)
        self.label = None

    def __rich__(self) -> Table:
        return self.table
