"""Can the right reply be spotted without reading it? Figures for authors and the library.

A **decision point** is a node the drill can reach (a compose turn: each of its parts). Its
**best** replies are the ones after which the best total still reachable is highest (from the
first way the breadth-first walk reaches the node; a compose part's best line is the one in the
best message). The best is **the longest** when no other reply there is longer (in the language
given). `validate` warns when that holds at most of a scenario's points; benchmarks/pedagogy.py
prints it for the library, with **bots** that never read: one always picks the longest reply,
one the reply with the most politeness markers. A library that teaches lets both fail.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from cscoach.content.model import Choice, Lang, Node, Scenario
from cscoach.drill.engine import MAX_TURNS, Session
from cscoach.judge.analysis import Analyser

# Markers of a polite register a reply-picking bot can count without understanding anything.
POLITE: dict[Lang, tuple[str, ...]] = {
    "ko": ("죄송", "감사", "고객님", "드리겠", "드릴게", "드릴까", "주시", "께서", "양해", "부탁",
           "불편", "말씀", "셨", "시겠", "정말", "진심"),
    "en": ("sorry", "thank", "please", "appreciate", "understand", "apolog", "kindly",
           "happy to", "of course", "certainly", "absolutely", "completely", "i'll", "we'll"),
}


def politeness(text: str, lang: Lang) -> int:
    low = text.lower()
    return sum(low.count(m) for m in POLITE[lang])


def length(text: str, lang: Lang) -> int:
    """Characters without spaces (Korean) or words (English): what a skimming eye measures."""
    return len(re.sub(r"\s", "", text)) if lang == "ko" else len(text.split())


@dataclass(frozen=True, slots=True)
class Point:
    node: str
    part: int | None  # a compose turn's part (0-based), else None
    replies: tuple[Choice, ...]
    best: frozenset[int]  # 0-based, the replies with the highest best total after them
    scores: tuple[int | None, ...]

    def longest(self, lang: Lang) -> frozenset[int]:
        sizes = [length(c.says(lang), lang) for c in self.replies]
        top = max(sizes)
        return frozenset(i for i, n in enumerate(sizes) if n == top)

    def best_is_longest(self, lang: Lang) -> bool:
        """The best reply is the longest (or one of the longest) here."""
        return len(self.best) < len(self.replies) and bool(self.best & self.longest(lang))


def decision_points(s: Scenario, analyser: Analyser) -> list[Point]:
    """Every decision point reached, in the order a breadth-first walk meets them."""
    prefixes: dict[str, tuple[int, ...]] = {}
    first: tuple[Session, tuple[int, ...]] = (Session(s), ())
    queue = deque([first])
    while queue:
        session, answers = queue.popleft()
        node = session.node
        if node is None or node.id in prefixes or len(answers) >= MAX_TURNS:
            continue
        prefixes[node.id] = answers
        for i in _distinct(node):
            nxt = Session.resume(s, (*answers, i + 1))
            queue.append((nxt, (*answers, i + 1)))
    out: list[Point] = []
    for nid, answers in prefixes.items():
        node = s.nodes[nid]
        scores = tuple(analyser.best_after((*answers, i + 1)) for i in range(len(node.choices)))
        if all(x is None for x in scores):
            continue
        top = max(x for x in scores if x is not None)
        best = frozenset(i for i, x in enumerate(scores) if x == top)
        if not node.parts:
            out.append(Point(nid, None, node.choices, best, scores))
            continue
        picks = node.choices[min(best)].parts  # the best message's line in each part
        for k, part in enumerate(node.parts):
            line_best = {picks[k]}
            for i in best:  # every best message's line counts as best
                line_best.add(node.choices[i].parts[k])
            out.append(Point(nid, k, part.options, frozenset(line_best), ()))
    return out


def _distinct(node: Node) -> list[int]:
    """One reply per different effect (a compose turn has many alike)."""
    if not node.parts:
        return list(range(len(node.choices)))
    seen: dict[tuple[object, ...], int] = {}
    for i, c in enumerate(node.choices):
        seen.setdefault((c.set, c.clear, c.mood, c.routes), i)
    return list(seen.values())


Picker = Callable[[tuple[Choice, ...], Lang], int]


def pick_longest(replies: tuple[Choice, ...], lang: Lang) -> int:
    sizes = [length(c.says(lang), lang) for c in replies]
    return sizes.index(max(sizes))


def pick_politest(replies: tuple[Choice, ...], lang: Lang) -> int:
    marks = [politeness(c.says(lang), lang) for c in replies]
    return marks.index(max(marks))


def bot_answers(s: Scenario, picker: Picker, lang: Lang) -> list[int]:
    """The answers a bot that never reads gives, from the start to an ending."""
    session = Session(s)
    while session.node is not None and len(session.turns) < MAX_TURNS:
        node = session.node
        if node.parts:
            index = node.compose_index(tuple(picker(p.options, lang) for p in node.parts))
        else:
            index = picker(node.choices, lang)
        session.choose(index)
    return [t.index + 1 for t in session.turns]
