"""`cscoach validate`: shipped content stays clean; graph and content problems are found."""

from __future__ import annotations

import json
import re

from conftest import ROOT


def test_shipped_content_passes_strict(cli) -> None:
    r = cli("validate", str(ROOT / "scenarios"), str(ROOT / "phrasebook"), "--strict")
    assert r.code == 0, r.out
    assert r.out == "" and "0 error(s), 0 warning(s)" in r.err


def _check(cli, write, text: str, *extra: str):
    path = write("s.yaml", text)
    return cli("validate", str(path), "--format", "json", *extra)


def test_unreachable_node_and_loop_without_exit(cli, write, mini_text: str) -> None:
    text = mini_text.replace("nodes:\n", "nodes:\n  island:\n    says: {ko: 섬, en: Island}\n"
                             "    choices:\n      - says: {ko: 또, en: Again}\n"
                             "        steps: []\n        next: island\n"
                             "        feedback: {ko: 빙빙, en: Round}\n")
    r = _check(cli, write, text)
    messages = [p["message"] for p in json.loads(r.out)["problems"]]
    assert r.code == 1
    assert "node 'island' can never be reached from start 'a'" in messages
    # now lead into the island from node b: reachable, but there is no way out
    text = text.replace("        next: good\n", "        next: island\n")
    messages = [p["message"] for p in json.loads(_check(cli, write, text).out)["problems"]]
    assert "node 'island' is in a loop with no way out: no ending can be reached from it" \
        in messages
    assert "ending 'good' can never be reached from start 'a'" in messages


def test_pass_mark_nobody_can_reach(cli, write, mini_text: str) -> None:
    r = _check(cli, write, mini_text.replace("pass_mark: 60", "pass_mark: 99"))
    problems = json.loads(r.out)["problems"]
    assert r.code == 1
    best = [p for p in problems if "no trainee can pass" in p["message"]]
    assert len(best) == 1 and best[0]["severity"] == "error"
    m = re.search(r"the best path \(answers ([\d,]+)\) scores (\d+), below the pass mark 99",
                  best[0]["message"])
    assert m, best[0]["message"]
    # the answers named replay to exactly that score
    played = json.loads(cli("play", str(write("s.yaml", mini_text)), "--answers", m[1],
                            "--json").out)
    assert played["score"] == int(m[2])


def test_worst_path_passing_is_a_warning(cli, write, mini_text: str) -> None:
    r = _check(cli, write, mini_text.replace("pass_mark: 60", "pass_mark: 0"))
    problems = json.loads(r.out)["problems"]
    assert r.code == 0
    assert any("no trainee can fail" in p["message"] and p["severity"] == "warning"
               for p in problems)
    assert _check(cli, write, mini_text.replace("pass_mark: 60", "pass_mark: 0"),
                  "--strict").code == 1


def test_step_contradicted_by_dont_say_and_translation_mismatch(cli, write,
                                                                mini_text: str) -> None:
    text = mini_text.replace("{ko: 모르겠어요, en: I don't know}", "{ko: 모르겠어요, en: Hmm}")
    text = text.replace("      - says: {ko: 모르겠어요, en: Hmm}\n        steps: []",
                        "      - says: {ko: 모르겠어요, en: Hmm}\n        steps: [listen]")
    r = _check(cli, write, text)
    messages = [p["message"] for p in json.loads(r.out)["problems"]]
    assert any("tagged [listen] but says a \"don't say\" (dont-know)" in m for m in messages)
    assert any("the Korean text says the \"don't say\" 'dont-know' but the English does not" in m
               for m in messages)


def test_schema_errors_and_missing_paths(cli, write, tmp_path) -> None:
    write("bad.yaml", "format_version: 1\nkind: scenario\nid: x\n")
    r = cli("validate", str(tmp_path), str(tmp_path / "nowhere"))
    assert r.code == 1
    assert ("bad.yaml:1:1: error: a scenario file is missing required keys 'title', 'summary'"
            in r.out)
    assert "nowhere: error: no such file or folder" in r.out
