"""What makes a scenario shippable, beyond loading and playing: the rules the shipped library is
held to, each a located message of `cscoach validate --strict` (code "ship"), so a trainer needs
neither pytest nor the seeds file to know a scenario is ready. The tests of the shipped library
call these same checks (tests/test_scoring.py, test_content.py, test_library_quality.py).

Rules that need the seeds file (every item of the curriculum has content, the content map) or
speak of the whole shipped curriculum rather than of one scenario stay in the tests: how many
scenarios and channels, how many best paths escalate or leave the textbook order, sentence stems
shared across scenarios, and the shares the library as a whole may not pass (bots that never read
pass at most 1 scenario in 16; the best reply is the longest at no more than 40% of all decision
points). One scenario's own share of longest best replies is validate's warning already.
"""

from __future__ import annotations

from collections.abc import Callable

from cscoach.content.library import Library
from cscoach.content.model import Scenario
from cscoach.judge.phrases import Matcher

SHIP = "ship"  # the code of these problems: validate shows them with --strict only
MIN_NODES = 6
MIN_ENDINGS = 3
MIN_TRAPS = 2
WRITTEN = ("email", "letter", "online")  # channels whose replies are whole messages
UNCITED = ("S001-SAY",)  # taught by the phrase hits, not named in feedback


At = Callable[..., None]  # at(line, message, severity="error", code=...)


def check(s: Scenario, library: Library, matcher: Matcher,
          best: tuple[int, tuple[int, ...]] | None, at: At) -> None:
    """Every shipping rule of one scenario that loaded and whose best path is known exactly
    (`best`: its score, in the language that scores it highest, and its answers; None when the
    search stopped, and then the path rules are not judged)."""
    from cscoach.authoring.coverage import STEP_ID

    def ship(line: int, message: str) -> None:
        at(line, message, "warning", code=SHIP)

    if best is not None:
        _best_path(s, library, matcher, best, ship)
    if len(s.nodes) < MIN_NODES or len(s.endings) < MIN_ENDINGS:
        ship(s.key_lines.get("nodes", 0), f"{len(s.nodes)} node(s) and {len(s.endings)} "
             f"ending(s): a shipped scenario has at least {MIN_NODES} nodes and {MIN_ENDINGS} "
             "endings, so that choices lead somewhere different")
    traps = sum(1 for n in s.nodes.values() for c in n.choices
                if any(h.kind == "dont_say" for text in c.says.both() for h in matcher.match(text)))
    if traps < MIN_TRAPS:
        ship(s.key_lines.get("nodes", 0), f"{traps} reply(ies) say a phrasebook \"don't say\": "
             f"a shipped scenario has at least {MIN_TRAPS} such traps to learn from")
    texts = [c.feedback.ko + c.feedback.en for n in s.nodes.values() for c in n.choices]
    texts += [e.summary.ko + e.summary.en for e in s.endings.values()]
    body = "\n".join(texts)
    for source in dict.fromkeys((*s.sources, *s.persona.sources)):
        if STEP_ID.fullmatch(source) or source in UNCITED or source in body:
            continue
        ship(s.key_lines.get("sources", 0), f"source '{source}' is claimed but no reply's "
             "feedback or ending's summary names it: cite it where it is taught (e.g. "
             f"\"... ({source})\")")
    for lesson in s.lessons:
        if lesson.text.ko in s.summary.ko or lesson.text.en in s.summary.en:
            ship(s.key_lines.get("summary", 0), f"the summary gives away lesson '{lesson.id}': "
                 "it sets the scene, the debrief teaches")
    for source in s.sources:
        if source in s.summary.ko or source in s.summary.en:
            ship(s.key_lines.get("summary", 0), f"the summary names source '{source}': it sets "
                 "the scene; cite sources in the feedback")
    _placeholders(s, ship)
    _format2(s, ship)


def _placeholders(s: Scenario, ship: Callable[[int, str], None]) -> None:
    """A line `cscoach new` wrote for the author to replace, still there."""
    from cscoach.authoring.skeleton import PLACEHOLDERS

    for key, what, text in (("summary", "the summary", s.summary),
                            ("persona", "the persona's description", s.persona.description)):
        for lang, line in (("ko", text.ko), ("en", text.en)):
            for placeholder in PLACEHOLDERS:
                if placeholder in line:
                    ship(s.key_lines.get(key, 0), f"{what} ({lang}) still holds the skeleton's "
                         f"placeholder {placeholder!r}: write the real situation there")


def _best_path(s: Scenario, library: Library, matcher: Matcher,
               best: tuple[int, tuple[int, ...]], ship: Callable[[int, str], None]) -> None:
    from cscoach.drill.engine import answers_text, play
    from cscoach.judge.scoring import debrief

    score, answers = best
    d = debrief(play(s, answers), library.steps, matcher)  # the steps are the same in both
    shown = answers_text(s, answers)
    mark = s.key_lines.get("pass_mark", 0)
    if score != 100:
        ship(mark, f"the best path (answers {shown}) scores {score}, not 100: a trainee who "
             "does everything right must be able to reach full marks")
    missed = [r.step.id for r in d.steps if not r.done]
    if missed:
        ship(mark, f"the best path (answers {shown}) never performs step(s) "
             f"{', '.join(missed)}: the best path performs all seven steps")
    late = [r.step.id for r in d.steps if r.done and not r.in_order]
    if late:
        ship(mark, f"the best path (answers {shown}) performs step(s) {', '.join(late)} out of "
             "order: the best path performs the seven steps first in their order")


def _format2(s: Scenario, ship: Callable[[int, str], None]) -> None:
    if s.format_version < 2:
        ship(s.key_lines.get("format_version", 0), "format 1: a shipped scenario is written in "
             "format 2 (facts the customer remembers, lessons; see docs/authoring.md)")
        return
    if not s.facts:
        ship(s.key_lines.get("facts", 0), "no facts: a format-2 scenario declares what the "
             "customer can remember (facts:)")
    if not any(x.critical for x in s.lessons):
        ship(s.key_lines.get("lessons", 0), "no critical lesson: a shipped scenario has at "
             "least one lesson with critical: true, whose breaking fails the drill")
    if s.channel.value in WRITTEN and not any(n.parts for n in s.nodes.values()):
        ship(s.key_lines.get("channel", 0), f"a {s.channel.value} scenario with no compose "
             "turn (parts:): in a written channel the trainee writes whole messages")
