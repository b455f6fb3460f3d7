"""Can a trainee score without reading? The library's figures for the rewrite issue's targets.

    python benchmarks/pedagogy.py [--json]

For every scenario of the library: its decision points (nodes reached; a compose turn's parts),
at how many the best reply is the longest (Korean characters without spaces; English words),
and the scores of bots that never read: the longest reply every time, and the reply with the
most politeness markers, in each language. Targets: best is the longest at no more than 40% of
decision points across the library, and each bot fails at least 15 of 16 scenarios.
A figure, not a test: run it after changing content.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cscoach.authoring.pedagogy import (  # noqa: E402
    bot_answers,
    decision_points,
    length,
    pick_longest,
    pick_politest,
)
from cscoach.content.library import load_library  # noqa: E402
from cscoach.content.model import LANGS  # noqa: E402
from cscoach.drill.engine import AnswerError, play  # noqa: E402
from cscoach.judge.analysis import Analyser  # noqa: E402
from cscoach.judge.phrases import Matcher  # noqa: E402
from cscoach.judge.scoring import debrief  # noqa: E402

BOTS = {"longest": pick_longest, "politest": pick_politest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    library = load_library(ROOT)
    matcher = Matcher(library.phrasebook)
    rows = []
    for s in library.all_scenarios():
        sid = s.id
        analyser = Analyser(s, library.steps, matcher)
        points = decision_points(s, analyser)
        row: dict[str, Any] = {"id": sid, "format": s.format_version, "points": len(points),
                                  "pass_mark": s.pass_mark}
        for lang in LANGS:
            row[f"best_longest_{lang}"] = sum(p.best_is_longest(lang) for p in points)
            best_len = [length(p.replies[min(p.best)].says(lang), lang) for p in points]
            other = [length(c.says(lang), lang) for p in points
                     for i, c in enumerate(p.replies) if i not in p.best]
            row[f"median_best_{lang}"] = statistics.median(best_len) if best_len else 0
            row[f"median_other_{lang}"] = statistics.median(other) if other else 0
            for name, picker in BOTS.items():
                answers = bot_answers(s, picker, lang)
                try:
                    t = play(s, answers)
                except AnswerError:  # it went round a loop until the turn limit: it failed
                    row[f"bot_{name}_{lang}"] = 0
                    continue
                d = debrief(t, library.steps, matcher, prefer=lang)
                row[f"bot_{name}_{lang}"] = d.score
        rows.append(row)
    total = sum(r["points"] for r in rows)
    summary: dict[str, Any] = {"scenarios": len(rows), "decision_points": total}
    for lang in LANGS:
        longest = sum(r[f"best_longest_{lang}"] for r in rows)
        share = 100 * longest / max(1, total)
        summary[f"best_longest_{lang}"] = f"{longest}/{total} ({share:.0f}%)"
        for name in BOTS:
            fails = sum(1 for r in rows if r[f"bot_{name}_{lang}"] < r["pass_mark"])
            summary[f"bot_{name}_{lang}_fails"] = f"{fails}/{len(rows)}"
    if args.json:
        print(json.dumps({"scenarios": rows, "summary": summary}, ensure_ascii=False, indent=1))
        return
    head = (f"{'scenario':26} {'fmt':>3} {'pts':>3}  {'longest=best ko/en':>18}  "
            f"{'median best/other ko':>20}  {'bots ko long/polite':>19}  {'en long/polite':>14}")
    print(head)
    for r in rows:
        print(f"{r['id']:26} {r['format']:>3} {r['points']:>3}  "
              f"{str(r['best_longest_ko']) + '/' + str(r['best_longest_en']):>18}  "
              f"{str(r['median_best_ko']) + '/' + str(r['median_other_ko']):>20}  "
              f"{str(r['bot_longest_ko']) + '/' + str(r['bot_politest_ko']):>19}  "
              f"{str(r['bot_longest_en']) + '/' + str(r['bot_politest_en']):>14}")
    print()
    for key, value in summary.items():
        print(f"{key:28} {value}")
    print("targets: best is the longest at <= 40% of decision points; each bot fails >= 15 of 16")


if __name__ == "__main__":
    main()
