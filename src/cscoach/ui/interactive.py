"""The interactive drill: show the customer, ask for a reply, react, and debrief at the end."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console

from cscoach.content.model import Lang, Node, Scenario, StepCatalog
from cscoach.drill.engine import Session, Turn
from cscoach.i18n import tr, tr_for
from cscoach.judge.check import Checker
from cscoach.judge.free import FreeReply, Judge, as_choice, problem
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import Debrief, debrief, turn_report
from cscoach.ui import prompt, render


@dataclass(frozen=True)
class DrillOptions:
    lang: Lang
    feedback_now: bool = True
    shuffle: bool = False
    seed: int | None = None
    free: bool = False  # the trainee types replies (play --free)


def run_drill(console: Console, scenario: Scenario, steps: StepCatalog, matcher: Matcher,
              options: DrillOptions, on_turn: Callable[[Turn], None] | None = None) -> Debrief:
    """One play-through, asking at every node; returns the debrief it showed.

    `on_turn` hears of every reply as it is picked (the history keeps an interrupted drill).
    """
    lang = options.lang
    rng = random.Random(options.seed)
    session = Session(scenario)
    judge = Judge(Checker(matcher, steps)) if options.free else None
    wrote: dict[int, str] = {}  # typed words that were not close to any reply
    render.intro(console, scenario, lang)
    while session.node is not None:
        node = session.node
        render.customer_turn(console, scenario, node, session.mood, lang, len(session.turns) + 1)
        question = tr_for(lang, "prompt.reply", scenario.channel.value)
        turn: Turn | None = None
        if judge is not None:
            typed = _typed_reply(console, judge, node, matcher, lang, scenario.channel.value)
            if typed.close_enough:
                index = typed.closest.index
                turn = session.choose(index, as_choice(typed, node.choices[index]))
            else:  # nothing authored is close: the trainee picks the nearest
                wrote[len(session.turns) + 1] = typed.text
                question = tr(lang, "prompt.nearest")
        if turn is None:
            order = list(range(len(node.choices)))
            if options.shuffle:
                rng.shuffle(order)
            texts = [node.choices[i].says(lang) for i in order]
            picked = prompt.select(question, render.reply_options(console, texts),
                                   tr(lang, "prompt.hint"))
            turn = session.choose(order[picked])
        if on_turn is not None:
            on_turn(turn)
        if options.feedback_now:
            render.turn_feedback(console, turn_report(matcher, turn, lang), matcher.phrasebook,
                                 lang)
    transcript = session.transcript()
    render.ending(console, scenario, transcript.ending, lang)
    result = debrief(transcript, steps, matcher, prefer=lang)
    if not options.feedback_now:
        render.recap(console, result, matcher.phrasebook, lang)
    render.debrief(console, result, matcher.phrasebook, lang, wrote)
    return result


def _typed_reply(console: Console, judge: Judge, node: Node, matcher: Matcher, lang: Lang,
                 channel: str) -> FreeReply:
    def refuse(value: str) -> str | None:
        key = problem(value)
        return None if key is None else tr(lang, key)

    text = prompt.text(tr_for(lang, "prompt.type", channel), validate=refuse)
    reply = judge.judge(node, text)
    render.free_reply(console, reply, node, matcher.phrasebook, lang)
    return reply

