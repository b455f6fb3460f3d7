"""`cscoach validate --watch`: checks again when a file is saved, added or removed, and a real
terminal sees each state, then Ctrl-C ends it (exit 130)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from conftest import MINI_SCENARIO
from cscoach.authoring.editor import watch
from cscoach.errors import Problem

# the small scenario with a pass mark its best path reaches, so it validates clean
MINI = MINI_SCENARIO.replace("pass_mark: 60", "pass_mark: 50")


def test_watch_reports_each_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSCOACH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "scenarios"
    folder.mkdir()
    good = folder / "mini.yaml"
    good.write_text(MINI, encoding="utf-8")
    seen: list[tuple[int, list[str]]] = []
    begun: list[int] = []
    edits = iter([
        lambda: None,  # nothing changed: no new report
        lambda: good.write_text(MINI.replace("difficulty: 1", "difficulty: 9"),
                                encoding="utf-8"),
        lambda: (folder / "other.yaml").write_text("format_version: 1\nkind: scenario\n",
                                                   encoding="utf-8"),
        lambda: (folder / "other.yaml").unlink(),
        lambda: good.write_text(MINI, encoding="utf-8"),
    ])

    def sleep(_: float) -> None:
        next(edits)()
        os.utime(good, ns=(time.time_ns(), time.time_ns() + len(seen)))  # a new mtime for sure

    def report(files: int, problems: list[Problem]) -> None:
        seen.append((files, [p.message for p in problems if p.severity == "error"]))

    watch([folder], report, begin=lambda: begun.append(1), interval=0, cycles=5, sleep=sleep)
    assert len(begun) == len(seen)
    assert seen[0] == (1, [])
    assert seen[-1] == (1, [])
    assert any(files == 1 and any("difficulty must be from 1 to 5, not 9" in m for m in found)
               for files, found in seen)
    assert any(files == 2 and any("missing required keys" in m for m in found)
               for files, found in seen)


@pytest.mark.pty
def test_watch_in_a_terminal_until_ctrl_c(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    (tmp_path / "scenarios").mkdir()
    path = tmp_path / "scenarios" / "mini.yaml"
    path.write_text(MINI, encoding="utf-8")
    env = {**os.environ, "CSCOACH_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "cscoach", "validate", "--watch", "scenarios"],
                          cwd=str(tmp_path), env=env, encoding="utf-8", timeout=20)
    child.expect("0 error\\(s\\), 0 warning\\(s\\); watching for changes")
    path.write_text(MINI.replace("pass_mark: 50", "pass_mark: 600"), encoding="utf-8")
    child.expect("mini.yaml:\\d+:\\d+: error: pass_mark must be from 0 to 100, not 600")
    child.expect("1 error\\(s\\)")
    child.sendintr()
    child.expect("interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_the_documented_vs_code_problem_matcher_reads_validate(cli, tmp_path: Path) -> None:
    """docs/authoring.md's tasks.json is valid JSON and its patterns read what validate prints:
    every located problem, the start of a check and its end."""
    import json
    import re

    from conftest import ROOT

    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    block = doc.split("```json\n", 1)[1].split("```", 1)[0]
    task = json.loads(block)["tasks"][0]
    matcher = task["problemMatcher"]
    assert task["isBackground"] and "--watch" in task["command"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.replace("pass_mark: 50", "pass_mark: 600").replace("next: b", "next: bb"),
                   encoding="utf-8")
    r = cli("validate", str(bad))
    pattern = re.compile(matcher["pattern"]["regexp"])
    located = [pattern.match(line) for line in r.out.splitlines()]
    assert len(located) >= 2 and all(located)
    assert {m.group(4) for m in located if m} == {"error"}
    assert any(m and m.group(5).startswith("next 'bb' names no node") for m in located)
    assert re.search(matcher["background"]["endsPattern"], r.err)
    assert re.match(matcher["background"]["beginsPattern"], "cscoach: checking scenarios")
