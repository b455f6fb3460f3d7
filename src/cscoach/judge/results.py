"""A debrief as plain data (for --json and exports)."""

from __future__ import annotations

from typing import Any

from cscoach.content.model import Lang, Phrasebook, Scenario
from cscoach.judge.scoring import Debrief, top_changes


def debrief_to_dict(d: Debrief, phrasebook: Phrasebook, lang: Lang) -> dict[str, Any]:
    t = d.transcript
    scenario = t.scenario
    return {
        "scenario": scenario.id,
        "version": scenario.version,
        "title": scenario.title(lang),
        "lang": lang,
        "score": d.score,
        "passed": d.passed,
        "pass_mark": scenario.pass_mark,
        "subtotals": {c: d.subtotal(c) for c in ("steps", "order", "language", "outcome",
                                                 "lessons")},
        "ending": {"id": t.ending.id, "outcome": t.ending.outcome.value,
                   "title": t.ending.title(lang)},
        "final_mood": t.final_mood,
        "answers": t.answers_text(),
        "path": [
            {
                "turn": tr.turn.number,
                "node": tr.turn.node.id,
                "choice": tr.turn.index + 1,
                "text": tr.turn.choice.says(lang),
                "steps": list(tr.turn.choice.steps),
                "mood_before": tr.turn.mood_before,
                "mood_after": tr.turn.mood_after,
                "customer_said": tr.turn.says(lang),
                "facts_after": sorted(tr.turn.facts_after),
                "phrases": [
                    {"id": h.entry_id, "kind": h.kind, "matched": h.phrase,
                     **({"say_instead": phrasebook.get(h.entry_id).say_instead(lang),
                         "why": phrasebook.get(h.entry_id).why_in(scenario.channel)(lang)}
                        if h.kind == "dont_say" else {})}
                    for h in tr.hits
                ],
                "feedback": tr.turn.choice.feedback(lang),
            }
            for tr in d.turns
        ],
        "steps": [
            {"step": r.step.id, "order": r.step.order, "done": r.done, "turns": list(r.turns),
             "in_order": r.in_order, "before": [b.id for b in r.before]}
            for r in d.steps
        ],
        "points": [
            {"category": i.category, "points": i.points, "reason": i.reason(lang),
             "turn": i.turn}
            for i in d.items
        ],
        "lessons": [
            {"id": r.lesson.id, "critical": r.lesson.critical, "result": r.state,
             "turn": r.broken if r.broken is not None else r.met,
             "source": r.lesson.source, "weight": r.lesson.weight,
             "text": r.lesson.text(lang)}
            for r in d.lessons
        ],
        "facts": sorted(t.facts),
        "weak_choices": [
            {"turn": w.turn.number, "node": w.turn.node.id, "chosen": w.turn.index + 1,
             "better": w.better_index + 1,
             "better_text": w.turn.node.choices[w.better_index].says(lang),
             "why": w.turn.node.choices[w.better_index].feedback(lang),
             "best_score_after_chosen": w.best_after_chosen,
             "best_score_after_better": w.best_after_better}
            for w in d.weak
        ],
        # the short debrief's "what to change first", most points first
        "changes": [
            {"turn": c.weak.turn.number, "points_at_stake": c.at_stake,
             "better": c.weak.better_index + 1,
             "say_instead": c.weak.turn.node.choices[c.weak.better_index].says(lang)}
            for c in top_changes(d)
        ],
    }


def scenario_summary(s: Scenario, lang: Lang) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title(lang),
        "persona": s.persona.type(lang),
        "channel": s.channel.value,
        "difficulty": s.difficulty,
        "pass_mark": s.pass_mark,
        "nodes": len(s.nodes),
        "endings": len(s.endings),
        "sources": list(s.sources),
        "file": s.path,
    }
