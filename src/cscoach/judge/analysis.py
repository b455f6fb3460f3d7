"""The best and worst reachable score of a scenario, and how many paths it has, without walking
every path.

`scoring.assess` scores one transcript with every reason spelled out; that is too slow to run on
the thousands of paths a 20-node scenario has. Here the same rubric is folded into a small state
(steps done so far, "say instead" credit used, mood, whether a fix was checked) and the best and
worst completion from each (node, state) is memoised. Points that only add up (a "don't say",
an order fault at the first fix) are carried outside the state, so few states are distinct.

Paths are simple (no node twice), as in `engine.enumerate_paths`. A node that lies on no cycle can
never be met twice, so only the visited nodes that lie on cycles join the memo key; an acyclic
scenario (the usual case) needs no visited set at all. Tests check the results against scoring
every path with `scoring.assess`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cscoach.content.model import MOOD_MAX, MOOD_MIN, Scenario, StepCatalog
from cscoach.judge.phrases import Matcher
from cscoach.judge.rubric import RUBRIC, Rubric


@dataclass(frozen=True, slots=True)
class Extremes:
    """The best and worst total any path reaches, with answers that replay each."""

    best: int
    best_answers: tuple[int, ...]
    worst: int
    worst_answers: tuple[int, ...]
    paths: int  # number of simple paths from the start to an ending

    @staticmethod
    def answers_text(answers: tuple[int, ...]) -> str:
        return ",".join(map(str, answers))


@dataclass(frozen=True, slots=True)
class _Move:
    """What taking one choice does to the score state."""

    index: int  # 1-based answer
    target: str
    is_ending: bool
    mask: int  # steps it performs
    resolves: bool
    checks: bool
    additive: int  # "don't say" penalties
    credit_units: int  # "say instead" hits
    mood: int


class Analyser:
    """Best/worst analysis of one scenario under one rubric and phrasebook."""

    def __init__(self, scenario: Scenario, steps: StepCatalog, matcher: Matcher,
                 rubric: Rubric = RUBRIC) -> None:
        self.s = scenario
        self.rubric = rubric
        self.bit = {sid: 1 << i for i, sid in enumerate(steps.ids())}
        self.listen = self.bit.get("listen", 0)
        self.ask = self.bit.get("ask", 0)
        self.resolve = self.bit.get("resolve", 0)
        self.check = self.bit.get("check", 0)
        self.credit_cap_units = math.ceil(rubric.say_instead_cap / rubric.say_instead_credit) \
            if rubric.say_instead_credit else 0
        outcome = dict(rubric.outcome_points)
        self.ending_points = {eid: outcome[e.outcome] for eid, e in scenario.endings.items()}
        self.moves = {nid: [self._move(i, c, matcher) for i, c in enumerate(node.choices, 1)]
                      for nid, node in scenario.nodes.items()}
        self.cyclic = _cyclic_nodes(scenario)
        self._memo: dict[tuple[object, ...], tuple[int, int, int, int]] = {}
        self._finals: dict[tuple[tuple[int, int, int, bool], str], int] = {}

    def _move(self, index: int, choice: object, matcher: Matcher) -> _Move:
        from cscoach.content.model import Choice

        assert isinstance(choice, Choice)
        kinds: set[tuple[str, str]] = set()
        for text in choice.says.both():
            kinds.update((h.entry_id, h.kind) for h in matcher.match(text))
        dont = sum(1 for _, kind in kinds if kind == "dont_say")
        mask = 0
        for sid in choice.steps:
            mask |= self.bit.get(sid, 0)
        return _Move(index, choice.next, self.s.is_ending(choice.next), mask,
                     bool(mask & self.resolve), bool(mask & self.check),
                     -self.rubric.dont_say_penalty * dont, len(kinds) - dont, choice.mood)

    # The state: (steps done mask, credit units used (capped), mood, checked after the fix)
    def _step(self, state: tuple[int, int, int, bool],
              m: _Move) -> tuple[tuple[int, int, int, bool], int]:
        done, units, mood, checked = state
        gained = m.additive
        if m.resolves and not done & self.resolve:  # the first fix: was it listened/asked for?
            now = done | m.mask
            if not now & self.listen:
                gained -= self.rubric.resolve_before_listen
            if not now & self.ask:
                gained -= self.rubric.resolve_before_ask
        if m.checks and (done & self.resolve or m.resolves):
            checked = True
        units = min(self.credit_cap_units, units + m.credit_units)
        mood = max(MOOD_MIN, min(MOOD_MAX, mood + m.mood))
        return (done | m.mask, units, mood, checked), gained

    def _final(self, state: tuple[int, int, int, bool], ending: str) -> int:
        """Points settled at the ending; memoised, as many paths end in the same state."""
        key = (state, ending)
        value = self._finals.get(key)
        if value is None:
            done, units, mood, checked = state
            r = self.rubric
            value = (r.step_points * done.bit_count()
                     + r.order_base - (0 if checked else r.no_check_after_resolve)
                     + r.language_base + min(r.say_instead_cap, units * r.say_instead_credit)
                     + self.ending_points[ending]
                     + (mood - MOOD_MIN) * r.mood_point_per_level)
            self._finals[key] = value
        return value

    def _solve(self, node: str, state: tuple[int, int, int, bool],
               visited: frozenset[str]) -> tuple[int, int, int, int]:
        """(best, best move, worst, worst move): raw points still to come (before clamping to
        0..100) and the index of the move that gets them; move -1 when no ending is reachable.
        The hot loop of `validate`, hence `_step` and `_final` written out inline."""
        key = (node, state, visited)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        done, units, mood, checked = state
        r = self.rubric
        resolve, listen, ask, cap = self.resolve, self.listen, self.ask, self.credit_cap_units
        resolved = done & resolve
        finals = self._finals
        best = worst = 0
        best_move = worst_move = -1
        for i, m in enumerate(self.moves[node]):
            gained = m.additive
            now = done | m.mask
            if m.resolves and not resolved:  # the first fix: was it listened and asked for?
                if not now & listen:
                    gained -= r.resolve_before_listen
                if not now & ask:
                    gained -= r.resolve_before_ask
            u = units + m.credit_units
            v = mood + m.mood
            after = (now, cap if u > cap else u,
                     MOOD_MIN if v < MOOD_MIN else MOOD_MAX if v > MOOD_MAX else v,
                     checked or (m.checks and bool(resolved or m.resolves)))
            if m.is_ending:
                final = finals.get((after, m.target))
                hi = lo = gained + (self._final(after, m.target) if final is None else final)
            elif m.target in visited:
                continue  # a simple path does not come back
            else:
                seen = visited | {m.target} if m.target in self.cyclic else visited
                b, b_move, w, _ = self._solve(m.target, after, seen)
                if b_move == -1:  # no way to an ending from there
                    continue
                hi, lo = gained + b, gained + w
            if best_move == -1 or hi > best:
                best, best_move = hi, i
            if worst_move == -1 or lo < worst:
                worst, worst_move = lo, i
        out = (best, best_move, worst, worst_move)
        self._memo[key] = out
        return out

    def _start(self) -> tuple[tuple[int, int, int, bool], frozenset[str]]:
        start = self.s.start
        state = (0, 0, max(MOOD_MIN, min(MOOD_MAX, self.s.start_mood)), False)
        return state, frozenset({start}) if start in self.cyclic else frozenset()

    def _replay(self, pick_best: bool) -> tuple[int, ...]:
        node, (state, visited) = self.s.start, self._start()
        answers: list[int] = []
        while True:
            _, best_move, _, worst_move = self._solve(node, state, visited)
            m = self.moves[node][best_move if pick_best else worst_move]
            answers.append(m.index)
            state, _ = self._step(state, m)
            if m.is_ending:
                return tuple(answers)
            node = m.target
            if node in self.cyclic:
                visited = visited | {node}

    def best_after(self, answers: tuple[int, ...]) -> int | None:
        """The best total any completion of `answers` (1-based, from the start) reaches, or
        None when none reaches an ending. The completion repeats no node met since the path
        last came back to one: for answers that never come back, the best simple path through
        them; after a reply that loops back (an apology that returns to the question), the best
        simple way on from there."""
        node: str | None = self.s.start
        state, visited = self._start()
        seen = {self.s.start}
        gained = 0
        with _deep_recursion():
            for k, answer in enumerate(answers):
                if node is None or not 1 <= answer <= len(self.moves[node]):
                    return None
                m = self.moves[node][answer - 1]
                state, points = self._step(state, m)
                gained += points
                if m.is_ending:
                    last = k == len(answers) - 1
                    return _clamp(gained + self._final(state, m.target)) if last else None
                node = m.target
                if node in seen:  # came back: start a fresh simple walk from here
                    seen, visited = set(), frozenset()
                seen.add(node)
                if node in self.cyclic:
                    visited = visited | {node}
            assert node is not None
            best, best_move, _, _ = self._solve(node, state, visited)
        return None if best_move == -1 else _clamp(gained + best)

    def extremes(self) -> Extremes | None:
        """None when no ending can be reached from the start."""
        state, visited = self._start()
        with _deep_recursion():
            best, best_move, worst, _ = self._solve(self.s.start, state, visited)
            if best_move == -1:
                return None
            return Extremes(_clamp(best), self._replay(True), _clamp(worst),
                            self._replay(False), self.count_paths())

    def count_paths(self) -> int:
        counts: dict[tuple[str, frozenset[str]], int] = {}

        def count(node: str, visited: frozenset[str]) -> int:
            key = (node, visited)
            if key in counts:
                return counts[key]
            n = 0
            for m in self.moves[node]:
                if m.is_ending:
                    n += 1
                elif m.target not in visited:
                    n += count(m.target, visited | {m.target} if m.target in self.cyclic
                               else visited)
            counts[key] = n
            return n

        _, visited = self._start()
        with _deep_recursion():
            return count(self.s.start, visited)


def extremes(scenario: Scenario, steps: StepCatalog, matcher: Matcher,
             rubric: Rubric = RUBRIC) -> Extremes | None:
    return Analyser(scenario, steps, matcher, rubric).extremes()


def _clamp(value: int) -> int:
    return max(0, min(100, value))


def _cyclic_nodes(s: Scenario) -> frozenset[str]:
    """Nodes on some cycle (Tarjan's strongly connected components, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: set[str] = set()
    counter = 0
    for root in s.nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succ = [c.next for c in s.nodes[v].choices if c.next in s.nodes]
            if i < len(succ):
                work.append((v, i + 1))
                w = succ[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            for w in succ:  # children finished: take their low links
                if w in on_stack:
                    low[v] = min(low[v], low[w])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1 or any(c.next == v for c in s.nodes[v].choices):
                    out.update(component)
    return frozenset(out)


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """Memoised recursion goes as deep as the longest path; allow long scenarios."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
