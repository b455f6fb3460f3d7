"""The interactive drill: a front that shows the customer, asks each reply, reacts, debriefs."""

from __future__ import annotations

import random
from dataclasses import dataclass

from rich.console import Console

from cscoach.content.model import Channel, Choice, Lang, Node, Scenario, StepCatalog
from cscoach.drill.engine import Session, Transcript, Turn
from cscoach.drill.runner import Reply
from cscoach.i18n import tr, tr_for
from cscoach.judge.check import Checker
from cscoach.judge.free import FreeReply, Judge, as_choice, problem
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import Debrief, turn_report
from cscoach.ui import prompt, render


@dataclass(frozen=True)
class DrillOptions:
    lang: Lang
    feedback_now: bool = True
    shuffle: bool = False
    seed: int | None = None
    free: bool = False  # the trainee types replies (play --free)
    details: bool = False  # the whole debrief (play --details), not the short one
    more: str = "debrief.more_play"  # where the short debrief says the rest is (an i18n key)


class Interactive:
    """A front of `cscoach.drill.runner` at a terminal: the replies are picked from a list (in a
    shuffled order) or, with `free`, typed, checked and placed on the closest authored reply."""

    def __init__(self, console: Console, steps: StepCatalog, matcher: Matcher,
                 options: DrillOptions) -> None:
        self.console = console
        self.matcher = matcher
        self.options = options
        self.judge = Judge(Checker(matcher, steps)) if options.free else None
        self.rng = random.Random(options.seed)
        self.wrote: dict[int, str] = {}  # typed words that were not close to any reply
        self.channel: Channel | None = None

    def begin(self, scenario: Scenario) -> None:
        # every drill shuffles as the first did: the same --seed, the same orders
        self.rng = random.Random(self.options.seed)
        self.wrote = {}
        self.channel = scenario.channel
        render.intro(self.console, scenario, self.options.lang)

    def reply(self, session: Session) -> Reply:
        node, scenario, lang = session.node, session.scenario, self.options.lang
        assert node is not None
        number = len(session.turns) + 1
        render.customer_turn(self.console, scenario, node, session.mood, lang, number,
                             session.facts)
        question = tr_for(lang, "prompt.reply", scenario.channel_at(node).value)
        if self.judge is not None:
            typed = self._typed_reply(self.judge, node, scenario.channel_at(node).value)
            if typed.close_enough:
                index = typed.closest.index
                return Reply(index, as_choice(typed, node.choices[index]))
            self.wrote[number] = typed.text  # nothing authored is close: the trainee picks
            question = tr(lang, "prompt.nearest")
        if node.parts:
            return Reply(self._compose(node))
        return Reply(self._pick(question, node.choices))

    def _pick(self, question: str, choices: tuple[Choice, ...]) -> int:
        """One of `choices` (0-based, authored order), shown shuffled when asked."""
        lang = self.options.lang
        order = list(range(len(choices)))
        if self.options.shuffle:
            self.rng.shuffle(order)
        texts = [choices[i].says(lang) for i in order]
        picked = prompt.select(question, render.reply_options(self.console, texts),
                               tr(lang, "prompt.hint"), erase=True)
        # the prompt would echo the reply on one line, cut short or broken mid-word by the
        # terminal: the scrollback keeps the whole reply, wrapped
        render.chosen(self.console, question, texts[picked])
        return order[picked]

    def _compose(self, node: Node) -> int:
        """A compose turn: one line for each part, in order; the message they make."""
        lang = self.options.lang
        render.compose_start(self.console, node, lang)
        picks = []
        for k, part in enumerate(node.parts, 1):
            question = tr(lang, "prompt.part", k=k, n=len(node.parts), part=part.name(lang))
            picks.append(self._pick(question, part.options))
        index = node.compose_index(tuple(picks))
        render.composed(self.console, node.choices[index], lang)
        return index

    def heard(self, turn: Turn) -> None:
        if self.options.feedback_now:
            render.turn_feedback(self.console, turn_report(self.matcher, turn, self.options.lang),
                                 self.matcher.phrasebook, self.options.lang,
                                 channel=self.channel)

    def end(self, transcript: Transcript, result: Debrief) -> None:
        lang, phrasebook = self.options.lang, self.matcher.phrasebook
        render.ending(self.console, transcript.scenario, transcript.ending, lang)
        if not self.options.feedback_now:
            render.recap(self.console, result, phrasebook, lang)
        render.debrief(self.console, result, phrasebook, lang, self.wrote,
                       details=self.options.details, more=self.options.more)

    def _typed_reply(self, judge: Judge, node: Node, channel: str) -> FreeReply:
        lang = self.options.lang

        def refuse(value: str) -> str | None:
            key = problem(value)
            return None if key is None else tr(lang, key)

        text = prompt.text(tr_for(lang, "prompt.type", channel), validate=refuse)
        reply = judge.judge(node, text)
        render.free_reply(self.console, reply, node, self.matcher.phrasebook, lang, self.channel)
        return reply
