"""The best/worst analysis on scenarios with loops: exact against scoring every simple path on
small random cyclic graphs, bounds that bracket the truth when the budget is tiny, the located
warning, and a 120-node looped scenario that validates (no timing asserts: the figures are in
benchmarks/analysis_scale.py)."""

from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path

import pytest

from cscoach.authoring.validate import check_scenario
from cscoach.content.library import Library
from cscoach.content.model import Scenario
from cscoach.drill.engine import enumerate_paths, play
from cscoach.judge import analysis
from cscoach.judge.analysis import Analyser
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import assess, at_once_turn, path_scores, total

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_looped import looped_text  # noqa: E402


def _base(library: Library, tmp_path: Path, nodes: int) -> Scenario:
    path = tmp_path / f"looped-{nodes}.yaml"
    path.write_text(looped_text(nodes), encoding="utf-8")
    return library.load_scenario_file(path)


def _rewired(base: Scenario, seed: int) -> Scenario | None:
    """The base with some replies sent to random nodes or endings (loops of every shape), or
    None when that leaves too many paths to score one by one or none at all."""
    rng = random.Random(seed)
    targets = [*base.nodes, *base.endings]
    nodes = {}
    for nid, node in base.nodes.items():
        choices = tuple(dataclasses.replace(c, next=rng.choice(targets))
                        if rng.random() < 0.35 else c for c in node.choices)
        nodes[nid] = dataclasses.replace(node, choices=choices)
    s = dataclasses.replace(base, nodes=nodes)
    walk = enumerate_paths(s, limit=3000)
    return s if walk.complete and walk.paths else None


def _cases(library: Library, tmp_path: Path) -> list[Scenario]:
    base = _base(library, tmp_path, 10)
    found = [s for seed in range(60) if (s := _rewired(base, seed)) is not None]
    assert len(found) >= 20
    return found[:25]


def _agrees_with_every_path(s: Scenario, library: Library,
                            matcher: Matcher) -> analysis.Extremes:
    """The analysis of `s` equals scoring every simple path with `scoring.assess`: best,
    worst, path count, the answers it gives, the best after every prefix, each path's score."""
    scores = path_scores(s, library.steps, matcher)
    a = Analyser(s, library.steps, matcher)
    found = a.extremes()
    assert found is not None and found.exact
    assert (found.best, found.worst, found.paths) == (
        max(scores.values()), min(scores.values()), len(scores))
    assert scores[found.best_answers] == found.best
    assert scores[found.worst_answers] == found.worst
    best: dict[tuple[int, ...], int] = {}
    for answers, score in scores.items():
        for k in range(1, len(answers) + 1):
            best[answers[:k]] = max(best.get(answers[:k], -1), score)
    assert {p: a.best_after(p) for p in best} == best
    assert [a.score(p) for p in scores] == list(scores.values())
    assert list(a.scores(list(scores))) == list(scores.values())
    return found


def test_exact_on_random_cyclic_graphs(library: Library, matcher: Matcher,
                                       tmp_path: Path) -> None:
    for s in _cases(library, tmp_path):
        found = _agrees_with_every_path(s, library, matcher)
        assert found.paths_exact


@pytest.mark.parametrize("limit", [1, 5, 30])
def test_past_a_tiny_budget_the_bounds_bracket_the_truth(
        library: Library, matcher: Matcher, tmp_path: Path, limit: int) -> None:
    inexact = 0
    for s in _cases(library, tmp_path):
        scores = path_scores(s, library.steps, matcher)
        found = Analyser(s, library.steps, matcher, limit=limit).extremes()
        assert found is not None
        true_best, true_worst = max(scores.values()), min(scores.values())
        assert found.worst <= true_worst <= true_best <= found.best
        assert found.paths <= len(scores)
        for answers, score in ((found.best_answers, found.best_found),
                               (found.worst_answers, found.worst_found)):
            assert answers in scores and scores[answers] == score  # a real simple path
        assert found.best_found is not None and found.worst_found is not None
        assert found.worst_found >= true_worst and found.best_found <= true_best
        if found.exact:
            assert (found.best, found.worst) == (true_best, true_worst)
        else:
            inexact += 1
        analyser = Analyser(s, library.steps, matcher, limit=limit)
        for answers, score in list(scores.items())[:40]:
            for k in range(1, len(answers)):
                after = analyser.best_after(answers[:k])
                assert after is not None and after >= score
    if limit == 1:
        assert inexact  # the tiny budget does leave bounds somewhere


def test_the_warning_is_located(library: Library, matcher: Matcher, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "STATE_LIMIT", 1)
    for s in _cases(library, tmp_path):
        found = Analyser(s, library.steps, matcher).extremes()
        assert found is not None
        if found.exact:
            continue
        problems = check_scenario(s, library, matcher)
        warned = [p for p in problems if "path search stopped" in p.message]
        assert len(warned) == 1
        p = warned[0]
        assert p.severity == "warning" and p.line == s.key_lines["pass_mark"] and p.col == 1
        assert p.message.startswith("the best/worst path search stopped at ")
        assert f"(limit 1); the figures are bounds: the best path scores at most {found.best}, " \
            f"the worst at least {found.worst}" in p.message
        assert f"{p.path}:{p.line}:1: warning: the best/worst" in str(p)
        return
    raise AssertionError("no case left bounds")


def test_a_looped_120_node_scenario_validates(cli, tmp_path: Path, library: Library,
                                              matcher: Matcher) -> None:
    path = tmp_path / "looped-120.yaml"
    path.write_text(looped_text(120), encoding="utf-8")
    r = cli("validate", "--no-cache", "-j", "1", str(path))
    assert r.code == 0, r.out + r.err
    assert "0 error(s), 0 warning(s)" in r.out + r.err
    s = library.load_scenario_file(path)
    a = Analyser(s, library.steps, matcher)
    found = a.extremes()
    assert found is not None and found.exact  # past the budget, but the bounds meet
    assert a.exhausted and a.states == a.limit
    assert (found.best, found.worst) == (100, 0)
    transcript = play(s, found.best_answers)
    assert total(assess(transcript, library.steps, matcher)[0]) == 100
    assert len({t.node.id for t in transcript.turns}) == len(transcript.turns)  # simple


# -- format 2: facts that steer routes, lessons (one critical, which caps), acting at once


def _format2(base: Scenario, seed: int) -> Scenario | None:
    """The base with format 2's state: replies set and clear three facts, some route by them
    or by the mood, some break a lesson (one critical), and a fix made while a fact holds
    excuses listen and ask."""
    from cscoach.content.model import ActAtOnce, Condition, Lesson, Route, Text

    rng = random.Random(seed)
    facts = ("a", "b", "c")
    targets = [*base.nodes, *base.endings]
    lessons = (Lesson("key", Text("k", "k"), "S001-CH2", rng.choice((5, 10, 30)), True),
               Lesson("minor", Text("m", "m"), "S003-5", rng.choice((5, 15))))
    nodes = {}
    for nid, node in base.nodes.items():
        choices = []
        for c in node.choices:
            change: dict[str, object] = {}
            if rng.random() < 0.3:  # fixes early and late, with or without listening first
                change["steps"] = tuple(dict.fromkeys(
                    (*c.steps, rng.choice(("resolve", "resolve", "check", "ask")))))
            if rng.random() < 0.5:
                change["set"] = (rng.choice(facts),)
            if rng.random() < 0.2:
                change["clear"] = (rng.choice(facts),)
            if rng.random() < 0.25:
                change["breaks"] = (rng.choice(("key", "minor")),)
            if rng.random() < 0.3:
                when = Condition(all=(rng.choice(facts),)) if rng.random() < 0.7 \
                    else Condition(mood_min=rng.randint(-2, 2))
                change["routes"] = (Route(rng.choice(targets), when), Route(c.next))
            elif rng.random() < 0.3:
                change["next"] = rng.choice(targets)
            choices.append(dataclasses.replace(c, **change))
        nodes[nid] = dataclasses.replace(node, choices=tuple(choices))
    rule = ActAtOnce("S001-CH2", ("listen", "ask"), Text("k", "k"),
                     Condition(any=(rng.choice(facts),)) if rng.random() < 0.7 else None)
    s = dataclasses.replace(base, nodes=nodes, format_version=2, lessons=lessons,
                            facts={f: Text(f, f) for f in facts},
                            act_at_once=rule if rng.random() < 0.6 else None)
    walk = enumerate_paths(s, limit=3000)
    return s if walk.complete and walk.paths else None


def test_exact_with_facts_routes_lessons_and_acting_at_once(
        library: Library, matcher: Matcher, tmp_path: Path) -> None:
    base = _base(library, tmp_path, 8)
    cases = [s for seed in range(80) if (s := _format2(base, seed)) is not None][:25]
    assert len(cases) >= 15
    capped = at_once = 0
    for s in cases:
        _agrees_with_every_path(s, library, matcher)
        scores = path_scores(s, library.steps, matcher)
        for answers in scores:
            t = play(s, answers)
            at_once += at_once_turn(t) is not None
            if any("key" in turn.choice.breaks for turn in t.turns):
                capped += 1
                assert scores[answers] < s.pass_mark  # a broken critical lesson fails
    assert capped > 0 and at_once > 0


@pytest.mark.parametrize("limit", [1, 5, 30])
def test_format2_past_a_tiny_budget_the_bounds_bracket_the_truth(
        library: Library, matcher: Matcher, tmp_path: Path, limit: int) -> None:
    """With lessons (their weights count in the worst bound) and routes, past the budget."""
    base = _base(library, tmp_path, 8)
    cases = [s for seed in range(80) if (s := _format2(base, seed)) is not None][:25]
    for s in cases:
        scores = path_scores(s, library.steps, matcher)
        a = Analyser(s, library.steps, matcher, limit=limit)
        found = a.extremes()
        assert found is not None
        true_best, true_worst = max(scores.values()), min(scores.values())
        assert found.worst <= true_worst <= true_best <= found.best
        for answers, score in ((found.best_answers, found.best_found),
                               (found.worst_answers, found.worst_found)):
            assert answers in scores and scores[answers] == score
        for answers, score in list(scores.items())[:30]:
            for k in range(1, len(answers)):
                after = a.best_after(answers[:k])
                assert after is not None and after >= score
        hoped = Analyser(s, library.steps, matcher, limit=limit)
        hoped._relaxed = {}  # as past the walk's budget: the hope bounds instead
        for answers, score in list(scores.items())[:30]:
            for k in range(1, len(answers)):
                after = hoped.best_after(answers[:k])
                assert after is not None and after >= score


# -- the continuity proof: the same problems as walking every fact, on random graphs


def _continuity_case(base: Scenario, seed: int) -> Scenario:
    """The base with five facts set and cleared by replies, read by routes (some by the mood),
    by variants of what is said (some assuming what they read, some not) and by requires."""
    from cscoach.content.model import Condition, Route, Text, Variant

    rng = random.Random(seed)
    facts = ("a", "b", "c", "d", "e")

    def cond() -> Condition:
        if rng.random() < 0.15:
            return Condition(mood_min=rng.randint(-3, 2))
        part = tuple(rng.sample(facts, rng.choice((1, 1, 2))))
        return Condition(**{rng.choice(("all", "any", "none")): part})

    def variants(text: Text) -> tuple[Variant, ...]:
        out = []
        for _ in range(rng.choice((0, 1, 1, 2))):
            c = cond()
            assumes = c.all if c.all and rng.random() < 0.5 else \
                tuple(rng.sample(facts, 1)) if rng.random() < 0.5 else ()
            out.append(Variant(text, c, assumes))
        out.append(Variant(text, None, tuple(rng.sample(facts, 1))
                           if rng.random() < 0.15 else ()))
        return tuple(out) if len(out) > 1 or rng.random() < 0.3 else ()

    targets = [*base.nodes, *base.endings]
    nodes = {}
    for nid, node in base.nodes.items():
        choices = []
        for c in node.choices:
            change: dict[str, object] = {}
            if rng.random() < 0.3:
                change["steps"] = tuple(dict.fromkeys((*c.steps, "resolve")))
            if rng.random() < 0.5:
                change["set"] = (rng.choice(facts),)
            if rng.random() < 0.25:
                change["clear"] = (rng.choice(facts),)
            if rng.random() < 0.3:
                change["routes"] = (Route(rng.choice(targets), cond()), Route(c.next))
            elif rng.random() < 0.3:
                change["next"] = rng.choice(targets)
            choices.append(dataclasses.replace(c, **change))
        nodes[nid] = dataclasses.replace(node, choices=tuple(choices),
                                         says_variants=variants(node.says),
                                         narration_variants=variants(node.says))
    endings = {eid: dataclasses.replace(
        e, require=tuple(rng.sample(facts, rng.choice((0, 1, 2)))),
        says_variants=variants(e.says)) for eid, e in base.endings.items()}
    return dataclasses.replace(base, nodes=nodes, endings=endings, format_version=2,
                               facts={f: Text(f, f) for f in facts})


def _every_fact(s: Scenario) -> set[str]:
    """The problems a walk over every state (node, all the facts, mood, a fix made) finds,
    without their answers: the proof's definition, walked the slow way."""
    from collections import deque

    from cscoach.authoring import continuity
    from cscoach.content.model import Outcome, pick
    from cscoach.drill.engine import clamp_mood

    out: set[str] = set()
    start = (s.start, frozenset[str](), clamp_mood(s.start_mood), False)
    seen, queue = {start}, deque([start])
    shown: set[tuple[str, str, int]] = set()
    taken: set[tuple[str, int, int]] = set()
    met: set[str] = set()

    def lines(where: str, field: str, variants: tuple, facts: frozenset[str],
              mood: int) -> None:
        if variants:
            i = pick(variants, facts, mood)
            shown.add((where, field, i))
            for fact in variants[i].assumes:
                if fact not in facts:
                    out.add(f"'{where}' {field} variant {i + 1} assumes '{fact}', but a path "
                            f"shows it without '{fact}'")

    while queue:
        where, facts, mood, resolved = queue.popleft()
        if where in s.endings:
            e = s.endings[where]
            lines(where, "says", e.says_variants, facts, mood)
            if all(f in facts for f in e.require):
                met.add(where)
            if e.outcome is Outcome.GOOD:
                out.update(f"good ending '{where}' is reached without '{f}'"
                           for f in e.require if f not in facts)
                if not resolved:
                    out.add(f"good ending '{where}' is reached without any reply that "
                            "resolves")
            continue
        node = s.nodes[where]
        lines(where, "says", node.says_variants, facts, mood)
        lines(where, "narration", node.narration_variants, facts, mood)
        for index, c in enumerate(node.choices):
            after, now = c.after(facts), clamp_mood(mood + c.mood)
            for k, r in enumerate(c.routes):
                if r.when is None or r.when.holds(after, now):
                    taken.add((where, index, k))
                    break
            nxt = (c.target(after, now), after, now, resolved or "resolve" in c.steps)
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    continuity._unshown(s, shown, taken, met, {st[0] for st in seen},
                        lambda line, message, severity: out.add(message))
    return out


def _proved(s: Scenario) -> list[tuple[int, str, str]]:
    from cscoach.authoring.continuity import prove

    said: list[tuple[int, str, str]] = []
    prove(s, lambda line, message, severity: said.append((line, message, severity)))
    return said


def test_the_continuity_proof_finds_what_walking_every_fact_finds(
        library: Library, tmp_path: Path) -> None:
    base = _base(library, tmp_path, 10)
    told = 0
    for seed in range(120):
        s = _continuity_case(base, seed)
        messages = {m for _, m, sev in _proved(s) if sev == "error"}
        assert {m.split(" (--answers ")[0] for m in messages} == _every_fact(s)
        told += len(messages)
        for m in messages:  # each path shown is one `play` takes to an ending
            if " (--answers " in m:
                answers = m.split(" (--answers ")[1].rstrip(")")
                assert play(s, tuple(int(a) for a in answers.split(","))).ending is not None
    assert told > 200


def test_a_generated_format2_scenario_with_a_dozen_facts_validates(
        cli, tmp_path: Path) -> None:
    from gen_looped import facts_text

    for nodes in (24, 120):
        path = tmp_path / f"facts-{nodes}.yaml"
        path.write_text(facts_text(nodes), encoding="utf-8")
        r = cli("validate", "--no-cache", "-j", "1", str(path))
        assert r.code == 0, r.out + r.err
        assert "0 error(s), 0 warning(s)" in r.out + r.err  # the proof and the bounds meet


def test_the_continuity_proof_past_its_budget_warns_located(
        library: Library, matcher: Matcher, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from gen_looped import facts_text

    from cscoach.authoring import continuity

    monkeypatch.setattr(continuity, "STATE_LIMIT", 500)
    path = tmp_path / "facts-60.yaml"
    path.write_text(facts_text(60), encoding="utf-8")
    s = library.load_scenario_file(path)
    problems = check_scenario(s, library, matcher)
    warned = [p for p in problems if "continuity proof stopped" in p.message]
    assert [p.severity for p in problems] == ["warning"]
    assert warned[0].line == s.key_lines["nodes"]
    assert warned[0].message == ("the continuity proof stopped at 500 states (STATE_LIMIT); "
                                 "the lines of paths past them are not checked")
