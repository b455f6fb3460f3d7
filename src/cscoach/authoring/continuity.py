"""The continuity proof of a format-2 scenario: every line shown on every path follows from
what was said on that path.

`cscoach validate` walks the states a drill can be in (node, the facts made true so far, the
mood when a condition reads it, whether a fix was made) breadth first, so the first path found
to a problem is a shortest one, and its answers replay it. Unlike the best/worst search this
needs no visited set: what a line shows depends on the state only.

The facts are split in two. The *route facts* (read by some route's `when:`) decide where a
reply leads, so they belong to the walked state. The *line facts* (read only by variants,
`assumes:` and `require:`) never change where a path goes: each evolves on its own along the
routes' walk, so the walk carries for each state only which line facts can be true there and
which false (two bit masks, grown to a fixed point), not every combination of them. A place
whose lines read one line fact is proved from those masks exactly; a place whose lines read
several together is proved by a walk of its own over the route facts and those few. So the
states are nodes x 2^(route facts) x moods x 2, not x 2^(every fact), and a witness walk (the
route facts and the one line fact a problem names) runs only for a problem found. Past
`STATE_LIMIT` states of all walks together the proof stops with a located warning.

Found, each located and (where a path shows it) with `--answers` that replay it:
- a variant shown where a fact it `assumes:` is not true;
- a good ending reached without its `require:` facts or without any reply that resolves;
- a `require:` no path satisfies; a variant or route no path shows or takes.
And from the text alone: facts set that nothing reads, facts never set, lessons no reply meets.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cscoach.content.model import (
    MOOD_MAX,
    MOOD_MIN,
    Choice,
    Condition,
    Node,
    Outcome,
    Scenario,
    Variant,
)
from cscoach.drill.engine import answers_text, clamp_mood

STATE_LIMIT = 100_000  # states of every walk of one proof together (about a second)

# (node or ending, facts as bits (those the walk carries), mood (0 when no condition reads
# it), a fix was made)
_State = tuple[str, int, int, bool]

At = Callable[[int, str, str], None]  # (line, message, severity)


class _OverBudget(Exception):
    """The walks met STATE_LIMIT."""


@dataclass(frozen=True, slots=True)
class _Cond:
    """A condition on facts as bits and the mood."""

    all: int
    any: int
    none: int
    lo: int | None
    hi: int | None

    def holds(self, facts: int, mood: int) -> bool:
        return (facts & self.all == self.all and (not self.any or bool(facts & self.any))
                and not facts & self.none and (self.lo is None or mood >= self.lo)
                and (self.hi is None or mood <= self.hi))


@dataclass(frozen=True, slots=True)
class _Reply:
    """What one distinct reply does to the state."""

    answer: int  # 1-based
    slot: int  # the choice its routes are counted under (0 at a compose turn)
    sets: int
    clears: int
    mood: int
    resolves: bool
    routes: tuple[tuple[_Cond | None, str], ...]
    next: str
    keep: int  # the facts it leaves as they were
    line_sets: int  # the line facts it makes true
    line_clears: int  # and false

    def target(self, facts: int, mood: int) -> tuple[str, int | None]:
        """Where it leads once said, and the route taken."""
        for k, (cond, to) in enumerate(self.routes):
            if cond is None or cond.holds(facts, mood):
                return to, k
        return self.next, None


@dataclass(frozen=True, slots=True)
class _Line:
    """The variants of one field at one place."""

    field: str  # "says" or "narration"
    variants: tuple[Variant, ...]
    conds: tuple[_Cond | None, ...]


@dataclass
class _Run:
    """One breadth-first walk: its states in the order met, and how each was first met."""

    mask: int  # the facts it carries
    keys: list[_State]
    index: dict[_State, int]
    parent: list[int]
    answer: list[int]
    out: list[list[tuple[int, _Reply]]]  # each state's moves (only when asked for)


@dataclass
class _Problem:
    line: int
    rank: int  # its place among the problems one state shows (as they are looked at)
    text: str  # the message, but for the answers that show it


class _Proof:
    def __init__(self, s: Scenario, at: At) -> None:
        self.s, self.at = s, at
        names: dict[str, None] = dict.fromkeys(s.facts)
        for c in _conditions(s):
            names.update(dict.fromkeys(c.facts()))
        for node in s.nodes.values():
            for choice in _distinct(node):
                names.update(dict.fromkeys((*choice.set, *choice.clear)))
            for v in (*node.says_variants, *node.narration_variants):
                names.update(dict.fromkeys(v.assumes))
        for ending in s.endings.values():
            names.update(dict.fromkeys(ending.require))
            for v in ending.says_variants:
                names.update(dict.fromkeys(v.assumes))
        self.bit = {f: 1 << i for i, f in enumerate(names)}
        routes = [r.when for node in s.nodes.values() for c in _distinct(node)
                  for r in c.routes if r.when is not None]
        self.route_bits = self.bits(f for c in routes for f in c.facts())
        self.moods = any(c.mood_min is not None or c.mood_max is not None
                         for c in _conditions(s) if c is not (s.act_at_once.when
                                                              if s.act_at_once else None))
        self.replies: dict[str, list[_Reply]] = {}
        for node in s.nodes.values():
            self.replies[node.id] = [self._reply(node, c) for c in _distinct(node)]
        self.lines: dict[str, list[_Line]] = {}
        self.reads: dict[str, int] = {}  # the line facts read at each place
        self.place: dict[str, tuple[int, bool]] = {}  # every fact read there, and the mood?
        self.looked: dict[tuple[str, int, int, bool], list[tuple[tuple[object, ...],
                                                                 _Problem]]] = {}
        for where, fields in [
                *((n.id, (("says", n.says_variants), ("narration", n.narration_variants)))
                  for n in s.nodes.values()),
                *((e.id, (("says", e.says_variants),)) for e in s.endings.values())]:
            lines = [_Line(name, vs, tuple(None if v.when is None else self.cond(v.when)
                                           for v in vs)) for name, vs in fields if vs]
            self.lines[where] = lines
            read = self.bits(f for ln in lines for v in ln.variants
                             for f in (*(v.when.facts() if v.when else ()), *v.assumes))
            if where in s.endings:
                read |= self.bits(s.endings[where].require)
            self.reads[where] = read & ~self.route_bits
            self.place[where] = (read, any(c is not None and (c.lo is not None or c.hi is not None)
                                           for ln in lines for c in ln.conds))
        self.spent = 0
        self.runs: dict[int, _Run] = {}
        self.told: set[tuple[object, ...]] = set()
        self.shown: set[tuple[str, str, int]] = set()
        self.taken: set[tuple[str, int, int]] = set()
        self.required_met: set[str] = set()
        self.found: list[tuple[tuple[int, list[int], int], int, str]] = []

    def bits(self, facts: Iterable[str]) -> int:
        out = 0
        for f in facts:
            out |= self.bit[f]
        return out

    def cond(self, c: Condition) -> _Cond:
        return _Cond(self.bits(c.all), self.bits(c.any), self.bits(c.none), c.mood_min,
                     c.mood_max)

    def _reply(self, node: Node, c: Choice) -> _Reply:
        sets, clears = self.bits(c.set), self.bits(c.clear)
        line = ~self.route_bits
        return _Reply(node.choices.index(c) + 1, 0 if node.parts else node.choices.index(c),
                      sets, clears, c.mood, "resolve" in c.steps,
                      tuple((None if r.when is None else self.cond(r.when), r.to)
                            for r in c.routes), c.next, ~(sets | clears), sets & line,
                      clears & ~sets & line)

    # -- walks

    def start(self) -> _State:
        return (self.s.start, 0, clamp_mood(self.s.start_mood) if self.moods else 0, False)

    def step(self, state: _State, r: _Reply, mask: int) -> tuple[_State, int | None]:
        _, facts, mood, resolved = state
        after = (facts & ~r.clears) | r.sets
        now = clamp_mood(mood + r.mood) if self.moods else 0
        target, route = r.target(after, now)
        return (target, after & mask, now, resolved or r.resolves), route

    def walk(self, mask: int, edges: bool = False) -> _Run:
        """Every state carrying the facts of `mask` (the route facts always among them)."""
        run = self.runs.get(mask)
        if run is not None:
            return run
        start = self.start()
        run = _Run(mask, [start], {start: 0}, [-1], [0], [])
        keys, index, parent, answer = run.keys, run.index, run.parent, run.answer
        replies, moods, taken = self.replies, self.moods, self.taken
        i = 0
        try:
            while i < len(keys):
                node, facts, mood, resolved = keys[i]
                mine: list[tuple[int, _Reply]] = []
                for r in replies.get(node, ()):  # `step`, written out: the hot loop
                    after = (facts & r.keep) | r.sets
                    now = 0
                    if moods:
                        now = mood + r.mood
                        now = MOOD_MIN if now < MOOD_MIN else MOOD_MAX if now > MOOD_MAX \
                            else now
                    if r.routes:
                        target, route = r.target(after, now)
                        if route is not None and edges:
                            taken.add((node, r.slot, route))
                    else:
                        target = r.next
                    nxt = (target, after & mask, now, resolved or r.resolves)
                    j = index.get(nxt)
                    if j is None:
                        if self.spent + len(keys) >= STATE_LIMIT:
                            raise _OverBudget
                        j = index[nxt] = len(keys)
                        keys.append(nxt)
                        parent.append(i)
                        answer.append(r.answer)
                    mine.append((j, r))
                if edges:
                    run.out.append(mine)
                i += 1
        finally:
            self.spent += len(keys)
        self.runs[mask] = run
        return run

    def path(self, run: _Run, i: int) -> list[int]:
        """The answers that first reached state `i` of `run`."""
        out: list[int] = []
        while run.parent[i] != -1:
            out.append(run.answer[i])
            i = run.parent[i]
        return out[::-1]

    def onwards(self, run: _Run, state: _State) -> list[int]:
        """The fewest answers from `state` to an ending (breadth first)."""
        back: dict[_State, tuple[_State | None, int]] = {state: (None, 0)}
        queue = deque([state])
        while queue:
            here = queue.popleft()
            if here[0] in self.s.endings:
                out: list[int] = []
                while True:
                    before, a = back[here]
                    if before is None:
                        return out[::-1]
                    out.append(a)
                    here = before
            for r in self.replies[here[0]]:
                nxt = self.step(here, r, run.mask)[0]
                if nxt not in back:
                    back[nxt] = (here, r.answer)
                    queue.append(nxt)
        return []

    # -- what a place shows in a state

    def look(self, where: str, facts: int, mood: int, resolved: bool
             ) -> list[tuple[tuple[object, ...], _Problem]]:
        """Mark the variants shown at `where`; the problems this state shows there (looked at
        once for each value of what is read there)."""
        read, moody = self.place[where]
        key = (where, facts & read, mood if moody else 0, resolved and where in self.s.endings)
        found = self.looked.get(key)
        if found is None:
            found = self.looked[key] = self._look(where, facts, mood, resolved)
        return found

    def _look(self, where: str, facts: int, mood: int, resolved: bool
              ) -> list[tuple[tuple[object, ...], _Problem]]:
        found: list[tuple[tuple[object, ...], _Problem]] = []
        for n, ln in enumerate(self.lines[where]):
            i = next((k for k, c in enumerate(ln.conds) if c is None or c.holds(facts, mood)),
                     len(ln.variants) - 1)
            self.shown.add((where, ln.field, i))
            v = ln.variants[i]
            for k, fact in enumerate(v.assumes):
                if not facts & self.bit[fact]:
                    found.append(((where, ln.field, i, fact), _Problem(
                        v.line, n * 1000 + k, f"'{where}' {ln.field} variant {i + 1} assumes "
                        f"'{fact}', but a path shows it without '{fact}'")))
        ending = self.s.endings.get(where)
        if ending is not None:
            missing = [f for f in ending.require if not facts & self.bit[f]]
            if not missing:
                self.required_met.add(where)
            if ending.outcome is Outcome.GOOD:
                for k, fact in enumerate(ending.require):
                    if fact not in missing:
                        continue
                    found.append(((where, "require", fact), _Problem(
                        ending.line, 10_000 + k,
                        f"good ending '{where}' is reached without '{fact}'")))
                if not resolved:
                    found.append(((where, "resolve"), _Problem(
                        ending.line, 20_000,
                        f"good ending '{where}' is reached without any reply that resolves")))
        return found

    def tell(self, key: tuple[object, ...], problem: _Problem, run: _Run, i: int) -> None:
        """Keep a problem, with the first path that shows it; said in the order one walk
        over every fact would meet them (the paths' lengths, then their answers)."""
        if key not in self.told:
            self.told.add(key)
            path = self.path(run, i)
            answers = answers_text(self.s, [*path, *self.onwards(run, run.keys[i])])
            self.found.append(((len(path), path, problem.rank), problem.line,
                               f"{problem.text} (--answers {answers})"))

    def say(self) -> None:
        for _, line, text in sorted(self.found, key=lambda f: f[0]):
            self.at(line, text, "error")
        self.found.clear()

    def prove(self) -> None:
        s = self.s
        try:
            core = self.walk(self.route_bits, edges=True)
            true, false = self._masks(core)
            again: dict[int, None] = {}  # line facts whose own walk is needed
            for i, (where, facts, mood, resolved) in enumerate(core.keys):
                read = self.reads[where]
                if read & (read - 1):  # several line facts together: a walk of their own
                    again[read] = None
                    continue
                options = [facts] if not read else \
                    [facts | read] * bool(true[i] & read) + [facts] * bool(false[i] & read)
                for facts_here in options:
                    for key, problem in self.look(where, facts_here, mood, resolved):
                        if key in self.told:
                            continue
                        if read:  # found from the masks: its own walk finds the path
                            again[read] = None
                        else:
                            self.tell(key, problem, core, i)
            for read in again:
                run = self.walk(self.route_bits | read)
                for i, (where, facts, mood, resolved) in enumerate(run.keys):
                    if self.reads[where] == read:
                        for key, problem in self.look(where, facts, mood, resolved):
                            self.tell(key, problem, run, i)
        except _OverBudget:
            self.say()
            self.at(s.key_lines.get("nodes", 0), f"the continuity proof stopped at "
                    f"{STATE_LIMIT:,} states (STATE_LIMIT); the lines of paths past them are "
                    "not checked",
                    "warning")
            return
        self.say()
        _unshown(s, self.shown, self.taken, self.required_met, {k[0] for k in core.keys},
                 self.at)

    def _masks(self, run: _Run) -> tuple[list[int], list[int]]:
        """For each state of `run`, the line facts some path reaches it with true, and those
        some path reaches it with false: each line fact on its own is the walk times {true,
        false}, grown here to a fixed point over the walk's moves."""
        line = ~self.route_bits & ((1 << len(self.bit)) - 1)
        out = run.out
        true = [0] * len(run.keys)
        false = [0] * len(run.keys)
        false[0] = line
        queued = [False] * len(run.keys)
        queued[0] = True
        todo = deque([0])
        while todo:
            i = todo.popleft()
            queued[i] = False
            t, f = true[i], false[i]
            for j, r in out[i]:
                nt = (t & r.keep) | r.line_sets
                nf = (f & r.keep) | r.line_clears
                tj, fj = true[j], false[j]
                if nt | tj != tj or nf | fj != fj:
                    true[j] = tj | nt
                    false[j] = fj | nf
                    if not queued[j]:
                        queued[j] = True
                        todo.append(j)
        return true, false


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
    _Proof(s, at).prove()


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
