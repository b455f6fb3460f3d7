"""What the screen looks like on awkward terminals: 40 columns, Korean wide characters,
no terminal at all, NO_COLOR and TERM=dumb. Output must stay inside the width, aligned, and
whole (no column crushed to "…" or to one letter a line)."""

from __future__ import annotations

import os
import re
import sys

import pytest
from rich.cells import cell_len

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


@pytest.fixture
def narrow(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "40")
    return cli


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def assert_fits(text: str, width: int = 40) -> None:
    over = [line for line in lines_of(text) if cell_len(line) > width]
    assert not over, over
    cut = [line for line in lines_of(text) if line.rstrip(" │┃║").endswith("…")]
    assert not cut, cut  # nothing cut short (an ellipsis inside the content is the content's)


def drilled(cli, lang: str) -> None:
    r = cli("play", "angry-shopper", "--answers", "2,1,1,1,1,1,1,1", "--lang", lang,
            "--trainee", "김민지")
    assert r.code == 0


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_table_fits_40_columns_whole(narrow, lang: str) -> None:
    r = narrow("list", "--lang", lang)
    assert r.code == 0
    assert_fits(r.out)
    for sid in ("angry-shopper", "media-training-refusal", "late-delivery-email"):
        assert sid in lines_of(r.out)  # each id whole, on its own line: shown as cards
    drilled(narrow, lang)
    blender = "사흘 만에 고장 난 믹서기" if lang == "ko" else "The blender that died"
    # each command, and something it must show whole (a title, an id, a number)
    for args, shown in ((["progress"], blender), (["drill", "--yes"], "happy-regular"),
                        (["coverage"], "S000-P1"), (["stats"], "angry-shopper"),
                        (["autoplay", "angry-shopper", "--runs", "30", "--seed", "1"],
                         "argument")):
        r = narrow(*args, "--lang", lang, *(["--trainee", "김민지"]
                                           if args[0] in ("progress", "drill") else []))
        assert r.code in (0, 1), (args, r.err)
        assert_fits(r.out)
        assert any(shown in line for line in lines_of(r.out)), (args, r.out)
    from cscoach.history.config import settings

    r = narrow("report", str(settings().db_path), "--lang", lang, "--only", "hardest")
    assert r.code == 0
    assert_fits(r.out)
    assert "angry-shopper · counter" in lines_of(r.out)  # a two-line cell heads its card


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_debrief_fits_40_columns_whole(narrow, lang: str) -> None:
    r = narrow("play", "angry-shopper", "--answers", "2,1,1,1,1,1,1,1", "--lang", lang,
               "--no-record")
    assert r.code == 0
    assert_fits(r.out)
    r = narrow("play", "angry-shopper", "--answers", "2,1,1,1,1,1,1,1", "--lang", lang,
               "--no-record", "--details")
    assert r.code == 0
    assert_fits(r.out)
    steps = "반갑게 맞이하기" if lang == "ko" else "Greet"
    assert any(line.startswith("1  ") and steps in line for line in lines_of(r.out))


def test_a_wide_terminal_keeps_the_tables(cli) -> None:
    r = cli("list", "--lang", "ko")
    header = next(line for line in lines_of(r.out) if "ID" in line)
    assert "제목" in header and "채널" in header  # one table, columns side by side


def test_korean_team_names_stay_aligned_on_the_leaderboard_and_podium(cli,
                                                                     monkeypatch) -> None:
    for width in ("40", "80"):
        monkeypatch.setenv("COLUMNS", width)
        r = cli("quiz", "-n", "1", "--seed", "1", "--team", "Red", "--team", "빨강팀",
                "--team", "Blue", "--answers", "Red=1", "--answers", "빨강팀=1",
                "--answers", "Blue=2", "--no-record")
        assert r.code == 0
        assert_fits(r.out, int(width))
        rows = [line for line in lines_of(r.out) if re.search(r"(Red|빨강팀|Blue)\s+\d", line)]
        board = [line for line in rows if not line.startswith("│")]
        podium = [line for line in rows if line.startswith("│")]
        assert len(board) == 3 and len(podium) == 3
        for group in (board, podium):
            # the points end in the same terminal column on every row, whatever the name
            ends = {cell_len(re.match(r"(.*?\d+)(?!.*\d)", line.rstrip(" │")).group(1))
                    for line in group}
            assert len(ends) == 1, group


def test_no_terminal_means_no_escape_codes(cli) -> None:
    r = cli("play", "angry-shopper", "--answers", "1,1,1,1,1,1,1", "--lang", "ko",
            "--no-record")
    assert r.code == 0 and "\x1b[" not in r.out


def test_check_wraps_its_prose_only_at_a_terminal(cli, monkeypatch) -> None:
    reply = "모르겠어요. 그건 제 잘못이 아니에요."
    piped = cli("check", "--lang", "ko", reply)
    why = [line for line in lines_of(piped.out) if line.startswith("    이유:")]
    assert len(why) == 2 and all(cell_len(line) > 40 for line in why)  # one line each
    import shutil

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)  # the capture
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a, **k: os.terminal_size((40, 24)))
    tty = cli("check", "--lang", "ko", reply)
    assert all(cell_len(line) <= 40 for line in lines_of(tty.out))
    assert "      " in tty.out  # continuation lines hang under their label


pexpect = pytest.importorskip("pexpect")


def spawn(*args: str, **env: str):
    full = dict(os.environ, LINES="40", CSCOACH_LANG="en", TERM="xterm-256color")
    full.pop("COLUMNS", None)
    full.update(env)
    return pexpect.spawn(sys.executable, ["-m", "cscoach", *args], env=full,
                         encoding="utf-8", timeout=20, dimensions=(40, 60))


@pytest.mark.pty
def test_no_color_leaves_out_every_colour() -> None:
    import io

    child = spawn("play", "angry-shopper", "--no-record", NO_COLOR="1")
    child.logfile_read = seen = io.StringIO()
    child.expect("Your reply")
    child.expect(r"3\) ")
    shown = seen.getvalue()
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "Turn 1" in shown and not COLOUR.search(shown)


@pytest.mark.pty
def test_term_dumb_uses_the_real_width() -> None:
    """rich takes a dumb terminal as 80 columns; this one is 60, and nothing may pass it."""
    import io

    child = spawn("play", "angry-shopper", "--no-record", "--lang", "ko", TERM="dumb")
    child.logfile_read = seen = io.StringIO()
    child.expect("어떻게 답하시겠습니까")
    shown = ANSI.sub("", seen.getvalue())
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    panel = [line for line in shown.replace("\r", "").split("\n") if line.startswith(("│", "╭"))]
    assert panel and max(cell_len(line) for line in panel) == 60


@pytest.mark.pty
def test_a_refused_answer_is_explained_whole_at_40_columns(tmp_path) -> None:
    """prompt_toolkit shows the reason on one cut-off line; at 40 columns it now wraps."""
    import io

    child = spawn("new", "--lang", "ko", "--out", str(tmp_path / "x.yaml"))
    child.setwinsize(30, 40)
    child.expect("시나리오 ID")
    child.logfile_read = seen = io.StringIO()
    child.sendline("Bad Id")
    child.expect("시작하세요")  # the message's last word, past the first line
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and "영문 소문자" in ANSI.sub("", seen.getvalue())
