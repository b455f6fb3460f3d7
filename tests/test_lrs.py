"""Against a real Learning Record Store: Ralph, started on loopback with its filesystem backend
(through tests/lrs/serve.py, which says why not `ralph runserver`).

Ralph lives in its own virtualenv (tests/lrs/.venv), which the first run makes from
tests/lrs/requirements.txt (tests/lrs_install.py: locked, so runs started together install it
once). Only a package registry that cannot be reached skips these tests, and not even that when
CSCOACH_REQUIRE_LRS=1 (as in CI): then it is a failure.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import free_port
from lrs_install import Unreachable
from ralph_server import PASSWORD, RALPH_PYTHON, USER, NotStarted, install
from ralph_server import ralph as serve

ROOT = Path(__file__).resolve().parent.parent
BEST = "1,1,1,1,1,1,1"
WORST = "2,3,1,1,2,3"

pytestmark = pytest.mark.lrs



@pytest.fixture(scope="session")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    missing = install()
    if missing is not None:
        message = f"Ralph could not be installed: {missing.reason}"
        if isinstance(missing, Unreachable) and os.environ.get("CSCOACH_REQUIRE_LRS") != "1":
            pytest.skip(message)
        pytest.fail(message)
    try:
        with serve(tmp_path_factory.mktemp("ralph")) as url:
            yield url
    except NotStarted as exc:
        pytest.fail(str(exc))


def _get(url: str, user: str = USER, password: str = PASSWORD) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}",
                                                   "X-Experience-API-Version": "1.0.3"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def _stored(lrs: str, registration: str) -> list[dict]:
    return _get(f"{lrs}/statements?registration={registration}&limit=500")["statements"]


def _validate_with_ralph(statements: list[dict]) -> subprocess.CompletedProcess[str]:
    """Ralph's own xAPI 1.0.3 statement model (pydantic), run in Ralph's virtualenv."""
    script = (
        "import json, sys\n"
        "from pydantic import ValidationError\n"
        "from ralph.models.xapi.base.statements import BaseXapiStatement\n"
        "bad = 0\n"
        "for s in json.load(sys.stdin):\n"
        "    try:\n"
        "        BaseXapiStatement.model_validate(s)\n"
        "    except ValidationError as e:\n"
        "        bad += 1\n"
        "        print(s.get('id'), e, file=sys.stderr)\n"
        "sys.exit(1 if bad else 0)\n")
    return subprocess.run([str(RALPH_PYTHON), "-c", script], input=json.dumps(statements),
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def lrs_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CSCOACH_LRS_USER", USER)
    monkeypatch.setenv("CSCOACH_LRS_PASSWORD", PASSWORD)
    home = tmp_path / "home"
    monkeypatch.setenv("CSCOACH_HOME", str(home))
    return home


def _attempt_ids(home: Path) -> list[str]:
    db = sqlite3.connect(home / "history.db")
    return [r[0] for r in db.execute("SELECT id FROM attempts ORDER BY finished_at")]


def test_attempts_are_sent_as_they_finish_and_read_back(cli, ralph: str, lrs_env: Path) -> None:
    run = cli("play", "angry-shopper", "--answers", WORST, "--trainee", "mina", "--lrs", ralph)
    assert run.code == 0 and run.err == ""
    assert cli("quiz", "--answers", "1,2", "-n", "2", "--seed", "4", "--trainee", "mina",
               "--lrs", ralph).code == 0
    drill_id, quiz_id = _attempt_ids(lrs_env)
    stored = _stored(ralph, drill_id)
    exported = json.loads(cli("export", "--format", "xapi", "--trainee", "mina").out)
    mine = [s for s in exported if s["context"]["registration"] == drill_id]
    assert sorted(s["id"] for s in stored) == sorted(s["id"] for s in mine)
    assert len(stored) == len(WORST.split(",")) + 1
    by_id = {s["id"]: s for s in stored}
    for sent in mine:  # what the LRS hands back is what we sent (plus its own fields)
        back = by_id[sent["id"]]
        for key in ("actor", "verb", "object", "result", "timestamp"):
            assert back[key] == sent[key], key
    closing = next(s for s in stored if s["verb"]["id"].endswith("/failed"))
    assert 0 <= closing["result"]["score"]["scaled"] < 0.5
    assert {s["verb"]["display"]["en-US"] for s in _stored(ralph, quiz_id)} == {
        "answered", "completed"}
    checked = _validate_with_ralph(stored + _stored(ralph, quiz_id))
    assert checked.returncode == 0, checked.stderr
    db = sqlite3.connect(lrs_env / "history.db")
    assert db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone() == (0,)


def test_ralphs_validator_rejects_a_broken_statement(cli, ralph: str, lrs_env: Path) -> None:
    """The negative control: the validator above is not a rubber stamp."""
    assert cli("play", "pr-no-show", "--answers", BEST, "--no-record").code == 0
    assert cli("play", "pr-no-show", "--answers", BEST).code == 0
    statement = json.loads(cli("export", "--format", "xapi").out)[-1]
    statement["result"]["score"]["scaled"] = 1.5
    assert _validate_with_ralph([statement]).returncode == 1


def test_down_then_sync_sends_each_statement_once(cli, ralph: str, lrs_env: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/xAPI"
    for answers in (BEST, WORST):
        run = cli("play", "angry-shopper", "--answers", answers, "--lrs", dead)
        assert run.code == 0 and "kept for 'cscoach sync'" in run.err
    ids = _attempt_ids(lrs_env)
    assert all(_stored(ralph, i) == [] for i in ids)
    # the LRS comes back: sync sends the backlog for it (queued fresh for this address)
    first = cli("sync", "--lrs", ralph)
    assert first.code == 0, first.err
    expected = len(BEST.split(",")) + 1 + len(WORST.split(",")) + 1
    assert f"sent {expected} statement(s)" in first.out and "0 waiting" in first.out
    counts = [len(_stored(ralph, i)) for i in ids]
    assert sum(counts) == expected
    # a second sync has nothing to send; forcing a resend stores nothing twice
    assert "sent 0 statement(s)" in cli("sync", "--lrs", ralph).out
    db = sqlite3.connect(lrs_env / "history.db")
    db.execute("UPDATE outbox SET sent_at = NULL")
    db.commit()
    again = cli("sync", "--lrs", ralph)
    assert again.code == 0 and "0 waiting" in again.out
    assert [len(_stored(ralph, i)) for i in ids] == counts


def test_wrong_credentials_are_a_warning_and_nothing_is_lost(cli, ralph: str, lrs_env: Path,
                                                             monkeypatch) -> None:
    monkeypatch.setenv("CSCOACH_LRS_PASSWORD", "wrong")
    run = cli("play", "pr-no-show", "--answers", BEST, "--lrs", ralph, "--json")
    assert run.code == 0 and json.loads(run.out)["passed"] is True
    assert "HTTP 401" in run.err and "credentials for 'coach' were refused" in run.err
    assert run.err.count("\n") == 1
    (attempt,) = _attempt_ids(lrs_env)
    monkeypatch.setenv("CSCOACH_LRS_PASSWORD", PASSWORD)
    assert cli("sync", "--lrs", ralph).code == 0
    assert len(_stored(ralph, attempt)) == len(BEST.split(",")) + 1


def test_lrs_address_from_config(cli, ralph: str, lrs_env: Path) -> None:
    lrs_env.mkdir(parents=True)
    (lrs_env / "config.toml").write_text(f'trainee = "ana"\n[lrs]\nurl = "{ralph}"\n',
                                         encoding="utf-8")
    assert cli("play", "pr-no-show", "--answers", BEST).code == 0
    (attempt,) = _attempt_ids(lrs_env)
    stored = _stored(ralph, attempt)
    assert stored and all(s["actor"]["account"]["name"] == "ana" for s in stored)


if __name__ == "__main__":  # pragma: no cover - a manual smoke run
    sys.exit(pytest.main([__file__, "-v"]))
