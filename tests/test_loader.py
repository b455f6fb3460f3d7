"""Loader: the shipped content loads; every kind of broken file gives a located error."""

from __future__ import annotations

import re

import pytest

from cscoach.content.library import Library
from cscoach.content.loader import load_phrasebook, load_scenario
from cscoach.errors import ContentError


def test_shipped_content_loads(library: Library) -> None:
    assert library.steps.ids() == ("greet", "listen", "ask", "empathize", "resolve", "check",
                                   "follow_up")
    assert [s.source for s in library.steps.steps] == [f"S003-{i}" for i in range(1, 8)]
    say = [e for e in library.phrasebook.entries if e.source == "S001-SAY"]
    assert {e.id for e in say} == {"dont-know", "dont-care", "cant-be-bothered", "dislike-you",
                                   "know-it-all", "dont-come-back", "im-right", "hurry-wait"}
    assert len(library.phrasebook.entries) > len(say)
    for entry in library.phrasebook.entries:
        assert len(entry.dont_say["ko"]) >= 3 and len(entry.dont_say["en"]) >= 3, entry.id
    scenarios = {s.id: s for s in library.all_scenarios()}
    assert {"angry-shopper", "pr-no-show", "media-training-refusal"} <= set(scenarios)


def test_mini_scenario_loads(library: Library, write, mini_text: str) -> None:
    s = load_scenario(write("mini.yaml", mini_text), library.steps, sources=library.sources)
    assert s.id == "mini" and s.start == "a" and s.nodes["a"].choices[0].steps == ("greet",)
    assert s.nodes["a"].choices[0].line == 20


def _problems(library: Library, path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_scenario(path, library.steps, sources=library.sources)
    lines = info.value.lines()
    for line in lines:
        assert re.match(r"^.+\.yaml(:\d+:\d+)?: (error|warning): .+", line), line
    return lines


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("channel: phone", "channel: fax"),
         ":11:10: error: channel 'fax' is not one of"),
        (lambda t: t.replace("pass_mark: 60", "pass_mark: 160"),
         ":13:12: error: pass_mark must be from 0 to 100, not 160"),
        (lambda t: t.replace("difficulty: 1", "dificulty: 1"),
         "unknown key 'dificulty' in a scenario file; did you mean 'difficulty'?"),
        (lambda t: t.replace("        next: b\n", "        next: bee\n"),
         ":22:15: error: next 'bee' names no node or ending"),
        (lambda t: t.replace("steps: [greet]", "steps: [greeting]"),
         "unknown step 'greeting'"),
        (lambda t: t.replace("{ko: 문제가 있어요, en: I have a problem}", "{ko: 문제가 있어요}"),
         "node 'b' says has no English text; add 'en: ...'"),
        (lambda t: t.replace("sources: [S003-1]\nchannel", "sources: [S009-9]\nchannel"),
         "persona sources item 1 'S009-9' is not in the source list"),
        (lambda t: t.replace("start: a", "start: zz"), "start node 'zz' does not exist"),
        (lambda t: t.replace("  b:\n", "  a:\n"),
         ":30:3: error: duplicate key 'a' in nodes (first at line 17)"),
        (lambda t: t.replace("title: {ko: 작은 시나리오, en: A small scenario}",
                             "title: {ko: 작은 시나리오, en: A small, neat scenario}"),
         "looks like the rest of a text cut at a comma"),
        (lambda t: t.replace("en: Hello}", "en: true}"),
         "must be text, not a yes/no value; put it"),
        (lambda t: t.replace("format_version: 1", "format_version: 7"),
         "format_version 7 is not supported"),
        (lambda t: t.replace("    says: {ko: 안녕하세요, en: Hello}", "    says: [hello]"),
         "node 'a' says must be a mapping (key: value lines), not a list"),
    ],
)
def test_schema_errors_are_located(library: Library, write, mini_text: str, edit,
                                   expected: str) -> None:
    lines = _problems(library, write("s.yaml", edit(mini_text)))
    assert any(expected in line for line in lines), lines


def test_every_error_in_a_file_is_reported(library: Library, write, mini_text: str) -> None:
    text = mini_text.replace("channel: phone", "channel: fax").replace("pass_mark: 60",
                                                                      "pass_mark: -1")
    lines = _problems(library, write("s.yaml", text))
    assert len([line for line in lines if "error" in line]) >= 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("format_version: 1\nkind: scenario\nid: x\n\tnodes: {}\n", "tab character"),
        ('format_version: 1\nkind: scenario\nid: "x\n', "invalid YAML"),
        ("format_version: 1\nkind: scenario\nsources: [a, b\n", "invalid YAML"),
        ("", "the file is empty"),
        ("- a\n- b\n", "the file must be a mapping"),
        ("format_version: 1\nkind: scenario\nid: !!python/object:os.system x\n",
         "tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"),
        ("format_version: 1\nkind: scenario\nsources: [!!python/name:os.system x]\n",
         "tag 'tag:yaml.org,2002:python/name:os.system' is not allowed"),
        ("format_version: 1\nkind: scenario\nsources:\n- !custom x\n",
         "tag '!custom' is not allowed"),
        ("!!python/object:os.system\nformat_version: 1\n", "is not allowed"),
        ("format_version: 1\nkind: scenario\nsources: &x [S003-1]\npersona: {sources: *x}\n",
         "anchors and aliases"),
        ("format_version: 1\nkind: scenario\nid: x\nid: y\n", "duplicate key 'id'"),
        ("format_version: 1\nkind: scenario\ntitle: This: that\n", "put the whole text in quotes"),
        ("format_version: 1\nkind: scenario\ntitle:\n  ko: '금요일' 배송\n", "starts with a quote"),
        ('format_version: 1\nkind: scenario\nsources:\n- "S003-1" and more\n',
         "starts with a quote"),
    ],
)
def test_broken_yaml(library: Library, write, content: str, expected: str) -> None:
    lines = _problems(library, write("broken.yaml", content))
    assert any(expected in line for line in lines), lines


def test_invalid_utf8_is_located(library: Library, write) -> None:
    lines = _problems(library, write("bad.yaml", b"format_version: 1\nid: \xff\xfe\n"))
    assert len(lines) == 1
    assert lines[0].endswith("bad.yaml:2:5: error: not valid UTF-8 (byte 0xff); "
                             "save the file as UTF-8")


def test_bom_is_accepted(library: Library, write, mini_text: str) -> None:
    path = write("bom.yaml", "\ufeff".encode() + mini_text.encode())
    assert load_scenario(path, library.steps).id == "mini"


def test_missing_file_and_directory(library: Library, tmp_path) -> None:
    assert "no such file" in _problems(library, tmp_path / "nope.yaml")[0]
    (tmp_path / "dir.yaml").mkdir()
    assert "is a directory" in _problems(library, tmp_path / "dir.yaml")[0]


def test_phrasebook_needs_both_languages(library: Library, write) -> None:
    path = write("p.yaml", """\
        format_version: 1
        kind: phrasebook
        entries:
          - id: x
            source: S001-SAY
            dont_say: {ko: [모르겠어요]}
            why: {ko: 이유, en: why}
            say_instead: {ko: 대신, en: instead}
            say_instead_markers: {ko: [대신], en: [instead]}
        """)
    with pytest.raises(ContentError) as info:
        load_phrasebook(path, sources=library.sources)
    assert "p.yaml:6:15: error: entry 'x' dont_say is missing required key 'en'" in \
        info.value.lines()[0]


# -- found in review: explicit tags, lone anchors, where a quote opened


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda t: t.replace("pass_mark: 60", "pass_mark: !!int 0xZZ"),
     "pass_mark must be a whole number from 0 to 100"),
    (lambda t: t.replace("pass_mark: 60", "pass_mark: !!float yes"),
     "pass_mark must be a whole number from 0 to 100"),
    (lambda t: t.replace("title: {ko: 작은 시나리오, en: A small scenario}",
                         "title: &t {ko: 작은 시나리오, en: A small scenario}"),
     "anchors and aliases (&t / *name) are not supported"),
    (lambda t: t.replace("sources: [S003-1]\nchannel", "sources: [S００３-1]\nchannel"),
     "is not a source id like 'S001-SAY'"),
])
def test_what_review_found_is_refused_located(library: Library, write, mini_text: str, edit,
                                              expected: str) -> None:
    lines = _problems(library, write("s.yaml", edit(mini_text)))
    assert any(expected in line and re.search(r"s\.yaml:\d+:\d+:", line) for line in lines), \
        lines


def test_a_bool_tag_cannot_turn_yes_into_false(library: Library, write) -> None:
    from cscoach.content.loader import load_bank

    path = write("q.yaml", """\
        format_version: 1
        kind: quiz
        questions:
          - id: flipped
            topic: facts
            type: truefalse
            source: S003-1
            prompt: {ko: 질문, en: Question}
            explanation: {ko: 설명, en: Because}
            answer: !!bool yes
        """)
    with pytest.raises(ContentError) as info:
        load_bank(path, sources=library.sources)
    assert "answer must be true or false" in str(info.value)


def test_a_plain_double_angle_value_is_text(library: Library, write, mini_text: str) -> None:
    scenario = load_scenario(write("s.yaml", mini_text.replace("en: Summary}", "en: <<}")),
                             library.steps, sources=library.sources)
    assert scenario.summary.en == "<<"


def test_an_unclosed_quote_names_the_line_it_opened(library: Library, write,
                                                    mini_text: str) -> None:
    text = mini_text.replace("title: {ko: 작은 시나리오, en: A small scenario}",
                             'title: {ko: "작은 시나리오, en: A small scenario}')
    lines = _problems(library, write("s.yaml", text))
    assert "it began at line 4" in lines[0], lines
