"""Progress and drill tell the truth (issue 20, item 5), checked on hand-made histories: the
trainee's own words are quoted, "fixed" needs three later chances not taken, a failed drill is
never shown as remembered and ranks above a passed one, and the trend shows every score."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from cscoach.history.drill import plan
from cscoach.history.progress import FIXED_AFTER, offers, sparkline, summary
from cscoach.history.record import iso
from cscoach.ui.history import drill_plan
from cscoach.ui.history import progress as show_progress

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IDS = count(1)
BEST = "1,1,1,1,1,1,1"

# hand-made offers: where a reply that says the entry was on the screen
OFFERS = {("shop", "counter", "en"): frozenset({"talking-over"}),
          ("shop", "counter", "ko"): frozenset({"talking-over"})}


def turn(node: str, en: str = "Let me check that for you.", ko: str = "확인해 드리겠습니다.",
         dont_say: tuple[str, ...] = (), typed: str | None = None) -> dict[str, Any]:
    return {"turn": 1, "node": node, "choice": 1, "options": 3, "text": {"ko": ko, "en": en},
            "typed": typed, "steps": [], "dont_say": list(dont_say), "say_instead": [],
            "mood_before": 0, "mood_after": 0, "weak": bool(dont_say), "better": None,
            "points": 0, "at": ""}


def attempt(scenario: str, day: float, score: int = 90, choices: list[dict] | None = None,
            lang: str = "en", pass_mark: int = 70) -> dict[str, Any]:
    when = iso(T0 + timedelta(days=day))
    return {"id": f"a{next(IDS)}", "kind": "play", "trainee": "mina", "status": "completed",
            "scenario": scenario, "scenario_version": 1, "title": {"ko": "가게", "en": "Shop"},
            "lang": lang, "team": None, "started_at": when, "finished_at": when,
            "score": score, "passed": score >= pass_mark, "pass_mark": pass_mark,
            "ending": "e", "outcome": "good", "final_mood": 0, "steps": [], "points": [],
            "cscoach_version": "0", "choices": choices or [turn("elsewhere")], "answers": []}


def uses(records: list[dict]) -> dict[str, dict[str, Any]]:
    return {u["entry"]: u for u in summary(records, "mina", [], offered=OFFERS)["dont_say"]}


# -- the trainee's own words -------------------------------------------------------------------

def test_the_quote_is_what_the_trainee_typed_or_picked_not_the_entrys_first_phrasing(
        library) -> None:
    typed = attempt("shop", 0, 40, [turn("counter", dont_say=("talking-over",),
                                         typed="just listen to me, ok")])
    picked = attempt("shop", 1, 40, [turn("counter", en="Ma'am, calm down and listen.",
                                          ko="고객님, 진정하고 들어 보세요.",
                                          dont_say=("push-aside",))])
    found = uses([typed, picked])
    assert found["talking-over"]["said"] == {"ko": "just listen to me, ok",
                                             "en": "just listen to me, ok"}
    assert found["push-aside"]["said"]["ko"] == "고객님, 진정하고 들어 보세요."
    console = Console(record=True, width=120)
    data = summary([typed, picked], "mina", [], offered=OFFERS)
    show_progress(console, data, library.steps, library.phrasebook, "en", "x")
    text = console.export_text()
    assert '"just listen to me, ok"' in text and '"Ma\'am, calm down and listen."' in text
    first = library.phrasebook.get("talking-over").dont_say["en"][0]
    assert first != "just listen to me, ok" and f'"{first}"' not in text


def test_progress_quotes_the_korean_words_of_the_reply_played(cli, tmp_path: Path) -> None:
    """pr-no-show's worst path says "왜 이제야 연락 주세요?" (entry interrogating, whose first
    phrasing is "왜 이제 와서"): progress quotes the reply."""
    home = ["--data-dir", str(tmp_path)]
    assert cli("play", "pr-no-show", "--answers", "2,2,1,2,3", "--lang", "ko", "--trainee",
               "mina", *home).code == 0
    data = json.loads(cli("progress", "--trainee", "mina", "--json", *home).out)
    said = {u["entry"]: u["said"]["ko"] for u in data["dont_say"]}
    assert "왜 이제야 연락 주세요" in said["interrogating"]
    shown = cli("progress", "--trainee", "mina", "--lang", "ko", *home).out
    assert "왜 이제야 연락 주세요" in shown.replace("\n", "")
    assert '"왜 이제 와서"' not in shown


# -- fixed needs three chances -----------------------------------------------------------------

def test_a_drill_with_no_chance_to_say_it_does_not_fix_a_phrase() -> None:
    used = attempt("shop", 0, 40, [turn("counter", dont_say=("talking-over",))])
    no_chance = [attempt("shop", d, 90, [turn("elsewhere")]) for d in range(1, 8)]
    one = uses([used, no_chance[0]])["talking-over"]
    assert (one["status"], one["chances"], one["still"]) == ("still", 0, True)
    many = uses([used, *no_chance])["talking-over"]  # not used lately, but never tested
    assert (many["status"], many["chances"]) == ("unsure", 0)


def test_fixed_after_three_later_drills_that_offered_it_and_a_use_starts_again() -> None:
    used = attempt("shop", 0, 40, [turn("counter", dont_say=("talking-over",))])
    chance = [attempt("shop", d, 90, [turn("counter")]) for d in range(1, 5)]
    typed = attempt("shop", 5, 90, [turn("elsewhere", typed="I am sorry.")])
    assert FIXED_AFTER == 3
    assert uses([used, *chance[:2]])["talking-over"]["status"] == "still"
    three = uses([used, *chance[:3]])["talking-over"]
    assert (three["status"], three["chances"], three["still"]) == ("fixed", 3, False)
    # a typed turn is a chance too (anything could be typed)
    assert uses([used, chance[0], chance[1], typed])["talking-over"]["status"] == "fixed"
    # the other language's screen did not offer it: no chance
    other = {("shop", "counter", "en"): frozenset({"talking-over"})}
    ko = [attempt("shop", d, 90, [turn("counter")], lang="ko") for d in range(1, 5)]
    (row,) = summary([used, *ko], "mina", [], offered=other)["dont_say"]
    assert row["chances"] == 0 and row["status"] == "still"
    again = attempt("shop", 6, 40, [turn("counter", dont_say=("talking-over",))])
    back = uses([used, *chance, again])["talking-over"]
    assert (back["status"], back["chances"], back["uses"]) == ("still", 0, 2)


def test_offers_come_from_the_replies_of_each_node(library, matcher) -> None:
    found = offers([library.scenario("angry-shopper")], matcher)
    assert "talking-over" in found[("angry-shopper", "louder", "en")]
    assert ("angry-shopper", "farewell", "en") not in found or \
        "talking-over" not in found[("angry-shopper", "farewell", "en")]


# -- a failed drill is not remembered ----------------------------------------------------------

def test_a_failed_drill_is_never_shown_as_remembered_and_ranks_above_a_passed_one(
        library, matcher) -> None:
    scenarios = [library.scenario("angry-shopper"), library.scenario("pr-no-show")]
    history = [attempt("angry-shopper", 0, 100), attempt("pr-no-show", 0, 38)]
    now = T0 + timedelta(hours=1)
    p = plan(history, scenarios, library.steps, matcher, now)
    by_id = {c.scenario.id: c for c in p.ranked}
    failed, passed = by_id["pr-no-show"], by_id["angry-shopper"]
    assert failed.failed and not passed.failed
    assert failed.recall == 0 and passed.recall == pytest.approx(1)
    assert failed.due is not None and failed.due <= now < passed.due  # type: ignore[operator]
    assert failed.priority > passed.priority and p.pick is failed
    assert "did not pass it last time" in failed.reasons[0].en
    console = Console(record=True, width=120)
    drill_plan(console, p, "mina", "en", now)
    title = failed.scenario.title("en")
    row = next(line for line in console.export_text().splitlines()
               if line.strip().startswith(title))
    assert "100%" not in row and "failed" in row and "now" in row
    # passed the next day: FSRS takes over again
    later = plan([*history, attempt("pr-no-show", 1, 95)], scenarios, library.steps, matcher,
                 T0 + timedelta(days=1, hours=1))
    again = next(c for c in later.ranked if c.scenario.id == "pr-no-show")
    assert not again.failed and again.recall == pytest.approx(1)


def test_a_failed_scenario_comes_back_before_one_long_passed(library, matcher) -> None:
    scenarios = [library.scenario("angry-shopper"), library.scenario("pr-no-show")]
    history = [attempt("angry-shopper", 0, 75), attempt("pr-no-show", 9, 60)]
    p = plan(history, scenarios, library.steps, matcher, T0 + timedelta(days=30))
    assert p.pick.scenario.id == "pr-no-show"
    assert json.loads(json.dumps(p.to_dict("en")))["pick"]["failed"] is True


# -- the trend shows every score ---------------------------------------------------------------

def test_the_trend_shows_every_score_with_first_best_and_latest(library) -> None:
    scores = [100, 38, 100, 62, 88, 88, 50, 100] * 2
    history = [attempt("shop", d, s) for d, s in enumerate(scores)]
    data = summary(history, "mina", [], offered=OFFERS)
    assert data["scores"] == scores and data["trend"] == sparkline(scores)
    assert (data["first"]["score"], data["best"], data["latest"]["score"]) == (100, 100, 100)
    (row,) = data["scenarios"]
    assert row["trend"] == sparkline(scores) and len(row["trend"]) == 16
    console = Console(record=True, width=120)
    show_progress(console, data, library.steps, library.phrasebook, "en", "x")
    text = console.export_text()
    assert text.count(sparkline(scores)) == 2  # the headline and the scenario's row, whole
    assert "first 100 · best 100 · latest 100 (+0)" in text
    ko = Console(record=True, width=120)
    show_progress(ko, data, library.steps, library.phrasebook, "ko", "x")
    assert "처음 100점 · 최고 100점 · 최근 100점 (+0)" in ko.export_text()
