"""Paths no file can have: a name longer than the system allows, a symbolic link loop. Python
3.11's Path.exists() and is_dir() raise for these instead of answering False, which made
'cscoach play NAME', 'validate', 'new --id' and more end in exit 70 (internal error). Each is
now one line and exit 2 (or works), never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT

LONG = "a" * 5000
NEW = ["--title-en", "T", "--title-ko", "T", "--persona-en", "P", "--persona-ko", "P",
       "--channel", "phone"]


def _one_line(run, code: int = 2, short: bool = True) -> str:
    assert run.code == code, (run.code, run.err)
    assert "internal error" not in run.err and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    if short:  # a 5,000-character name is not repeated back (a file's path is, in full)
        assert len(run.err) < 1000
    return run.err


@pytest.mark.parametrize("command", ["play", "graph", "autoplay"])
def test_a_scenario_name_too_long_for_a_file_is_an_unknown_scenario(cli, command: str) -> None:
    err = _one_line(cli(command, LONG, *(["--answers", "1"] if command == "play" else [])))
    assert f"unknown scenario '{'a' * 97}...'" in err and "(see 'cscoach list')" in err


def test_a_scenario_path_too_long_is_one_line(cli) -> None:
    err = _one_line(cli("play", LONG + ".yaml", "--answers", "1"))
    assert ": cannot use this path (File name too long)" in err


@pytest.mark.parametrize("command", ["validate", "stats"])
def test_validate_and_stats_report_a_path_too_long(cli, command: str) -> None:
    run = cli(command, LONG)
    assert run.code == 1, run.err
    assert "internal error" not in run.err
    assert "cannot use this path (File name too long)" in run.out + run.err


def test_new_with_an_id_too_long_for_its_file_name(cli, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    err = _one_line(cli("new", "--id", "a" * 300, *NEW))
    assert "too long for a file name (ID.yaml): at most 250 characters" in err
    assert list(tmp_path.iterdir()) == []  # nothing written
    ok = cli("new", "--id", "b" * 250, *NEW)
    assert ok.code == 0, ok.err
    assert (tmp_path / ("b" * 250 + ".yaml")).is_file()
    named = cli("new", "--id", "c" * 300, *NEW, "--out", "short.yaml")  # the id is no name
    assert named.code == 0, named.err


@pytest.mark.parametrize("args", [
    ["quiz", "-n", "1", "--answers", "1", "--no-record", "--out", LONG + ".csv"],
    ["report", LONG],
    ["export", "--data-dir", "x/" + LONG],
])
def test_any_other_path_too_long_is_one_line(cli, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    err = _one_line(cli(*args), short="--data-dir" not in args)
    assert "File name too long" in err


@pytest.fixture
def inside(content: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The private content, with its schemas, as the working folder."""
    shutil.copytree(ROOT / "schema", content / "schema")
    monkeypatch.chdir(content)
    return content


def test_a_link_to_its_own_folder_in_the_content_is_harmless(cli, inside: Path) -> None:
    (inside / "scenarios" / "loop").symlink_to(".")
    shipped = sum(len(list((ROOT / f).glob("*.yaml"))) for f in ("scenarios", "phrasebook", "quiz"))
    assert cli("list").code == 0
    run = cli("validate", "scenarios", "phrasebook", "quiz")
    assert run.code == 0, run.out + run.err
    assert run.err.startswith(f"{shipped} file(s) checked: 0 error(s)")  # none twice
    assert cli("stats").code == 0
    assert cli("play", "angry-shopper", "--answers", "1,1,1,1,1,1,1", "--no-record").code == 0
    made = cli("new", "--id", "via-loop", *NEW, "--out", "scenarios/loop/loop/via-loop.yaml")
    assert made.code == 0, made.err
    assert (inside / "scenarios" / "via-loop.yaml").is_file()


def test_a_link_loop_in_the_content_is_one_line(cli, inside: Path) -> None:
    (inside / "scenarios" / "loop").symlink_to("loop")  # resolves to nothing, for ever
    err = _one_line(cli("new", "--id", "x", *NEW, "--out", "scenarios/loop/x.yaml"))
    assert "cannot create the folder: Too many levels of symbolic links" in err
    (inside / "scenarios" / "loop.yaml").symlink_to("loop.yaml")
    err = _one_line(cli("list"))
    assert "loop.yaml: error: cannot read: Too many levels of symbolic links" in err
