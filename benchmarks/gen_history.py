"""Write a generated history: ATTEMPTS attempts by TRAINEES trainees into DIR/history.db.

Every attempt is made by cscoach's own recording code. A drill is played by the runner along
one of its scenario's paths, a DrillTracker hearing each turn and the debrief scoring it; each
distinct path is played once and the turns and debrief it gave are told again to a fresh
tracker per attempt (what the runner tells its observers), so 40,000 attempts take a minute,
not an hour. About one drill in twelve is stopped half-way (`DrillTracker.abandoned`), and one
attempt in ten is a solo quiz (`quiz_records`). The store writes them BATCH attempts to a
transaction (`Store.add_all`). The same arguments give the same history (seeded; the attempts
span a quarter from 2026-01-05).

Run: .venv/bin/python benchmarks/gen_history.py 20000 200 /tmp/history-20k
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cscoach.content.library import load_library
from cscoach.drill.answers import Scripted
from cscoach.drill.engine import (
    AnswerError,
    Transcript,
    Turn,
    answers_text,
    enumerate_paths,
    parse_answers,
)
from cscoach.drill.runner import run
from cscoach.history.record import DrillTracker, quiz_records
from cscoach.history.store import Store
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import Debrief, debrief
from cscoach.quiz.generate import all_questions
from cscoach.quiz.play import Game, choose

BATCH = 500
PATHS = 24  # distinct paths played per scenario
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
QUARTER = timedelta(days=91)


class _Heard:
    """An observer that keeps what the runner told it."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self.end: tuple[Transcript, Debrief] | None = None

    def heard(self, turn: Turn) -> None:
        self.turns.append(turn)

    def finished(self, transcript: Transcript, result: Debrief) -> None:
        self.end = (transcript, result)

    def abandoned(self) -> None:
        pass


def records(attempts: int, trainees: int, seed: int = 22) -> Iterator[dict[str, Any]]:
    library = load_library()
    matcher = Matcher(library.phrasebook)
    rng = random.Random(seed)
    played: list[tuple[Any, _Heard]] = []
    for story in library.all_scenarios():
        paths = enumerate_paths(story).paths
        for path in rng.sample(paths, min(PATHS, len(paths))):
            heard = _Heard()
            replies = Scripted(parse_answers(answers_text(story, path)))
            try:
                run(story, replies, lambda t: debrief(t, library.steps, matcher), [heard])
            except AnswerError:  # a path the answers cannot script: not played
                continue
            played.append((story, heard))
    questions = all_questions(library)
    quizzes = [choose(questions, 5, (), n) for n in range(8)]
    names = [f"trainee-{n:04d}" for n in range(trainees)]
    step = QUARTER / max(1, attempts)
    for n in range(attempts):
        trainee = names[n % trainees] if n < trainees else rng.choice(names)
        lang = "ko" if rng.random() < 0.7 else "en"
        began = START + step * n
        moments = iter(began + timedelta(seconds=20 * k) for k in range(1000))
        if rng.random() < 0.1:
            asked = quizzes[rng.randrange(len(quizzes))]
            game = Game(["solo"])
            for a in asked:
                game.record("solo", a, rng.randrange(2), round(rng.uniform(2, 20), 2))
            yield from quiz_records(game, asked, trainee, lang, began,
                                    began + timedelta(minutes=2), True)
            continue
        story, heard = played[rng.randrange(len(played))]
        kept: list[dict[str, Any]] = []
        tracker = DrillTracker(story, trainee, lang, matcher, kept.append,
                               lambda moments=moments: next(moments))
        tracker.id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if rng.random() < 0.08 and len(heard.turns) > 1:
            for turn in heard.turns[:rng.randrange(1, len(heard.turns))]:
                tracker.heard(turn)
            tracker.abandoned()
        else:
            for turn in heard.turns:
                tracker.heard(turn)
            assert heard.end is not None
            tracker.finished(*heard.end)
        yield from kept


def write(attempts: int, trainees: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "history.db"
    if path.exists():
        raise SystemExit(f"{path}: exists already; give an empty folder")
    batch: list[dict[str, Any]] = []
    with Store(path) as store:
        for record in records(attempts, trainees):
            batch.append(record)
            if len(batch) == BATCH:
                store.add_all(batch)
                batch.clear()
        store.add_all(batch)
    return path


def main() -> None:
    if len(sys.argv) != 4:
        raise SystemExit("usage: gen_history.py ATTEMPTS TRAINEES DIR")
    attempts, trainees, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    began = time.perf_counter()
    path = write(attempts, trainees, folder)
    took = time.perf_counter() - began
    size = path.stat().st_size
    print(f"{path}: {attempts:,} attempts by {trainees:,} trainees in {took:.1f} s, "
          f"{size / 2**20:.1f} MiB ({size / max(1, attempts) / 1024:.1f} KiB an attempt)")


if __name__ == "__main__":
    main()
