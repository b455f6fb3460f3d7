"""`cscoach check`: the linter's findings, its measured quality on the labelled corpus, its
inputs (text, file, stdin) and the input it refuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cscoach.judge.check import Checker
from cscoach.judge.check_eval import evaluate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = yaml.safe_load((ROOT / "tests" / "data" / "replies.yaml").read_text("utf-8"))["replies"]


@pytest.fixture(scope="module")
def checker(library, typed_matcher) -> Checker:
    return Checker(typed_matcher, library.steps)


def test_the_corpus_is_big_enough_and_balanced() -> None:
    assert len(CORPUS) >= 150
    ko = [r for r in CORPUS if r["lang"] == "ko"]
    assert abs(len(ko) - len(CORPUS) / 2) <= 5
    assert sum(1 for r in CORPUS if r.get("hard")) >= 15
    assert all(set(r["steps"]) <= {"greet", "listen", "ask", "empathize", "resolve", "check",
                                   "follow_up"} for r in CORPUS)


def test_quality_targets_on_the_labelled_corpus(checker: Checker, library) -> None:
    known = {e.id for e in library.phrasebook.entries}
    assert all(set(r["dont_say"]) <= known for r in CORPUS)
    s = evaluate(checker, CORPUS)
    # By entry (not per reply): measured 0.939 / 0.961 since voices 9-21 (1.000 / 0.953 before).
    # Five of its eight false alarms are a second entry the judge now names beside the first
    # ("Beats me. Ask the warehouse." and "본사에 물어보세요" as *not-my-job* too, which the
    # corpus labels so and replies.yaml does not; "Why didn't you read the manual?" as
    # *know-it-all*): docs/free-text.md.
    assert s.precision >= 0.93, s.misses
    assert s.recall >= 0.95, s.misses
    assert s.step_accuracy >= 0.80, s.misses


# Known false alarms of the shipped judge (docs/free-text.md), each held by a strict xfail below.
KNOWN_FALSE_ALARMS = {"모르시는 부분은 제가 설명드릴께요."}


def test_hard_negatives_do_not_fire(checker: Checker) -> None:
    for r in CORPUS:
        if r.get("hard") and r["text"] not in KNOWN_FALSE_ALARMS:
            assert checker.check(r["text"]).clean, r["text"]


@pytest.mark.xfail(strict=True, reason="known false alarm since voices 9-21: 모르시는 (the "
                   "customer doesn't know) read as know-it-all (0.94); docs/free-text.md")
def test_an_offer_to_explain_what_the_customer_does_not_know_is_clean(checker: Checker) -> None:
    assert checker.check("모르시는 부분은 제가 설명드릴께요.").clean


def test_a_step_cue_inside_its_look_alike_is_not_counted(checker: Checker) -> None:
    """*ask*'s cue "what happened" said rather than asked (steps.yaml `not_when`) neither lowers
    the step's bar nor names the step; asked, it does."""
    from cscoach.judge.check import _outside_look_alikes

    def cues(text: str) -> list[str]:
        return [f.key for f in _outside_look_alikes(checker._cues.find(text))]

    assert "ask" not in cues("I'll tell you what happened: the courier left it next door.")
    assert "ask" not in cues("무슨 일이 있었는지 말씀드릴게요.")
    assert "ask" in cues("Could you tell me what happened?")
    # a look-alike that a real question can hold ("this is what happened") is not listed
    assert "ask" in [s.step.id for s in
                     checker.check("Could you confirm this is what happened?").steps]
    many = "I'll tell you what happened. " * 3000  # look-alikes by the thousand, one pass
    assert cues(many) == [] and len(checker._cues.find(many)) == 9000
    said = checker.check("I'll tell you what happened: the courier left it at the wrong door.")
    asked = checker.check("Could you tell me what happened to the parcel?")
    assert "ask" not in [s.step.id for s in said.steps]
    assert "ask" in [s.step.id for s in asked.steps]
    # the model alone reads "I'll tell you what happened" as a question (a margin of about
    # 0.6 here): the step is judged on the reply without the look-alike's words
    told = "I'll tell you what happened: that model overheats when it runs too long."
    assert checker.model.margins(told)[checker.model.index["ask"]] > checker.model.step_bar(
        "ask")
    assert "ask" not in [s.step.id for s in checker.check(told).steps]
    both = told + " Could you tell me how long it ran?"
    column = both.index("Could") + 1  # the question, not the look-alike at column 1
    assert [(s.step.id, s.column) for s in checker.check(both).steps
            if s.step.id == "ask"] == [("ask", column)]


@pytest.mark.parametrize(("text", "entries"), [
    ("Sorry, my hands are tied.", {"excuses"}),
    ("해당 건은 당사의 귀책 사유가 아님을 알려드립니다.", {"excuses"}),
    ("Let me finish checking your order history and I'll tell you what happened.", set()),
    ("Just let me finish, okay?", {"talking-over"}),
])
def test_idioms_the_held_out_review_named(checker: Checker, text: str,
                                          entries: set[str]) -> None:
    """Misses and a false alarm issue 19 names: an idiom and a formal disclaimer are
    *excuses*; finishing a task ("let me finish checking", a look-alike) is not talking over."""
    assert {f.entry.id for f in checker.check(text).findings} == entries


def test_typing_slips_are_caught(checker: Checker) -> None:
    slips = [r for r in CORPUS if r.get("typo")]
    assert len(slips) >= 20
    s = evaluate(checker, slips)
    # measured 0.952 / 0.952: the one false alarm is the known 모르시는 부분 (KNOWN_FALSE_ALARMS)
    assert s.precision >= 0.95 and s.recall >= 0.9, s.misses


@pytest.mark.parametrize("text, entry, phrase", [
    ("Thats not my falut.", "excuses", "not my falut"),  # a swap, mended towards "fault"
    ("We will take legel action.", "threatening", "take legel action"),
    ("고소할께요.", "threatening", "고소할께요"),  # ㄲ typed for ㄱ
    ("상관업어요", "dont-care", "상관업어요"),  # 없 typed as 업
    ("별거 아니자나요.", "minimising", "별거 아니자나요"),  # 잖아 typed as it sounds
])
def test_a_slip_is_found_and_placed_on_what_was_typed(checker: Checker, text: str, entry: str,
                                                      phrase: str) -> None:
    (finding,) = checker.check(text).findings
    assert (finding.entry.id, finding.hit.phrase) == (entry, phrase)


@pytest.mark.parametrize("text", [
    "Please call the police if you feel unsafe.",  # a word of English is never mended
    "언론 홍보는 보도를 보장할 수 없습니다.",  # 알 수 없 must not match inside 할 수 없
    "고소한 냄새가 나네요.",  # savoury, not suing
])
def test_mending_slips_does_not_invent_a_dont_say(checker: Checker, text: str) -> None:
    assert checker.check(text).clean


def test_authored_text_is_matched_without_mending(library) -> None:
    """Slips are mended only in what trainees type; scoring authored replies neither needs
    it nor pays for the word list."""
    from cscoach.judge.phrases import Matcher

    assert Matcher(library.phrasebook).match("Thats not my falut.") == ()
    assert Matcher(library.phrasebook, mend_slips=True).match("Thats not my falut.")


def test_findings_are_placed_by_line_and_column(checker: Checker) -> None:
    text = "안녕하세요.\n그건 저도 모르겠어요. 다른 데 가세요."
    result = checker.check(text)
    placed = [(f.entry.id, f.line, f.column) for f in result.findings]
    # the judge also reads the reply as sending the customer away to someone else (not-my-job,
    # placed on the line's first sentence); the two listed phrasings are placed on their words
    assert ("dont-know", 2, 7) in placed and ("dont-come-back", 2, 14) in placed, placed
    assert {e for e, _, _ in placed} <= {"dont-know", "dont-come-back", "not-my-job"}, placed
    assert [s.step.id for s in result.steps] == ["greet"]
    assert len(result.missing) == 6


def test_a_finding_the_judge_is_not_sure_of_says_how_sure(checker: Checker, capsys) -> None:
    """Below `SURE` the entry named is right about half the time on dev, so the text report
    says how sure the judge is; a sure finding reads as before (the line a script greps)."""
    import dataclasses

    from cscoach.judge.check import SURE
    from cscoach.ui.check import show, show_line

    result = checker.check("I don't know.")
    (sure,) = result.findings
    assert sure.confidence >= SURE
    unsure = dataclasses.replace(sure, confidence=0.62)
    for findings, lang in (((sure,), "en"), ((unsure,), "en"), ((unsure,), "ko")):
        show(dataclasses.replace(result, findings=findings), "<text>", lang)
        show_line(dataclasses.replace(result, findings=findings), "f.txt", 3, lang)
    lines = [line for line in capsys.readouterr().out.splitlines() if "dont-know" in line]
    assert lines[0].endswith("(dont-know, S001-SAY)") and "(dont-know, S001-SAY): " in lines[1]
    assert lines[2].endswith("(dont-know, S001-SAY; the judge is 62% sure)")
    assert "(dont-know, S001-SAY; the judge is 62% sure): say instead:" in lines[3]
    assert lines[4].endswith("(dont-know, S001-SAY; 판정 확신도 62%)")


def test_check_text_argument_text_format(cli) -> None:
    run = cli("check", "I don't know. Go somewhere else.", "--lang", "en")
    assert run.code == 1
    assert '<text>:1:1: don\'t say "I don\'t know" (dont-know, S001-SAY)' in run.out
    assert "say instead: Could you give me one minute?" in run.out
    assert "a complete reply would also: 1 Greet" in run.out
    assert '2 "don\'t say" found' in run.err


def test_check_clean_reply_exits_0_and_lists_steps(cli) -> None:
    run = cli("check", "Good morning, Ms Park. Does that work for you?", "--format", "json")
    data = json.loads(run.out)
    assert run.code == 0 and data["clean"] is True and data["dont_say"] == []
    assert [s["step"] for s in data["steps"]] == ["greet", "check"]
    assert {s["step"] for s in data["missing_steps"]} == {
        "listen", "ask", "empathize", "resolve", "follow_up"}


def test_check_file_and_json(cli, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("고객님, 안녕하세요.\n\n그건 제 담당이 아닙니다.\n", encoding="utf-8")
    run = cli("check", str(draft), "--format", "json", "--lang", "ko")
    data = json.loads(run.out)
    assert run.code == 1 and data["source"] == str(draft)
    (hit,) = data["dont_say"]
    assert (hit["entry"], hit["line"], hit["column"], hit["text"]) == (
        "not-my-job", 3, 4, "제 담당이 아닙니다")
    assert hit["why"].startswith("고객은")


def test_check_stdin_in_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "CSCOACH_CONTENT": str(ROOT), "CSCOACH_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "cscoach", "check", "-", "--format", "json"],
                         input=b"Hi Tom, I dunno.", capture_output=True, env=env,
                         timeout=60)
    assert run.returncode == 1
    assert json.loads(run.stdout)["dont_say"][0]["entry"] == "dont-know"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "nothing to check (empty)"),
    (b"   \n\t\n", "nothing to check (empty)"),
    (b"hello\x00world", "binary data (a NUL byte at offset 5), not text"),
    (b"caf\xe9 is closed", "not valid UTF-8 (byte 0xe9 at offset 3)"),
])
def test_check_refuses_what_is_not_text(cli, tmp_path: Path, content: bytes,
                                        message: str) -> None:
    path = tmp_path / "reply.txt"
    path.write_bytes(content)
    run = cli("check", str(path))
    assert run.code == 2 and message in run.err and "Traceback" not in run.err
    assert run.err.count("\n") == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX")
@pytest.mark.parametrize("each_line", [False, True])
@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_check_refuses_a_pipe_or_device_without_opening_it(cli, tmp_path: Path, kind: str,
                                                          each_line: bool) -> None:
    """A named pipe would block the open for ever and /dev/zero never end; a bare name ("ff")
    that is a pipe is not taken as the text "ff" either."""
    path = tmp_path / ("ff" if kind == "pipe" else "zero.txt")
    if kind == "pipe":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    run = cli("check", *(["--each-line"] if each_line else []), str(path))
    assert run.code == 2 and "Traceback" not in run.err
    assert f"{path}: is not a regular file (a pipe, device or socket)" in run.err
    assert run.err.count("\n") == 1 and run.out == ""


def test_check_refuses_a_10_mb_file_without_reading_it_all(cli, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(10 * 1024 * 1024)  # sparse: 10 MB of NULs on disk in no time
    run = cli("check", str(path))
    assert run.code == 2 and "more than 1 MB" in run.err


def test_check_a_folder_or_a_missing_file(cli, tmp_path: Path) -> None:
    run = cli("check", str(tmp_path))
    assert run.code == 2 and "is a folder" in run.err
    run = cli("check", str(tmp_path / "nope.txt"))
    assert run.code == 2 and "no such file" in run.err


def test_check_reads_no_more_than_its_limit(tmp_path: Path) -> None:
    """A 10 MB file is refused after reading just over 1 MB: memory stays bounded."""
    import tracemalloc

    from cscoach.cli.check import read_input
    from cscoach.errors import UsageError
    from cscoach.judge.check import MAX_BYTES

    path = tmp_path / "big.txt"
    path.write_bytes(b"I don't know. " * (10 * 1024 * 1024 // 14))
    tracemalloc.start()
    with pytest.raises(UsageError, match="more than 1 MB"):
        read_input(str(path), MAX_BYTES)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 3 * MAX_BYTES


@pytest.mark.parametrize(("arg", "where"), [
    ("24/7 support, I don't know", "<text>"), ("and/or", "<text>"), ("fine.", "<text>"),
    ("Sorry, I don't know." * 300, "<text>"),  # far longer than a file name may be
])
def test_text_that_looks_a_little_like_a_path_is_checked_as_text(arg: str, where: str) -> None:
    from cscoach.cli.check import read_input

    assert read_input(arg, 1_000_000) == (arg, where)


@pytest.mark.parametrize("arg", ["draft.md", "./reply", "~/macros/refund.txt", "/no/such"])
def test_a_missing_file_name_is_an_error_not_text(arg: str) -> None:
    from cscoach.cli.check import read_input
    from cscoach.errors import UsageError

    with pytest.raises(UsageError, match="no such file"):
        read_input(arg, 1_000_000)


# -- check --each-line: an audit of many replies in one process


def test_each_line_judges_every_line_on_its_own(cli, tmp_path: Path) -> None:
    path = tmp_path / "macros.txt"
    path.write_text("Sorry, that is not my job.\n\nThank you for waiting, I'll check it now.\n"
                    '{"id": "m7", "text": "모르겠어요. 기다리세요."}\n', encoding="utf-8")
    r = cli("check", "--each-line", str(path))
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[0].startswith(f"{path}:1:16: don't say \"not my job\" (not-my-job, S001-EXP)")
    assert any(x.startswith(f"{path}:4:1: don't say \"모르겠어요\" (dont-know") for x in lines)
    assert any(x.startswith(f"{path}:4:8: don't say \"기다리세요\" (hurry-wait") for x in lines)
    assert not any(f"{path}:3" in x for x in lines)  # a clean line says nothing
    assert "3 line(s) checked, 2 with a \"don't say\"" in r.err
    data = [json.loads(x) for x in cli("check", "--each-line", str(path), "--format",
                                        "json").out.splitlines()]
    assert [d["line"] for d in data] == [1, 3, 4]
    assert data[2]["id"] == "m7" and [f["entry"] for f in data[2]["dont_say"]] == [
        "dont-know", "hurry-wait"]
    assert data[1]["clean"] is True


def test_each_line_tells_a_bad_line_and_goes_on(cli, tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"\xff\xfe not text\n{\"x\": 1}\n{broken\nnul\x00here\n" + b"a" * 1_000_100
                     + b"\nI don't know.\n")
    r = cli("check", "--each-line", str(path), "--format", "json")
    assert r.code == 2
    errors = [x for x in r.err.splitlines() if x.startswith("cscoach:")]
    assert errors == [
        f"cscoach: {path}:1: not valid UTF-8 (byte 0xff at column 1)",
        f"cscoach: {path}:2: a JSON line needs a \"text\" string",
        f"cscoach: {path}:3: not a JSON object: Expecting property name enclosed in double "
        "quotes: line 1 column 2 (char 1)",
        f"cscoach: {path}:4: binary data (a NUL byte), not text",
        f"cscoach: {path}:5: more than 1,000,000 bytes on one line"]
    rows = [json.loads(x) for x in r.out.splitlines()]
    assert rows[-1]["line"] == 6 and rows[-1]["dont_say"][0]["entry"] == "dont-know"
    assert "1 line(s) checked, 1 with a \"don't say\", 5 not read" in r.err


def test_each_line_reads_standard_input_and_refuses_a_folder(cli, tmp_path: Path,
                                                            monkeypatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(
        b"Have a good day.\nThanks for calling.\n")))
    r = cli("check", "--each-line", "-")
    assert r.code == 0 and r.out == ""
    assert "<stdin>: 2 line(s) checked, 0 with a \"don't say\"" in r.err
    r = cli("check", "--each-line", str(tmp_path))
    assert r.code == 2 and "is a folder; give a file of replies, one a line" in r.err
