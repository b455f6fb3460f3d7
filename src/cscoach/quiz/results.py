"""A quiz's results as JSON (for --json) and as files (--out results.csv|.xlsx|.json).

The files follow the rules of every table cscoach writes (see `content.tables`): CSV with a
UTF-8 byte order mark and CRLF, one table per file (`results.csv`: one row per answer;
`results-teams.csv` beside it: one row per team), an XLSX workbook with a sheet each; the
question and the answer in the language played and in both languages.

A live game (`quiz host`) seats each player as one of the game's "teams"; its files say so:
`player` and `team` (the live team, empty without `--teams`) on every answer, a `players`
table (`results-players.csv`) for the ranking, and `teams` for the team totals."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
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


Live = Mapping[str, "str | None"]  # a live game's players: name -> team (None: no teams)


def rows(game: Game, lang: Lang, live: Live | None = None) -> list[dict[str, object]]:
    return [{
        **({"team": r.team} if live is None else {"player": r.team, "team": live.get(r.team)}),
        "question": r.asked.question.id, "number": r.asked.number,
        "topic": r.asked.question.topic, "source": r.asked.question.source,
        "answer": r.asked.code(r.answer), "answer_text": r.asked.describe(r.answer, lang),
        "correct": r.correct, "timed_out": r.answer is None, "seconds": r.seconds,
        "points": r.points, "streak": r.streak,
    } for r in game.responses]


def summary(game: Game, asked: list[Asked], lang: Lang, finished: bool,
            live: Live | None = None) -> dict[str, object]:
    if live is not None:  # the ranking is the players' (the team totals are the room's)
        return {**summary(game, asked, lang, finished), "teams": [],
                "players": [{"rank": rank, "player": s.team, "team": live.get(s.team),
                             "points": s.points, "correct": s.correct}
                            for rank, s in game.ranking()],
                "responses": rows(game, lang, live)}
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
LIVE_RESPONSES = Sheet("responses", (Column("player"), *RESPONSES.columns))
LIVE_PLAYERS = Sheet("players", (Column("rank", "int"), Column("player"), Column("team"),
                                 Column("points", "int"), Column("correct", "int"),
                                 Column("finished", "bool")))
LIVE_TEAMS = Sheet("teams", (Column("rank", "int"), Column("team"), Column("points", "int"),
                             Column("players", "int")))


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


def live_rows(game: Game, asked: list[Asked], lang: Lang, finished: bool, live: Live,
              totals: list[tuple[int, str, int, int]]) -> Iterator[tuple[str, Row]]:
    """A live game's tables: each answer with its player and team, the players' ranking,
    the team totals (`Room.team_totals`)."""
    for sheet, row in table_rows(game, asked, lang, finished):
        if sheet == "responses":
            yield sheet, [row[0], live.get(str(row[0])), *row[1:]]
        else:
            yield "players", [row[0], row[1], live.get(str(row[1])), *row[2:]]
    for rank, team, points, players in totals:
        yield "teams", [rank, team, points, players]


def write(path: Path, game: Game, asked: list[Asked], lang: Lang, finished: bool,
          live: Live | None = None, totals: list[tuple[int, str, int, int]] | None = None,
          extra: Mapping[str, object] | None = None) -> None:
    """Atomically: a reader never sees half a file, and an old file is only replaced whole.
    `live` (players' teams), `totals` (team totals) and `extra` (more JSON) for a live game."""
    from cscoach.content import tables

    suffix = path.suffix.lower()
    sheets = (RESPONSES, TEAMS) if live is None else (LIVE_RESPONSES, LIVE_PLAYERS, LIVE_TEAMS)
    rows_of = (table_rows(game, asked, lang, finished) if live is None
               else live_rows(game, asked, lang, finished, live, totals or []))
    if suffix == ".json":
        data = {**summary(game, asked, lang, finished, live), **(extra or {})}
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif suffix == ".xlsx":
        tables.write_xlsx(path, sheets, rows_of)
    else:  # the answers in the file named, the other tables beside it
        paths = {"responses": path,
                 **{s.name: path.with_name(f"{path.stem}-{s.name}{path.suffix}")
                    for s in sheets[1:]}}
        tables.write_csv(paths, sheets, rows_of, excel=True)
