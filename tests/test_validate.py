"""`cscoach validate`: shipped content stays clean; graph and content problems are found."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, bench_generator


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


# -- every kind of malformed file: a located error and exit 1, never a traceback

BAD_FILES = [
    ("tabs", "format_version: 1\nkind: scenario\n\tid: x\n", ":3:1: error: invalid YAML: a tab"),
    ("unclosed quote", 'format_version: 1\nkind: scenario\nid: "x\n', ":4:1: error: invalid YAML"),
    ("unclosed bracket", "format_version: 1\nkind: scenario\nsources: [a, b\n",
     ":4:1: error: invalid YAML"),
    ("unclosed brace", "format_version: 1\nkind: scenario\ntitle: {ko: a, en: b\n",
     ":4:1: error: invalid YAML"),
    ("duplicate key", "format_version: 1\nkind: scenario\nkind: phrasebook\n",
     ":3:1: error: duplicate key 'kind' in the file (first at line 2)"),
    ("wrong type", "format_version: one\nkind: scenario\n",
     ":1:17: error: format_version must be a whole number from 1 to 999, not text"),
    ("empty", "", "bad.yaml: error: the file is empty"),
    ("only a comment", "# nothing yet\n", ": error: the file is empty"),
    ("list for mapping", "- format_version: 1\n",
     ":1:1: error: the file must be a mapping (key: value lines), not a list"),
    ("non-UTF-8", b"format_version: 1\nkind: \xc0\xaf\n", ":2:7: error: not valid UTF-8"),
    ("NUL byte", b"format_version: 1\x00\n", ":1:18: error: contains a NUL byte"),
]


@pytest.mark.parametrize(("content", "expected"), [b[1:] for b in BAD_FILES],
                         ids=[b[0] for b in BAD_FILES])
def test_malformed_files_are_located(cli, write, content, expected) -> None:
    path = write("bad.yaml", content)
    r = cli("validate", str(path))
    assert r.code == 1
    assert "Traceback" not in r.out + r.err
    lines = r.out.splitlines()
    assert lines and lines[0].startswith(str(path)), r.out
    assert expected in lines[0], lines[0]


def _clean(mini_text: str) -> str:
    """The mini scenario with a pass mark its best path reaches (it scores 56 at best)."""
    return mini_text.replace("pass_mark: 60", "pass_mark: 50")


def test_a_bom_is_fine(cli, write, mini_text: str) -> None:
    path = write("bom.yaml", b"\xef\xbb\xbf" + _clean(mini_text).encode())
    assert cli("validate", str(path)).code == 0


def test_every_schema_error_in_a_file_is_reported(cli, write, mini_text: str) -> None:
    text = (mini_text.replace("channel: phone", "channel: fax")
            .replace("difficulty: 1", "difficulty: 9")
            .replace("steps: [listen]", "steps: [listening]"))
    r = cli("validate", str(write("s.yaml", text)), "--format", "json")
    messages = [p["message"] for p in json.loads(r.out)["problems"]]
    assert len(messages) == 3, messages
    assert any("did you mean 'listen'" in m for m in messages)


def test_dead_end_and_unknown_phrase(cli, write, mini_text: str) -> None:
    text = mini_text.replace("        next: good\n", "        next: good\n        phrases: "
                             "[dont-knw]\n")
    text = text.replace("nodes:\n", "nodes:\n  stuck:\n    says: {ko: 음, en: Hm}\n"
                        "    choices: []\n")
    r = cli("validate", str(write("s.yaml", text)))
    assert r.code == 1
    assert "node 'stuck' is a dead end: it has no choices and is not an ending" in r.out
    assert "unknown phrasebook id 'dont-knw'; did you mean 'dont-know'?" in r.out


def test_declared_phrase_that_the_text_does_not_say(cli, write, mini_text: str) -> None:
    text = _clean(mini_text).replace("        next: good\n", "        next: good\n        phrases: "
                             "[dont-know]\n")
    r = cli("validate", str(write("s.yaml", text)))
    assert r.code == 0
    assert "lists phrase 'dont-know' but its text says neither" in r.out
    assert "warning" in r.out


def test_empty_feedback_and_missing_language(cli, write, mini_text: str) -> None:
    text = mini_text.replace("feedback: {ko: 나빠요, en: Bad}", "feedback: {ko: 나빠요, en: ''}")
    text = text.replace("says: {ko: 문제가 있어요, en: I have a problem}",
                        "says: {ko: 문제가 있어요}")
    r = cli("validate", str(write("s.yaml", text)))
    assert "node 'a' choice 2 feedback (en) is empty" in r.out
    assert "node 'b' says has no English text; add 'en: ...'" in r.out


# -- the cache, and checking on every core


def test_results_are_cached_by_content(cli, write, mini_text: str, tmp_path,
                                       monkeypatch) -> None:
    from cscoach.authoring.validate import validate

    cache = tmp_path / "cache"
    monkeypatch.setenv("CSCOACH_CACHE_DIR", str(cache))
    monkeypatch.setenv("CSCOACH_CONTENT", str(ROOT))
    good = write("good.yaml", _clean(mini_text))
    bad = write("bad.yaml", mini_text.replace("pass_mark: 60", "pass_mark: 99"))
    cold = validate([good, bad])
    assert cold.cached == 0 and (cache / "validate.json").is_file()
    warm = validate([good, bad])
    assert warm.cached == 2
    assert warm.problems == cold.problems
    # fixed: checked again, not taken from the cache
    bad.write_text("# fixed\n" + _clean(mini_text), encoding="utf-8")
    fixed = validate([good, bad])
    assert fixed.cached == 1 and fixed.problems == []
    assert validate([good, bad], use_cache=False).cached == 0
    # a damaged cache is a cold start, not a crash
    (cache / "validate.json").write_text("{not json", encoding="utf-8")
    assert validate([good, bad]).cached == 0
    r = cli("validate", str(good), str(bad), "--no-cache")
    assert r.code == 0


def test_parallel_and_serial_agree(tmp_path, monkeypatch) -> None:
    from cscoach.authoring.validate import PARALLEL_FROM, validate

    generate = bench_generator().generate
    monkeypatch.setenv("CSCOACH_CONTENT", str(ROOT))
    files = generate(tmp_path / "many", PARALLEL_FROM + 4)
    files[3].write_text(files[3].read_text(encoding="utf-8").replace("next: n2a", "next: n9z"),
                        encoding="utf-8")
    files[40].write_text("kind: [\n", encoding="utf-8")
    serial = validate([tmp_path / "many"], use_cache=False, jobs=1)
    parallel = validate([tmp_path / "many"], use_cache=False, jobs=2)
    assert parallel.problems == serial.problems
    assert {p.path.rsplit("/", 1)[-1] for p in serial.problems} == {files[3].name,
                                                                    files[40].name}


def test_whole_scenario_problems_point_at_their_key(cli, write, mini_text: str) -> None:
    """The best-path and outcome messages are located (an editor's problem matcher needs a line):
    at `pass_mark:` and at `endings:`."""
    text = mini_text.replace("pass_mark: 60", "pass_mark: 100").replace("outcome: bad",
                                                                      "outcome: partial")
    path = write("s.yaml", text)
    r = cli("validate", str(path))
    lines = text.splitlines()
    mark = next(i for i, t in enumerate(lines, 1) if t.startswith("pass_mark:"))
    endings = next(i for i, t in enumerate(lines, 1) if t.startswith("endings:"))
    assert f"s.yaml:{mark}:1: error: the best path" in r.out
    assert f"s.yaml:{endings}:1: warning: no ending has outcome 'bad'" in r.out
