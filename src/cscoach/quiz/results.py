"""A quiz's results as JSON (for --json) and as files (--out results.csv|results.json)."""

from __future__ import annotations

import json
from pathlib import Path

from cscoach.content.model import Lang
from cscoach.content.writing import csv_text, write_atomic
from cscoach.errors import UsageError
from cscoach.quiz.play import Asked, Game

OUT_SUFFIXES = (".csv", ".json")
COLUMNS = ["team", "question", "number", "topic", "source", "answer", "answer_text", "correct",
           "timed_out", "seconds", "points", "streak"]


def check_out(path: Path) -> None:
    """Refuse a results file we could not write, before the quiz starts."""
    if path.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(f"{path}: --out must end in .csv or .json")
    if not path.parent.is_dir():
        raise UsageError(f"{path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name")


def rows(game: Game, lang: Lang) -> list[dict[str, object]]:
    return [{
        "team": r.team, "question": r.asked.question.id, "number": r.asked.number,
        "topic": r.asked.question.topic, "source": r.asked.question.source,
        "answer": r.asked.code(r.answer), "answer_text": r.asked.describe(r.answer, lang),
        "correct": r.correct, "timed_out": r.answer is None, "seconds": r.seconds,
        "points": r.points, "streak": r.streak,
    } for r in game.responses]


def summary(game: Game, asked: list[Asked], lang: Lang, finished: bool) -> dict[str, object]:
    return {
        "finished": finished,
        "questions": [{"number": a.number, "id": a.question.id, "topic": a.question.topic,
                       "type": a.question.type.value, "source": a.question.source,
                       "prompt": a.question.prompt(lang),
                       "options": [t(lang) for t in a.shown()],
                       "right_answer": a.right_answer(lang)} for a in asked],
        "teams": [{"rank": rank, "team": s.team, "points": s.points, "correct": s.correct}
                  for rank, s in game.ranking()],
        "responses": rows(game, lang),
    }


def write(path: Path, game: Game, asked: list[Asked], lang: Lang, finished: bool) -> None:
    """Atomically: a reader never sees half a file, and an old file is only replaced whole."""
    if path.suffix.lower() == ".json":
        write_atomic(path, json.dumps(summary(game, asked, lang, finished), ensure_ascii=False,
                                      indent=2) + "\n")
    else:  # a BOM in the CSV so that spreadsheet programs read the Korean right
        text = csv_text(COLUMNS, [[row[c] for c in COLUMNS] for row in rows(game, lang)])
        write_atomic(path, text, encoding="utf-8-sig")
