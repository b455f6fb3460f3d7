"""A trainee's progress from their attempts. Pure: records in, plain data out.

The skill level of a step is a recency-weighted mean over finished drills: the latest attempt
counts 1, the one before 0.7, then 0.49 ... (so one old failure fades); a step done in order
counts 1, done out of order 0.5, not done 0.

A "don't say" the trainee used is *fixed* only after FIXED_AFTER later drills in which it could
have been said and was not: a drill counts when one of its turns offered a reply that says it
(`offers`, from the scenarios as they are now) or was a typed turn (anything could be typed).
Until then it is *still* in use (used in one of the last RECENT drills) or *unsure* (not used
lately, but not yet given enough chances). Its quote is what the trainee last said with it: the
words typed, or the text of the reply picked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from cscoach.content.model import LANGS, Scenario
from cscoach.history.record import Record
from cscoach.judge.phrases import Matcher

DECAY = 0.7
RECENT = 5  # "still uses" a don't-say: used in one of the last RECENT drills
FIXED_AFTER = 3  # later drills with a chance to say it, none taken, before a don't-say is fixed
SPARKS = "▁▂▃▄▅▆▇█"

# (scenario key, node id, language) -> the don't-say entries some reply there says
Offers = Mapping[tuple[str, str, str], frozenset[str]]


def attempt_key(record: Record) -> str:
    """What groups attempts into one scenario's (the one place to change it)."""
    return str(record["scenario"])


def scenario_key(scenario: Scenario) -> str:
    """The key `attempt_key` gives the attempts of `scenario`."""
    return scenario.id


def offers(scenarios: Sequence[Scenario], matcher: Matcher) -> dict[tuple[str, str, str],
                                                                     frozenset[str]]:
    """Where each don't-say was on offer: a reply at that node says it in that language."""
    out: dict[tuple[str, str, str], frozenset[str]] = {}
    for scenario in scenarios:
        key = scenario_key(scenario)
        for node in scenario.nodes.values():
            for lang in LANGS:
                found = {h.entry_id for c in node.choices for h in matcher.match(c.says(lang))
                         if h.kind == "dont_say"}
                if found:
                    out[(key, node.id, lang)] = frozenset(found)
    return out


def drills(records: Sequence[Record]) -> list[Record]:
    return [r for r in records if r["kind"] == "play" and r["status"] == "completed"]


def step_value(step: dict[str, Any]) -> float:
    if not step["done"]:
        return 0.0
    return 1.0 if step["in_order"] else 0.5


def step_levels(records: Sequence[Record], step_ids: Sequence[str]) -> dict[str, float | None]:
    """Level 0..1 per step (None before any finished drill)."""
    done = drills(records)
    levels: dict[str, float | None] = {}
    for sid in step_ids:
        total = weight_sum = 0.0
        for age, r in enumerate(reversed(done)):
            step = next((s for s in r["steps"] if s["step"] == sid), None)
            if step is None:
                continue
            weight = DECAY ** age
            total += weight * step_value(step)
            weight_sum += weight
        levels[sid] = total / weight_sum if weight_sum else None
    return levels


def _words(choice: Record) -> dict[str, str]:
    """What the trainee said at a turn: the words typed, else the reply's text."""
    if choice.get("typed"):
        return {"ko": choice["typed"], "en": choice["typed"]}
    return {"ko": choice["text"]["ko"], "en": choice["text"]["en"]}


def _chances(record: Record, offered: Offers) -> set[str] | None:
    """The don't-says a drill gave the chance to say (None: any, a turn was typed)."""
    found: set[str] = set()
    for c in record["choices"]:
        if c.get("typed"):
            return None
        found |= offered.get((attempt_key(record), c["node"], record["lang"]), frozenset())
    return found


def dont_say_use(records: Sequence[Record], offered: Offers) -> list[dict[str, Any]]:
    """Every don't-say entry the trainee used: how often, how recently, what they said with it,
    and whether it is still in use, fixed, or not yet given the chances to tell."""
    done = drills(records)
    recent = {r["id"] for r in done[-RECENT:]}
    uses: Counter[str] = Counter()
    recent_uses: Counter[str] = Counter()
    last: dict[str, str] = {}
    words: dict[str, dict[str, str]] = {}
    chances: Counter[str] = Counter()  # drills since the last use that could have had it
    for r in done:
        said = {e for c in r["choices"] for e in c["dont_say"]}
        could = _chances(r, offered)
        for e in uses:
            if e not in said and (could is None or e in could):
                chances[e] += 1
        for c in r["choices"]:
            for entry in c["dont_say"]:
                uses[entry] += 1
                last[entry] = r["finished_at"]
                words[entry] = _words(c)
                chances[entry] = 0
                if r["id"] in recent:
                    recent_uses[entry] += 1
    out = []
    for e, n in uses.items():
        status = ("fixed" if chances[e] >= FIXED_AFTER else
                  "still" if recent_uses[e] else "unsure")
        out.append({"entry": e, "uses": n, "recent_uses": recent_uses[e], "last_used": last[e],
                    "said": words[e], "chances": chances[e], "status": status,
                    "still": status == "still"})
    order = {"still": 0, "unsure": 1, "fixed": 2}
    return sorted(out, key=lambda u: (order[u["status"]], -u["recent_uses"], -u["uses"],
                                      u["entry"]))


def sparkline(scores: Sequence[int]) -> str:
    return "".join(SPARKS[min(len(SPARKS) - 1, max(0, s) * len(SPARKS) // 101)] for s in scores)


def summary(records: Sequence[Record], trainee: str, step_ids: Sequence[str], *,
            offered: Offers) -> dict[str, Any]:
    from cscoach.history.versions import scenario_key, versions

    done = drills(records)
    version = versions(records)
    scenarios: dict[tuple[str, str, int], dict[str, Any]] = {}
    for r in records:
        if r["kind"] != "play":
            continue
        v = version[r["id"]]  # a changed scenario is a row of its own: never merged
        s = scenarios.setdefault((*scenario_key(r), v.number), {
            "scenario": r["scenario"], "pack": scenario_key(r)[0] or None,
            "version": v.number, "versions": v.of, "since": v.since, "title": r["title"],
            "attempts": 0, "abandoned": 0, "scores": [], "passed": 0})
        if r["status"] == "abandoned":
            s["abandoned"] += 1
            continue
        s["attempts"] += 1
        s["scores"].append(r["score"])
        s["passed"] += bool(r["passed"])
        s["last_played"] = r["finished_at"]
    rows = []
    for s in scenarios.values():
        scores = s.pop("scores")
        rows.append({**s, "best": max(scores, default=None),
                     "last": scores[-1] if scores else None,
                     "first": scores[0] if scores else None,
                     "trend": sparkline(scores), "scores": scores})
    quiz = [a for r in records if r["kind"] == "quiz" for a in r["answers"]]
    topics: dict[str, dict[str, int]] = {}
    for a in quiz:
        t = topics.setdefault(a["topic"], {"answered": 0, "right": 0})
        t["answered"] += 1
        t["right"] += bool(a["correct"])
    first = done[0] if done else None
    latest = done[-1] if done else None
    levels = step_levels(records, step_ids)
    return {
        "trainee": trainee,
        "attempts": len(done),
        "abandoned": sum(1 for r in records if r["status"] == "abandoned"),
        "passed": sum(1 for r in done if r["passed"]),
        "quizzes": sum(1 for r in records if r["kind"] == "quiz"),
        "scenarios": sorted(rows, key=lambda s: (s["scenario"], s["pack"] or "",
                                                 s["version"])),
        "steps": [{"step": sid, "level": None if levels[sid] is None
                   else round(100 * levels[sid])} for sid in step_ids],  # type: ignore[operator]
        "dont_say": dont_say_use(records, offered),
        "first": _brief(first), "latest": _brief(latest),
        "change": None if first is None or latest is None else latest["score"] - first["score"],
        "best": max((r["score"] for r in done), default=None),
        "scores": [r["score"] for r in done],
        "trend": sparkline([r["score"] for r in done]),
        "quiz": {"answered": len(quiz), "right": sum(1 for a in quiz if a["correct"]),
                 "topics": topics},
    }


def _brief(r: Record | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"scenario": r["scenario"], "score": r["score"], "passed": r["passed"],
            "at": r["finished_at"]}
