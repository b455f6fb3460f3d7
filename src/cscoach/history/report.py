"""A trainer's report over many trainees' attempts. Pure: records in, three tables out.

- steps: per trainee, the level of each of the seven steps (as in `cscoach progress`), with
  finished drills, mean score and pass rate;
- hardest: the decision points where the most visits ended in a trap (a reply with a "don't
  say", or one the debrief flagged as weak), with the trap picked most;
- scenarios: attempts, trainees, pass rate, mean and best score per scenario.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from cscoach.history.progress import drills, step_levels
from cscoach.history.record import Record


def _pct(part: float, whole: float) -> int | None:
    return round(100 * part / whole) if whole else None


def step_table(records: Sequence[Record], step_ids: Sequence[str]) -> list[dict[str, Any]]:
    by_trainee: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_trainee[r["trainee"]].append(r)
    rows = []
    for trainee in sorted(by_trainee):
        mine = by_trainee[trainee]
        done = drills(mine)
        levels = step_levels(mine, step_ids)
        rows.append({
            "trainee": trainee, "drills": len(done),
            "mean_score": round(sum(r["score"] for r in done) / len(done)) if done else None,
            "pass_rate": _pct(sum(1 for r in done if r["passed"]), len(done)),
            **{sid: None if levels[sid] is None else round(100 * levels[sid])  # type: ignore
               for sid in step_ids},
        })
    return rows


def hardest(records: Sequence[Record], top: int = 10) -> list[dict[str, Any]]:
    visits: Counter[tuple[str, str]] = Counter()
    traps: Counter[tuple[str, str]] = Counter()
    trainees: dict[tuple[str, str], set[str]] = defaultdict(set)
    trapped: dict[tuple[str, str], set[str]] = defaultdict(set)
    picks: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    texts: dict[tuple[str, str, int], dict[str, Any]] = {}
    for r in records:
        if r["kind"] != "play":
            continue
        for c in r["choices"]:
            key = (r["scenario"], c["node"])
            visits[key] += 1
            trainees[key].add(r["trainee"])
            if c["dont_say"] or c["weak"]:
                traps[key] += 1
                trapped[key].add(r["trainee"])
                picks[key][c["choice"]] += 1
                texts[(*key, c["choice"])] = {"text": c["text"], "dont_say": c["dont_say"]}
    rows = []
    for key, n in traps.items():
        choice, times = sorted(picks[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        rows.append({
            "scenario": key[0], "node": key[1], "visits": visits[key], "traps": n,
            "trap_rate": _pct(n, visits[key]), "trainees": len(trainees[key]),
            "trainees_trapped": len(trapped[key]), "top_trap": choice, "top_trap_picks": times,
            "top_trap_text": texts[(*key, choice)]["text"],
            "dont_say": texts[(*key, choice)]["dont_say"],
        })
    rows.sort(key=lambda r: (-r["trap_rate"], -r["traps"], r["scenario"], r["node"]))
    return rows[:top]


def scenario_table(records: Sequence[Record]) -> list[dict[str, Any]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        if r["kind"] == "play":
            groups[r["scenario"]].append(r)
    rows = []
    for sid in sorted(groups):
        mine = groups[sid]
        done = [r for r in mine if r["status"] == "completed"]
        scores = [r["score"] for r in done]
        rows.append({
            "scenario": sid, "title": mine[-1]["title"], "attempts": len(done),
            "abandoned": len(mine) - len(done),
            "trainees": len({r["trainee"] for r in done}),
            "passed": sum(1 for r in done if r["passed"]),
            "pass_rate": _pct(sum(1 for r in done if r["passed"]), len(done)),
            "mean_score": round(sum(scores) / len(scores)) if scores else None,
            "best_score": max(scores, default=None),
        })
    return rows


def report(records: Sequence[Record], step_ids: Sequence[str], top: int = 10) -> dict[str, Any]:
    return {
        "trainees": sorted({r["trainee"] for r in records}),
        "attempts": len(records),
        "steps": step_table(records, step_ids),
        "hardest": hardest(records, top),
        "scenarios": scenario_table(records),
    }
