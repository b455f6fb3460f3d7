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
    Place = tuple[str, str, str, int]  # scenario, node, pack, version
    visits: Counter[Place] = Counter()
    traps: Counter[Place] = Counter()
    trainees: dict[Place, set[str]] = defaultdict(set)
    trapped: dict[Place, set[str]] = defaultdict(set)
    picks: dict[Place, Counter[int]] = defaultdict(Counter)
    texts: dict[tuple[Place, int], dict[str, Any]] = {}
    from cscoach.history.versions import versions

    version = versions(records)
    for r in records:
        if r["kind"] != "play":
            continue
        for c in r["choices"]:  # a node of another version or pack is another place
            key = (r["scenario"], c["node"], r.get("pack") or "", version[r["id"]].number)
            visits[key] += 1
            trainees[key].add(r["trainee"])
            if c["dont_say"] or c["weak"]:
                traps[key] += 1
                trapped[key].add(r["trainee"])
                picks[key][c["choice"]] += 1
                texts[(key, c["choice"])] = {"text": c["text"], "dont_say": c["dont_say"]}
    rows = []
    for key, n in traps.items():
        choice, times = sorted(picks[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        rows.append({
            "scenario": key[0], "node": key[1], "pack": key[2] or None, "version": key[3],
            "visits": visits[key], "traps": n,
            "trap_rate": _pct(n, visits[key]), "trainees": len(trainees[key]),
            "trainees_trapped": len(trapped[key]), "top_trap": choice, "top_trap_picks": times,
            "top_trap_text": texts[(key, choice)]["text"],
            "dont_say": texts[(key, choice)]["dont_say"],
        })
    rows.sort(key=lambda r: (-r["trap_rate"], -r["traps"], r["scenario"], r["node"],
                             r["pack"] or "", r["version"]))
    return rows[:top]


def scenario_table(records: Sequence[Record]) -> list[dict[str, Any]]:
    """One row per scenario and version (a changed scenario is never merged with its old
    attempts; see history/versions.py)."""
    from cscoach.history.versions import scenario_key, versions

    version = versions(records)
    groups: dict[tuple[str, str, int], list[Record]] = defaultdict(list)
    for r in records:
        if r["kind"] == "play":
            groups[(*scenario_key(r), version[r["id"]].number)].append(r)
    rows = []
    for key in sorted(groups, key=lambda k: (k[1], k[0], k[2])):
        mine = groups[key]
        done = [r for r in mine if r["status"] == "completed"]
        scores = [r["score"] for r in done]
        v = version[mine[0]["id"]]
        rows.append({
            "scenario": key[1], "pack": key[0] or None, "version": v.number,
            "versions": v.of, "since": v.since, "title": mine[-1]["title"],
            "attempts": len(done),
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
