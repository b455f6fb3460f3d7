"""Strings from other people's hands are shown as text (issue 16, items 2 and 3): content that
would write escape sequences is refused at load, located; Rich markup in titles, names and
replies is printed literally (a `[link=...]` is no link, a `[/]` no crash); a crafted export's
ESC reaches the trainer's terminal only as a visible `\\x1b`; a file name cannot forge lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import MINI_SCENARIO

MINI = MINI_SCENARIO.replace("pass_mark: 60", "pass_mark: 50")
ESC_SEQUENCES = re.compile(r"\x1b[\]P_^]|\x1b\[[0-9;]*[HJK]|\x1b\[\?")  # OSC, DCS, clear, modes


@pytest.fixture
def colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich writes styles, links and all, as to a real terminal."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.mark.parametrize(("written", "code"), [
    ('"Hello\\e[2J"', 0x1B),  # clear the screen
    ('"Hi\\x1b]52;c;aGVsbG8=\\x07"', 0x1B),  # write the clipboard (OSC 52)
    ('"Title\\x1b]0;owned\\x07"', 0x1B),  # the window title (OSC 0)
    ('"Click\\x1b]8;;https://evil.example\\x1b\\\\here"', 0x1B),  # a hyperlink (OSC 8)
    ('"evil\\u202etxt.exe"', 0x202E),  # reads backwards
    ('"del\\x7f"', 0x7F),
    ('"csi\\x9b2J"', 0x9B),  # C1 CSI
])
def test_escapes_in_content_are_refused_where_they_are(cli, write, written: str,
                                                       code: int) -> None:
    path = write("s.yaml", MINI.replace("en: Hello}", f"en: {written}}}"))
    r = cli("validate", str(path))
    assert r.code == 1
    line = next(i for i, t in enumerate(MINI.splitlines(), 1) if "en: Hello}" in t)
    assert f"s.yaml:{line}:" in r.out
    assert f"contains the control character U+{code:04X}" in r.out
    assert "\x1b" not in r.out + r.err and "\u202e" not in r.out + r.err
    assert cli("play", str(path), "--answers", "1,1", "--no-record").code == 2


def test_a_line_break_and_a_tab_in_content_are_fine(cli, write) -> None:
    path = write("s.yaml", MINI.replace("en: Hello}", 'en: "Hello\\n\\tthere"}'))
    assert cli("validate", str(path)).code == 0


def test_file_names_cannot_forge_lines(cli, tmp_path: Path) -> None:
    folder = tmp_path / "evil\x1b[2J\nfake.yaml:1:1: error: forged"
    folder.mkdir()
    (folder / "s.yaml").write_text("format_version: 1\nkind: scenario\n", encoding="utf-8")
    r = cli("validate", str(folder))
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines and all(": error: " in line for line in lines)
    assert not any(line.startswith("fake.yaml") for line in lines)
    assert "\x1b" not in r.out and "\\x1b" in r.out and "\\n" in r.out


MARKUP = {"title": "[link=https://evil.example]Click me[/link]", "persona": "[/]",
          "reply": "[bold red]Thanks for calling[/]"}


def _marked_up(write) -> Path:
    text = (MINI.replace("title: {ko: 작은 시나리오, en: A small scenario}",
                         f'title: {{ko: "{MARKUP["title"]}", en: "{MARKUP["title"]}"}}')
            .replace("name: {ko: 김 고객님, en: Ms Kim}",
                     f'name: {{ko: "{MARKUP["persona"]}", en: "{MARKUP["persona"]}"}}')
            .replace("says: {ko: 전화 주셔서 감사합니다, en: Thanks for calling}",
                     f'says: {{ko: "{MARKUP["reply"]}", en: "{MARKUP["reply"]}"}}'))
    return write("marked.yaml", text)


def test_markup_in_content_is_printed_as_written(cli, write, colour) -> None:
    path = _marked_up(write)
    assert cli("validate", str(path)).code == 0
    r = cli("play", str(path), "--answers", "1,1", "--no-record")
    assert r.code == 0, r.err
    plain = re.sub(r"\x1b\[[0-9;]*m", "", r.out)  # colours are fine; links and the rest not
    for written in MARKUP.values():
        assert written in plain
    assert "\x1b]8;" not in r.out  # no hyperlink was made
    assert not ESC_SEQUENCES.search(r.out)


def _export(tmp_path: Path, trainee: str, title: str, typed: str) -> Path:
    """A JSON export as 'cscoach export' writes it, with hostile strings in it."""
    from cscoach.content.library import load_library
    from cscoach.drill.engine import enumerate_paths, play
    from cscoach.history.record import DrillTracker
    from cscoach.history.service import export_document
    from cscoach.judge.phrases import Matcher
    from cscoach.judge.scoring import debrief

    library = load_library()
    story = library.scenario("angry-shopper")
    matcher = Matcher(library.phrasebook)
    kept: list[dict[str, object]] = []
    tracker = DrillTracker(story, trainee, "en", matcher, kept.append)
    transcript = play(story, enumerate_paths(story, limit=1).paths[0])
    for turn in transcript.turns:
        tracker.heard(turn)
    tracker.finished(transcript, debrief(transcript, library.steps, matcher))
    record = kept[0]
    record["title"] = {"ko": title, "en": title}
    choices = record["choices"]
    assert isinstance(choices, list)
    choices[0]["typed"] = typed
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export_document([record]), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("output", ["table", "md", "csv", "json", "html"])
def test_a_crafted_export_cannot_reach_the_trainers_terminal(cli, tmp_path: Path, colour,
                                                             output: str) -> None:
    path = _export(tmp_path, "[/]\x1b]52;c;aGk=\x07", "[link=https://x]T\x1b[2J",
                   "hi\x1b]0;owned\x07")
    r = cli("report", str(path), "--format", output,
            *(("--only", "hardest") if output == "csv" else ()))
    assert r.code == 0, r.err
    assert "\x07" not in r.out and not ESC_SEQUENCES.search(r.out)
    assert "\x1b]8;" not in r.out
    if output == "table":
        assert "[/]" in r.out and "\\x1b" in r.out


def test_markup_in_names_is_printed_as_written(cli, colour) -> None:
    """A trainee named `[/]` crashed the trainer's whole report (exit 70); team names with
    `[link=...]` became links on the podium."""
    assert cli("play", "angry-shopper", "--answers", "1,1,1,1,1,1,1", "--trainee", "[/]",
               "--json").code == 0
    for command in (("progress", "--trainee", "[/]"), ("drill", "--trainee", "[/]")):
        r = cli(*command)
        assert r.code == 0, r.err
        assert "[/]" in r.out and not ESC_SEQUENCES.search(r.out)
    r = cli("quiz", "--count", "2", "--seed", "1", "--team", "[/]", "--team",
            "[link=https://evil.example]Blue[/link]", "--answers", "[/]=1,1",
            "--answers", "[link=https://evil.example]Blue[/link]=2,2", "--no-record")
    assert r.code == 0, r.err
    assert "[/]" in r.out and "[link=https://evil.example]Blue[/link]" in r.out
    assert "\x1b]8;" not in r.out


@pytest.mark.parametrize("name", ["Red\x1b[2J", "Red\u202e", "Red\x7f", "x" * 65])
def test_team_names_a_screen_would_obey_are_refused(cli, name: str) -> None:
    r = cli("quiz", "--count", "1", "--team", name, "--team", "Blue", "--answers",
            f"{name}=1", "--answers", "Blue=1", "--no-record")
    assert r.code == 2 and "the --team name" in r.err
    assert "\x1b" not in r.err and "\u202e" not in r.err


def test_check_shows_typed_escapes_visibly(cli, colour) -> None:
    r = cli("check", "[/] [link=https://x]hi[/link]\x1b]0;owned\x07 I don't know")
    assert r.code == 1  # the don't-say is found
    assert "\x07" not in r.out and "\x1b]" not in r.out and "\x1b]8;" not in r.out


@pytest.mark.parametrize("name", ["mina\x7f", "mina\x9b", "mina\u202e", "mina\udcff", "x" * 81])
def test_trainee_names_a_screen_would_obey_are_refused(cli, name: str) -> None:
    """DEL, C1 controls, bidi overrides and bytes that are not UTF-8 were accepted (only C0
    was refused), and reached every trainer's report."""
    r = cli("play", "angry-shopper", "--answers", "1,1,1,1,1,1,1", "--trainee", name)
    assert r.code == 2 and "must be 1-80 printable characters" in r.err
    assert not re.search("[\x7f-\x9f\u202e\udcff]", r.err)
