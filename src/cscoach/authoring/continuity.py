"""The continuity proof of a format-2 scenario: every line shown on every path follows from
what was said on that path.

`cscoach validate` walks every state a drill can be in (node, the facts made true so far, the
mood when a condition reads it, whether a fix was made) breadth first, so the first path found
to a problem is a shortest one, and its answers replay it. Unlike the best/worst search this
needs no visited set: what a line shows depends on the state only, so the states are at most
nodes x 2^(facts read) x moods x 2, and in practice the few that replies really make. Past
`STATE_LIMIT` states the proof stops with a located warning.

Found, each located and (where a path shows it) with `--answers` that replay it:
- a variant shown where a fact it `assumes:` is not true;
- a good ending reached without its `require:` facts or without any reply that resolves;
- a `require:` no path satisfies; a variant or route no path shows or takes.
And from the text alone: facts set that nothing reads, facts never set, lessons no reply meets.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from cscoach.content.model import (
    Choice,
    Condition,
    Facts,
    Node,
    Outcome,
    Scenario,
    Variant,
    pick,
)
from cscoach.drill.engine import answers_text, clamp_mood

STATE_LIMIT = 200_000

# (node or ending, facts, mood (0 when no condition reads it), a fix was made)
_State = tuple[str, Facts, int, bool]

At = Callable[[int, str, str], None]  # (line, message, severity)


@dataclass
class _Walk:
    s: Scenario
    moods: bool  # some condition reads the mood
    states: dict[_State, tuple[_State | None, int]]  # -> (the state before, the answer)
    mood_of: dict[_State, int]  # the mood a state was first met in (its key holds 0 when no
    # condition reads the mood)

    def answers(self, state: _State) -> str:
        """Answers that reach `state` and then go on to an ending (so `play` takes them)."""
        out: list[int] = []
        here: _State | None = state
        while here is not None:
            before, answer = self.states[here]
            if before is None:
                break
            out.append(answer)
            here = before
        out.reverse()
        return answers_text(self.s, [*out, *self.onwards(state)])

    def onwards(self, state: _State) -> list[int]:
        """The fewest answers from `state` to an ending (breadth first)."""
        back: dict[_State, tuple[_State | None, int]] = {state: (None, 0)}
        queue = deque([state])
        while queue:
            here = queue.popleft()
            if here[0] in self.s.endings:
                out: list[int] = []
                while True:
                    before, answer = back[here]
                    if before is None:
                        return out[::-1]
                    out.append(answer)
                    here = before
            for nxt, answer, _ in self.moves(here):
                if nxt not in back:
                    back[nxt] = (here, answer)
                    queue.append(nxt)
        return []

    def moves(self, state: _State) -> list[tuple[_State, int, int | None]]:
        """(the state after, the 1-based answer, the route taken) of each distinct reply."""
        node_id, facts, mood, resolved = state
        node = self.s.nodes[node_id]
        mood = self.mood_of.get(state, mood)
        out = []
        for choice in _distinct(node):
            index = node.choices.index(choice)
            after = choice.after(facts)
            now = clamp_mood(mood + choice.mood)
            target = choice.target(after, now)
            route = next((k for k, r in enumerate(choice.routes)
                          if r.when is None or r.when.holds(after, now)), None)
            nxt: _State = (target, after, now if self.moods else 0,
                           resolved or "resolve" in choice.steps)
            self.mood_of.setdefault(nxt, now)
            out.append((nxt, index + 1, route))
        return out


def _conditions(s: Scenario) -> list[Condition]:
    out: list[Condition] = []

    def variants(vs: tuple[Variant, ...]) -> None:
        out.extend(v.when for v in vs if v.when is not None)

    for node in s.nodes.values():
        variants(node.says_variants)
        variants(node.narration_variants)
        for choice in _distinct(node):
            out.extend(r.when for r in choice.routes if r.when is not None)
    for ending in s.endings.values():
        variants(ending.says_variants)
    if s.act_at_once is not None and s.act_at_once.when is not None:
        out.append(s.act_at_once.when)
    return out


def _distinct(node: Node) -> list[Choice]:
    """The replies that differ in what the proof follows (a compose turn has many alike)."""
    if not node.parts:
        return list(node.choices)
    seen: dict[tuple[object, ...], Choice] = {}
    for c in node.choices:
        seen.setdefault((c.set, c.clear, c.mood, "resolve" in c.steps), c)
    return list(seen.values())


def prove(s: Scenario, at: At) -> None:
    """Report every continuity problem of `s` through `at`."""
    if s.format_version < 2:
        return
    _static(s, at)
    conditions = _conditions(s)
    moods = any(c.mood_min is not None or c.mood_max is not None for c in conditions)
    start: _State = (s.start, frozenset(), clamp_mood(s.start_mood) if moods else 0, False)
    walk = _Walk(s, moods, {start: (None, 0)}, {start: clamp_mood(s.start_mood)})
    shown: set[tuple[str, str, int]] = set()  # (node or ending, "says"/"narration", variant)
    taken: set[tuple[str, int, int]] = set()  # (node, choice, route)
    told: set[tuple[object, ...]] = set()  # one message per problem
    required_met: set[str] = set()
    queue = deque([start])

    def line_shown(where: str, field: str, variants: tuple[Variant, ...], facts: Facts,
                   mood: int, state: _State) -> None:
        if not variants:
            return
        i = pick(variants, facts, mood)
        shown.add((where, field, i))
        v = variants[i]
        for fact in v.assumes:
            if fact not in facts and (where, field, i, fact) not in told:
                told.add((where, field, i, fact))
                at(v.line, f"'{where}' {field} variant {i + 1} assumes '{fact}', but a path "
                   f"shows it without '{fact}' (--answers {walk.answers(state)})", "error")

    while queue:
        state = queue.popleft()
        node_id, facts, _, resolved = state
        mood = walk.mood_of[state]
        if node_id in s.endings:
            ending = s.endings[node_id]
            line_shown(node_id, "says", ending.says_variants, facts, mood, state)
            missing = [f for f in ending.require if f not in facts]
            if not missing:
                required_met.add(node_id)
            if ending.outcome is Outcome.GOOD:
                for fact in missing:
                    if (node_id, "require", fact) not in told:
                        told.add((node_id, "require", fact))
                        at(ending.line, f"good ending '{node_id}' is reached without "
                           f"'{fact}' (--answers {walk.answers(state)})", "error")
                if not resolved and (node_id, "resolve") not in told:
                    told.add((node_id, "resolve"))
                    at(ending.line, f"good ending '{node_id}' is reached without any reply "
                       f"that resolves (--answers {walk.answers(state)})", "error")
            continue
        node = s.nodes[node_id]
        line_shown(node_id, "says", node.says_variants, facts, mood, state)
        line_shown(node_id, "narration", node.narration_variants, facts, mood, state)
        for nxt, answer, route in walk.moves(state):
            index = answer - 1
            if route is not None:
                taken.add((node_id, index if not node.parts else 0, route))
            if nxt in walk.states:
                continue
            if len(walk.states) >= STATE_LIMIT:
                at(s.key_lines.get("nodes", 0), f"the continuity proof stopped at "
                   f"{STATE_LIMIT:,} states; the lines of paths past them are not checked",
                   "warning")
                return
            walk.states[nxt] = (state, answer)
            queue.append(nxt)
    _unshown(s, shown, taken, required_met, {st[0] for st in walk.states}, at)


def _unshown(s: Scenario, shown: set[tuple[str, str, int]], taken: set[tuple[str, int, int]],
             required_met: set[str], reached: set[str], at: At) -> None:
    """Variants no path shows, routes no path takes, requires no path meets."""
    for where, field, variants in [
            *((n.id, "says", n.says_variants) for n in s.nodes.values()),
            *((n.id, "narration", n.narration_variants) for n in s.nodes.values()),
            *((e.id, "says", e.says_variants) for e in s.endings.values())]:
        if where not in reached:
            continue  # said once, by the reachability check
        for i, v in enumerate(variants):
            if (where, field, i) not in shown:
                why = f"no path has {v.when.describe()} there" if v.when \
                    else "on every path a variant before it holds"
                at(v.line, f"'{where}' {field} variant {i + 1} is never shown: {why}", "error")
    for node in s.nodes.values():
        if node.id not in reached:
            continue
        for index, choice in enumerate(node.choices[:1] if node.parts else node.choices):
            for k, route in enumerate(choice.routes):
                if (node.id, index, k) not in taken:
                    why = f"no path has {route.when.describe()} there" if route.when \
                        else "on every path a route before it holds"
                    at(route.line, f"node '{node.id}' choice {index + 1} route {k + 1} (to "
                       f"'{route.to}') is never taken: {why}", "error")
    for ending in s.endings.values():
        if ending.require and ending.id in reached and ending.id not in required_met:
            at(ending.line, f"ending '{ending.id}' requires {', '.join(ending.require)}, but "
               "no path reaches it with them all", "error")


def _static(s: Scenario, at: At) -> None:
    """What the text alone shows: facts never set or never read, lessons never met."""
    set_by: dict[str, int] = {}
    read: set[str] = set()
    for c in _conditions(s):
        read.update(c.facts())
    met: set[str] = set()
    for node in s.nodes.values():
        for v in (*node.says_variants, *node.narration_variants):
            read.update(v.assumes)
        for choice in (o for p in node.parts for o in p.options) if node.parts \
                else node.choices:
            for fact in choice.set:
                set_by.setdefault(fact, choice.line)
            met.update(choice.meet)
    for ending in s.endings.values():
        read.update(ending.require)
        for v in ending.says_variants:
            read.update(v.assumes)
    facts_line = s.key_lines.get("facts", 0)
    for fact in s.facts:
        if fact not in set_by:
            at(facts_line, f"fact '{fact}' is never set: no reply has it under 'set:'",
               "warning")
        elif fact not in read:
            at(set_by[fact], f"fact '{fact}' is set but nothing reads it (no 'when:', "
               "'assumes:' or 'require:' names it)", "warning")
    for lesson in s.lessons:
        if lesson.id not in met:
            at(lesson.line, f"lesson '{lesson.id}' is met by no reply: add it under 'meet:' "
               "of the reply that does it", "error")


__all__ = ["STATE_LIMIT", "prove"]
