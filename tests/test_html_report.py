"""`report --format html`: one self-contained page, checked as text and in a real headless
browser (Chromium from the distribution: `apt-get install chromium fonts-noto-cjk`). Without
Chromium the browser tests skip, unless CSCOACH_REQUIRE_BROWSER=1 (set by .ci/run) makes
that a failure."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cscoach.ui.html_report import FONTS, PALETTE, fit

BEST = "1,1,1,1,1,1,1"
WORST = "2,3,1,1,2,3"
PLAYS = [("ana", WORST, "ko"), ("ana", BEST, "ko"), ("bo", BEST, "en"), ("철수", WORST, "ko"),
         ("<b>x</b>", BEST, "en")]
# The flags without which Chromium hangs on a closed network (it tries to reach Google).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]
LEVEL_COLOURS = ("#f4a6a6", "#f8c4a4", "#fbe49b", "#b7e1a1", "#7cc47f")


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    message = "Chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("CSCOACH_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; CSCOACH_REQUIRE_BROWSER=1 requires it")
    pytest.skip(message)


def _chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    browser = _browser()
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    run = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def _screenshot(tmp_path: Path, page: Path, size: str = "1200,2600"):
    from PIL import Image

    shot = tmp_path / f"{page.stem}.png"
    _chromium(tmp_path, page, f"--window-size={size}", f"--screenshot={shot}")
    return Image.open(shot).convert("RGB")


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


@pytest.fixture
def report(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("CSCOACH_HOME", str(tmp_path / "home"))
    for trainee, answers, lang in PLAYS:
        run = cli("play", "angry-shopper", "--answers", answers, "--trainee", trainee,
                  "--lang", lang)
        assert run.code == 0, run.err
    db = str(tmp_path / "home" / "history.db")
    pages = {}
    for lang in ("ko", "en"):
        pages[lang] = tmp_path / f"report-{lang}.html"
        run = cli("report", db, "--out", str(pages[lang]), "--lang", lang)  # by its suffix
        assert run.code == 0, run.err
    (tmp_path / "report.json").write_text(cli("report", db, "--format", "json").out,
                                          encoding="utf-8")
    return pages


def test_the_page_is_self_contained_and_holds_every_chart(report: dict[str, Path],
                                                          tmp_path: Path) -> None:
    text = report["ko"].read_text(encoding="utf-8")
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    # nothing to fetch at view time: no script, no link, no URL; a policy that forbids any
    assert not re.search(r"<script|<link|<img|<iframe|src=|href=|url\(|@import|https?:", text)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    for chart in ("chart-scores", "chart-steps", "chart-hardest", "chart-pass"):
        assert f'id="{chart}"' in text
    assert text.count('<g class="trainee"') == len({t for t, _, _ in PLAYS})
    assert text.count("<circle") == len(PLAYS)  # one dot per finished drill
    assert text.count('class="cell"') == 7 * len(data["steps"])
    assert text.count('class="bar"') == len(data["hardest"]) + len(data["scenarios"])
    assert '<html lang="ko">' in text and "교육생별 점수 추이" in text and "철수" in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "<b>x</b>" not in text  # names are escaped
    english = report["en"].read_text(encoding="utf-8")
    assert "Scores over time, per trainee" in english and "교육생별" not in english


def test_only_one_part(cli, report: dict[str, Path], tmp_path: Path) -> None:
    db = str(tmp_path / "home" / "history.db")
    out = tmp_path / "pass.html"
    assert cli("report", db, "--format", "html", "--only", "scenarios", "--out", str(out)
               ).code == 0
    text = out.read_text(encoding="utf-8")
    assert 'id="chart-pass"' in text and 'id="chart-steps"' not in text


def test_an_empty_history_makes_a_page_that_says_so(cli, tmp_path: Path) -> None:
    export = tmp_path / "empty.json"
    export.write_text(json.dumps({"format": "cscoach-history", "version": 1, "attempts": []}),
                      encoding="utf-8")
    run = cli("report", str(export), "--format", "html", "--lang", "en")
    assert run.code == 0, run.err
    assert run.out.count("No finished drills.") == 3 and "Nobody fell into a trap." in run.out


def test_fit_counts_hangul_as_two_cells() -> None:
    assert fit("abc", 3) == "abc" and fit("abcd", 3) == "ab…"
    assert fit("가나다라", 8) == "가나다라" and fit("가나다라", 6) == "가나…"
    assert fit("a\x1b[2Jb", 5) == "a[2Jb"


def test_the_page_renders_in_chromium_with_its_charts(report: dict[str, Path],
                                                      tmp_path: Path) -> None:
    dom = _chromium(tmp_path, report["ko"], "--dump-dom").stdout
    assert dom.count("<svg") == 4 and dom.count("<polyline") == 1  # only ana played twice
    assert "교육생별 일곱 단계 수준" in dom
    image = _screenshot(tmp_path, report["ko"])
    colours = {rgb: n for n, rgb in image.getcolors(maxcolors=1 << 20)}
    # drawn, not blank: the heat map's cells, the bars, each trainee's line or dots
    assert sum(colours.get(_rgb(c), 0) for c in LEVEL_COLOURS) > 7 * 3 * 1000
    assert colours.get(_rgb("#d9534f"), 0) > 2000 and colours.get(_rgb("#4a90d9"), 0) > 2000
    for colour in PALETTE[:4]:
        assert colours.get(_rgb(colour), 0) > 50, colour


def test_korean_is_drawn_with_a_real_font(tmp_path: Path) -> None:
    """Two different Hangul strings must draw differently: with no font for Korean both are
    the same row of empty boxes (tofu)."""
    _browser()
    if not subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True
                          ).stdout.strip():
        message = "no font for Korean (apt-get install fonts-noto-cjk)"
        if os.environ.get("CSCOACH_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    shots = []
    for words in ("교육생별 점수", "시나리오 합격"):  # as long: tofu would match
        page = tmp_path / f"k{len(shots)}.html"
        page.write_text(f'<html><body style="margin:0;background:#fff"><p style="font-family:'
                        f"{FONTS.replace(chr(34), chr(39))};font-size:64px;margin:0\">{words}"
                        "</p></body></html>", encoding="utf-8")
        shots.append(_screenshot(tmp_path, page, "600,120").tobytes())
    assert shots[0] != shots[1]
    white = bytes([255]) * len(shots[0])
    assert shots[0] != white


def _drill(n: int, trainee: str, when: str, score: int, passed: bool) -> dict[str, object]:
    return {"id": f"a{n}", "kind": "play", "trainee": trainee, "status": "completed",
            "scenario": "s", "title": {"ko": "제목", "en": "Title"}, "finished_at": when,
            "started_at": when, "score": score, "passed": passed, "steps": [], "choices": []}


def test_scores_over_time_are_grouped_in_sql_into_at_most_100_points_a_trainee() -> None:
    from datetime import UTC, datetime, timedelta

    from cscoach.history.tally import Tally
    from cscoach.history.trend import BUCKETS, score_series

    start = datetime(2026, 1, 5, tzinfo=UTC)
    with Tally() as tally:
        assert score_series(tally) == {}
        # ana: 1,000 drills an hour apart (many a slice); bo: three far apart (one a slice)
        for n in range(1000):
            when = start + timedelta(hours=n)
            tally.add_record(_drill(n, "ana", f"{when:%Y-%m-%dT%H:%M:%S}.000Z", n % 101,
                                    n % 2 == 0))
        for n, (hours, score) in enumerate(((0, 40), (500, 90), (999, 70))):
            when = start + timedelta(hours=hours, minutes=30 if hours == 500 else 0)
            tally.add_record(_drill(2000 + n, "bo\x1b[2J", f"{when:%Y-%m-%dT%H:%M:%S}.000Z",
                                    score, score >= 70))
        series = score_series(tally)
    assert list(series) == ["ana", "bo\\x1b[2J"]  # names shown, never obeyed
    ana, bo = series["ana"], series["bo\\x1b[2J"]
    assert len(ana) == BUCKETS and sum(p.drills for p in ana) == 1000
    assert [p.when for p in ana] == sorted(p.when for p in ana)
    assert ana[0].when == start + timedelta(hours=4.5)  # the mean moment of drills 0-9 ...
    assert ana[0].score == round(sum(range(10)) / 10) and ana[0].passed == 5  # ... their mean
    assert [(p.when, p.score, p.drills, p.passed) for p in bo] == [
        (start, 40, 1, 0), (start + timedelta(hours=500, minutes=30), 90, 1, 1),
        (start + timedelta(hours=999), 70, 1, 1)]  # a slice with one drill is that drill


def test_a_big_team_is_a_grey_line_each_under_the_teams_mean() -> None:
    from datetime import UTC, datetime, timedelta

    from cscoach.history.trend import Point
    from cscoach.ui.html_report import CROWD, TEAM, scores_chart

    start = datetime(2026, 1, 5, tzinfo=UTC)
    points = [Point(start + timedelta(days=d), 40 + d, 2, 1 + d % 2) for d in range(3)]
    few = {f"t{i}": points for i in range(CROWD)}
    many = {f"t{i}": points for i in range(CROWD + 1)}
    team = [Point(p.when, p.score, 2 * len(many), len(many)) for p in points]
    drawn = scores_chart(few, "en", team)  # ten trainees: a colour and a dot each
    assert drawn.count("<circle") == 3 * CROWD and 'class="team"' not in drawn
    crowded = scores_chart(many, "en", team)
    assert crowded.count('<g class="trainee"') == CROWD + 1 and 'class="team"' in crowded
    assert crowded.count("<circle") == 3 and f'stroke="{TEAM}"' in crowded  # the mean's dots
    assert "the team&#x27;s mean" in crowded and "each of 11 trainees" in crowded
    assert "팀 평균" in scores_chart(many, "ko", team)
