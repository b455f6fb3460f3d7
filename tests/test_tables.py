"""Exports for Excel and BI tools: `export`/`report`/`quiz` as XLSX (read back with openpyxl)
and as CSV for Excel (read back with Python's csv and utf-8-sig), checked cell by cell against
the history itself (`export --format json`); and their bad targets."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from cscoach.content import tables, writing
from cscoach.content.tables import Column, Sheet
from cscoach.history.tables import ATTEMPTS, REPLIES, export_rows

BEST = "1,1,1,1,1,1,1"
WORST = "2,3,1,1,2,3"
TRAINEE = "김민지"  # Korean intact, in names as in text


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("CSCOACH_HOME", str(folder))
    return folder


@pytest.fixture
def played(cli, home: Path) -> list[dict[str, Any]]:
    """A drill played in Korean, one in English, a quiz; the records as the history holds them."""
    for answers, lang in ((WORST, "ko"), (BEST, "en")):
        run = cli("play", "angry-shopper", "--answers", answers, "--trainee", TRAINEE,
                  "--lang", lang)
        assert run.code == 0, run.err
    assert cli("quiz", "-n", "2", "--seed", "1", "--answers", "1,1", "--trainee", "bo").code == 0
    doc = json.loads(cli("export", "--all").out)
    return list(doc["attempts"])


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(
        tzinfo=None)


def _expected_attempt(r: dict[str, Any]) -> dict[str, Any]:
    lang = r["lang"]
    return {
        "attempt": r["id"], "kind": r["kind"], "trainee": r["trainee"], "team": r["team"],
        "status": r["status"], "pack": r["pack"] or None, "scenario": r["scenario"],
        "scenario_version": r["scenario_version"], "content_hash": r["content_hash"],
        "title": r["title"][lang],
        "title_ko": r["title"]["ko"], "title_en": r["title"]["en"], "lang": lang,
        "started_at": _utc(r["started_at"]), "finished_at": _utc(r["finished_at"]),
        "seconds": round((_utc(r["finished_at"]) - _utc(r["started_at"])).total_seconds(), 3),
        "score": r["score"], "passed": r["passed"], "pass_mark": r["pass_mark"],
        "ending": r["ending"], "outcome": r["outcome"], "final_mood": r["final_mood"],
        "steps_done": " ".join(s["step"] for s in r["steps"] if s["done"]) or None,
        "replies": len(r["choices"]), "answers": len(r["answers"]),
    }


def _expected_reply(r: dict[str, Any], c: dict[str, Any]) -> dict[str, Any]:
    return {
        "attempt": r["id"], "trainee": r["trainee"], "pack": r["pack"] or None,
        "scenario": r["scenario"], "lang": r["lang"], "turn": c["turn"],
        "node": c["node"], "choice": c["choice"],
        "options": c["options"], "text": c["text"][r["lang"]], "text_ko": c["text"]["ko"],
        "text_en": c["text"]["en"], "typed": c["typed"],
        "steps": " ".join(c["steps"]) or None, "dont_say": " ".join(c["dont_say"]) or None,
        "say_instead": " ".join(c["say_instead"]) or None, "mood_before": c["mood_before"],
        "mood_after": c["mood_after"], "weak": c["weak"], "better": c["better"],
        "points": c["points"], "at": _utc(c["at"]),
    }


def _expected_answer(r: dict[str, Any], a: dict[str, Any]) -> dict[str, Any]:
    return {
        "attempt": r["id"], "trainee": r["trainee"], "team": r["team"], "lang": r["lang"],
        "number": a["number"], "question": a["question"], "topic": a["topic"],
        "source": a["source"], "answer": a["answer"], "correct": a["correct"],
        "timed_out": a["timed_out"], "seconds": a["seconds"], "points": a["points"],
        "at": _utc(a["at"]),
    }


def _expected(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {
        "attempts": [_expected_attempt(r) for r in records],
        "replies": [_expected_reply(r, c) for r in records for c in r["choices"]],
        "answers": [_expected_answer(r, a) for r in records for a in r["answers"]],
    }


def _sheet_dicts(path: Path) -> tuple[openpyxl.Workbook, dict[str, list[dict[str, Any]]]]:
    book = openpyxl.load_workbook(path)
    out = {}
    for page in book.worksheets:
        rows = list(page.iter_rows(values_only=True))
        out[page.title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return book, out


def _same(got: Any, want: Any, where: str) -> None:
    if isinstance(want, datetime):
        assert isinstance(got, datetime), where  # a real date, not text
        assert abs(got - want) < timedelta(milliseconds=1), where
    elif isinstance(want, bool):
        assert got is want, where
    elif isinstance(want, float):
        assert isinstance(got, int | float) and got == pytest.approx(want), where
    else:
        assert got == want and type(got) is type(want), (where, got, want)


# -- XLSX ---------------------------------------------------------------------------------


def test_export_xlsx_a_sheet_per_table_checked_cell_by_cell(cli, played, tmp_path: Path
                                                            ) -> None:
    out = tmp_path / "history.xlsx"
    run = cli("export", "--all", "--out", str(out))  # the suffix chooses the format
    assert run.code == 0, run.err
    book, sheets = _sheet_dicts(out)
    assert book.sheetnames == ["attempts", "replies", "answers"]
    expected = _expected(played)
    for name, rows in expected.items():
        page = book[name]
        assert page.freeze_panes == "A2"  # the header stays in view
        assert page.auto_filter.ref == f"A1:{page.cell(1, page.max_column).column_letter}" \
            f"{len(rows) + 1}"
        assert all(cell.font.b for cell in page[1])
        assert len(sheets[name]) == len(rows) > 0
        for i, (got, want) in enumerate(zip(sheets[name], rows, strict=True)):
            assert list(got) == list(want), name
            for key in want:
                _same(got[key], want[key], f"{name} row {i + 2} {key}")
    korean = next(r for r in sheets["replies"] if r["lang"] == "ko")
    assert korean["trainee"] == TRAINEE and "고객님" in "".join(
        r["text"] for r in sheets["replies"] if r["lang"] == "ko")
    assert korean["text"] == korean["text_ko"] != korean["text_en"]  # the language played
    started = [c.value for c in book["attempts"][1]].index("started_at") + 1
    assert book["attempts"].cell(2, started).number_format == "yyyy-mm-dd hh:mm:ss"


def test_report_xlsx_matches_the_reports_json(cli, played, home: Path, tmp_path: Path) -> None:
    db = str(home / "history.db")
    data = json.loads(cli("report", db, "--format", "json").out)
    out = tmp_path / "team.xlsx"
    assert cli("report", db, "--format", "xlsx", "--out", str(out), "--lang", "ko").code == 0
    book, sheets = _sheet_dicts(out)
    assert book.sheetnames == ["steps", "hardest", "scenarios"]
    assert [r["trainee"] for r in sheets["steps"]] == [r["trainee"] for r in data["steps"]]
    for got, want in zip(sheets["steps"], data["steps"], strict=True):
        assert got == want
    for got, want in zip(sheets["hardest"], data["hardest"], strict=True):
        text = want.pop("top_trap_text")
        assert got.pop("top_trap_text") == text["ko"]
        assert (got.pop("top_trap_text_ko"), got.pop("top_trap_text_en")) == (text["ko"],
                                                                               text["en"])
        want["dont_say"] = " ".join(want["dont_say"]) or None
        _same_row(got, want)
    assert len(sheets["hardest"]) == len(data["hardest"]) > 0
    for got, want in zip(sheets["scenarios"], data["scenarios"], strict=True):
        title = want.pop("title")
        assert (got.pop("title"), got.pop("title_ko"), got.pop("title_en")) == (
            title["ko"], title["ko"], title["en"])
        if isinstance(want.get("since"), str):
            want["since"] = _utc(want["since"])  # a real date in the workbook
        _same_row(got, want)


def _same_row(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Every value the report gives, in its column; a column the report leaves out (the
    shipped library's pack, say) is empty."""
    assert set(want) <= set(got), set(want) - set(got)
    assert {k: got[k] for k in want} == want
    assert all(got[k] is None for k in set(got) - set(want)), got


def test_quiz_results_xlsx_and_csv(cli, home: Path, tmp_path: Path) -> None:
    args = ["quiz", "-n", "2", "--seed", "1", "--no-record", "--team", "가람", "--team", "B",
            "--answers", "가람=1,1", "--answers", "B=2,2", "--lang", "ko"]
    book_path, csv_path = tmp_path / "r.xlsx", tmp_path / "r.csv"
    assert cli(*args, "--out", str(book_path)).code == 0
    assert cli(*args, "--out", str(csv_path)).code == 0
    data = json.loads(cli(*args, "--json").out)
    book, sheets = _sheet_dicts(book_path)
    assert book.sheetnames == ["responses", "teams"] and book["responses"].freeze_panes == "A2"
    assert [r["team"] for r in sheets["responses"]] == [r["team"] for r in data["responses"]]
    for got, want in zip(sheets["responses"], data["responses"], strict=True):
        assert got["answer_text"] == want["answer_text"] == got["answer_text_ko"]
        assert got["answer_text_en"] and got["answer_text_en"] != got["answer_text_ko"]
        assert got["prompt"] == got["prompt_ko"] and got["prompt_en"]
        assert (got["correct"], got["points"], got["streak"]) == (want["correct"],
                                                                   want["points"],
                                                                   want["streak"])
    assert [(r["rank"], r["team"], r["points"]) for r in sheets["teams"]] == [
        (t["rank"], t["team"], t["points"]) for t in data["teams"]]
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\n") == raw.count(b"\r\n")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r["answer_text"] for r in rows] == [r["answer_text"] for r in data["responses"]]
    teams = list(csv.DictReader(io.StringIO(
        (tmp_path / "r-teams.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert [(t["rank"], t["team"]) for t in teams] == [("1", "가람"), ("2", "B")]


# -- CSV ----------------------------------------------------------------------------------


def _csv_cell(value: Any, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and excel:
        return repr(value)
    return str(value)


def test_export_csv_for_excel_one_file_per_table_checked_cell_by_cell(cli, played,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "team.csv"
    run = cli("export", "--all", "--format", "csv", "--out", str(out))
    assert run.code == 0, run.err
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == [
        "team-answers.csv", "team-attempts.csv", "team-replies.csv"]
    for name, rows in _expected(played).items():
        raw = (tmp_path / f"team-{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Korean Excel reads UTF-8
        assert raw.count(b"\n") == raw.count(b"\r\n") == len(rows) + 1  # CRLF, every line
        got = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert len(got) == len(rows)
        for i, (g, want) in enumerate(zip(got, rows, strict=True)):
            assert list(g) == list(want)
            for key, value in want.items():
                assert g[key] == _csv_cell(value, True), f"{name} row {i + 2} {key}"
    text = (tmp_path / "team-replies.csv").read_text(encoding="utf-8-sig")
    assert TRAINEE in text and "고객님" in text


def test_plain_csv_keeps_iso_times_and_lf(cli, played, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    run = cli("export", "--all", "--only", "attempts", "--no-excel", "--out", str(out))
    assert run.code == 0, run.err
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    got = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert [g["started_at"] for g in got] == [r["started_at"] for r in played]
    assert not (tmp_path / "a-attempts.csv").exists()  # one table: the file named
    printed = cli("export", "--all", "--only", "attempts", "--format", "csv", "--excel")
    assert printed.out.startswith("\ufeffattempt,") and "\r\n" in printed.out


def test_report_csv_one_file_per_table(cli, played, home: Path, tmp_path: Path) -> None:
    db = str(home / "history.db")
    assert cli("report", db, "--out", str(tmp_path / "r.csv"), "--lang", "ko").code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["home", "r-hardest.csv", "r-scenarios.csv", "r-steps.csv"]
    scenarios = list(csv.DictReader(io.StringIO(
        (tmp_path / "r-scenarios.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert scenarios[0]["title"] == scenarios[0]["title_ko"] == "사흘 만에 고장 난 믹서기"
    assert scenarios[0]["title_en"] == "The blender that died in three days"


def test_typed_reply_text_is_what_was_typed() -> None:
    record = {"id": "a", "kind": "play", "trainee": "t", "team": None, "status": "completed",
              "scenario": "s", "lang": "ko", "title": {"ko": "제목", "en": "Title"},
              "started_at": "2026-01-02T03:04:05.000Z",
              "finished_at": "2026-01-02T03:05:06.500Z", "score": 80, "passed": True,
              "steps": [], "choices": [{"turn": 1, "node": "n", "choice": 2,
                                        "text": {"ko": "고른 말", "en": "picked"},
                                        "typed": "제가 친 말", "at": "2026-01-02T03:04:06Z"}],
              "answers": []}
    rows = dict(export_rows([record]))
    assert rows["attempts"][ATTEMPTS.header().index("seconds")] == 61.5
    reply = rows["replies"]
    assert reply[REPLIES.header().index("text")] == "제가 친 말"
    assert reply[REPLIES.header().index("text_en")] == "picked"


def test_writers_stream_their_rows() -> None:
    """The writers take an iterator and never need it whole: a generator of many rows is
    read as it goes (each row is dropped once written)."""
    seen = []

    def rows():
        for i in range(3):
            seen.append(i)
            yield "t", [i]

    sheet = Sheet("t", (Column("n", "int"),))
    chunks = tables.csv_chunks(sheet, (row for _, row in rows()), True)
    assert next(chunks).startswith("n\r\n") and seen == [0, 1, 2]  # one chunk: all consumed
    assert tables.text_cell("2026-12-02T07:49:01.123Z", "time", True) == "2026-12-02 07:49:01"


# -- bad targets --------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ["export", "--all", "--format", "xlsx"], ["export", "--all", "--format", "csv"],
    ["report", "{db}", "--format", "xlsx"], ["report", "{db}", "--format", "html"],
    ["report", "{db}", "--format", "csv"],
])
@pytest.mark.parametrize("target", ["folder", "missing folder", "under a file"])
def test_a_bad_target_is_one_line_exit_2_and_nothing_written(cli, played, home: Path,
                                                             tmp_path: Path, command: list[str],
                                                             target: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    suffix = command[command.index("--format") + 1]
    name = {"folder": f"x.{suffix}", "missing folder": f"nope/x.{suffix}",
            "under a file": f"file.txt/x.{suffix}"}[target]
    (folder / "file.txt").write_text("a file", encoding="utf-8")
    if target == "folder":
        (folder / name).mkdir()
    before = sorted(p.name for p in folder.rglob("*"))
    args = [a.replace("{db}", str(home / "history.db")) for a in command]
    run = cli(*args, "--out", str(folder / name))
    assert run.code == 2, (run.out, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.err
    want = "is a folder; give a file name" if target == "folder" else "cannot write:"
    assert want in lines[0] and str(folder) in lines[0]
    assert sorted(p.name for p in folder.rglob("*")) == before


OLD = b"the previous file\r\n"


def test_a_failure_in_the_second_csv_keeps_every_old_file(cli, played, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    for name in ("attempts", "replies", "answers"):
        (tmp_path / f"x-{name}.csv").write_bytes(OLD)
    calls = []

    def full_disk(fd: int, data: bytes) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the first table is whole; the second meets a full disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.write(fd, data)

    monkeypatch.setattr(writing, "_write_all", full_disk)
    run = cli("export", "--all", "--out", str(tmp_path / "x.csv"))
    assert run.code == 2 and "cannot write: No space left on device" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert sorted(os.listdir(tmp_path)) == ["home", "x-answers.csv", "x-attempts.csv",
                                            "x-replies.csv"]  # no temporary left
    assert all((tmp_path / f"x-{n}.csv").read_bytes() == OLD
               for n in ("attempts", "replies", "answers"))


def test_a_failure_mid_workbook_keeps_the_old_one(cli, played, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "x.xlsx"
    target.write_bytes(OLD)
    calls = []
    real = tables._xlsx_cell

    def failing(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 30:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(*args)

    monkeypatch.setattr(tables, "_xlsx_cell", failing)
    run = cli("export", "--all", "--out", str(target))
    assert run.code == 2 and "cannot write: No space left on device" in run.err
    assert target.read_bytes() == OLD and sorted(os.listdir(tmp_path)) == ["home", "x.xlsx"]


@pytest.mark.parametrize("args, message", [
    (["--format", "csv", "--out", "x.xlsx"], "an Excel workbook is written with --format xlsx"),
    (["--format", "xlsx", "--out", "x.csv"], "an Excel workbook is written with --format xlsx"),
    (["--format", "xlsx"], "--format xlsx needs --out FILE.xlsx"),
    (["--format", "json", "--only", "replies"], "--only needs --format csv or xlsx"),
])
def test_export_format_and_target_never_contradict(cli, played, tmp_path: Path,
                                                   args: list[str], message: str) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    run = cli("export", "--all", *args)
    assert run.code == 2 and message in run.err and len(run.err.strip().splitlines()) == 1
    assert sorted(os.listdir(tmp_path)) == ["home"]


def test_too_many_rows_for_a_sheet_is_refused_before_anything_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "XLSX_MAX_ROWS", 3)
    sheet = Sheet("t", (Column("n", "int"),))
    with pytest.raises(tables.UsageError, match="more than 2 rows, Excel's limit"):
        tables.write_xlsx(tmp_path / "x.xlsx", [sheet], (("t", [i]) for i in range(5)))
    assert os.listdir(tmp_path) == []
