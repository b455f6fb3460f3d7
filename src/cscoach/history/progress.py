"""A trainee's progress from their attempts. Pure: records in, plain data out.

The skill level of a step is a recency-weighted mean over finished drills: the latest attempt
counts 1, the one before 0.7, then 0.49 ... (so one old failure fades); a step done in order
counts 1, done out of order 0.5, not done 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from cscoach.history.record import Record

DECAY = 0.7
RECENT = 5  # "still uses" a don't-say: used in one of the last RECENT drills
SPARKS = "▁▂▃▄▅▆▇█"


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


def dont_say_use(records: Sequence[Record]) -> list[dict[str, Any]]:
    """Every don't-say entry the trainee used: how often, how recently, and whether still."""
    done = drills(records)
    recent = {r["id"] for r in done[-RECENT:]}
    uses: Counter[str] = Counter()
    recent_uses: Counter[str] = Counter()
    last: dict[str, str] = {}
    for r in done:
        for c in r["choices"]:
            for entry in c["dont_say"]:
                uses[entry] += 1
                last[entry] = r["finished_at"]
                if r["id"] in recent:
                    recent_uses[entry] += 1
    return [{"entry": e, "uses": n, "recent_uses": recent_uses[e], "last_used": last[e],
             "still": recent_uses[e] > 0}
            for e, n in sorted(uses.items(), key=lambda kv: (-recent_uses[kv[0]], -kv[1], kv[0]))]


def sparkline(scores: Sequence[int]) -> str:
    return "".join(SPARKS[min(len(SPARKS) - 1, max(0, s) * len(SPARKS) // 101)] for s in scores)


def summary(records: Sequence[Record], trainee: str, step_ids: Sequence[str]) -> dict[str, Any]:
    done = drills(records)
    scenarios: dict[str, dict[str, Any]] = {}
    for r in records:
        if r["kind"] != "play":
            continue
        s = scenarios.setdefault(r["scenario"], {
            "scenario": r["scenario"], "title": r["title"], "attempts": 0, "abandoned": 0,
            "scores": [], "passed": 0})
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
        "scenarios": sorted(rows, key=lambda s: s["scenario"]),
        "steps": [{"step": sid, "level": None if levels[sid] is None
                   else round(100 * levels[sid])} for sid in step_ids],  # type: ignore[operator]
        "dont_say": dont_say_use(records),
        "first": _brief(first), "latest": _brief(latest),
        "change": None if first is None or latest is None else latest["score"] - first["score"],
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
