"""`cscoach graph` says what it writes (issue 20, item 6): the --out suffix decides and an unknown
one is refused, --format never silently loses to it, a Korean drawing without a Korean font is
warned about, the legend and outcomes follow --lang, and unreachable boxes are marked."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cscoach.authoring.graph import edges, to_dot, to_mermaid, unreachable
from cscoach.content.library import Library
from cscoach.judge.phrases import Matcher

DOT = shutil.which("dot")
ISLAND = ("nodes:\n  island:\n    says: {ko: 외딴 섬, en: Island}\n"
          "    choices:\n      - says: {ko: 또, en: Again}\n"
          "        steps: []\n        next: good\n"
          "        feedback: {ko: 빙빙, en: Round}\n")


@pytest.mark.parametrize("name", ["x.jpg", "x.html", "x.txt", "x.SVGZ"])
def test_an_unknown_out_suffix_is_refused_naming_the_known_ones(cli, tmp_path: Path,
                                                                name: str) -> None:
    out = tmp_path / name
    r = cli("graph", "angry-shopper", "--out", str(out))
    assert r.code == 2 and r.out == "" and not out.exists()
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert f"unknown --out suffix '{out.suffix}'" in r.err
    for known in (".mmd", ".mermaid", ".dot", ".gv", ".svg", ".png", ".pdf"):
        assert known in r.err


@pytest.mark.parametrize(("fmt", "name"), [("mermaid", "x.svg"), ("mermaid", "x.PNG"),
                                           ("dot", "x.mmd"), ("mermaid", "x.gv")])
def test_a_format_the_suffix_contradicts_is_refused(cli, tmp_path: Path, fmt: str,
                                                    name: str) -> None:
    out = tmp_path / name
    r = cli("graph", "angry-shopper", "--format", fmt, "--out", str(out))
    assert r.code == 2 and not out.exists()
    assert f"--format {fmt} contradicts '{out.suffix}'" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_the_suffix_decides_and_an_agreeing_format_is_fine(cli, tmp_path: Path) -> None:
    for name, fmt, start in [("a.mmd", None, "flowchart TD"), ("b.mermaid", "mermaid",
                             "flowchart TD"), ("c.dot", None, "digraph"), ("d.GV", "dot",
                             "digraph"), ("e", "dot", "digraph"), ("f", None, "flowchart TD")]:
        out = tmp_path / name
        r = cli("graph", "angry-shopper", "--out", str(out), *(["--format", fmt] if fmt else []))
        assert r.code == 0, (name, r.err)
        assert out.read_text(encoding="utf-8").startswith(start), name


def _bin(tmp_path: Path, fc_list: str | None) -> Path:
    """A PATH holding the real `dot` and a made-up `fc-list` (or none)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    assert DOT is not None
    (folder / "dot").symlink_to(DOT)
    if fc_list is not None:
        script = folder / "fc-list"
        script.write_text(f"#!/bin/sh\n{fc_list}\n")
        script.chmod(0o755)
    return folder


@pytest.mark.skipif(DOT is None, reason="Graphviz dot is not installed")
def test_a_korean_drawing_without_a_korean_font_is_warned_about(cli, tmp_path: Path,
                                                                  monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(_bin(tmp_path, "exit 0")))  # fc-list finds nothing
    out = tmp_path / "ko.svg"
    r = cli("graph", "angry-shopper", "--lang", "ko", "--out", str(out))
    assert r.code == 0 and out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "한글(CJK) 글꼴이 없어" in r.err and "fonts-noto-cjk" in r.err
    assert "fonts-nanum" in r.err and len(r.err.strip().splitlines()) == 1
    en = cli("graph", "angry-shopper", "--lang", "en", "--out", str(tmp_path / "en.svg"))
    assert en.code == 0 and en.err == ""  # nothing Korean to draw
    # the same warning in English when the labels are Korean but the interface is not: a
    # Korean title in an English graph
    story = (Path(__file__).resolve().parent.parent / "scenarios" / "angry-shopper.yaml")
    text = story.read_text(encoding="utf-8").replace(
        "en: The blender that died in three days", "en: 믹서기 The blender", 1)
    assert text != story.read_text(encoding="utf-8")
    (tmp_path / "angry-shopper.yaml").write_text(text, encoding="utf-8")
    mixed = cli("graph", str(tmp_path / "angry-shopper.yaml"), "--lang", "en", "--out",
                str(tmp_path / "mixed.png"))
    assert mixed.code == 0 and "no Korean (CJK) font found by 'fc-list :lang=ko'" in mixed.err


@pytest.mark.skipif(DOT is None, reason="Graphviz dot is not installed")
def test_no_fc_list_is_said_too_and_a_font_found_is_quiet(cli, tmp_path: Path,
                                                          monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(_bin(tmp_path, None)))
    r = cli("graph", "angry-shopper", "--lang", "en", "--out", str(tmp_path / "a.svg"))
    assert r.code == 0 and r.err == ""
    ko = cli("graph", "pr-no-show", "--lang", "ko", "--out", str(tmp_path / "b.svg"))
    assert ko.code == 0 and "'fc-list'(fontconfig)가 설치되어 있지 않습니다" in ko.err
    shutil.rmtree(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(_bin(tmp_path, "echo 'Noto Sans CJK KR'")))
    quiet = cli("graph", "pr-no-show", "--lang", "ko", "--out", str(tmp_path / "c.svg"))
    assert quiet.code == 0 and quiet.err == ""


def test_a_korean_font_graphviz_is_asked_for_is_installed(library: Library,
                                                          matcher: Matcher) -> None:
    """CI installs one (.ci/run: fonts-nanum) and sets CSCOACH_REQUIRE_CJK_FONT=1; elsewhere a
    machine without one skips. The font must be one the DOT's fontname list names."""
    fc_list = shutil.which("fc-list")
    found = "" if fc_list is None else subprocess.run(
        [fc_list, ":lang=ko", "family"], capture_output=True, text=True, check=False).stdout
    if not found.strip():
        message = "no Korean font installed (fc-list :lang=ko); see .ci/run"
        if os.environ.get("CSCOACH_REQUIRE_CJK_FONT") == "1":
            pytest.fail(message)
        pytest.skip(message)
    text = to_dot(library.scenario("angry-shopper"), matcher, library.steps, "ko")
    asked = text.split('fontname="', 1)[1].split('"', 1)[0].split(",")
    families = {f.strip() for line in found.splitlines() for f in line.split(",")}
    assert families & set(asked[:-1]), (asked, sorted(families))


def test_legend_and_outcomes_follow_the_language(cli) -> None:
    ko = cli("graph", "angry-shopper", "--lang", "ko", "--format", "dot").out
    assert "(좋은 결말)" in ko and "(나쁜 결말)" in ko and "(good)" not in ko
    assert "결말: 절반의 성공" in ko and "굵은 테두리: 시작" in ko
    en = cli("graph", "angry-shopper", "--lang", "en", "--format", "dot").out
    assert "(good ending)" in en and "ending: partial success" in en
    assert "thick border: the start" in en and "결말" not in en
    mermaid = cli("graph", "angry-shopper", "--lang", "ko").out
    assert "(좋은 결말)" in mermaid and "(good)" not in mermaid


def test_unreachable_boxes_are_marked(library: Library, matcher: Matcher, write,
                                      mini_text: str) -> None:
    path = write("mini.yaml", mini_text.replace("nodes:\n", ISLAND, 1))
    story = library.scenario(str(path))
    assert unreachable(story, edges(story, matcher)) == ["island"]
    dot = to_dot(story, matcher, library.steps, "ko")
    line = next(x for x in dot.splitlines() if "외딴 섬" in x)
    assert "⊘ 도달할 수 없음" in line and "dotted" in line
    assert "시작에서 이곳으로 오는 길이 없음" in dot
    mermaid = to_mermaid(story, matcher, "en")
    assert "⊘ unreachable" in mermaid and "classDef unreachable" in mermaid
    assert mermaid.count("⊘ unreachable</i>") == 1
    shipped = library.scenario("angry-shopper")
    assert unreachable(shipped, edges(shipped, matcher)) == []
    assert "⊘" not in to_mermaid(shipped, matcher, "en")


MERMAID = Path(__file__).resolve().parent / "mermaid"


@pytest.mark.skipif(shutil.which("node") is None or not (MERMAID / "node_modules" / "mermaid")
                    .is_dir(), reason="needs node and 'npm ci' in tests/mermaid (.ci/run does it)")
def test_the_unreachable_marks_parse_with_mermaid_itself(library: Library, matcher: Matcher,
                                                         write, mini_text: str,
                                                         tmp_path: Path) -> None:
    story = library.scenario(str(write("mini.yaml", mini_text.replace("nodes:\n", ISLAND, 1))))
    files = []
    for lang in ("en", "ko"):
        path = tmp_path / f"island-{lang}.mmd"
        path.write_text(to_mermaid(story, matcher, lang), encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(["node", str(MERMAID / "check.mjs"), *files], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0 and done.stdout.count("ok ") == 2, done.stdout + done.stderr
