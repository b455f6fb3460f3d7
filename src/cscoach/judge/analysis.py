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
this is a shortest-path search over (node, score state) and always finishes), the worst a lower
bound from the lowest ending state any walk reaches and the most a simple path can lose on the
way; and a guided search finds real simple paths whose answers replay (`Extremes.exact` False,
`best_found`/`worst_found` their scores). docs/scoring.md says how the cost grows.
"""

from __future__ import annotations

import heapq
import math
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cscoach.content.model import MOOD_MAX, MOOD_MIN, Lang, Scenario, StepCatalog
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


STATE_LIMIT = 60_000  # memoised states of the exact search (about 1 s and 60 MB of Python)

State = tuple[int, int, int, bool]


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
        self.moves = {nid: [self._move(i, c, matcher) for i, c in enumerate(node.choices, 1)]
                      for nid, node in scenario.nodes.items()}
        self.component = _components(scenario)
        counts: dict[int, int] = {}
        for c in self.component.values():
            counts[c] = counts.get(c, 0) + 1
        self.cyclic = frozenset(
            nid for nid, c in self.component.items()
            if counts[c] > 1 or any(ch.next == nid for ch in scenario.nodes[nid].choices))
        self._inner = {nid: [ch.next for ch in node.choices
                             if self.component.get(ch.next) == self.component[nid]]
                       for nid, node in scenario.nodes.items()}
        self._pruned: dict[tuple[str, frozenset[str]], frozenset[str]] = {}
        self._memo: dict[tuple[object, ...], tuple[int, int, int, int]] = {}
        self._relaxed: dict[tuple[str, State], int] | None = None
        self._lowest: int | None = None  # the lowest ending any walk reaches (with _relaxed)
        self._finals: dict[tuple[tuple[int, int, int, bool], str], int] = {}

    def _move(self, index: int, choice: object, matcher: Matcher) -> _Move:
        from cscoach.content.model import Choice

        assert isinstance(choice, Choice)
        kinds: set[tuple[str, str]] = set()
        for text in choice.says.both() if self.lang is None else (choice.says(self.lang),):
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

    def _solve(self, node: str, state: State,
               visited: frozenset[str]) -> tuple[int, int, int, int]:
        """(best, best move, worst, worst move): raw points still to come (before clamping to
        0..100) and the index of the move that gets them; move -1 when no ending is reachable.
        The hot loop of `validate`, hence `_step` and `_final` written out inline. Raises
        _OverBudget when the memo would pass `limit` states."""
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
            elif m.target in visited or m.target == node:
                continue  # a simple path does not come back
            else:
                seen = self._enter(node, visited, m.target) if m.target in self.cyclic \
                    else _EMPTY
                b, b_move, w, _ = self._solve(m.target, after, seen)
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

    def _start(self) -> tuple[State, frozenset[str]]:
        start = self.s.start
        state = (0, 0, max(MOOD_MIN, min(MOOD_MAX, self.s.start_mood)), False)
        visited = self._prune(start, frozenset({start})) if start in self.cyclic \
            else frozenset()
        return state, visited

    def _give_up(self) -> None:
        self.exhausted = True
        self.states = len(self._memo)
        self._memo.clear()  # free it: the bounds need little
        self._pruned.clear()

    def _exact(self, node: str, state: State,
               visited: frozenset[str]) -> tuple[int, int, int, int] | None:
        """`_solve`, or None once the budget is spent (then for good)."""
        if self.exhausted:
            return None
        try:
            with _deep_recursion():
                return self._solve(node, state, visited)
        except _OverBudget:
            self._give_up()
            return None

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
            visited = self._enter(node, visited, m.target)
            node = m.target

    def score(self, answers: tuple[int, ...]) -> int | None:
        """The total of one path to an ending (what `scoring.assess` gives it, without the
        reasons), or None when the answers do not end it; for `autoplay --exhaustive`."""
        node = self.s.start
        state, _ = self._start()
        gained = 0
        for k, answer in enumerate(answers):
            if not 1 <= answer <= len(self.moves[node]):
                return None
            m = self.moves[node][answer - 1]
            state, points = self._step(state, m)
            gained += points
            if m.is_ending:
                return _clamp(gained + self._final(state, m.target)) \
                    if k == len(answers) - 1 else None
            node = m.target
        return None

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
                answer = answers[k]
                if not 1 <= answer <= len(self.moves[node]):
                    break
                m = self.moves[node][answer - 1]
                state, points = self._step(state, m)
                gained += points
                if m.is_ending:
                    if k == len(answers) - 1:
                        result = _clamp(gained + self._final(state, m.target))
                    break
                node = m.target
                trail.append((node, state, gained))
            yield result

    def best_after(self, answers: tuple[int, ...]) -> int | None:
        """The best total any completion of `answers` (1-based, from the start) reaches, or
        None when none reaches an ending. The completion repeats no node met since the path
        last came back to one: for answers that never come back, the best simple path through
        them; after a reply that loops back (an apology that returns to the question), the best
        simple way on from there. Past the budget, the best walk on (an upper bound)."""
        node: str | None = self.s.start
        state, visited = self._start()
        seen = {self.s.start}
        gained = 0
        for k, answer in enumerate(answers):
            if node is None or not 1 <= answer <= len(self.moves[node]):
                return None
            m = self.moves[node][answer - 1]
            state, points = self._step(state, m)
            gained += points
            if m.is_ending:
                last = k == len(answers) - 1
                return _clamp(gained + self._final(state, m.target)) if last else None
            if m.target in seen:  # came back: start a fresh simple walk from here
                seen = set()
                visited = self._prune(m.target, frozenset({m.target})) \
                    if m.target in self.cyclic else frozenset()
            else:
                visited = self._enter(node, visited, m.target)
            node = m.target
            seen.add(node)
        assert node is not None
        found = self._exact(node, state, visited)
        if found is not None:
            best, best_move, _, _ = found
            return None if best_move == -1 else _clamp(gained + best)
        bound = self._relaxed_best().get((node, state))
        return None if bound is None else _clamp(gained + bound)

    def extremes(self) -> Extremes | None:
        """None when no ending can be reached from the start."""
        state, visited = self._start()
        found = self._exact(self.s.start, state, visited)
        if found is not None:
            best, best_move, worst, _ = found
            if best_move == -1:
                return None
            with _deep_recursion():
                best_answers, worst_answers = self._replay(True), self._replay(False)
            paths, paths_exact = self.count_paths_bounded()
            return Extremes(_clamp(best), best_answers, _clamp(worst), worst_answers, paths,
                            best_found=_clamp(best), worst_found=_clamp(worst),
                            limit=self.limit, paths_exact=paths_exact)
        return self._bounds()

    # -- past the budget: bounds, and real paths found by a guided search

    def _relaxed_best(self) -> dict[tuple[str, State], int]:
        """The best raw points still to come from every (node, state) a walk reaches when
        replies may come back to a node. Every move's points are 0 or less and the ending's
        depend on the state only, so the best walk is a best path in the finite graph of
        (node, state): Dijkstra from the endings backwards."""
        if self._relaxed is not None:
            return self._relaxed
        start_state, _ = self._start()
        start = (self.s.start, start_state)
        back: dict[tuple[str, State], list[tuple[tuple[str, State], int]]] = {}
        heap: list[tuple[int, int, tuple[str, State]]] = []
        seen = {start}
        todo = [start]
        tie = 0
        lowest: int | None = None
        while todo:
            here = todo.pop()
            node, state = here
            for m in self.moves[node]:
                after, gained = self._step(state, m)
                if m.is_ending:
                    final = self._final(after, m.target)
                    heap.append((-(gained + final), tie, here))
                    tie += 1
                    lowest = final if lowest is None else min(lowest, final)
                    continue
                there = (m.target, after)
                back.setdefault(there, []).append((here, gained))
                if there not in seen:
                    seen.add(there)
                    todo.append(there)
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
        return value

    def _worst_bound(self) -> int:
        """A lower bound on the worst raw total: the lowest ending any walk reaches, plus the
        most a simple path can lose on the way ("don't say"s: at most one reply a node; the
        order faults at the first fix)."""
        relaxed = self._relaxed_best()
        nodes = {node for node, _ in relaxed}
        loss = sum(min(0, *(m.additive for m in self.moves[n])) for n in nodes)
        loss -= self.rubric.resolve_before_listen + self.rubric.resolve_before_ask
        return (self._lowest if self._lowest is not None else 0) + loss

    def _guided(self, pick_best: bool, budget: int,
                guide: bool = True) -> tuple[tuple[int, ...], int] | None:
        """A real simple path, searched depth first with the likeliest replies first (for the
        best, the best walk's value, or without `guide` the fewest points lost and the most
        new steps; for the worst, the most points lost), within `budget` steps; the best (or
        worst) one met, with its raw total."""
        relaxed = self._relaxed_best() if pick_best and guide else {}
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
                path = (*answers, m.index)
                if m.is_ending:
                    score = points + gained + self._final(after, m.target)
                    if found is None or (score > found[1] if pick_best else score < found[1]):
                        found = (path, score)
                    continue
                if m.target in on_path:
                    continue
                if pick_best and not guide:
                    rank = (points + gained) * 100 + (after[0].bit_count() * 16 + after[2])
                elif pick_best:
                    guess = relaxed.get((m.target, after))
                    if guess is None:
                        continue
                    rank = points + gained + guess
                else:
                    rank = -(points + gained) * 100 - after[2]
                options.append((rank, m.index, (m.target, after, points + gained, path,
                                                on_path | {m.target})))
            options.sort(key=lambda o: (o[0], -o[1]))  # the likeliest is pushed last
            if pick_best and guide and found is not None:
                options = [o for o in options if o[0] > found[1]]  # cannot beat what is found
            stack.extend(o[2] for o in options)
        return found

    def _bounds(self) -> Extremes | None:
        """Past the budget: real paths from a guided search, and bounds that prove them
        best (worst) when they meet; the bounds are only worked out when a path found does not
        already reach the clamp (100 for the best, 0 for the worst)."""
        budget = max(1000, self.limit // 4)
        high = self._guided(True, budget, guide=False)
        if high is None or _clamp(high[1]) < 100:
            start_state, _ = self._start()
            bound = self._relaxed_best().get((self.s.start, start_state))
            if bound is None:
                return None
            best = _clamp(bound)
            guided = self._guided(True, budget)
            if guided is not None and (high is None or guided[1] > high[1]):
                high = guided
        else:
            best = 100
        low = self._guided(False, budget)
        worst = 0 if low is not None and _clamp(low[1]) == 0 else _clamp(self._worst_bound())
        best_found = _clamp(high[1]) if high else None
        worst_found = _clamp(low[1]) if low else None
        paths, paths_exact = self.count_paths_bounded()
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
        bound)."""
        counts: dict[tuple[str, frozenset[str]], int] = {}

        def count(node: str, visited: frozenset[str]) -> int:
            key = (node, visited)
            hit = counts.get(key)
            if hit is not None:
                return hit
            n = 0
            for m in self.moves[node]:
                if m.is_ending:
                    n += 1
                elif m.target not in visited and m.target != node:
                    n += count(m.target, self._enter(node, visited, m.target))
            if len(counts) >= self.limit:
                raise _OverBudget
            counts[key] = n
            return n

        _, visited = self._start()
        try:
            with _deep_recursion():
                return count(self.s.start, visited), True
        except _OverBudget:
            counts.clear()
        return self._walk_count(self.limit), False

    def _walk_count(self, budget: int) -> int:
        n = 0
        steps = 0
        stack = [(self.s.start, frozenset({self.s.start}))]
        while stack and steps < budget:
            node, on_path = stack.pop()
            steps += 1
            for m in self.moves[node]:
                if m.is_ending:
                    n += 1
                elif m.target not in on_path:
                    stack.append((m.target, on_path | {m.target}))
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
