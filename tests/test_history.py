"""The history core: the store, records, progress, the drill planner, the report and xAPI."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cscoach.content.library import Library
from cscoach.drill.answers import Scripted
from cscoach.drill.engine import answers_text, parse_answers, play
from cscoach.drill.runner import run
from cscoach.history import store as store_mod
from cscoach.history.drill import plan, rating
from cscoach.history.formats import report_markdown, report_tables
from cscoach.history.progress import offers, sparkline, step_levels, summary
from cscoach.history.record import DrillTracker, quiz_records
from cscoach.history.report import report
from cscoach.history.service import export_document, load_records
from cscoach.history.store import APPLICATION_ID, LATEST, HistoryError, Store
from cscoach.history.tables import export_rows, report_rows, report_sheets
from cscoach.history.xapi import statement_id, statements
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import debrief, path_scores
from cscoach.quiz.generate import all_questions
from cscoach.quiz.play import Game, choose

BEST = "1,1,1,1,1,1,1"  # angry-shopper's and pr-no-show's best path


def best_answers(scenario, library, matcher) -> str:
    """The top-scoring answers of any scenario, found by walking every path."""
    scores = path_scores(scenario, library.steps, matcher)
    return answers_text(scenario, max(scores, key=lambda a: (scores[a], [-x for x in a])))
WORST = {"angry-shopper": "2,3,1,1,2,3", "pr-no-show": "2,2,1,2,3"}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BASE, HOME = "https://lrs.example/xapi", "https://example.org/people"


def drill(library: Library, matcher: Matcher, scenario: str, answers: str,
          trainee: str = "mina", when: datetime = T0) -> dict:
    """The record of a drill played from `answers` as `play --answers` plays it, begun and every
    reply at `when`, finished three minutes later."""
    story = library.scenario(scenario)
    replies = parse_answers(answers)
    moments = iter([when] * (1 + len(replies)) + [when + timedelta(minutes=3)])
    kept: list[dict] = []
    tracker = DrillTracker(story, trainee, "en", matcher, kept.append, lambda: next(moments))
    run(story, Scripted(replies), lambda t: debrief(t, library.steps, matcher), [tracker])
    (record,) = kept
    return record


# -- the store ------------------------------------------------------------------------------

def test_attempt_round_trips_through_the_store(tmp_path: Path, library, matcher) -> None:
    record = drill(library, matcher, "angry-shopper", WORST["angry-shopper"])
    with Store(tmp_path / "h.db") as store:
        store.add(record)
        assert store.attempts("mina") == [record]
        assert store.attempts("someone-else") == []
        assert store.version == LATEST
        mode = store.db.execute("PRAGMA journal_mode").fetchone()[0]
        app = store.db.execute("PRAGMA application_id").fetchone()[0]
    assert (mode, app) == ("wal", APPLICATION_ID)
    # what a record keeps: every choice with its steps and phrase hits, score and reasons
    assert record["status"] == "completed" and record["passed"] is False
    assert [c["choice"] for c in record["choices"]] == [2, 3, 1, 1, 2, 3]
    assert any(c["dont_say"] for c in record["choices"])
    assert record["score"] == max(0, min(100, sum(p["points"] for p in record["points"])))
    assert all({"ko", "en"} <= set(p["reason"]) for p in record["points"])
    assert len(record["steps"]) == 7 and record["scenario_version"] >= 1


def test_an_attempt_is_all_or_nothing(tmp_path: Path, library, matcher) -> None:
    record = drill(library, matcher, "angry-shopper", BEST)
    broken = {**record, "choices": record["choices"] + [{**record["choices"][0]}]}  # turn twice
    with Store(tmp_path / "h.db") as store:
        with pytest.raises(HistoryError, match="not recorded"):
            store.add(broken)
        assert store.attempts() == []
        assert store.db.execute("SELECT count(*) FROM choices").fetchone()[0] == 0


def test_a_v1_database_is_migrated_and_keeps_its_attempts(tmp_path: Path, library,
                                                         matcher) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(store_mod.MIGRATIONS[0])
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    record = drill(library, matcher, "pr-no-show", BEST)
    db.execute("ALTER TABLE choices ADD COLUMN typed TEXT")  # _insert writes today's columns
    db.execute("ALTER TABLE attempts ADD COLUMN pack TEXT")
    db.execute("ALTER TABLE attempts ADD COLUMN content_hash TEXT")
    store_mod._insert(db, record)
    db.execute("ALTER TABLE choices DROP COLUMN typed")  # ... and a v1 history has no such one
    db.execute("ALTER TABLE attempts DROP COLUMN pack")
    db.execute("ALTER TABLE attempts DROP COLUMN content_hash")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.version == LATEST == 5
        # kept before content hashes were: the shipped library's, version unknown
        assert store.attempts() == [{**record, "pack": "", "content_hash": None}]
        assert store.pending("http://lrs") == []  # the outbox table came with migration 2


@pytest.mark.parametrize("content, message", [
    (b"this is a text file, not a database\n" * 10, "not SQLite"),
    (b"SQLite format 3\x00" + b"\xff" * 4000, "cannot use the history database"),
])
def test_a_corrupt_file_is_refused_and_left_untouched(tmp_path: Path, content: bytes,
                                                     message: str) -> None:
    path = tmp_path / "history.db"
    path.write_bytes(content)
    with pytest.raises(HistoryError, match=message):
        Store(path)
    assert path.read_bytes() == content
    assert not Path(f"{path}-wal").exists()


def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="another program"):
        Store(path)
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {LATEST + 1}")
    db.commit()
    db.close()
    with pytest.raises(HistoryError, match="newer cscoach"):
        Store(path)


def test_a_folder_where_the_database_belongs(tmp_path: Path) -> None:
    (tmp_path / "history.db").mkdir()
    with pytest.raises(HistoryError, match="is a folder"):
        Store(tmp_path / "history.db")


def _record_many(path: str, worker: int, count: int) -> None:
    from cscoach.content.library import load_library

    library = load_library()
    matcher = Matcher(library.phrasebook)
    with Store(Path(path)) as store:
        for n in range(count):
            store.add(drill(library, matcher, "angry-shopper", BEST, f"t{worker}",
                            T0 + timedelta(seconds=n)))


def test_drills_finishing_at_once_in_several_terminals_all_land(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "history.db"  # not there yet: they also race to create it
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_record_many, args=(str(path), w, 15)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    with Store(path) as store:
        records = store.attempts()
        assert len(records) == 60
        assert {r["trainee"] for r in records} == {"t0", "t1", "t2", "t3"}
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- records -------------------------------------------------------------------------------

def test_an_abandoned_drill_keeps_the_choices_made(library, matcher) -> None:
    story = library.scenario("angry-shopper")
    transcript = play(story, [1, 1, 1, 1, 1, 1, 1])
    moments = iter(T0 + timedelta(seconds=10 * n) for n in range(3))
    kept: list[dict] = []
    tracker = DrillTracker(story, "mina", "ko", matcher, kept.append, lambda: next(moments))
    for turn in transcript.turns[:2]:
        tracker.heard(turn)
    tracker.abandoned()
    (record,) = kept
    assert record["status"] == "abandoned" and record["score"] is None
    assert [c["turn"] for c in record["choices"]] == [1, 2]
    assert record["finished_at"] == "2026-03-02T09:00:20.000Z"


def test_quiz_records_one_per_team(library) -> None:
    asked = choose(all_questions(library), 3, (), 7)
    game = Game(["Red", "Blue"])
    for a in asked:
        game.record("Red", a, 0, 1.0)
        game.record("Blue", a, 1, 1.0)
    records = quiz_records(game, asked, "host", "en", T0, T0, True)
    assert [r["trainee"] for r in records] == ["Red", "Blue"]
    assert all(len(r["answers"]) == 3 and r["kind"] == "quiz" for r in records)
    right = [sum(a["correct"] for a in r["answers"]) for r in records]
    assert [r["score"] for r in records] == [round(100 * n / 3) for n in right]
    solo = Game(["solo"])
    solo.record("solo", asked[0], 0, 1.0)
    (one,) = quiz_records(solo, asked, "mina", "en", T0, T0, False)
    assert one["trainee"] == "mina" and one["status"] == "abandoned" and one["score"] is None


# -- progress ---------------------------------------------------------------------------------

def test_progress_weights_recent_attempts(library, matcher) -> None:
    ids = library.steps.ids()
    worst = drill(library, matcher, "angry-shopper", WORST["angry-shopper"], when=T0)
    best = drill(library, matcher, "angry-shopper", BEST, when=T0 + timedelta(days=1))
    old_first = step_levels([best, worst], ids)
    new_first = step_levels([worst, best], ids)
    weak = [s for s in ids if not next(x for x in worst["steps"] if x["step"] == s)["done"]]
    assert weak, "the worst path should miss a step"
    for s in weak:  # the same two attempts: the later one counts more
        assert new_first[s] == pytest.approx(1 / 1.7)
        assert old_first[s] == pytest.approx(0.7 / 1.7)
    data = summary([worst, best], "mina", ids,
                   offered=offers(library.all_scenarios(), matcher))
    assert data["first"]["score"] == worst["score"] and data["latest"]["score"] == 100
    assert data["change"] == 100 - worst["score"]
    (row,) = data["scenarios"]
    assert (row["attempts"], row["best"], row["last"], row["first"]) == (
        2, 100, 100, worst["score"])
    assert data["dont_say"] and all(u["still"] for u in data["dont_say"])


def test_a_dont_say_is_fixed_after_three_clean_drills_that_offered_it(library, matcher) -> None:
    records = [drill(library, matcher, "angry-shopper", WORST["angry-shopper"], when=T0)]
    records += [drill(library, matcher, "angry-shopper", BEST, when=T0 + timedelta(days=d))
                for d in range(1, 4)]
    offered = offers(library.all_scenarios(), matcher)
    uses = {u["entry"]: u for u in summary(records, "mina", library.steps.ids(),
                                            offered=offered)["dont_say"]}
    # the best path passes 'counter' and 'test-run', where three of the worst path's traps were
    # said, but never 'louder': the fourth was never on offer again, so it is not fixed
    assert {e: (u["status"], u["chances"]) for e, u in uses.items()} == {
        "cant-be-bothered": ("fixed", 3), "hurry-wait": ("fixed", 3), "over-promise": ("fixed", 3),
        "talking-over": ("still", 0)}
    two = summary(records[:-1], "mina", library.steps.ids(), offered=offered)["dont_say"]
    assert all(u["still"] and u["chances"] in (0, 2) for u in two)


def test_sparkline() -> None:
    assert sparkline([0, 50, 100]) == "▁▄█"
    assert sparkline([]) == ""


# -- drill ------------------------------------------------------------------------------------

def test_drill_starts_with_the_easiest_new_scenario(library, matcher) -> None:
    p = plan([], library.all_scenarios(), library.steps, matcher, T0)
    easiest = min(library.all_scenarios(), key=lambda s: (s.difficulty, s.id))
    assert p.pick.scenario.id == easiest.id
    assert p.pick.reasons[0].en.startswith("new to you")


def test_drill_ratings_follow_the_score(library, matcher) -> None:
    assert rating(drill(library, matcher, "angry-shopper", BEST)).name == "Easy"
    assert rating(drill(library, matcher, "angry-shopper",
                        WORST["angry-shopper"])).name == "Again"


def test_drill_brings_back_a_failed_scenario_when_it_is_due(library, matcher) -> None:
    scenarios = library.all_scenarios()
    # every scenario mastered long ago except one failed yesterday
    history = [drill(library, matcher, s.id, best_answers(s, library, matcher), when=T0)
               for s in scenarios]
    failed = drill(library, matcher, "pr-no-show", WORST["pr-no-show"],
                   when=T0 + timedelta(days=1))
    now = T0 + timedelta(days=3)
    p = plan([*history, failed], scenarios, library.steps, matcher, now)
    assert p.pick.scenario.id == "pr-no-show"
    reasons = " ".join(r.en for r in p.pick.reasons)
    assert "did not pass it last time" in reasons and p.pick.recall == 0
    assert p.weak_steps, "the failed drill leaves weak steps"
    mastered = [c for c in p.ranked if c.scenario.id != "pr-no-show"]
    assert all(c.due is not None and c.due > now for c in mastered)  # Easy: far in the future
    # much later, the mastered ones come due again and recall has fallen
    later = plan(history, scenarios, library.steps, matcher, T0 + timedelta(days=400))
    assert all(c.recall is not None and c.recall < 0.9 for c in later.ranked)


def test_drill_steers_to_traps_for_phrases_still_used(library, matcher) -> None:
    worst = drill(library, matcher, "angry-shopper", WORST["angry-shopper"])
    p = plan([worst], library.all_scenarios(), library.steps, matcher,
             T0 + timedelta(hours=1))
    assert p.tripping
    trap_reasons = [c for c in p.ranked if c.phrase_fit > 0]
    assert trap_reasons
    for c in trap_reasons:
        assert any("has traps for phrases you still use" in r.en for r in c.reasons)


# -- report and formats -------------------------------------------------------------------

def _team(library, matcher) -> list[dict]:
    return [
        drill(library, matcher, "angry-shopper", BEST, "ana"),
        drill(library, matcher, "angry-shopper", WORST["angry-shopper"], "bo"),
        drill(library, matcher, "angry-shopper", WORST["angry-shopper"], "cy"),
        drill(library, matcher, "pr-no-show", BEST, "cy", T0 + timedelta(hours=1)),
    ]


def test_report_tables(library, matcher) -> None:
    data = report(_team(library, matcher), library.steps.ids())
    assert [r["trainee"] for r in data["steps"]] == ["ana", "bo", "cy"]
    ana = data["steps"][0]
    assert all(ana[s] == 100 for s in library.steps.ids()) and ana["pass_rate"] == 100
    shopper = next(r for r in data["scenarios"] if r["scenario"] == "angry-shopper")
    assert (shopper["attempts"], shopper["trainees"], shopper["passed"],
            shopper["pass_rate"]) == (3, 3, 1, 33)
    top = data["hardest"][0]
    assert top["scenario"] == "angry-shopper" and top["trainees_trapped"] == 2
    assert top["trap_rate"] == round(100 * top["traps"] / top["visits"])


def test_report_tables_and_markdown(library, matcher) -> None:
    data = report(_team(library, matcher), library.steps.ids())
    sheets = report_sheets(library.steps.ids())
    assert [s.name for s in sheets] == ["steps", "hardest", "scenarios"]
    assert sheets[0].header()[:5] == ["trainee", "drills", "mean_score", "pass_rate", "greet"]
    rows = list(report_rows(data, library.steps.ids(), "en"))
    for sheet in sheets:  # every row fits its table's header
        mine = [row for name, row in rows if name == sheet.name]
        assert mine and all(len(row) == len(sheet.columns) for row in mine)
    tables = report_tables(data, library.steps.ids(), "en")
    md = report_markdown(tables, "ko")
    assert "## 시나리오별 합격률" in md and "| ana | 1 | 100 | 100 |" in md


def test_export_rows_an_attempt_each_and_a_reply_per_choice(library, matcher) -> None:
    records = _team(library, matcher)
    rows = list(export_rows(records))
    assert [name for name, _ in rows].count("attempts") == len(records)
    assert [name for name, _ in rows].count("replies") == sum(len(r["choices"]) for r in records)


def test_exports_and_databases_read_back_for_the_report(tmp_path: Path, library,
                                                        matcher) -> None:
    records = _team(library, matcher)
    with Store(tmp_path / "a.db") as store:
        for r in records[:2]:
            store.add(r)
    export = tmp_path / "b.json"
    export.write_text(json.dumps(export_document(records[1:])), encoding="utf-8")
    merged = load_records([tmp_path / "a.db", export])
    assert sorted(r["id"] for r in merged) == sorted(r["id"] for r in records)  # once each
    bad = tmp_path / "bad.json"
    bad.write_text('{"attempts": []}', encoding="utf-8")
    with pytest.raises(HistoryError, match="not a cscoach history export"):
        load_records([bad])


# -- xAPI ---------------------------------------------------------------------------------

def test_xapi_statements(library, matcher) -> None:
    record = drill(library, matcher, "angry-shopper", WORST["angry-shopper"])
    made = statements(record, BASE, HOME)
    assert made == statements(record, BASE, HOME)  # stable ids: the same record, same ids
    assert len(made) == len(record["choices"]) + 1
    *choices, (sid, closing) = made
    assert closing["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert closing["result"]["score"]["scaled"] == round(record["score"] / 100, 4)
    assert closing["object"]["id"] == f"{BASE}/scenarios/angry-shopper"
    assert sid == statement_id(record["id"], "attempt") == closing["id"]
    first = choices[0][1]
    assert first["verb"]["id"] == "http://adlnet.gov/expapi/verbs/responded"
    assert first["object"]["id"] == f"{BASE}/scenarios/angry-shopper/nodes/" \
        f"{record['choices'][0]['node']}"
    ext = first["result"]["extensions"]
    assert ext[f"{BASE}/extensions/choice"].endswith(f"/choices/{record['choices'][0]['choice']}")
    assert ext[f"{BASE}/extensions/steps"] == record["choices"][0]["steps"]
    assert first["context"]["registration"] == record["id"]
    assert first["actor"]["account"] == {"homePage": HOME, "name": "mina"}
    passed = statements(drill(library, matcher, "angry-shopper", BEST), BASE, HOME)[-1][1]
    assert passed["verb"]["id"].endswith("/passed") and passed["result"]["success"] is True
