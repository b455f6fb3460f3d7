"""The history's health (issue 16, item 5): a damaged file is found before a drill starts and
never written into, reading commands say it is damaged instead of answering from half of it,
and a history on read-only media can still be read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DRILL = ("play", "angry-shopper", "--answers", "1,1,1,1,1,1,1", "--json")


def _cscoach(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSCOACH_HOME": str(home), "CSCOACH_TRAINEE": "mina"}
    return subprocess.run([sys.executable, "-m", "cscoach", *args], env=env,
                          capture_output=True, text=True, check=False, timeout=60)


def _damage(path: Path) -> None:
    """Damage the index of attempts by trainee, the quiet way: its copy of the name 'mina'
    becomes 'minb' on disk. Every query still answers, without an error; the ones that go
    through that index answer from half of the history."""
    import sqlite3

    with sqlite3.connect(path) as db:
        page = db.execute("PRAGMA page_size").fetchone()[0]
        pages = [n for (n,) in db.execute(
            "SELECT pageno FROM dbstat WHERE name = 'attempts_by_trainee'")]
    db.close()
    data = bytearray(path.read_bytes())
    for n in pages:
        at = (n - 1) * page
        data[at:at + page] = bytes(data[at:at + page]).replace(b"mina", b"minb")
    path.write_bytes(bytes(data))


def test_the_quiet_damage_is_really_quiet(tmp_path: Path) -> None:
    """Without the health check this damage gives no error at all: a query answers."""
    import sqlite3

    home = tmp_path / "home"
    for _ in range(3):
        assert _cscoach(home, *DRILL).returncode == 0
    assert _cscoach(home, "progress").returncode == 0
    _damage(home / "history.db")
    with sqlite3.connect(home / "history.db") as db:
        assert db.execute("SELECT count(*) FROM attempts WHERE trainee = 'mina'").fetchone()
        assert db.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    db.close()


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    for _ in range(3):
        assert _cscoach(home, *DRILL).returncode == 0
    path = home / "history.db"
    assert _cscoach(home, "progress").returncode == 0  # checkpointed into the file
    _damage(path)
    return path


def test_a_damaged_history_stops_a_drill_before_it_starts(damaged: Path) -> None:
    before = damaged.read_bytes()
    r = _cscoach(damaged.parent, *DRILL)
    assert r.returncode == 2, r.stderr
    assert "the history database is damaged" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""  # the drill did not run
    assert damaged.read_bytes() == before  # and nothing was written into the file


@pytest.mark.parametrize("command", [("progress",), ("drill", "--json"), ("export",)])
def test_reading_commands_say_a_damaged_history_is_damaged(damaged: Path,
                                                           command: tuple[str, ...]) -> None:
    r = _cscoach(damaged.parent, *command)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "the history database is damaged" in r.stderr


def test_report_says_a_damaged_history_is_damaged(damaged: Path) -> None:
    r = _cscoach(damaged.parent, "report", str(damaged))
    assert r.returncode == 2 and "the history database is damaged" in r.stderr


def test_a_damaged_history_leaves_nothing_in_the_report(damaged: Path, tmp_path: Path,
                                                        library) -> None:
    """The report's integrity check runs beside its copy of the file: a damaged file's attempts
    are taken out of the tally again, and another source's stay."""
    import shutil

    from cscoach.history.store import HistoryError
    from cscoach.history.tally import Tally

    good = tmp_path / "good"
    for _ in range(2):
        assert _cscoach(good, *DRILL).returncode == 0
    assert _cscoach(good, "progress").returncode == 0
    shutil.copy(damaged, tmp_path / "damaged.db")  # nothing else (-wal, -shm) beside it
    with Tally() as tally:
        tally.add_database(good / "history.db")
        with pytest.raises(HistoryError, match="the history database is damaged"):
            tally.add_database(tmp_path / "damaged.db")
        assert tally.db.execute("SELECT count(*), count(DISTINCT src) FROM attempts"
                                ).fetchone() == (2, 1)
        assert tally.db.execute("SELECT count(*) FROM choices WHERE attempt NOT IN (SELECT "
                                "rowid FROM attempts)").fetchone() == (0,)
        assert tally.report(library.steps.ids())["attempts"] == 2


@pytest.fixture
def read_only_media(tmp_path: Path):
    """A real read-only file system (a tmpfs remounted read-only); skipped where this test may
    not mount (not root, or no CAP_SYS_ADMIN)."""
    mount = tmp_path / "media"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "none", str(mount)], capture_output=True,
                      check=False).returncode != 0:
        pytest.skip("cannot mount a file system here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True, check=False)


def test_a_history_on_read_only_media_can_be_read(tmp_path: Path, read_only_media: Path) -> None:
    home = tmp_path / "home"
    assert _cscoach(home, *DRILL).returncode == 0
    (read_only_media / "history.db").write_bytes((home / "history.db").read_bytes())
    assert subprocess.run(["mount", "-o", "remount,ro", str(read_only_media)],
                          capture_output=True, check=False).returncode == 0
    r = _cscoach(read_only_media, "progress")
    assert r.returncode == 0, r.stderr
    assert "1 finished drill(s), 1 passed" in r.stdout
    r = _cscoach(tmp_path, "report", str(read_only_media / "history.db"))
    assert r.returncode == 0 and "mina" in r.stdout
    r = _cscoach(read_only_media, *DRILL)
    assert r.returncode == 2 and "the history folder is read-only" in r.stderr
