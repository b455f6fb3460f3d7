"""Shared fixtures: the shipped library, a matcher, and a helper to run the CLI in-process."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from cscoach.cli.main import main
from cscoach.content.library import Library, load_library
from cscoach.judge.phrases import Matcher

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (just now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_generator() -> ModuleType:
    """benchmarks/gen_scenarios.py, which writes valid scenarios in bulk."""
    spec = importlib.util.spec_from_file_location("gen_scenarios",
                                                  ROOT / "benchmarks" / "gen_scenarios.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the user's real cache folder, history or LRS settings."""
    monkeypatch.setenv("CSCOACH_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("CSCOACH_HOME", str(tmp_path_factory.mktemp("home")))
    for name in ("CSCOACH_TRAINEE", "CSCOACH_LRS_URL", "CSCOACH_LRS_USER",
                 "CSCOACH_LRS_PASSWORD", "CSCOACH_CONTENT_PATH"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(ROOT)


@pytest.fixture(scope="session")
def matcher(library: Library) -> Matcher:
    return Matcher(library.phrasebook)


@pytest.fixture(scope="session")
def typed_matcher(library: Library) -> Matcher:
    """The matcher for what trainees type (check, play --free): it also mends slips."""
    return Matcher(library.phrasebook, mend_slips=True)


@pytest.fixture(scope="session")
def shipping(library: Library, matcher: Matcher):
    """What `validate --strict` finds unshippable in a scenario (authoring/ship.py): the tests
    hold the shipped library to the very checks a trainer runs."""
    from cscoach.authoring.ship import SHIP
    from cscoach.authoring.validate import check_scenario

    def problems(scenario, *words: str) -> list[str]:
        found = [str(p) for p in check_scenario(scenario, library, matcher, ship=True)
                 if p.code == SHIP]
        return [p for p in found if all(w in p for w in words)]

    return problems


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run `cscoach ARGS` in-process through main(), as the console script does."""
    monkeypatch.setenv("CSCOACH_CONTENT", str(ROOT))
    monkeypatch.setenv("COLUMNS", "120")

    def run(*args: str) -> Run:
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the shipped content that the commands read (CSCOACH_CONTENT)."""
    root = tmp_path / "content"
    for folder in ("scenarios", "phrasebook", "quiz"):
        shutil.copytree(ROOT / folder, root / folder)
    monkeypatch.setenv("CSCOACH_CONTENT", str(root))
    return root


@pytest.fixture
def write(tmp_path: Path):
    """Write a dedented YAML file and return its path."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


MINI_SCENARIO = """\
format_version: 1
kind: scenario
id: mini
title: {ko: 작은 시나리오, en: A small scenario}
summary: {ko: 요약, en: Summary}
persona:
  name: {ko: 김 고객님, en: Ms Kim}
  type: {ko: 고객, en: Customer}
  description: {ko: 설명, en: Description}
  sources: [S003-1]
channel: phone
difficulty: 1
pass_mark: 60
start: a
sources: [S003-1]
nodes:
  a:
    says: {ko: 안녕하세요, en: Hello}
    choices:
      - says: {ko: 전화 주셔서 감사합니다, en: Thanks for calling}
        steps: [greet]
        next: b
        mood: 1
        feedback: {ko: 좋아요, en: Good}
      - says: {ko: 모르겠어요, en: I don't know}
        steps: []
        next: bad
        mood: -2
        feedback: {ko: 나빠요, en: Bad}
  b:
    says: {ko: 문제가 있어요, en: I have a problem}
    choices:
      - says: {ko: 끝까지 들을게요, en: I'm listening}
        steps: [listen]
        next: good
        feedback: {ko: 좋아요, en: Good}
endings:
  good:
    outcome: good
    title: {ko: 좋음, en: Good}
    says: {ko: 고마워요, en: Thanks}
    summary: {ko: 끝, en: The end}
  bad:
    outcome: bad
    title: {ko: 나쁨, en: Bad}
    says: {ko: 됐어요, en: Forget it}
    summary: {ko: 끝, en: The end}
"""


@pytest.fixture
def mini_text() -> str:
    return MINI_SCENARIO
