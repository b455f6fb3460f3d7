"""Content packs: a team's own scenarios, phrasebook entries and quiz questions added to the
shipped library (--content, CSCOACH_CONTENT_PATH, config.toml), ids that clash refused with both
places named, broken packs refused whole, and histories that keep a changed scenario apart."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import ROOT
from cscoach.content.library import display_path

SHOPPER = (ROOT / "scenarios" / "angry-shopper.yaml").read_text(encoding="utf-8")
BEST = "1,1,2,1,1,1"  # angry-shopper's best path (100, tests/test_scoring.py)

PHRASES = """\
format_version: 1
kind: phrasebook
title: {ko: 우리 팀의 말, en: Our team's phrases}
entries:
  - id: computer-says-no
    source: S001-SAY
    dont_say:
      ko: [전산상 안 된대요]
      en: ["computer says no"]
    why:
      ko: 시스템 뒤에 숨으면 고객은 버려졌다고 느낍니다.
      en: Hiding behind the system leaves the customer feeling dropped.
    say_instead:
      ko: 제가 직접 방법을 찾아보겠습니다.
      en: Let me find a way myself.
    say_instead_markers:
      ko: [방법을 찾아보겠습니다]
      en: ["find a way"]
"""

BANK = """\
format_version: 1
kind: quiz
title: {ko: 우리 팀 퀴즈, en: Our team's quiz}
questions:
  - id: team-refund-days
    topic: facts
    type: truefalse
    source: S002-STAT
    prompt:
      ko: 불만을 잘 처리해 준 고객은 다시 찾아올 수 있다.
      en: A customer whose complaint was handled well may come back.
    answer: true
    explanation:
      ko: 성의 있는 처리는 고객을 다시 오게 합니다.
      en: Handling it with care brings the customer back.
"""


def scenario(new_id: str, text: str = SHOPPER) -> str:
    return text.replace("id: angry-shopper\n", f"id: {new_id}\n", 1)


def make_pack(root: Path, scenarios: dict[str, str] | None = None,
              phrasebook: dict[str, str] | None = None,
              quiz: dict[str, str] | None = None) -> Path:
    for folder, files in (("scenarios", scenarios), ("phrasebook", phrasebook), ("quiz", quiz)):
        for name, text in (files or {}).items():
            path = root / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root


def _line_of(path: Path, prefix: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))


def test_a_pack_adds_to_the_shipped_library_and_list_says_where_each_comes_from(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = make_pack(tmp_path / "team", {"team-shopper.yaml": scenario("team-shopper")})
    shipped = json.loads(cli("list", "--json").out)
    r = cli("list", "--json", "--content", str(pack))
    assert r.code == 0, r.err
    rows = {row["id"]: row for row in json.loads(r.out)}
    assert len(rows) == len(shipped) + 1  # nothing of the shipped library is lost
    assert rows["team-shopper"]["pack"] == "team" and rows["team-shopper"]["from"] == str(pack)
    assert rows["angry-shopper"]["pack"] is None and rows["angry-shopper"]["from"] is None
    monkeypatch.chdir(tmp_path)
    text = cli("list", "--content", "team", "--lang", "en").out
    assert re.search(r"team-shopper .* 70 +team +\n", text), text
    assert re.search(r"angry-shopper .* 70 +shipped +\n", text), text
    assert re.search(r"angry-shopper .* 70 +기본 제공 +\n", cli("list", "--lang", "ko").out)
    played = cli("play", "team-shopper", "--content", str(pack), "--answers", BEST, "--json",
                 "--no-record")
    assert played.code == 0 and json.loads(played.out)["score"] == 100


def test_packs_from_the_variable_and_the_config_and_which_wins(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = make_pack(tmp_path / "a", {"pack-a.yaml": scenario("pack-a")})
    b = make_pack(tmp_path / "b", {"pack-b.yaml": scenario("pack-b")})
    home = tmp_path / "home"
    (home / "packs").mkdir(parents=True)
    make_pack(home / "packs" / "c", {"pack-c.yaml": scenario("pack-c")})
    (home / "config.toml").write_text('content = ["packs/c"]\n', encoding="utf-8")
    monkeypatch.setenv("CSCOACH_HOME", str(home))

    def ids(*args: str) -> set[str]:
        r = cli("list", "--json", *args)
        assert r.code == 0, r.err
        return {row["id"] for row in json.loads(r.out) if row["pack"]}

    assert ids() == {"pack-c"}  # relative to the config file's folder
    monkeypatch.setenv("CSCOACH_CONTENT_PATH", os.pathsep.join([str(a), str(b)]))
    assert ids() == {"pack-a", "pack-b"}  # the variable before the config
    assert ids("--content", str(b)) == {"pack-b"}  # the option before both
    (home / "config.toml").write_text('content = "packs/c"\n', encoding="utf-8")
    monkeypatch.delenv("CSCOACH_CONTENT_PATH")
    r = cli("list")
    assert r.code == 2 and "'content' must be a list of folders" in r.err


def test_a_pack_id_taken_by_the_shipped_library_is_refused_with_both_places(
        cli, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "team", {"angry-shopper.yaml": SHOPPER})
    r = cli("list", "--content", str(pack))
    assert r.code == 2 and r.out == ""
    line = _line_of(ROOT / "scenarios" / "angry-shopper.yaml", "id:")
    mine = pack / "scenarios" / "angry-shopper.yaml"
    shipped = display_path(ROOT / "scenarios" / "angry-shopper.yaml")
    assert r.err == (f"cscoach: {mine}:{line}:5: error: scenario id 'angry-shopper' is taken by "
                     f"{shipped}:{line}:5 (the shipped "
                     "library); scenario ids must be unique across the shipped library and "
                     "every content pack\n")
    for command in (("play", "angry-shopper", "--answers", BEST, "--no-record"),
                    ("quiz", "export"), ("progress",), ("check", "hello")):
        assert cli(*command, "--content", str(pack)).code == 2, command


def test_ids_that_clash_between_packs_and_inside_a_folder_are_refused(
        cli, tmp_path: Path) -> None:
    a = make_pack(tmp_path / "a", {"same.yaml": scenario("same")})
    b = make_pack(tmp_path / "b", {"same.yaml": scenario("same")})
    r = cli("list", "--content", str(a), "--content", str(b))
    assert r.code == 2
    assert f"{b / 'scenarios' / 'same.yaml'}:" in r.err
    assert f"is taken by {a / 'scenarios' / 'same.yaml'}:" in r.err and "content pack 'a'" in r.err
    twice = make_pack(tmp_path / "twice", {"twin.yaml": scenario("twin"),
                                           "twin.yml": scenario("twin")})
    r = cli("list", "--content", str(twice))
    assert r.code == 2 and r.err.count("\n") == 1
    assert "twin.yml:" in r.err and "is taken by" in r.err and "twin.yaml:" in r.err


def test_an_id_must_equal_its_file_name(cli, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "team", {"draft.yaml": scenario("team-shopper")})
    r = cli("list", "--content", str(pack))
    line = _line_of(pack / "scenarios" / "draft.yaml", "id:")
    assert r.code == 2
    assert r.err == (f"cscoach: {pack / 'scenarios' / 'draft.yaml'}:{line}:1: error: scenario "
                     "id 'team-shopper' must equal the file name 'draft' (rename the file to "
                     "team-shopper.yaml or the id to draft)\n")


def test_a_bad_pack_is_one_located_line_each_and_nothing_is_used(
        cli, tmp_path: Path) -> None:
    good = make_pack(tmp_path / "good", {"good-one.yaml": scenario("good-one")})
    broken = make_pack(tmp_path / "broken", {"ok-one.yaml": scenario("ok-one"),
                                              "bad-one.yaml": scenario("bad-one").replace(
                                                  "pass_mark:", "pass_mark: [", 1)})
    a_file = tmp_path / "file.yaml"
    a_file.write_text("x: 1\n", encoding="utf-8")
    empty = tmp_path / "empty"
    (empty / "scenarios").mkdir(parents=True)
    r = cli("list", "--content", str(good), "--content", str(tmp_path / "missing"),
            "--content", str(a_file), "--content", str(empty), "--content", str(broken))
    assert r.code == 2 and r.out == ""
    lines = r.err.splitlines()
    assert lines[:3] == [
        f"cscoach: --content: error: content pack '{tmp_path / 'missing'}' does not exist (a "
        "pack is a folder holding scenarios/, phrasebook/ or quiz/)",
        f"cscoach: --content: error: content pack '{a_file}' is a file, not a folder holding "
        "scenarios/, phrasebook/ or quiz/",
        f"cscoach: --content: error: content pack '{empty}' holds no content: no .yaml file in "
        "its scenarios/, phrasebook/ or quiz/ folder"]
    assert len(lines) == 4 and re.match(
        rf"cscoach: {re.escape(str(broken / 'scenarios' / 'bad-one.yaml'))}:\d+:\d+: error: ",
        lines[3]), lines
    assert "Traceback" not in r.err
    # a broken file the command does not play still stops it: never a partial library
    assert cli("play", "good-one", "--content", str(good), "--content", str(broken),
               "--answers", BEST, "--no-record").code == 2


def test_a_pack_cannot_replace_the_steps_or_the_sources(cli, tmp_path: Path) -> None:
    steps = (ROOT / "phrasebook" / "steps.yaml").read_text(encoding="utf-8")
    pack = make_pack(tmp_path / "team", phrasebook={"steps.yaml": steps})
    r = cli("list", "--content", str(pack))
    assert r.code == 2 and "a content pack cannot replace the seven steps" in r.err
    assert str(pack / "phrasebook" / "steps.yaml") in r.err


def test_pack_phrasebook_entries_are_judged_and_their_ids_may_not_clash(
        cli, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "team", phrasebook={"team.yaml": PHRASES})
    r = cli("check", "Sorry, computer says no.", "--content", str(pack), "--format", "json")
    assert r.code == 1
    assert [h["entry"] for h in json.loads(r.out)["dont_say"]] == ["computer-says-no"]
    assert cli("check", "Sorry, computer says no.").code == 0  # not without the pack
    clash = make_pack(tmp_path / "clash", phrasebook={
        "team.yaml": PHRASES.replace("id: computer-says-no", "id: dont-know")})
    r = cli("list", "--content", str(clash))
    shipped = ROOT / "phrasebook" / "s001-say.yaml"
    line = _line_of(shipped, "  - id: dont-know")
    assert r.code == 2
    assert r.err == (f"cscoach: {clash / 'phrasebook' / 'team.yaml'}:5:1: error: phrasebook id "
                     f"'dont-know' is taken by {display_path(shipped)}:{line}"
                     ":1; phrasebook ids must be unique across the shipped phrasebook and every "
                     "content pack\n")


def test_pack_quiz_questions_are_asked_and_their_ids_may_not_clash(
        cli, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "team", quiz={"team.yaml": BANK})
    r = cli("quiz", "export", "--format", "json", "--content", str(pack))
    assert r.code == 0, r.err
    assert "team-refund-days" in r.out and "team-refund-days" not in cli(
        "quiz", "export", "--format", "json").out
    clash = make_pack(tmp_path / "clash", quiz={
        "team.yaml": BANK.replace("id: team-refund-days", "id: unhappy-spread")})
    r = cli("quiz", "export", "--content", str(clash))
    assert r.code == 2 and "quiz question id 'unhappy-spread' is taken by" in r.err
    assert str(clash / "quiz" / "team.yaml") + ":5:1" in r.err and "facts.yaml:" in r.err


def test_new_refuses_an_id_that_is_taken(cli, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pack = make_pack(tmp_path / "team", {"team-shopper.yaml": scenario("team-shopper")})
    monkeypatch.chdir(tmp_path)
    answers = ["--title-en", "T", "--title-ko", "티", "--persona-en", "Ms Kim", "--persona-ko",
               "김 고객님", "--channel", "phone"]
    r = cli("new", "--id", "angry-shopper", *answers)
    assert r.code == 2 and "the id 'angry-shopper' is taken by" in r.err
    assert "angry-shopper.yaml:" in r.err and "the shipped library" in r.err
    r = cli("new", "--id", "team-shopper", *answers, "--content", str(pack))
    assert r.code == 2 and "content pack 'team'" in r.err
    assert not (tmp_path / "angry-shopper.yaml").exists()
    assert not (tmp_path / "team-shopper.yaml").exists()
    assert cli("new", "--id", "team-shopper", *answers).code == 0  # free without the pack


def test_a_changed_scenario_is_a_new_version_never_merged_with_its_old_attempts(
        cli, tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "team", {"angry-copy.yaml": scenario("angry-copy")})
    for answers in (BEST, "1,2,3,2,1,2"):
        assert cli("play", "angry-copy", "--content", str(pack), "--answers", answers).code == 0
    assert cli("play", "angry-shopper", "--answers", BEST).code == 0
    path = pack / "scenarios" / "angry-copy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pass_mark: 70", "pass_mark: 80"),
                    encoding="utf-8")
    assert cli("play", "angry-copy", "--content", str(pack), "--answers", BEST).code == 0
    data = json.loads(cli("progress", "--json").out)
    rows = [(s["scenario"], s["pack"], s["version"], s["versions"], s["attempts"])
            for s in data["scenarios"]]
    assert rows == [("angry-copy", "team", 1, 2, 2), ("angry-copy", "team", 2, 2, 1),
                    ("angry-shopper", None, 1, 1, 1)]
    text = cli("progress", "--lang", "en").out
    assert re.search(r"pack team · version 2 since \d{4}-\d\d-\d\d", text)
    db = Path(os.environ["CSCOACH_HOME"]) / "history.db"
    report = json.loads(cli("report", str(db), "--format", "json").out)
    assert [(s["scenario"], s["pack"], s["version"], s["attempts"], s["best_score"])
            for s in report["scenarios"]] == [("angry-copy", "team", 1, 2, 100),
                                              ("angry-copy", "team", 2, 1, 100),
                                              ("angry-shopper", None, 1, 1, 100)]
    assert {(h["scenario"], h["pack"], h["version"]) for h in report["hardest"]} == {
        ("angry-copy", "team", 1)}  # the trap was fallen into on version 1 only
    text = cli("report", str(db), "--lang", "en", "--only", "scenarios").out
    assert re.search(r"pack team · version 2 since \d{4}-\d\d-\d\d", text)
    page = cli("report", str(db), "--format", "html", "--lang", "en").out  # and on the page
    assert "pack team · version 2 · angry-copy: 1 of 1 passed" in page
    assert "pack team · version 1 · angry-copy: 1 of 2 passed" in page
    book = tmp_path / "report.xlsx"  # and in the workbook
    assert cli("report", str(db), "--out", str(book)).code == 0
    import openpyxl

    sheet = openpyxl.load_workbook(book)["scenarios"]
    assert [tuple(row[:4]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("angry-copy", "team", 1, 2), ("angry-copy", "team", 2, 2),
        ("angry-shopper", None, 1, 1)]


def test_an_old_history_is_migrated_and_its_attempts_keep_their_version(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A history from before packs (schema 4): its attempts become the shipped library's, and
    count with the version played now when the authored `version:` is the same."""
    home = tmp_path / "home"
    monkeypatch.setenv("CSCOACH_HOME", str(home))
    assert cli("play", "angry-shopper", "--answers", BEST).code == 0
    db = sqlite3.connect(home / "history.db")
    db.execute("UPDATE attempts SET content_hash = NULL")  # as schema 4 had it ...
    db.execute("ALTER TABLE attempts DROP COLUMN pack")
    db.execute("ALTER TABLE attempts DROP COLUMN content_hash")
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    assert cli("play", "angry-shopper", "--answers", "1,2,3,2,1,2").code == 0
    db = sqlite3.connect(home / "history.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 5
    kept = db.execute("SELECT pack, content_hash IS NULL FROM attempts ORDER BY started_at"
                      ).fetchall()
    db.close()
    assert kept == [("", 1), ("", 0)]
    rows = json.loads(cli("progress", "--json").out)["scenarios"]
    assert [(s["scenario"], s["version"], s["attempts"]) for s in rows] == [
        ("angry-shopper", 1, 2)]
