"""The best and worst reachable score of a scenario, and how many paths it has, without walking
every path.

`scoring.assess` scores one transcript with every reason spelled out; that is too slow to run on
the thousands of paths a 20-node scenario has. Here the same rubric is folded into a small state
(steps done so far, "say instead" credit used, mood, whether a fix was checked) and the best and
worst completion from each (node, state) is memoised. Points that only add up (a "don't say",
an order fault at the first fix) are carried outside the state, so few states are distinct.

Paths are simple (no node twice), as in `engine.enumerate_paths`. A node that lies on no cycle can
never be met twice, so only visited nodes that lie on cycles can join the memo key, and of those
only the ones that can still matter: the nodes of the strongly connected component (SCC) the path
is in now (once a path leaves an SCC it never comes back to it) that some node still reachable
from here, through nodes not yet visited, leads to. An acyclic scenario needs no visited set at
all. Tests check the results against scoring every path with `scoring.assess`.

The best simple path is NP-hard in general (it contains the longest simple path), so the search
has a budget (`STATE_LIMIT` memoised states). Past it, the figures become bounds: the best is the
best *walk* (replies may come back to a node; their points only ever go down along the way, so
this is a shortest-path search over (node, score state), itself with a budget, past which the
*hope* bounds it: what any walk on could still do, with no search), the worst a lower bound from
the lowest ending state any walk reaches and the most a simple path can lose on the way; and a
guided search finds real simple paths whose answers replay (`Extremes.exact` False,
`best_found`/`worst_found` their scores). Facts only lines read stay out of the state (they
change no score and no route). docs/scoring.md says how the cost grows.
"""

from __future__ import annotations

import heapq
import math
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cscoach.content.model import (
    MOOD_MAX,
    MOOD_MIN,
    Choice,
    Condition,
    Lang,
    Scenario,
    StepCatalog,
)
from cscoach.judge.phrases import Matcher
from cscoach.judge.rubric import RUBRIC, Rubric


@dataclass(frozen=True, slots=True)
class Extremes:
    """The best and worst total any path reaches, with answers that replay each."""

    best: int
    best_answers: tuple[int, ...]
    worst: int
    worst_answers: tuple[int, ...]
    paths: int  # number of simple paths from the start to an ending (a lower bound if inexact)
    exact: bool = True  # False: the search stopped at its budget and best/worst are bounds
    best_found: int | None = None  # the score of best_answers (== best when exact)
    worst_found: int | None = None  # the score of worst_answers (== worst when exact)
    states: int = 0  # memoised states the exact search held when it stopped
    limit: int = 0  # its budget
    paths_exact: bool = True  # False: `paths` counts only the paths found within the budget

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
    # format 2, as bits of the state's flags: facts it sets and clears (only those a route or
    # the act-at-once rule reads), lessons it breaks; routes as (condition, target, is ending)
    sets: int = 0
    clears: int = 0
    breaks: int = 0
    routes: tuple[tuple[_Cond, str, bool], ...] = ()
    plain: bool = True  # none of the above, and no act-at-once rule: the search's fast path

    def effect(self) -> tuple[object, ...]:
        """What the move does, its answer aside (a compose turn has many alike)."""
        return (self.target, self.mask, self.additive, self.credit_units, self.mood, self.sets,
                self.clears, self.breaks, self.routes)


@dataclass(frozen=True, slots=True)
class _Cond:
    """A condition on the state's flags and mood."""

    all: int
    any: int
    none: int
    lo: int
    hi: int

    def holds(self, flags: int, mood: int) -> bool:
        return (flags & self.all == self.all and (not self.any or bool(flags & self.any))
                and not flags & self.none and self.lo <= mood <= self.hi)


STATE_LIMIT = 60_000  # memoised states of the exact search (about 1 s and 60 MB of Python)

# (steps done, "say instead" credit units used (capped), mood, flags): flags bit 0 is "checked
# after the fix", bit 1 "the first fix came under the act-at-once rule", then a bit for each
# lesson broken, then one for each fact a route or the rule reads.
State = tuple[int, int, int, int]
CHECKED, AT_ONCE = 1, 2


_ALWAYS = _Cond(0, 0, 0, MOOD_MIN, MOOD_MAX)


class _OverBudget(Exception):
    """The exact search met its budget."""


class Analyser:
    """Best/worst analysis of one scenario under one rubric and phrasebook."""

    def __init__(self, scenario: Scenario, steps: StepCatalog, matcher: Matcher,
                 rubric: Rubric = RUBRIC, limit: int | None = None,
                 lang: Lang | None = None) -> None:
        self.s = scenario
        self.lang = lang  # phrases found in this language's text only (None: in either)
        self.limit = STATE_LIMIT if limit is None else limit
        self.exhausted = False  # the exact search met its budget: answers come from the bounds
        self.states = 0  # memoised states when it did
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
        self._flags(scenario)
        # every reply by its answer (for scoring a path), and for the search one per effect
        self.all_moves = {nid: [self._move(i, c, matcher) for i, c in enumerate(node.choices, 1)]
                          for nid, node in scenario.nodes.items()}
        self.moves = {nid: list({m.effect(): m for m in reversed(ms)}.values())[::-1]
                      if len(ms) > 8 else ms for nid, ms in self.all_moves.items()}
        self.component = _components(scenario)
        counts: dict[int, int] = {}
        for c in self.component.values():
            counts[c] = counts.get(c, 0) + 1
        self.cyclic = frozenset(
            nid for nid, c in self.component.items()
            if counts[c] > 1 or any(nid in ch.targets() for ch in scenario.nodes[nid].choices))
        self._inner = {nid: list(dict.fromkeys(
            t for ch in node.choices for t in ch.targets()
            if self.component.get(t) == self.component[nid]))
            for nid, node in scenario.nodes.items()}
        self._pruned: dict[tuple[str, frozenset[str]], frozenset[str]] = {}
        self._memo: dict[tuple[object, ...], tuple[int, int, int, int]] = {}
        self._relaxed: dict[tuple[str, State], int] | None = None
        self._lowest: int | None = None  # the lowest ending any walk reaches (with _relaxed)
        self._reached: dict[str, tuple[int, bool, bool, bool, int, int]] | None = None
        self._finals: dict[tuple[State, str], int] = {}

    def _flags(self, s: Scenario) -> None:
        """The bits of format 2's flags: lessons, then the facts that steer a route or the
        act-at-once rule (facts only lines read change no score, so they stay out)."""
        bit = 4
        self.lesson_bit: dict[str, int] = {}
        self.weight: dict[int, int] = {}
        self.critical = 0
        for lesson in s.lessons:
            self.lesson_bit[lesson.id] = bit
            self.weight[bit] = lesson.weight
            if lesson.critical:
                self.critical |= bit
            bit <<= 1
        read: dict[str, None] = {}
        rule = s.act_at_once
        for node in s.nodes.values():
            for choice in node.choices[:1] if node.parts else node.choices:
                for route in choice.routes:
                    if route.when is not None:
                        read.update(dict.fromkeys(route.when.facts()))
        if rule is not None and rule.when is not None:
            read.update(dict.fromkeys(rule.when.facts()))
        self.fact_bit = {}
        for fact in read:
            self.fact_bit[fact] = bit
            bit <<= 1
        self.excuse = 0
        for sid in rule.steps if rule is not None else ():
            self.excuse |= self.bit.get(sid, 0)
        self.rule: _Cond | None = None
        if rule is not None:
            self.rule = self._cond(rule.when) if rule.when is not None else _ALWAYS
        self.pass_cap = max(0, s.pass_mark - 1)

    def _cond(self, c: Condition) -> _Cond:
        def bits(facts: tuple[str, ...]) -> int:
            out = 0
            for f in facts:
                out |= self.fact_bit.get(f, 0)
            return out
        return _Cond(bits(c.all), bits(c.any), bits(c.none),
                     MOOD_MIN if c.mood_min is None else c.mood_min,
                     MOOD_MAX if c.mood_max is None else c.mood_max)

    def _move(self, index: int, choice: Choice, matcher: Matcher) -> _Move:
        kinds: set[tuple[str, str]] = set()
        for text in choice.says.both() if self.lang is None else (choice.says(self.lang),):
            kinds.update((h.entry_id, h.kind) for h in matcher.match(text))
        dont = sum(1 for _, kind in kinds if kind == "dont_say")
        mask = 0
        for sid in choice.steps:
            mask |= self.bit.get(sid, 0)
        sets = clears = breaks = 0
        for f in choice.set:
            sets |= self.fact_bit.get(f, 0)
        for f in choice.clear:
            clears |= self.fact_bit.get(f, 0)
        for lid in choice.breaks:
            breaks |= self.lesson_bit.get(lid, 0)
        routes = tuple((_ALWAYS if r.when is None else self._cond(r.when), r.to,
                        self.s.is_ending(r.to)) for r in choice.routes)
        plain = not (sets or clears or breaks or routes) and self.rule is None
        return _Move(index, choice.next, self.s.is_ending(choice.next), mask,
                     bool(mask & self.resolve), bool(mask & self.check),
                     -self.rubric.dont_say_penalty * dont, len(kinds) - dont, choice.mood,
                     sets, clears, breaks, routes, plain)

    def _to(self, m: _Move, after: State) -> tuple[str, bool]:
        """Where move `m` leads once it has made `after`."""
        if not m.routes:
            return m.target, m.is_ending
        flags, mood = after[3], after[2]
        for cond, target, is_ending in m.routes:
            if cond.holds(flags, mood):
                return target, is_ending
        return m.target, m.is_ending

    def _step(self, state: State, m: _Move) -> tuple[State, int]:
        done, units, mood, flags = state
        gained = m.additive
        mood = max(MOOD_MIN, min(MOOD_MAX, mood + m.mood))
        if not m.plain:
            flags = (flags & ~m.clears) | m.sets
            newly = m.breaks & ~flags
            flags |= m.breaks
            while newly:  # each lesson costs its weight once
                low = newly & -newly
                gained -= self.weight[low]
                newly ^= low
        if m.resolves and not done & self.resolve:  # the first fix: was it listened/asked for?
            now = done | m.mask
            excuse = 0
            if self.rule is not None and self.rule.holds(flags, mood):
                flags |= AT_ONCE
                excuse = self.excuse
            if not now & self.listen and not excuse & self.listen:
                gained -= self.rubric.resolve_before_listen
            if not now & self.ask and not excuse & self.ask:
                gained -= self.rubric.resolve_before_ask
        if m.checks and (done & self.resolve or m.resolves):
            flags |= CHECKED
        units = min(self.credit_cap_units, units + m.credit_units)
        return (done | m.mask, units, mood, flags), gained

    def _final(self, state: State, ending: str) -> int:
        """Points settled at the ending; memoised, as many paths end in the same state."""
        key = (state, ending)
        value = self._finals.get(key)
        if value is None:
            done, units, mood, flags = state
            if flags & AT_ONCE:
                done |= self.excuse
            r = self.rubric
            value = (r.step_points * done.bit_count()
                     + r.order_base - (0 if flags & CHECKED else r.no_check_after_resolve)
                     + r.language_base + min(r.say_instead_cap, units * r.say_instead_credit)
                     + self.ending_points[ending]
                     + (mood - MOOD_MIN) * r.mood_point_per_level)
            self._finals[key] = value
        return value

    # -- which visited nodes can still matter

    def _enter(self, node: str, visited: frozenset[str], target: str) -> frozenset[str]:
        """The visited set after moving from `node` (whose set is `visited`) to `target`: empty
        off the cycles, only the target when it starts a new SCC (the old one is left for good),
        else the set pruned to what the target can still run into."""
        if target not in self.cyclic:
            return frozenset()
        if self.component[target] != self.component[node]:
            return self._prune(target, frozenset((target,)))
        return self._prune(target, visited | {target})

    def _prune(self, node: str, visited: frozenset[str]) -> frozenset[str]:
        """The visited nodes of this SCC that some node reachable from `node` through unvisited
        nodes has a reply to: the others can never be met again, so they leave the key."""
        key = (node, visited)
        hit = self._pruned.get(key)
        if hit is not None:
            return hit
        keep: set[str] = set()
        region = {node}
        todo = [node]
        inner = self._inner
        while todo:
            for w in inner[todo.pop()]:
                if w in visited:
                    keep.add(w)
                elif w not in region:
                    region.add(w)
                    todo.append(w)
        out = frozenset(keep)
        self._pruned[key] = out
        return out

    def _solve(self, node: str, state: State, visited: frozenset[str],
               cls: int = 0) -> tuple[int, int, int, int]:
        """(best, best move, worst, worst move): raw points still to come (before clamping to
        0..100) and the index of the move that gets them; move -1 when no ending is reachable.
        `cls` 0 counts only completions that break no critical lesson, 1 only those that
        break one (their score is capped; see `_combine`). The hot loop of `validate`, hence
        `_step` and `_final` written out inline for plain moves. Raises _OverBudget when the
        memo would pass `limit` states."""
        key = (node, state, visited) if not cls else (node, state, visited, cls)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        done, units, mood, flags = state
        r = self.rubric
        resolve, listen, ask, cap = self.resolve, self.listen, self.ask, self.credit_cap_units
        critical = self.critical
        resolved = done & resolve
        finals = self._finals
        best = worst = 0
        best_move = worst_move = -1
        for i, m in enumerate(self.moves[node]):
            if m.plain:
                gained = m.additive
                now = done | m.mask
                if m.resolves and not resolved:  # the first fix: listened and asked for?
                    if not now & listen:
                        gained -= r.resolve_before_listen
                    if not now & ask:
                        gained -= r.resolve_before_ask
                u = units + m.credit_units
                v = mood + m.mood
                after = (now, cap if u > cap else u,
                         MOOD_MIN if v < MOOD_MIN else MOOD_MAX if v > MOOD_MAX else v,
                         flags | CHECKED if m.checks and (resolved or m.resolves) else flags)
                target, is_ending = m.target, m.is_ending
            else:
                after, gained = self._step(state, m)
                target, is_ending = self._to(m, after)
            if critical:
                broken = after[3] & critical
                if broken and not cls or is_ending and cls and not broken:
                    continue
            if is_ending:
                final = finals.get((after, target))
                hi = lo = gained + (self._final(after, target) if final is None else final)
            elif target in visited or target == node:
                continue  # a simple path does not come back
            else:
                seen = self._enter(node, visited, target) if target in self.cyclic \
                    else _EMPTY
                b, b_move, w, _ = self._solve(target, after, seen, cls)
                if b_move == -1:  # no way to an ending from there
                    continue
                hi, lo = gained + b, gained + w
            if best_move == -1 or hi > best:
                best, best_move = hi, i
            if worst_move == -1 or lo < worst:
                worst, worst_move = lo, i
        out = (best, best_move, worst, worst_move)
        if len(self._memo) >= self.limit:
            raise _OverBudget
        self._memo[key] = out
        return out

    def _classes(self) -> tuple[int, ...]:
        return (0, 1) if self.critical else (0,)

    def _combine(self, gained: int, found: dict[int, tuple[int, int, int, int]]
                 ) -> tuple[int, int, int, int] | None:
        """(best score, its class, worst score, its class) of the completions found per class,
        `gained` points already on the way; a completion that broke a critical lesson scores
        at most `pass_cap`. None when no class reaches an ending."""
        best: tuple[int, int] | None = None
        worst: tuple[int, int] | None = None
        for cls, (b, b_move, w, _) in found.items():
            if b_move == -1:
                continue
            hi, lo = _clamp(gained + b), _clamp(gained + w)
            if cls:
                hi, lo = min(hi, self.pass_cap), min(lo, self.pass_cap)
            if best is None or hi > best[0]:
                best = (hi, cls)
            if worst is None or lo < worst[0]:
                worst = (lo, cls)
        if best is None or worst is None:
            return None
        return best[0], best[1], worst[0], worst[1]

    def _start(self) -> tuple[State, frozenset[str]]:
        start = self.s.start
        state = (0, 0, max(MOOD_MIN, min(MOOD_MAX, self.s.start_mood)), 0)
        visited = self._prune(start, frozenset({start})) if start in self.cyclic \
            else frozenset()
        return state, visited

    def _give_up(self) -> None:
        self.exhausted = True
        self.states = len(self._memo)
        self._memo.clear()  # free it: the bounds need little
        self._pruned.clear()

    def _exact(self, node: str, state: State, visited: frozenset[str]
               ) -> dict[int, tuple[int, int, int, int]] | None:
        """`_solve` for each class of completion, or None once the budget is spent (then for
        good)."""
        if self.exhausted:
            return None
        try:
            with _deep_recursion():
                return {cls: self._solve(node, state, visited, cls) for cls in self._classes()
                        if cls or not state[3] & self.critical}
        except _OverBudget:
            self._give_up()
            return None

    def _replay(self, pick_best: bool, cls: int) -> tuple[int, ...]:
        node, (state, visited) = self.s.start, self._start()
        answers: list[int] = []
        while True:
            _, best_move, _, worst_move = self._solve(node, state, visited, cls)
            m = self.moves[node][best_move if pick_best else worst_move]
            answers.append(m.index)
            state, _ = self._step(state, m)
            target, is_ending = self._to(m, state)
            if is_ending:
                return tuple(answers)
            visited = self._enter(node, visited, target)
            node = target

    def _settle(self, state: State, ending: str, gained: int) -> int:
        """The score of a path that ends at `ending` in `state` with `gained` on the way."""
        total = _clamp(gained + self._final(state, ending))
        return min(total, self.pass_cap) if state[3] & self.critical else total

    def _walk(self, node: str, state: State, answer: int
              ) -> tuple[_Move, State, int, str, bool] | None:
        """One answer taken: (move, state after, points, where it leads, is an ending)."""
        moves = self.all_moves[node]
        if not 1 <= answer <= len(moves):
            return None
        m = moves[answer - 1]
        after, points = self._step(state, m)
        target, is_ending = self._to(m, after)
        return m, after, points, target, is_ending

    def score(self, answers: tuple[int, ...]) -> int | None:
        """The total of one path to an ending (what `scoring.assess` gives it, without the
        reasons), or None when the answers do not end it; for `autoplay --exhaustive`."""
        return next(self.scores([answers]))

    def scores(self, paths: Iterable[tuple[int, ...]]) -> Iterator[int | None]:
        """`score` of each path; a path sharing its first answers with the one before (as in a
        depth-first walk) takes up that one's state there instead of replaying them."""
        start_state, _ = self._start()
        trail: list[tuple[str, State, int]] = [(self.s.start, start_state, 0)]
        previous: tuple[int, ...] = ()
        for answers in paths:
            common = 0
            for a, b in zip(answers, previous, strict=False):
                if a != b or common + 1 >= len(trail):
                    break
                common += 1
            del trail[common + 1:]
            previous = answers
            node, state, gained = trail[-1]
            result: int | None = None
            for k in range(common, len(answers)):
                step = self._walk(node, state, answers[k])
                if step is None:
                    break
                _, state, points, node, is_ending = step
                gained += points
                if is_ending:
                    if k == len(answers) - 1:
                        result = self._settle(state, node, gained)
                    break
                trail.append((node, state, gained))
            yield result

    def best_after(self, answers: tuple[int, ...]) -> int | None:
        """The best total any completion of `answers` (1-based, from the start) reaches, or
        None when none reaches an ending. The completion repeats no node met since the path
        last came back to one: for answers that never come back, the best simple path through
        them; after a reply that loops back (an apology that returns to the question), the best
        simple way on from there. Past the budget, the best walk on (an upper bound)."""
        node = self.s.start
        state, visited = self._start()
        seen = {self.s.start}
        gained = 0
        for k, answer in enumerate(answers):
            step = self._walk(node, state, answer)
            if step is None:
                return None
            _, state, points, target, is_ending = step
            gained += points
            if is_ending:
                last = k == len(answers) - 1
                return self._settle(state, target, gained) if last else None
            if target in seen:  # came back: start a fresh simple walk from here
                seen = set()
                visited = self._prune(target, frozenset({target})) \
                    if target in self.cyclic else frozenset()
            else:
                visited = self._enter(node, visited, target)
            node = target
            seen.add(node)
        found = self._exact(node, state, visited)
        if found is not None:
            combined = self._combine(gained, found)
            return None if combined is None else combined[0]
        bound = self._upper(node, state)
        if bound is None:
            return None
        best = _clamp(gained + bound)
        return min(best, self.pass_cap) if state[3] & self.critical else best

    def extremes(self, count: bool = True) -> Extremes | None:
        """None when no ending can be reached from the start. Without `count` the paths are
        not counted (`paths` 0, `paths_exact` False): `validate` needs no count."""
        state, visited = self._start()
        found = self._exact(self.s.start, state, visited)
        if found is not None:
            combined = self._combine(0, found)
            if combined is None:
                return None
            best, best_cls, worst, worst_cls = combined
            with _deep_recursion():
                best_answers = self._replay(True, best_cls)
                worst_answers = self._replay(False, worst_cls)
            paths, paths_exact = self.count_paths_bounded() if count else (0, False)
            return Extremes(best, best_answers, worst, worst_answers, paths,
                            best_found=best, worst_found=worst,
                            limit=self.limit, paths_exact=paths_exact)
        return self._bounds(count)

    # -- past the budget: bounds, and real paths found by a guided search

    def _upper(self, node: str, state: State) -> int | None:
        """An upper bound on the raw points still to come from (node, state), or None when no
        ending can be reached from there: the best walk while the walks' states fit the
        budget, else the hope of `_hope`."""
        relaxed = self._relaxed_best()
        if relaxed is not None:
            return relaxed.get((node, state))
        return self._hope(node, state)

    def _relaxed_best(self) -> dict[tuple[str, State], int] | None:
        """The best raw points still to come from every (node, state) a walk reaches when
        replies may come back to a node. Every move's points are 0 or less and the ending's
        depend on the state only, so the best walk is a best path in the finite graph of
        (node, state): Dijkstra from the endings backwards. None when that graph has more
        than `limit` states (facts, lessons and moods multiply them): then `_hope` bounds."""
        if self._relaxed is not None:
            return self._relaxed or None
        start_state, _ = self._start()
        start = (self.s.start, start_state)
        back: dict[tuple[str, State], list[tuple[tuple[str, State], int]]] = {}
        heap: list[tuple[int, int, tuple[str, State]]] = []
        seen = {start}
        todo = [start]
        tie = 0
        lowest: int | None = None
        limit = max(1000, self.limit // 4)
        while todo:
            here = todo.pop()
            node, state = here
            for m in self.moves[node]:
                after, gained = self._step(state, m)
                target, is_ending = self._to(m, after)
                if is_ending:
                    final = self._final(after, target)
                    heap.append((-(gained + final), tie, here))
                    tie += 1
                    lowest = final if lowest is None else min(lowest, final)
                    continue
                there = (target, after)
                back.setdefault(there, []).append((here, gained))
                if there not in seen:
                    if len(seen) >= limit:
                        self._relaxed = {}  # too many: `_hope` instead
                        return None
                    seen.add(there)
                    todo.append(there)
        del seen, todo
        heapq.heapify(heap)
        value: dict[tuple[str, State], int] = {}
        while heap:
            neg, _, here = heapq.heappop(heap)
            if here in value:
                continue
            value[here] = -neg
            for before, gained in back.get(here, ()):
                if before not in value:
                    heapq.heappush(heap, (neg - gained, tie, before))
                    tie += 1
        self._relaxed, self._lowest = value, lowest
        return value or None

    def _reach(self) -> dict[str, tuple[int, bool, bool, bool, int, int]]:
        """For each node that can reach an ending, what any walk on from it can still do: (the
        steps some reply performs, a check, "say instead" credit, a move that lifts the mood,
        the most and the least an ending reached gives)."""
        if self._reached is not None:
            return self._reached
        steps: dict[str, int] = {}
        flags: dict[str, int] = {}  # 1 a check, 2 credit, 4 a lift of the mood
        ends: dict[str, tuple[int, int] | None] = {}
        nexts: dict[str, set[str]] = {}
        for nid, ms in self.all_moves.items():
            points = [self.ending_points[t] for m in ms for t in self._targets(m)
                      if self.s.is_ending(t)]
            steps[nid] = flags[nid] = 0
            for m in ms:
                steps[nid] |= m.mask
                flags[nid] |= m.checks | (m.credit_units > 0) << 1 | (m.mood > 0) << 2
            ends[nid] = (max(points), min(points)) if points else None
            nexts[nid] = {t for m in ms for t in self._targets(m) if t in self.s.nodes}
        changed = True
        while changed:  # grow to a fixed point: a few passes over a few hundred nodes
            changed = False
            for nid in steps:
                for t in nexts[nid]:
                    mine, theirs = ends[nid], ends[t]
                    end = mine if theirs is None else theirs if mine is None else (
                        max(mine[0], theirs[0]), min(mine[1], theirs[1]))
                    if steps[t] & ~steps[nid] or flags[t] & ~flags[nid] or end != mine:
                        steps[nid] |= steps[t]
                        flags[nid] |= flags[t]
                        ends[nid] = end
                        changed = True
        out = {nid: (steps[nid], bool(flags[nid] & 1), bool(flags[nid] & 2),
                     bool(flags[nid] & 4), *end) for nid, end in ends.items() if end is not None}
        self._reached = out
        return out

    @staticmethod
    def _targets(m: _Move) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*(t for _, t, _ in m.routes), m.target)))

    def _hope(self, node: str, state: State) -> int | None:
        """An upper bound on the raw points still to come from (node, state) that needs no
        search: every step, check, credit and lift of the mood some walk on could still make,
        the best ending it could reach, and no point lost on the way."""
        reach = self._reach().get(node)
        if reach is None:
            return None
        steps, check, credit, up, best, _ = reach
        done, units, mood, flags = state
        r = self.rubric
        done |= steps | (self.excuse if self.rule is not None else 0)
        return (r.step_points * done.bit_count() + r.order_base
                - (0 if flags & CHECKED or check else r.no_check_after_resolve)
                + r.language_base
                + min(r.say_instead_cap, (self.credit_cap_units if credit else units)
                      * r.say_instead_credit)
                + best + ((MOOD_MAX if up else mood) - MOOD_MIN) * r.mood_point_per_level)

    def _worst_bound(self) -> int:
        """A lower bound on the worst raw total: the lowest ending any walk reaches, plus the
        most a simple path can lose on the way ("don't say"s: at most one reply a node; the
        order faults at the first fix; every lesson's weight)."""
        relaxed = self._relaxed_best()
        if relaxed is not None:
            nodes = {node for node, _ in relaxed}
            lowest = self._lowest if self._lowest is not None else 0
        else:  # the least any ending gives, with nothing done
            reach = self._reach()
            start = self.s.start
            nodes = set(reach) if start in reach else set()
            r = self.rubric
            lowest = (r.order_base - r.no_check_after_resolve + r.language_base
                      + (reach[start][5] if start in reach else 0))
        loss = sum(min(0, *(m.additive for m in self.moves[n])) for n in nodes)
        loss -= self.rubric.resolve_before_listen + self.rubric.resolve_before_ask
        loss -= sum(self.weight.values())
        return lowest + loss

    def _guided(self, pick_best: bool, budget: int,
                guide: str = "upper") -> tuple[tuple[int, ...], int] | None:
        """A real simple path, searched depth first with the likeliest replies first (for the
        best, by `guide`: "upper" the best walk's value, "hope" the hope's, "none" the fewest
        points lost and the most new steps; for the worst, the most points lost), within
        `budget` steps; the best (or worst) one met, with its raw total."""
        start_state, _ = self._start()
        found: tuple[tuple[int, ...], int] | None = None
        steps = 0
        # (node, state, points so far, answers, nodes on the path)
        stack: list[tuple[str, State, int, tuple[int, ...], frozenset[str]]] = [
            (self.s.start, start_state, 0, (), frozenset({self.s.start}))]
        while stack and steps < budget:
            node, state, points, answers, on_path = stack.pop()
            steps += 1
            options: list[tuple[int, int, tuple[str, State, int, tuple[int, ...],
                                                 frozenset[str]]]] = []
            for m in self.moves[node]:
                after, gained = self._step(state, m)
                target, is_ending = self._to(m, after)
                path = (*answers, m.index)
                if is_ending:
                    score = self._settle(after, target, points + gained)
                    if found is None or (score > found[1] if pick_best else score < found[1]):
                        found = (path, score)
                    continue
                if target in on_path:
                    continue
                if pick_best and guide == "none":
                    rank = (points + gained) * 100 + (after[0].bit_count() * 16 + after[2])
                elif pick_best:
                    guess = self._hope(target, after) if guide == "hope" \
                        else self._upper(target, after)
                    if guess is None:
                        continue
                    rank = points + gained + guess
                else:
                    rank = -(points + gained) * 100 - after[2]
                options.append((rank, m.index, (target, after, points + gained, path,
                                                on_path | {target})))
            options.sort(key=lambda o: (o[0], -o[1]))  # the likeliest is pushed last
            if pick_best and guide != "none" and found is not None:
                options = [o for o in options if o[0] > found[1]]  # cannot beat what is found
            stack.extend(o[2] for o in options)
        return found

    def _bounds(self, count: bool = True) -> Extremes | None:
        """Past the budget: real paths from a guided search, and bounds that prove them
        best (worst) when they meet; the bounds are only worked out when a path found does not
        already reach the clamp (100 for the best, 0 for the worst)."""
        budget = max(1000, self.limit // 4)
        high = self._guided(True, budget, "none")
        best = 100
        for guide in ("hope", "upper"):  # the cheap guide first; the walk's when still short
            if high is not None and _clamp(high[1]) >= best:
                break
            if guide == "upper":
                start_state, _ = self._start()
                bound = self._upper(self.s.start, start_state)
                if bound is None:
                    return None
                best = _clamp(bound)
                if self._relaxed_best() is None or high is not None and high[1] >= best:
                    break  # no walk's value to guide by, or nothing left to find
            guided = self._guided(True, budget, guide)
            if guided is not None and (high is None or guided[1] > high[1]):
                high = guided
        low = self._guided(False, budget)
        worst = 0 if low is not None and _clamp(low[1]) == 0 else _clamp(self._worst_bound())
        if self.critical:
            worst = min(worst, self.pass_cap)  # a capped path may score below the bound
        best_found = _clamp(high[1]) if high else None
        worst_found = _clamp(low[1]) if low else None
        paths, paths_exact = self.count_paths_bounded() if count else (0, False)
        return Extremes(
            best, high[0] if high else (), worst, low[0] if low else (), paths,
            exact=best_found == best and worst_found == worst, best_found=best_found,
            worst_found=worst_found, states=self.states, limit=self.limit,
            paths_exact=paths_exact)

    def count_paths(self) -> int:
        return self.count_paths_bounded()[0]

    def count_paths_bounded(self) -> tuple[int, bool]:
        """The number of simple paths, and whether it is exact: past `limit` memoised counts
        it is the number of paths a plain depth-first walk met in `limit` steps (a lower
        bound). When the best/worst search already met its budget, so will this (its key is
        much the same), so it gets a quarter of it."""
        budget = self.limit if not self.exhausted else max(1000, self.limit // 4)
        counts: dict[tuple[object, ...], int] = {}
        # with routes, where a reply leads depends on the facts and mood: they join the key
        routed = any(m.routes for ms in self.all_moves.values() for m in ms)
        steer = sum(self.fact_bit.values())

        def count(node: str, visited: frozenset[str], state: State) -> int:
            key = (node, visited, state[2], state[3] & steer) if routed else (node, visited)
            hit = counts.get(key)
            if hit is not None:
                return hit
            n = 0
            for m in self.all_moves[node]:
                after = self._step(state, m)[0] if routed else state
                target, is_ending = self._to(m, after)
                if is_ending:
                    n += 1
                elif target not in visited and target != node:
                    n += count(target, self._enter(node, visited, target), after)
            if len(counts) >= budget:
                raise _OverBudget
            counts[key] = n
            return n

        start, visited = self._start()
        try:
            with _deep_recursion():
                return count(self.s.start, visited, start), True
        except _OverBudget:
            counts.clear()
        return self._walk_count(budget), False

    def _walk_count(self, budget: int) -> int:
        n = 0
        steps = 0
        start, _ = self._start()
        stack = [(self.s.start, frozenset({self.s.start}), start)]
        while stack and steps < budget:
            node, on_path, state = stack.pop()
            steps += 1
            for m in self.all_moves[node]:
                after = self._step(state, m)[0]
                target, is_ending = self._to(m, after)
                if is_ending:
                    n += 1
                elif target not in on_path:
                    stack.append((target, on_path | {target}, after))
        return n


_EMPTY: frozenset[str] = frozenset()


def extremes(scenario: Scenario, steps: StepCatalog, matcher: Matcher,
             rubric: Rubric = RUBRIC, limit: int | None = None) -> Extremes | None:
    return Analyser(scenario, steps, matcher, rubric, limit).extremes()


def _clamp(value: int) -> int:
    return max(0, min(100, value))


def _components(s: Scenario) -> dict[str, int]:
    """The strongly connected component of every node (Tarjan's, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: dict[str, int] = {}
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
            succ = list(dict.fromkeys(t for c in s.nodes[v].choices for t in c.targets()
                                      if t in s.nodes))
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
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    out[w] = index[v]
                    if w == v:
                        break
    return out


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """Memoised recursion goes as deep as the longest path; allow long scenarios."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
