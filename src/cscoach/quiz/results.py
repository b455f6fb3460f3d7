"""A quiz's results as JSON (for --json) and as files (--out results.csv|.xlsx|.json).

The files follow the rules of every table cscoach writes (see `content.tables`): CSV with a
UTF-8 byte order mark and CRLF, one table per file (`results.csv`: one row per answer;
`results-teams.csv` beside it: one row per team), an XLSX workbook with a sheet each; the
question and the answer in the language played and in both languages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from cscoach.content.model import Lang
from cscoach.content.tables import Column, Row, Sheet
from cscoach.content.writing import write_atomic
from cscoach.errors import UsageError
from cscoach.quiz.play import Asked, Game

OUT_SUFFIXES = (".csv", ".xlsx", ".json")
COLUMNS = ["team", "question", "number", "topic", "source", "answer", "answer_text", "correct",
           "timed_out", "seconds", "points", "streak"]


def check_out(path: Path) -> None:
    """Refuse a results file we could not write, before the quiz starts."""
    if path.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(f"{path}: --out must end in .csv, .xlsx or .json")
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


RESPONSES = Sheet("responses", (
    Column("team"), Column("question"), Column("number", "int"), Column("topic"),
    Column("source"), Column("prompt", width=50), Column("prompt_ko", width=50),
    Column("prompt_en", width=50), Column("answer"), Column("answer_text", width=40),
    Column("answer_text_ko", width=40), Column("answer_text_en", width=40),
    Column("correct", "bool"), Column("timed_out", "bool"), Column("seconds", "number"),
    Column("points", "int"), Column("streak", "int")))
TEAMS = Sheet("teams", (Column("rank", "int"), Column("team"), Column("points", "int"),
                        Column("correct", "int"), Column("finished", "bool")))


def table_rows(game: Game, asked: list[Asked], lang: Lang, finished: bool
               ) -> Iterator[tuple[str, Row]]:
    for r in game.responses:
        q = r.asked.question
        yield "responses", [
            r.team, q.id, r.asked.number, q.topic, q.source, q.prompt(lang), q.prompt.ko,
            q.prompt.en, r.asked.code(r.answer), r.asked.describe(r.answer, lang),
            r.asked.describe(r.answer, "ko"), r.asked.describe(r.answer, "en"), r.correct,
            r.answer is None, r.seconds, r.points, r.streak]
    for rank, s in game.ranking():
        yield "teams", [rank, s.team, s.points, s.correct, finished]


def write(path: Path, game: Game, asked: list[Asked], lang: Lang, finished: bool) -> None:
    """Atomically: a reader never sees half a file, and an old file is only replaced whole."""
    from cscoach.content import tables

    suffix = path.suffix.lower()
    if suffix == ".json":
        write_atomic(path, json.dumps(summary(game, asked, lang, finished), ensure_ascii=False,
                                      indent=2) + "\n")
    elif suffix == ".xlsx":
        tables.write_xlsx(path, (RESPONSES, TEAMS), table_rows(game, asked, lang, finished))
    else:  # the answers in the file named, the teams beside it
        paths = {"responses": path,
                 "teams": path.with_name(f"{path.stem}-teams{path.suffix}")}
        tables.write_csv(paths, (RESPONSES, TEAMS), table_rows(game, asked, lang, finished),
                         excel=True)
