"""What the author's tools say about state (format 2): stats explains the best and worst path
(facts, lessons, the points lost), autoplay tallies what every path ends holding, graph shows
conditions, facts, broken lessons, variants and compose turns."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cscoach.authoring.explain import breakdown, most, state_of
from cscoach.content.library import Library
from cscoach.drill.engine import enumerate_paths, play
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import assess, total
from test_terminals import assert_fits

ROOT = Path(__file__).resolve().parent.parent
COUNTER = str(ROOT / "tests" / "data" / "format2" / "counter-v2.yaml")
V1 = str(ROOT / "tests" / "data" / "angry-shopper-v1.yaml")  # a format-1 scenario


@pytest.fixture(scope="module")
def counter(library: Library):
    return library.scenario(COUNTER)


# -- the breakdown


@pytest.mark.parametrize("which", [COUNTER, "angry-shopper"])
def test_every_point_short_of_100_is_a_loss_with_its_reason(library: Library, matcher: Matcher,
                                                          which: str) -> None:
    story = library.scenario(which)
    top = most(library.steps)
    assert sum(top.values()) == 100
    for answers in enumerate_paths(story, 2000).paths:
        t = play(story, answers)
        why = breakdown(t, library.steps, matcher)
        items = assess(t, library.steps, matcher, prefer=None)[0]  # as the tools weigh it
        assert why.score == total(items)
        assert sum(why.points.values()) == sum(i.points for i in items)
        # each category: its points and what it lost make its most; all of it makes 100
        for category, points in why.points.items():
            lost = sum(x.points for x in why.losses if x.category == category)
            assert points + lost == top[category], (answers, category)
        assert why.score == max(0, 100 - sum(x.points for x in why.losses))
        assert all(x.points > 0 and x.reason.en and x.reason.ko for x in why.losses)


def test_state_of_a_path(counter) -> None:
    t = play(counter, [3, 1, (1, 1)])  # puts it off, exchanges at the desk
    state = state_of(t)
    assert state.facts == ("offered-exchange",)
    assert state.met == ("within-authority",) and state.broken == ("fix-at-once",)


# -- stats


def test_stats_json_explains_the_best_and_worst_path(cli) -> None:
    r = cli("stats", COUNTER, "--json")
    assert r.code == 0
    row = json.loads(r.out)[0]
    assert row["format2"] == {"facts": 3, "lessons": 2, "critical": 1, "variants": 4,
                              "routes": 4, "compose": 1}
    best = row["best"]["path"]
    assert best["answers"] == row["best"]["answers"] == "1,1.1"
    assert best["ending"] == "happy" and best["score"] == row["best"]["score"] == 80
    assert best["facts"] == ["receipt", "offered-exchange"]
    assert best["met"] == ["fix-at-once", "within-authority"] and best["broken"] == []
    assert best["categories"]["steps"] == {"points": 30, "most": 35}
    assert best["categories"]["order"] == {"points": 15, "most": 15}  # at once: no blame
    lost = {x["reason"]["en"]: x["points"] for x in best["lost"]}
    assert lost == {"step 4 'Empathize' never performed (missed +5)": -5,
                    '"say instead" credit +0 of +10': -10,
                    "customer's final mood +0 (the most is +5)": -5}
    assert 100 + sum(lost.values()) == best["score"]
    worst = row["worst"]["path"]
    assert worst["ending"] == "walked-out" and worst["facts"] == []
    assert worst["broken"] == ["fix-at-once", "within-authority"]
    reasons = [x["reason"]["en"] for x in worst["lost"]]
    assert "never checked that the customer was satisfied after the fix" in reasons
    assert any(x.startswith("lesson broken: Fix a complaint in person") for x in reasons)


def test_a_format_1_scenario_has_no_format_2_figures(cli) -> None:
    row = json.loads(cli("stats", V1, "--json").out)[0]
    assert "format2" not in row
    assert row["best"]["path"]["lost"] == [] and row["best"]["path"]["score"] == 100


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_stats_of_one_scenario_says_why(cli, monkeypatch, lang: str) -> None:
    monkeypatch.setenv("COLUMNS", "100")  # a card, not a table
    out = cli("stats", COUNTER, "--lang", lang).out
    if lang == "en":
        assert "3 facts · 2 lessons (1 critical) · 4 variants · 4 routes · 1 compose" in out
        assert "counter-v2 · Best path: 80 · --answers 1,1.1" in out
        assert re.search(r"lessons met: +fix-at-once \(critical\), within-authority", out)
        assert re.search(r"lessons broken: +none", out)
        assert "20 points lost:" in out
        assert re.search(r"−5 step 4 'Empathize' never performed", out)
        assert re.search(r"−10 lesson broken: .* \(S001-CH2\) \(turn 1\)", out)  # the worst
    else:
        assert "최고 경로: 80점 · --answers 1,1.1" in out and "잃은 점수 20점:" in out
        assert re.search(r"지킨 교훈: +fix-at-once \(핵심\)", out)
        assert "4단계 '공감하기'를 하지 않았습니다" in out
    # an id works as well as a file; the format-1 best path loses nothing
    shipped = cli("stats", "angry-shopper", "--lang", lang).out
    assert ("no point lost" if lang == "en" else "잃은 점수 없음") in shipped
    old = cli("stats", V1, "--lang", lang).out
    assert "lessons met" not in old and "지킨 교훈" not in old  # no lessons, none shown
    many = cli("stats", "--lang", lang).out
    assert "Best path:" not in many and "최고 경로:" not in many  # several: only with --why


def test_stats_of_several_at_a_wide_terminal_lists_the_format_2_counts(cli) -> None:
    out = cli("stats", COUNTER, "angry-shopper", "--why").out
    header = next(line for line in out.splitlines() if "Variants" in line)
    assert "Routes" in header and "Compose" in header
    assert re.search(r"counter-v2 +3 +2 \(1\) +4 +4 +1", out)
    assert "angry-shopper · Best path: 100" in out and "counter-v2 · Worst path: 2" in out


# -- autoplay


def test_autoplay_exhaustive_json_holds_every_path_and_the_tally(cli, counter) -> None:
    data = json.loads(cli("autoplay", COUNTER, "--exhaustive", "--json").out)
    paths = data["paths"]
    assert len(paths) == data["runs"] == 17
    for p in paths:  # each is what playing it gives
        t = play(counter, [tuple(map(int, a.split("."))) if "." in a else int(a)
                           for a in p["answers"].split(",")])
        state = state_of(t)
        assert (p["ending"], p["facts"], p["met"], p["broken"]) == (
            t.ending.id, list(state.facts), list(state.met), list(state.broken))
    states = data["states"]
    assert sum(c["paths"] for c in states["combinations"]) == 17
    for c in states["combinations"]:
        mine = [p for p in paths if (p["facts"], p["met"], p["broken"])
                == (c["facts"], c["met"], c["broken"])]
        assert len(mine) == c["paths"]
        assert c["max"] == max(p["score"] for p in mine) and c["min"] == min(
            p["score"] for p in mine)
        assert next(p for p in mine if p["answers"] == c["best_answers"])["score"] == c["max"]
    lessons = {x["id"]: x for x in states["lessons"]}
    assert lessons["fix-at-once"] == {"id": "fix-at-once", "critical": True, "met": 4,
                                      "broken": 5, "broken_max": 42, "broken_passed": 0}
    assert lessons["within-authority"]["met"] == 12
    assert states["facts"] == {"receipt": 4, "offered-exchange": 12, "at-desk": 8}


def test_autoplay_of_a_format_1_scenario_has_no_state(cli) -> None:
    data = json.loads(cli("autoplay", V1, "--exhaustive", "--json").out)
    assert "states" not in data and "paths" not in data
    assert "Paths by what" not in cli("autoplay", V1, "--exhaustive").out


def test_autoplay_text_groups_paths_by_state(cli) -> None:
    out = cli("autoplay", COUNTER, "--exhaustive").out
    assert "Paths by what they end holding" in out
    row = next(line for line in out.splitlines() if "✓ fix-at-once" in line)
    assert re.search(r"receipt +✓ fix-at-once +4 +65–80 +1,1\.1", row)
    assert re.search(r"fix-at-once \(critical\) +4 +5 +42 · all fail", out)
    assert re.search(r"offered-exchange +12 +71", out)  # the fact, true at the end of 12
    ko = cli("autoplay", COUNTER, "--exhaustive", "--lang", "ko").out
    assert "교훈마다 지킨 경로와 어긴 경로" in ko and "모두 불합격" in ko


def test_autoplay_lists_few_paths_one_by_one(cli, write) -> None:
    text = Path(COUNTER).read_text(encoding="utf-8")
    cut = text.index("      - says: {ko: 죄송하지만 규정상 본사")
    fewer = text[:cut] + text[text.index("  desk:\n"):]  # without the reply that puts it off
    path = write("fewer.yaml", fewer)
    out = cli("autoplay", str(path), "--exhaustive").out
    assert "every path: 12 playthroughs" in out and "Every path: what it ends holding" in out
    assert re.search(r"1,1\.1 +happy +80 +receipt +✓ fix-at-once", out)


def test_random_runs_are_tallied_by_state_too(cli) -> None:
    data = json.loads(cli("autoplay", COUNTER, "--runs", "300", "--seed", "3", "--json").out)
    assert "paths" not in data  # runs are counted, not listed
    combos = data["states"]["combinations"]
    assert sum(c["paths"] for c in combos) == 300
    assert sum(x["met"] + x["broken"] <= 300 for x in data["states"]["lessons"]) == 2
    out = cli("autoplay", COUNTER, "--runs", "300", "--seed", "3").out
    assert "Runs by what they end holding" in out and "runs that meet and break it" in out


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_state_views_fit_40_columns(cli, monkeypatch, lang: str) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    for args in (["stats", COUNTER], ["autoplay", COUNTER, "--exhaustive"],
                 ["autoplay", COUNTER, "--runs", "50", "--seed", "1"]):
        r = cli(*args, "--lang", lang)
        assert r.code == 0, r.err
        assert_fits(r.out)
        assert "within-authority" in r.out


# -- graph


def test_mermaid_shows_routes_facts_lessons_variants_and_compose(cli) -> None:
    text = cli("graph", COUNTER).out
    arrows = re.findall(r"^    (n\d+) -\.?->\|\"(.*?)\"\| (\w+)$", text, re.MULTILINE)
    assert len(arrows) == text.count(" linkStyle ") == 8
    labels = {label for _, label, _ in arrows}
    assert "1 · greet, resolve · +receipt +offered-exchange" in labels
    assert "3 · ✗ fix-at-once" in labels
    # reply 2 at the desk: one arrow per place it leads, each with its condition
    assert ("n1", "2 · [!at-desk] · resolve · ✗ within-authority", "e2") in arrows
    assert ("n1", "2 · [otherwise] · resolve · ✗ within-authority", "n2") in arrows
    # the compose turn: one arrow per target (not one per message)
    wrap = [a for a in arrows if a[0] == "n2"]
    assert wrap == [("n2", "✉ 2 parts (4 messages) · [offered-exchange]", "e1"),
                    ("n2", "✉ 2 parts (4 messages) · [otherwise]", "e0")]
    broken = [i for i, (_, label, _) in enumerate(arrows) if "✗" in label]
    for i in broken:
        assert f"linkStyle {i} stroke:#d62728,stroke-width:3px" in text
    assert "<i>◆ narration ×2</i>" in text and "<i>✉ compose turn: 2 parts</i>" in text
    assert "<i>requires offered-exchange</i>" in text
    assert "class n1,n2 variants" in text and "class n2 compose" in text
    assert "%% ✗ lesson: the reply breaks it (red)" in text
    ko = cli("graph", COUNTER, "--lang", "ko").out
    assert "[그 밖]" in ko and "✉ 2개 부분 (메시지 4가지)" in ko and "%% ✗ 교훈:" in ko


def test_a_format_1_graph_has_no_format_2_marks(cli) -> None:
    text = cli("graph", V1).out
    assert "[otherwise]" not in text and "◆" not in text and "✉" not in text
    assert "classDef variants" not in text


def test_dot_shows_the_same_and_a_legend_in_both_languages(cli) -> None:
    text = cli("graph", COUNTER, "--format", "dot").out
    assert 'label="2 · [!at-desk] · resolve · ✗ within-authority", color="#d62728"' in text
    assert text.count("n2 -> ") == 2
    assert 'style="rounded,filled,dashed"' in text and 'fillcolor="#e3f2fd"' in text
    assert "✉ compose turn: one message from parts" in text
    ko = cli("graph", COUNTER, "--format", "dot", "--lang", "ko").out
    assert "단계 없음" in ko and "✉ 작성 턴" in ko and "[조건]" in ko
    if shutil.which("dot"):
        for t in (text, ko):
            done = subprocess.run(["dot", "-Tsvg"], input=t.encode(), capture_output=True,
                                  check=False)
            assert done.returncode == 0 and done.stderr == b"", done.stderr.decode()


MERMAID = ROOT / "tests" / "mermaid"


@pytest.mark.skipif(shutil.which("node") is None or not (MERMAID / "node_modules" / "mermaid")
                    .is_dir(), reason="needs node and 'npm ci' in tests/mermaid (.ci/run does it)")
def test_format_2_mermaid_parses_with_mermaid_itself(cli, tmp_path) -> None:
    files = []
    for lang in ("en", "ko"):
        path = tmp_path / f"counter-{lang}.mmd"
        path.write_text(cli("graph", COUNTER, "--lang", lang).out, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(["node", str(MERMAID / "check.mjs"), *files], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_compose_turn_marks_what_its_lines_do_on_its_box(cli, write) -> None:
    text = Path(COUNTER).read_text(encoding="utf-8")
    line = ("          - says: {ko: 오늘 직접 와 주셔서 감사합니다. 안녕히 가세요., "
            "en: \"Thank you so much for coming in today. Goodbye.\"}\n")
    assert line in text
    path = write("lines.yaml", text.replace(line, line + "            break: [within-authority]\n"
                                            "            set: [at-desk]\n"))
    out = cli("graph", str(path)).out
    box = next(x for x in out.splitlines() if x.startswith('    n2["'))
    assert "<i>a line: +at-desk</i>" in box and "<i>a line: ✗ within-authority</i>" in box
    arrows = [x for x in out.splitlines() if x.startswith("    n2 -")]
    assert len(arrows) == 2 and not any("✗" in a or "+" in a for a in arrows)
    ko = cli("graph", str(path), "--lang", "ko").out
    assert "<i>어떤 줄: ✗ within-authority</i>" in ko
