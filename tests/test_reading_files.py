"""What cscoach reads besides content: exports (for `report`), the history database,
config.toml, the validate cache and the library files it fingerprints. Each is read bounded:
never a pipe or a device, never past a limit, a bad file one line and exit 2 (the cache is
simply rebuilt), never a traceback (exit 70) and never a hang."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from cscoach.history import service

WORST = "2,3,1,1,2,3"


class Hung(Exception):
    """A read that should have been refused went on waiting."""


@contextlib.contextmanager
def deadline(seconds: float = 10.0) -> Iterator[None]:
    """Fail instead of hanging: a regression that blocks on a pipe cannot stop the suite, and
    one that reads /dev/zero into memory meets a MemoryError (1 GiB more address space than
    the process has now, where the platform can say) long before the machine runs out."""
    def ring(signum: int, frame: object) -> None:
        raise Hung(f"still waiting after {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    with _memory_capped():
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def _memory_capped(more: int = 1 << 30) -> Iterator[None]:
    try:
        import resource

        status = Path("/proc/self/status").read_text(encoding="ascii")
        size = int(next(x for x in status.splitlines() if x.startswith("VmSize:")).split()[1])
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = size * 1024 + more
        if hard != resource.RLIM_INFINITY and cap > hard:
            raise ValueError("no room under the hard limit")
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError, StopIteration):
        yield  # not Linux: the deadline alone
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("CSCOACH_HOME", str(folder))
    return folder


@pytest.fixture
def export(cli, home: Path, tmp_path: Path) -> dict[str, Any]:
    """A real export of one drill and one quiz."""
    assert cli("play", "angry-shopper", "--answers", WORST, "--trainee", "mina").code == 0
    assert cli("quiz", "-n", "2", "--seed", "1", "--answers", "1,1", "--trainee", "mina").code == 0
    path = tmp_path / "good.json"
    assert cli("export", "--all", "--out", str(path)).code == 0
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert [a["kind"] for a in doc["attempts"]] == ["play", "quiz"]
    return doc


def _one_line(run, code: int = 2) -> str:
    assert run.code == code, (run.code, run.err)
    assert "Traceback" not in run.err and "internal error" not in run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    return run.err


def _report(cli, path: Path):
    with deadline():
        return cli("report", str(path), "--format", "json")


# -- exports read by `report` --------------------------------------------------------------


def test_a_good_export_still_reads_also_with_a_bom(cli, export, tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(export).encode())
    run = _report(cli, path)
    assert run.code == 0, run.err
    assert json.loads(run.out)["attempts"] == 2


def test_a_newer_or_unknown_export_version_is_refused(cli, export, tmp_path: Path) -> None:
    for version, message in ((99, "made by a newer cscoach (export version 99, this one reads "
                                  "version 1); upgrade cscoach"),
                             (0, "unknown export version 0 (this cscoach reads version 1)"),
                             ("1", "unknown export version '1'"),
                             (True, "unknown export version True")):
        path = tmp_path / "v.json"
        path.write_text(json.dumps({**export, "version": version}), encoding="utf-8")
        assert message in _one_line(_report(cli, path)), version


def test_deep_nesting_is_one_located_line(cli, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    head = '{"format": "cscoach-history", "version": 1, "attempts": '
    path.write_text(head + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    err = _one_line(_report(cli, path))  # the 101st level: the 100th '[' after the head
    assert f"{path}:1:{len(head) + 100}: nested more than 100 levels deep" in err
    bare = tmp_path / "bare.json"
    bare.write_text("[" * 100_000, encoding="utf-8")
    assert f"{bare}:1:101: nested more than 100 levels deep" in _one_line(_report(cli, bare))


def test_json_that_python_refuses_to_read_is_one_line(cli, tmp_path: Path) -> None:
    path = tmp_path / "digits.json"
    path.write_text('{"format": "cscoach-history", "attempts": [], "n": ' + "9" * 5000 + "}",
                    encoding="utf-8")
    assert f"{path}: not valid JSON" in _one_line(_report(cli, path))


def _set(*keys: Any, value: Any):
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return change


def _drop(*keys: Any):
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]
    return change


MALFORMED = {  # each made the report crash with exit 70 before
    "choices not a list": (_set("attempts", 0, "choices", value=5),
                           'attempt 1: "choices" must be a list of objects'),
    "a choice not an object": (_set("attempts", 0, "choices", value=["x"]),
                               'attempt 1: "choices" must be a list of objects'),
    "finished_at a number": (_set("attempts", 0, "finished_at", value=5),
                             'attempt 1: "finished_at" must be text'),
    "id a list": (_set("attempts", 0, "id", value=[1]), 'attempt 1: "id" must be text'),
    "trainee null": (_set("attempts", 1, "trainee", value=None),
                     'attempt 2: "trainee" must be text'),
    "score text": (_set("attempts", 0, "score", value="x"),
                   'attempt 1: "score" must be a whole number or null'),
    "score NaN": (_set("attempts", 0, "score", value=float("nan")),
                  'attempt 1: "score" must be a whole number or null'),
    "completed drill without score": (_set("attempts", 0, "score", value=None),
                                      'attempt 1: "score" must be a whole number (the drill'),
    "steps a number": (_set("attempts", 0, "steps", value=5),
                       'attempt 1: "steps" must be a list of objects'),
    "a step without done": (_drop("attempts", 0, "steps", 2, "done"),
                            'attempt 1: step 3 "done" must be true or false'),
    "a choice node a number": (_set("attempts", 0, "choices", 1, "node", value=7),
                               'attempt 1: choice 2 "node" must be text'),
    "a choice text one string": (_set("attempts", 0, "choices", 0, "text", value="hi"),
                                 'attempt 1: choice 1 "text" must be {"ko": text, "en": text}'),
    "dont_say a text": (_set("attempts", 0, "choices", 0, "dont_say", value="busy"),
                        'attempt 1: choice 1 "dont_say" must be a list of texts'),
    "title a text": (_set("attempts", 0, "title", value="x"),
                     'attempt 1: "title" must be {"ko": text, "en": text}'),
    "no title": (_drop("attempts", 0, "title"), "attempt 1 lacks title"),
    "kind unknown": (_set("attempts", 0, "kind", value="zzz"),
                     "attempt 1: \"kind\" must be 'play' or 'quiz'"),
    "status a number": (_set("attempts", 1, "status", value=5),
                        "attempt 2: \"status\" must be 'completed' or 'abandoned'"),
    "passed text": (_set("attempts", 0, "passed", value="yes"),
                    'attempt 1: "passed" must be true, false or null'),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_export_is_one_line_naming_the_attempt(cli, export, tmp_path: Path,
                                                           case: str) -> None:
    change, message = MALFORMED[case]
    doc = copy.deepcopy(export)
    change(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    err = _one_line(_report(cli, path))
    assert f"{path}: {message}" in err


def test_a_huge_export_is_refused_without_reading_it(cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(service.MAX_EXPORT_BYTES + 1)
    err = _one_line(_report(cli, path))
    assert "file is too large (268,435,457 bytes; the limit is 268,435,456)" in err


def test_a_pipe_or_device_given_to_report_is_refused_at_once(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "team.json"
    os.mkfifo(fifo)
    assert "is not a regular file (a pipe, device or socket)" in _one_line(_report(cli, fifo))
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    assert "is not a regular file (a pipe, device or socket)" in _one_line(_report(cli, zero))


# -- other files: the history database, config.toml, the validate cache, library files ----


def _special(path: Path, kind: str) -> None:
    """Make `path` a named pipe (an open would block for ever) or a link to /dev/zero (a read
    would never end)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")


KINDS = ["fifo", "zero"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_history_database_that_is_a_pipe_or_device_is_refused(cli, home: Path,
                                                                 kind: str) -> None:
    _special(home / "history.db", kind)
    for args in (("progress",), ("export",), ("play", "angry-shopper", "--answers", WORST),
                 ("quiz", "-n", "1", "--answers", "1")):
        with deadline():
            run = cli(*args)
        assert "history.db: is not a regular file (a pipe, device or socket)" in _one_line(run)


@pytest.mark.parametrize("kind", KINDS)
def test_a_config_that_is_a_pipe_or_device_is_refused(cli, home: Path, kind: str) -> None:
    _special(home / "config.toml", kind)
    with deadline():
        run = cli("progress")
    assert "config.toml: is not a regular file (a pipe, device or socket)" in _one_line(run)


def test_a_config_too_large_or_too_deep_is_one_line(cli, home: Path) -> None:
    home.mkdir(parents=True)
    config = home / "config.toml"
    config.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert "config.toml: not valid TOML: nested too deeply" in _one_line(cli("progress"))
    with config.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)
    assert "config.toml: file is too large (2,097,152 bytes; the limit is 1,048,576)" in \
        _one_line(cli("progress"))


@pytest.mark.parametrize("kind", KINDS)
def test_a_cache_that_is_a_pipe_or_device_is_ignored_and_rebuilt(cli, kind: str) -> None:
    cache = Path(os.environ["CSCOACH_CACHE_DIR"]) / "validate.json"
    _special(cache, kind)
    with deadline():
        run = cli("validate", str(ROOT / "scenarios" / "angry-shopper.yaml"))
    assert run.code == 0, run.err
    assert cache.is_file() and not cache.is_symlink()  # replaced by a real cache
    assert json.loads(cache.read_text(encoding="utf-8"))["entries"]
    with deadline():
        assert cli("validate", str(ROOT / "scenarios" / "angry-shopper.yaml")).code == 0


def test_a_cache_nested_too_deep_is_a_cold_start(cli) -> None:
    cache = Path(os.environ["CSCOACH_CACHE_DIR"]) / "validate.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("[" * 100_000, encoding="utf-8")
    run = cli("validate", str(ROOT / "scenarios" / "angry-shopper.yaml"))
    assert run.code == 0, run.err


@pytest.mark.parametrize("kind", KINDS)
def test_a_library_file_that_is_a_pipe_or_device_never_hangs_validate(
        cli, content: Path, kind: str) -> None:
    """validate fingerprints the library files for its cache before anything else reads them:
    that read is bounded too, and the library's own refusal is what is reported."""
    bad = content / "phrasebook" / "zz-extra.yaml"
    _special(bad, kind)
    with deadline():
        run = cli("validate", str(content / "scenarios" / "angry-shopper.yaml"))
    assert run.code == 1, run.err
    assert "zz-extra.yaml: error: is not a regular file (a pipe, device or socket)" in run.out
    with deadline():
        play = cli("play", "angry-shopper", "--answers", WORST)
    assert "zz-extra.yaml: error: is not a regular file" in _one_line(play)


@pytest.mark.parametrize("kind", KINDS)
def test_a_seeds_list_that_is_a_pipe_or_device_is_refused(cli, tmp_path: Path,
                                                          kind: str) -> None:
    seeds = tmp_path / "README.md"
    _special(seeds, kind)
    with deadline():
        run = cli("coverage", "--seeds", str(seeds))
    assert "README.md: is not a regular file (a pipe, device or socket)" in _one_line(run)
