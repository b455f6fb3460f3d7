"""Play a scenario many times without a trainee: random runs, or every path. Pure.

Random runs show what a trainee who guesses meets: how often each node, reply and ending comes
up, and the spread of scores. `exhaustive` walks every simple path (up to a bound) and names the
best and worst with answers that `cscoach play --answers` replays. For a scenario that remembers
(format 2: facts, lessons) both also say what each path (or run) ends holding: the facts true at
its end and the lessons it met and broke, each path whole (exhaustive) and tallied by state.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from cscoach.authoring.explain import PathRecord, StateTally, remembers, state_of
from cscoach.content.model import Node, Scenario, StepCatalog
from cscoach.drill.engine import MAX_TURNS, Session, Transcript, enumerate_paths
from cscoach.judge.analysis import Analyser
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import assess, total


@dataclass
class Distribution:
    """Scores of many playthroughs."""

    scores: list[int] = field(default_factory=list)

    def add(self, score: int) -> None:
        self.scores.append(score)

    @property
    def count(self) -> int:
        return len(self.scores)

    def mean(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0

    def percentile(self, p: float) -> int:
        if not self.scores:
            return 0
        ordered = sorted(self.scores)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def histogram(self, width: int = 10) -> list[tuple[int, int]]:
        """(bucket start, count) for 0-9, 10-19, ... 90-100."""
        counts = Counter(min(score // width, (100 // width) - 1) for score in self.scores)
        return [(b * width, counts.get(b, 0)) for b in range(100 // width)]

    def pass_rate(self, pass_mark: int) -> float:
        return sum(1 for s in self.scores if s >= pass_mark) / len(self.scores) \
            if self.scores else 0.0

    def to_dict(self, pass_mark: int) -> dict[str, object]:
        return {
            "count": self.count,
            "min": min(self.scores, default=0), "max": max(self.scores, default=0),
            "mean": round(self.mean(), 2), "median": self.percentile(50),
            "pass_rate": round(self.pass_rate(pass_mark), 4),
            "histogram": [{"from": start, "to": start + 9 if start < 90 else 100, "count": n}
                          for start, n in self.histogram()],
        }


@dataclass
class AutoplayReport:
    scenario: Scenario
    mode: str  # "random" or "exhaustive"
    runs: int
    seed: int | None
    scores: Distribution
    node_hits: Counter[str]
    choice_hits: Counter[tuple[str, int]]  # (node id, 1-based answer)
    ending_hits: Counter[str]
    unfinished: int = 0  # random runs that hit the turn limit in a loop
    complete: bool = True  # False when the exhaustive walk stopped at its bound
    exact: bool = True  # False when best and worst are bounds (the analysis met its budget)
    best: tuple[int, tuple[int, ...]] | None = None
    worst: tuple[int, tuple[int, ...]] | None = None
    # format 2: every path of the exhaustive walk with what it ends holding, and the tally by
    # state (of the random runs too); None for a scenario without facts or lessons
    paths: list[PathRecord] | None = None
    states: StateTally | None = None

    def to_dict(self) -> dict[str, object]:
        s = self.scenario
        out: dict[str, object] = {
            "scenario": s.id, "mode": self.mode, "runs": self.runs, "seed": self.seed,
            "complete": self.complete, "exact": self.exact, "unfinished": self.unfinished,
            "scores": self.scores.to_dict(s.pass_mark),
            "nodes": {nid: self.node_hits.get(nid, 0) for nid in s.nodes},
            "choices": [{"node": nid, "choice": i, "hits": self.choice_hits.get((nid, i), 0)}
                        for nid, node in s.nodes.items()
                        for i in range(1, len(node.choices) + 1)],
            "endings": {eid: self.ending_hits.get(eid, 0) for eid in s.endings},
        }
        for name, found in (("best", self.best), ("worst", self.worst)):
            if found is not None:
                out[name] = {"score": found[0], "answers": ",".join(map(str, found[1]))}
        if self.states is not None:
            out["states"] = self.states.to_dict()
        if self.paths is not None:
            out["paths"] = [p.to_dict() for p in self.paths]
        return out


def _record(report: AutoplayReport, transcript: Transcript, steps: StepCatalog,
            matcher: Matcher) -> int:
    for turn in transcript.turns:
        report.node_hits[turn.node.id] += 1
        report.choice_hits[(turn.node.id, turn.index + 1)] += 1
    report.ending_hits[transcript.ending.id] += 1
    score = total(assess(transcript, steps, matcher)[0])
    report.scores.add(score)
    _remember(report, transcript, score)
    return score


def _remember(report: AutoplayReport, transcript: Transcript, score: int) -> None:
    """What the path ended holding, when the scenario remembers anything."""
    if report.states is None:
        return
    record = PathRecord(transcript.answers_text(), transcript.ending.id, score,
                        state_of(transcript))
    report.states.add(record)
    if report.paths is not None:
        report.paths.append(record)


def _record_paths(report: AutoplayReport, paths: tuple[tuple[int, ...], ...],
                  analyser: Analyser) -> None:
    """`_record` for the paths of the exhaustive walk: the counts from the answers, the scores
    from the analysis' fold of the rubric (the same totals, tested equal, without the reasons)."""
    s = report.scenario
    session = Session(s)
    # the session before each turn of the path before: a depth-first walk's paths share their
    # first answers, so each path replays only from where it leaves the one before
    snaps: list[tuple[Node, int, frozenset[str]]] = []
    previous: tuple[int, ...] = ()
    for answers, score in zip(paths, analyser.scores(paths), strict=True):
        common = 0
        for a, b in zip(answers, previous, strict=False):
            if a != b:
                break
            common += 1
        common = min(common, len(answers) - 1, len(snaps))
        if common < len(snaps):
            node, mood, facts = snaps[common]
            del snaps[common:]
            del session.turns[common:]
            session.node, session.mood, session.facts, session.ending = node, mood, facts, None
        for answer in answers[common:]:
            assert session.node is not None
            snaps.append((session.node, session.mood, session.facts))
            session.choose(answer - 1)  # facts and mood steer the routes
        previous = answers
        for turn in session.turns:
            report.node_hits[turn.node.id] += 1
            report.choice_hits[(turn.node.id, turn.index + 1)] += 1
        assert session.ending is not None
        report.ending_hits[session.ending.id] += 1
        assert score is not None  # the walk only yields paths to an ending
        report.scores.add(score)
        _remember(report, session.transcript(), score)


def random_runs(s: Scenario, steps: StepCatalog, matcher: Matcher, runs: int,
                seed: int | None = None) -> AutoplayReport:
    rng = random.Random(seed)
    report = AutoplayReport(s, "random", runs, seed, Distribution(), Counter(), Counter(),
                            Counter(), states=StateTally(s) if remembers(s) else None)
    for _ in range(runs):
        session = Session(s)
        while not session.over and len(session.turns) < MAX_TURNS:
            assert session.node is not None
            session.choose(rng.randrange(len(session.node.choices)))
        if not session.over:
            report.unfinished += 1
            continue
        score = _record(report, session.transcript(), steps, matcher)
        answers = tuple(session.transcript().answers)
        if report.best is None or score > report.best[0]:
            report.best = (score, answers)
        if report.worst is None or score < report.worst[0]:
            report.worst = (score, answers)
    return report


def exhaustive(s: Scenario, steps: StepCatalog, matcher: Matcher,
               limit: int = 20_000) -> AutoplayReport:
    """Every simple path up to `limit`; best and worst are exact even past the limit, unless the
    analysis met its own budget (then `exact` is False and they are bounds)."""
    walk = enumerate_paths(s, limit)
    report = AutoplayReport(s, "exhaustive", len(walk.paths), None, Distribution(), Counter(),
                            Counter(), Counter(), complete=walk.complete,
                            paths=[] if remembers(s) else None,
                            states=StateTally(s) if remembers(s) else None)
    analyser = Analyser(s, steps, matcher)
    _record_paths(report, walk.paths, analyser)
    found = analyser.extremes(count=False)  # the walk above counted the paths
    if found is not None:
        report.best = (found.best, found.best_answers)
        report.worst = (found.worst, found.worst_answers)
        report.exact = found.exact
    return report
