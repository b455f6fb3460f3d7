"""The interactive front, with the prompt replaced: shuffled replies map back correctly."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from cscoach.content.library import Library
from cscoach.content.model import Scenario
from cscoach.drill.runner import run
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import Debrief, debrief
from cscoach.ui import interactive, render


def _console(width: int = 100) -> Console:
    return Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)


def _drill(console: Console, scenario: Scenario, library: Library, matcher: Matcher,
           options: interactive.DrillOptions) -> Debrief:
    """One drill through the interactive front, debriefed as `play` does."""
    front = interactive.Interactive(console, library.steps, matcher, options)
    return run(scenario, front, lambda t: debrief(t, library.steps, matcher, prefer=options.lang))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_replies_map_back_to_authored_choices(library: Library, matcher: Matcher,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       seed: int) -> None:
    scenario = library.scenario("angry-shopper")
    shown: list[list[str]] = []

    def pick_first_authored(message: str, options: list[str], instruction: str = "",
                            erase: bool = False) -> int:
        # the best path is always the first authored reply: find where shuffling put it
        node = next(n for n in scenario.nodes.values()
                    if {c.says.en for c in n.choices} == set(options))
        shown.append(options)
        return options.index(node.choices[0].says.en)

    monkeypatch.setattr(interactive.prompt, "select", pick_first_authored)
    options = interactive.DrillOptions("en", feedback_now=True, shuffle=True, seed=seed)
    result = _drill(_console(400), scenario, library, matcher, options)
    assert result.score == 100 and result.transcript.answers == [1] * 7
    assert any(opts != [c.says.en for c in n.choices]
               for opts in shown for n in scenario.nodes.values()
               if set(opts) == {c.says.en for c in n.choices})


def test_feedback_end_holds_feedback_until_the_recap(library: Library, matcher: Matcher,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interactive.prompt, "select", lambda *a, **k: 1)  # reply 2 every time
    console = _console()
    options = interactive.DrillOptions("en", feedback_now=False)
    result = _drill(console, library.scenario("angry-shopper"), library, matcher, options)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert result.transcript.ending.id == "walked-out"
    assert out.index("Gone for good") < out.index("Feedback") < out.index("Debrief")


def test_long_replies_are_printed_in_full_and_shortened_in_the_list() -> None:
    console = _console(40)
    texts = ["short", "아침부터 정말 놀라셨겠어요. 여기는 복잡하니 조용한 상담 테이블로 가셔서"]
    titles = render.reply_options(console, texts)
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    assert "1) short" in printed and "테이블로" in printed
    assert titles[0] == "short" and titles[1].endswith("…")
    assert render.cell_len(titles[1]) <= 40 - 8


def test_short_replies_are_not_repeated() -> None:
    console = _console(80)
    assert render.reply_options(console, ["a", "b"]) == ["a", "b"]
    assert console.file.getvalue() == ""  # type: ignore[attr-defined]


def test_free_drill_with_feedback_at_the_end_recaps_what_was_typed(
        library: Library, typed_matcher: Matcher, monkeypatch: pytest.MonkeyPatch) -> None:
    """--free --feedback end: the typed words' don't-says come back in the recap, and the
    debrief sets each typed reply beside the best authored one."""
    typed = iter(["I'm busy. Just wait at the end of that line."]
                 + ["Calm yourself and just listen to me."] * 20)
    monkeypatch.setattr(interactive.prompt, "text", lambda *a, **k: next(typed))
    monkeypatch.setattr(interactive.prompt, "select", lambda *a, **k: 0)
    console = _console()
    options = interactive.DrillOptions("en", feedback_now=False, free=True, details=True)
    result = _drill(console, library.scenario("angry-shopper"), library, typed_matcher, options)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    first = result.transcript.turns[0]
    assert first.typed and first.index == 1  # taken as the authored "I'm busy ..." reply
    assert any(i.points < 0 and i.turn == 1 and i.category == "language" for i in result.items)
    recap = out[out.index(result.transcript.ending.title.en):out.index("Debrief")]
    assert "Don't say" in recap and "I'm busy" in recap
    assert "What you wrote, next to the best reply" in out and "Best reply" in out
