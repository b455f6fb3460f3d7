"""Hostile and broken input for every loader: scenarios, phrasebook files, the steps and
sources files, quiz banks and answers files. Each refusal is one located line and exit 2 (a
content problem met by a command; `validate` reports them with exit 1), never a traceback,
never a hang, never unbounded memory, and never running code from a YAML tag."""

from __future__ import annotations

import os
import re
import stat
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINI_SCENARIO
from cscoach.content.library import load_library
from cscoach.content.loader import Document, load_scenario, read_bytes
from cscoach.errors import ContentError

ROOT = Path(__file__).resolve().parent.parent

HEADERS = {
    "scenario": MINI_SCENARIO[: MINI_SCENARIO.index("endings:")],  # whole up to its endings
    "phrasebook": "format_version: 1\nkind: phrasebook\n",
    "steps": "format_version: 1\nkind: steps\n",
    "sources": "format_version: 1\nkind: sources\n",
    "quiz": "format_version: 1\nkind: quiz\n",
}
LISTS = {"scenario": "endings", "phrasebook": "entries", "steps": "steps", "sources": "sources",
         "quiz": "questions"}


def alias_bomb(levels: int = 10) -> str:
    """The "billion laughs": 9 ** levels strings if anything ever expanded it."""
    lines = ["- &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"- &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "".join(f"  {line}\n" for line in lines)


# (name, body after the header's list key, the message, located at line:col?)
HOSTILE: list[tuple[str, Callable[[str], bytes], str, bool]] = [
    ("malformed", lambda k: f"{k}: [a, b\n".encode(), "invalid YAML", True),
    ("tab", lambda k: f"{k}:\n\t- a\n".encode(), "a tab character", True),
    ("wrong type", lambda k: f"{k}: 5\n".encode(), r"must be a (list|mapping).*, not a number",
     True),
    ("wrong item types", lambda k: f"{k}:\n  - 5\n  - [a]\n  - {{a: b}}\n".encode(),
     r"must be a (list|mapping)|needs at least 7 items", True),
    ("deep nesting", lambda k: (f"{k}: " + "[" * 20000 + "]" * 20000 + "\n").encode(),
     "nesting", True),
    ("alias bomb", lambda k: f"{k}:\n{alias_bomb()}".encode(), "anchors and aliases", True),
    ("python object", lambda k: f"{k}: !!python/object/apply:os.system ['echo pwned']\n"
     .encode(), "is not allowed", True),
    ("python name", lambda k: f"{k}:\n  - !!python/name:os.system x\n".encode(),
     "is not allowed", True),
    ("invalid utf-8", lambda k: f"{k}: ".encode() + b"\xff\xfe\n", "not valid UTF-8", True),
    ("NUL byte", lambda k: f"{k}: a\x00b\n".encode(), "contains a NUL byte", True),
    ("binary", lambda k: bytes(range(256)) * 8, "not valid UTF-8", True),
    ("empty", lambda k: b"", "the file is empty", False),
]

TARGETS = {
    "scenario": "scenarios/x.yaml",
    "phrasebook": "phrasebook/s001-say.yaml",
    "steps": "phrasebook/steps.yaml",
    "sources": "phrasebook/sources.yaml",
    "quiz": "quiz/facts.yaml",
}


def command_for(kind: str, target: Path) -> list[str]:
    if kind == "scenario":
        return ["play", str(target), "--answers", "1", "--no-record"]
    if kind == "quiz":
        return ["quiz", "-n", "1", "--answers", "1", "--no-record"]
    return ["play", "angry-shopper", "--answers", "1", "--no-record"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from cscoach.cli.main import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str, target: Path, message: str, located: bool) -> str:
    assert "Traceback" not in err
    (line,) = err.splitlines()
    assert line.startswith(f"cscoach: {target}"), line
    assert re.search(message, line), line
    if located:
        assert line.startswith(f"cscoach: {target}:"), line  # file:line:col
    return line


@pytest.mark.parametrize("kind", list(HEADERS))
@pytest.mark.parametrize(("name", "body", "message", "located"), HOSTILE,
                         ids=[h[0] for h in HOSTILE])
def test_every_loader_refuses_hostile_files_in_one_located_line(
        capsys, content: Path, kind: str, name: str, body, message: str, located: bool) -> None:
    target = content / TARGETS[kind]
    data = body(LISTS[kind])
    target.write_bytes(data if name in ("binary", "empty") else HEADERS[kind].encode() + data)
    code, out, err = run(capsys, *command_for(kind, target))
    assert code == 2, (out, err)
    one_line(err, target, message, located)


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


SPECIAL: list[tuple[str, Callable[[Path], None], str]] = [
    ("a directory", lambda p: p.mkdir(), "is a directory, not a YAML file"),
    ("50 MB", lambda p: os.truncate(_bytes(p, b""), 50 * 1024 * 1024),  # sparse: no disk
     "file is too large (52,428,800 bytes; the limit is 2,097,152)"),
    ("a pipe", lambda p: os.mkfifo(p), "is not a regular file"),
]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX")
@pytest.mark.parametrize("kind", list(HEADERS))
@pytest.mark.parametrize(("name", "make", "message"), SPECIAL, ids=[s[0] for s in SPECIAL])
def test_what_is_not_a_readable_file_is_refused_without_reading_it(
        capsys, content: Path, kind: str, name: str, make, message: str) -> None:
    target = content / TARGETS[kind]
    target.unlink(missing_ok=True)
    make(target)
    tracemalloc.start()
    code, _, err = run(capsys, *command_for(kind, target))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert code == 2
    one_line(err, target, re.escape(message), located=False)
    assert peak < 20 * 1024 * 1024  # the 50 MB file is never read


def test_validate_reports_the_same_without_reading_a_huge_file(cli, tmp_path: Path) -> None:
    big = _bytes(tmp_path / "big.yaml", b"")
    os.truncate(big, 50 * 1024 * 1024)
    tracemalloc.start()
    r = cli("validate", "--no-cache", str(big))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert r.code == 1 and f"{big}: error: file is too large" in r.out
    assert peak < 20 * 1024 * 1024


def test_an_alias_bomb_is_refused_at_its_first_anchor_with_memory_bounded(tmp_path: Path
                                                                          ) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(HEADERS["phrasebook"] + "entries:\n" + alias_bomb(levels=30),
                    encoding="utf-8")  # 9 ** 30 strings if expanded
    tracemalloc.start()
    with pytest.raises(ContentError) as info:
        Document(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    (problem,) = info.value.problems
    assert problem.line == 4  # the first &a0
    assert "anchors and aliases (&a0 / *name) are not supported" in problem.message
    assert peak < 16 * 1024 * 1024  # about 5 MiB, the same for 3 levels as for 60


def test_no_tag_runs_code(library, tmp_path: Path) -> None:
    canary = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(HEADERS["scenario"] + "title: !!python/object/apply:pathlib.Path.touch "
                    f"[{str(canary)!r}]\nsummary: !!python/object/new:os.system "
                    f"['touch {canary}']\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_scenario(path, library.steps)
    assert not canary.exists()
    assert "is not allowed" in info.value.problems[0].message


def test_an_unreadable_file_says_permission_denied(capsys, content: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 0; as root (who reads it anyway, as in CI containers) the system's refusal is
    made to happen where the file is opened."""
    target = content / TARGETS["phrasebook"]
    target.chmod(0)
    if os.geteuid() == 0:
        real_open = Path.open

        def guarded(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self == target:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", guarded)
    try:
        code, _, err = run(capsys, *command_for("phrasebook", target))
    finally:
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert code == 2
    one_line(err, target, "permission denied; make the file readable", located=False)


def test_a_file_that_vanishes_between_listing_and_reading(content: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    library = load_library(content)
    files = library.scenario_files()
    gone = files[3]
    real_open = Path.open

    def vanishing(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self == gone:  # listed and stat()ed, deleted just before it is opened
            self.unlink()
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", vanishing)
    with pytest.raises(ContentError) as info:
        library.all_scenarios()
    assert [str(p) for p in info.value.problems] == [
        f"{gone}: error: no such file (was it moved or deleted?)"]


def test_a_file_growing_while_read_is_cut_at_the_limit(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "growing.yaml"
    path.write_bytes(b"a" * 10)
    real_open = Path.open

    def growing(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self == path:
            with real_open(path, "wb") as handle:  # after stat() said 10 bytes
                handle.write(b"a" * 5000)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", growing)
    with pytest.raises(ContentError, match="file is too large"):
        read_bytes(path, str(path), limit=1000)


# -- answers files (play --answers @FILE, quiz --answers @FILE)

def test_play_reads_answers_from_a_file_with_comments_and_lines(cli, tmp_path: Path) -> None:
    answers = tmp_path / "best.txt"
    answers.write_text("# the best path\n1, 1\n1 1 1   # three more\n\n1\n1\n", encoding="utf-8")
    inline = cli("play", "angry-shopper", "--answers", "1,1,1,1,1,1,1", "--json", "--no-record")
    from_file = cli("play", "angry-shopper", "--answers", f"@{answers}", "--json",
                    "--no-record")
    assert from_file.code == inline.code == 0
    assert from_file.out == inline.out


def test_quiz_reads_one_answers_value_a_line(cli, tmp_path: Path) -> None:
    answers = tmp_path / "teams.txt"
    answers.write_text("Red=1\n# Blue guesses\nBlue=2\n", encoding="utf-8")
    inline = cli("quiz", "-n", "1", "--seed", "1", "--team", "Red", "--team", "Blue",
                 "--answers", "Red=1", "--answers", "Blue=2", "--json", "--no-record")
    from_file = cli("quiz", "-n", "1", "--seed", "1", "--team", "Red", "--team", "Blue",
                    "--answers", f"@{answers}", "--json", "--no-record")
    assert from_file.code == inline.code == 0
    assert from_file.out == inline.out


ANSWERS_FILES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing", lambda d: d / "nope.txt", "nope.txt: error: no such file"),
    ("a directory", lambda d: d, "error: is a directory, not an answers file"),
    ("a pipe", lambda d: (os.mkfifo(d / "fifo"), d / "fifo")[1], "is not a regular file"),
    ("too big", lambda d: _bytes(d / "big.txt", b"1," * 40_000),
     "file is too large (80,000 bytes; the limit is 65,536)"),
    ("invalid utf-8", lambda d: _bytes(d / "u.txt", b"1,2\n\xff"), "u.txt:2:1: error: not valid"),
    ("NUL byte", lambda d: _bytes(d / "n.txt", b"1,\x002"), "n.txt:1:3: error: contains a NUL"),
    ("a word", lambda d: _bytes(d / "w.txt", b"1\n1, two\n"),
     "w.txt:2:4: 'two' is not a whole number from 1 up"),
    ("only comments", lambda d: _bytes(d / "c.txt", b"# none\n\n"), "c.txt: no answers in"),
]


@pytest.mark.parametrize(("name", "make", "message"), ANSWERS_FILES,
                         ids=[a[0] for a in ANSWERS_FILES])
def test_broken_answers_files_are_one_located_line(cli, tmp_path: Path, name: str, make,
                                                   message: str) -> None:
    path = make(tmp_path)
    r = cli("play", "angry-shopper", "--answers", f"@{path}", "--no-record")
    assert r.code == 2 and "Traceback" not in r.err
    (line,) = r.err.splitlines()
    assert message in line, line


def test_a_wrong_quiz_answer_in_a_file_names_its_line(cli, tmp_path: Path) -> None:
    answers = tmp_path / "teams.txt"
    answers.write_text("Red=1\n\nBlue=x\n", encoding="utf-8")
    r = cli("quiz", "-n", "1", "--seed", "1", "--team", "Red", "--team", "Blue",
            "--answers", f"@{answers}", "--no-record")
    assert r.code == 2
    assert r.err.startswith(f"cscoach: {answers}:3: answer 'x' to question 1")
    assert r.err.count("\n") == 1


def test_a_file_with_endless_problems_stops_at_two_hundred(library, tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(HEADERS["phrasebook"] + "entries:\n"
                    + "".join(f"  - x{i}: y\n" for i in range(5000)), encoding="utf-8")
    from cscoach.content.loader import load_phrasebook

    with pytest.raises(ContentError) as info:
        load_phrasebook(path, sources=library.sources)
    problems = info.value.problems
    assert len(problems) == 201
    assert problems[-1].message.startswith("stopped after 200 problems")


def test_answers_from_standard_input(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"1,1,1\n1 1 1 1\n")))
    from_stdin = cli("play", "angry-shopper", "--answers", "@-", "--json", "--no-record")
    inline = cli("play", "angry-shopper", "--answers", "1,1,1,1,1,1,1", "--json",
                 "--no-record")
    assert from_stdin.code == 0 and from_stdin.out == inline.out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b", ,\n")))
    r = cli("play", "angry-shopper", "--answers", "@-", "--no-record")
    assert r.code == 2 and "<stdin>: no answers in the file" in r.err


def test_a_file_of_too_many_values_is_refused_before_it_is_built(cli, write) -> None:
    """2 MiB of `{a, a, a, ...}` is 700,000 values: composed, it took 6 s and 480 MB. Past the
    limit the file is refused where the limit is crossed, without building it."""
    import tracemalloc

    from cscoach.content.reading import MAX_NODES

    head = "format_version: 1\nkind: phrasebook\nentries:\n"
    path = write("many.yaml", head + "  - {" + ", ".join(["a"] * (MAX_NODES + 10)) + "}\n")
    tracemalloc.start()
    r = cli("validate", "--no-cache", str(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert r.code == 1
    assert "many.yaml:4:" in r.out and "more than 100,000 YAML values" in r.out
    assert peak < 40 * 1024 * 1024  # composing it whole needs about 70 MB traced


def test_a_large_file_under_the_limit_is_read(cli, write) -> None:
    from cscoach.content.reading import MAX_NODES

    head = "format_version: 1\nkind: phrasebook\nentries:\n"
    path = write("many.yaml", head + "  - {" + ", ".join(["a"] * (MAX_NODES // 2 - 10)) + "}\n")
    r = cli("validate", "--no-cache", str(path))
    assert r.code == 1 and "in entry 1 looks like the rest of a text" in r.out  # read, checked
    assert "YAML values" not in r.out


SUITE = sorted((Path(__file__).parent / "data" / "yaml-test-suite-errors").glob("*.yaml"))


@pytest.mark.parametrize("case", SUITE, ids=lambda p: p.stem)
def test_every_yaml_test_suite_error_case_is_refused_located(case: Path) -> None:
    """All 94 error cases of the yaml-test-suite are refused (libyaml let 12 through: a
    comment glued to a quote or bracket, a continuation line not indented past its key, a
    plain '-' inside [ ], blank lines deeper than the comment after a block text)."""
    from cscoach.content.reading import compose

    text = case.read_bytes().decode("utf-8", "replace")
    with pytest.raises(ContentError) as info:
        compose(text, case.name)
    (problem,) = info.value.problems
    assert problem.path == case.name and problem.line > 0 and "\n" not in problem.message


def test_the_suite_is_all_there() -> None:
    assert len(SUITE) == 94
