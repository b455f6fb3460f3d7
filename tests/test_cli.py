"""The command line, run in-process: output, JSON and exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cscoach.cli.main import app


def test_help_lists_commands(cli) -> None:
    r = cli("--help")
    assert r.code == 0 and "play" in r.out and "list" in r.out


def test_version(cli) -> None:
    r = cli("--version")
    assert r.code == 0 and r.out.startswith("cscoach ")


def test_play_json(cli) -> None:
    r = cli("play", "angry-shopper", "--answers", "1,1,1,1,1,1,1", "--json", "--lang", "en")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["scenario"] == "angry-shopper" and d["score"] == 100 and d["passed"] is True
    assert d["ending"]["id"] == "loyal-fan"
    assert [p["steps"] for p in d["path"]] == [["greet"], ["listen"], ["ask", "empathize"],
                                                ["resolve"], ["check"], ["follow_up"],
                                                ["follow_up"]]
    for record in d["path"]:
        assert set(record) >= {"node", "choice", "steps", "phrases"}
        for phrase in record["phrases"]:
            assert phrase["kind"] in ("dont_say", "say_instead") and phrase["id"]


def test_play_json_reports_dont_say(cli) -> None:
    r = cli("play", "angry-shopper", "--answers", "2,2", "--json")
    d = json.loads(r.out)
    assert r.code == 0 and d["passed"] is False and d["ending"]["id"] == "walked-out"
    kinds = {(p["id"], p["kind"]) for rec in d["path"] for p in rec["phrases"]}
    assert ("cant-be-bothered", "dont_say") in kinds and ("dont-come-back", "dont_say") in kinds


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_play_scripted_renders_debrief(cli, lang: str) -> None:
    r = cli("play", "pr-no-show", "--answers", "1,1,2,1,1,1,1,1", "--lang", lang)
    assert r.code == 0, r.err
    assert ("점수" if lang == "ko" else "Score") in r.out
    assert ("가장 먼저 바꿀 것" if lang == "ko" else "What to change first") in r.out
    assert ("7단계 점검" if lang == "ko" else "The seven steps") not in r.out  # in --details
    assert "--details" in r.out.splitlines()[-1]
    r = cli("play", "pr-no-show", "--answers", "1,1,2,1,1,1,1,1", "--lang", lang, "--details")
    assert r.code == 0, r.err
    assert ("7단계 점검" if lang == "ko" else "The seven steps") in r.out
    assert ("점수 내역" if lang == "ko" else "Where the points came from") in r.out
    assert ("더 나은 답" if lang == "ko" else "Better") in r.out


@pytest.mark.parametrize(("scenario", "answers", "lang", "label"), [
    ("late-delivery-email", "1.1.1.1.1.1,1,1", "en", "Your email:"),
    ("late-delivery-email", "1.1.1.1.1.1,1,1", "ko", "보낸 답장:"),
    ("online-critic", "1.1.1.1.1,1,1,1", "en", "Your public reply:"),
    ("silent-client", "1,2,1,1,1,1,1", "ko", "나 (전화):"),
    ("angry-shopper", "1,1,1,1,1,1,1", "en", "You:"),
])
def test_replies_are_worded_for_the_channel(cli, library, scenario, answers, lang,
                                            label) -> None:
    from cscoach.drill.answers import drill_answers
    from cscoach.drill.engine import play
    from cscoach.i18n import tr_for

    r = cli("play", scenario, "--answers", answers, "--lang", lang, "--no-record")
    assert r.code == 0, r.err
    s = library.scenario(scenario)
    turns = play(s, drill_answers(answers)).turns
    labels = [tr_for(lang, "label.you", s.channel_at(t.node).value) + ":" for t in turns]
    assert labels[0] == label  # the scenario's channel; a turn elsewhere has its own label
    # a one-line reply follows its label; a written message (a compose turn's, or several
    # lines) is shown whole in a panel titled with it
    for each in set(labels):
        panel = f"─ {each.rstrip(':')} ─"
        assert r.out.count(each) + r.out.count(panel) == labels.count(each), each


def test_feedback_end_shows_recap_after_the_ending(cli) -> None:
    r = cli("play", "angry-shopper", "--answers", "2,2", "--feedback", "end", "--lang", "en")
    assert r.code == 0
    assert r.out.index("Gone for good") < r.out.index("Feedback") < r.out.index("Debrief")


def test_lang_from_locale(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CSCOACH_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", "ko_KR.UTF-8")
    d = json.loads(cli("play", "angry-shopper", "--answers", "2,2", "--json").out)
    assert d["lang"] == "ko" and d["title"] == "사흘 만에 고장 난 믹서기"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["play", "angry-shopper", "--answers", "9"], 2, "answer 9 at turn 1"),
    (["play", "angry-shopper", "--answers", "1"], 2, "the answers ran out"),
    (["play", "angry-shopper", "--answers", "x"], 2, "--answers item 1 'x'"),
    (["play", "angry-shoper", "--answers", "1"], 2, "did you mean 'angry-shopper'?"),
    (["play", "nope.yaml", "--answers", "1"], 2, "nope.yaml: no such file"),
    (["play", "angry-shopper"], 2, "--answers"),  # no terminal under pytest
    (["play", "angry-shopper", "--json"], 2, "--json needs --answers"),
    (["play", "angry-shopper", "--lang", "fr", "--answers", "1"], 2, "fr"),
    (["frobnicate"], 2, "No such command"),
])
def test_errors_are_one_line_with_exit_codes(cli, args: list[str], code: int,
                                             message: str) -> None:
    r = cli(*args)
    assert r.code == code
    assert message in r.err
    assert "Traceback" not in r.err


def test_broken_scenario_file_is_located(cli, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\nkind: scenario\nid: [x\n", encoding="utf-8")
    r = cli("play", str(bad), "--answers", "1")
    assert r.code == 2 and "bad.yaml:4:1: error: invalid YAML" in r.err
    assert r.err.count("\n") == 1


def test_many_problems_are_summarised_in_play(cli, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\nkind: scenario\nid: Bad Id\nchanel: x\n",
                   encoding="utf-8")
    r = cli("play", str(bad), "--answers", "1")
    assert r.code == 2
    (line,) = r.err.splitlines()  # one line, however many problems
    assert "bad.yaml:4:1: error: unknown key 'chanel'" in line
    assert line.endswith(f"(+2 more: 'cscoach validate {bad}' lists them)")


def test_list(cli) -> None:
    r = cli("list", "--json", "--lang", "en")
    rows = json.loads(r.out)
    assert r.code == 0 and {row["id"] for row in rows} >= {"angry-shopper", "pr-no-show",
                                                           "media-training-refusal"}
    table = cli("list", "--lang", "ko")
    assert table.code == 0 and "angry-shopper" in table.out and "시나리오" in table.out


def test_typer_cli_runner_sees_the_same_app() -> None:
    result = CliRunner().invoke(app, ["play", "media-training-refusal", "--answers",
                                      "1,1.1.1.1.1.1,1,1,1", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["score"] == 100
