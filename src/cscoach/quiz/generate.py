"""Questions made from the content itself: a new phrasebook entry, step or source with `advice`
yields questions with no extra writing. Deterministic: the same content, the same questions."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from cscoach.content.model import Lang, Phrasebook, QType, Question, Source, StepCatalog, Text
from cscoach.errors import ContentError, Problem

if TYPE_CHECKING:
    from cscoach.content.library import Library

DISTRACTORS = 3

# Sources with `advice` are grouped by id prefix into a topic, each with its question.
GROUPS: tuple[tuple[str, str, Text], ...] = (
    ("S001-T", "customer-types", Text(
        "이 고객은 '{title}' 유형입니다. 어떻게 응대해야 할까요?",
        "This customer is one of the '{title}'. What do you do?")),
    ("S001-CH", "channels", Text(
        "불만이 '{title}'(으)로 들어왔습니다. 어떻게 답해야 할까요?",
        "A complaint arrives as a '{title}'. How do you answer it?")),
    ("S000-C", "pr-clients", Text(
        "홍보 고객 유형: '{title}'. 어떻게 대응해야 할까요?",
        "Your PR client is a '{title}'. How do you handle it?")),
    ("S000-P", "principles", Text(
        "불만 고객 응대 원칙 '{title}'에 맞는 행동은 무엇일까요?",
        "Which action follows the principle '{title}'?")),
)


def _rng(key: str) -> random.Random:
    return random.Random(f"cscoach-quiz:{key}")


def _pick(pool: list[Text], correct: Text, key: str) -> tuple[tuple[Text, ...], int]:
    """The right answer among up to three others, in a fixed order for this question."""
    rng = _rng(key)
    others = [t for t in pool if t != correct]
    chosen = rng.sample(others, min(DISTRACTORS, len(others)))
    options = [correct, *chosen]
    rng.shuffle(options)
    return tuple(options), options.index(correct)


def _natural(phrasings: tuple[str, ...], lang: Lang) -> str:
    """The phrasing that reads most like a whole sentence. Korean phrasings are often stems
    (matching 귀찮게 할 수 없 catches 없어요 and 없습니다), so prefer one with a sentence ending."""
    if lang == "ko":
        whole = [p for p in phrasings if p.endswith(("요", "다", "까", "죠", "네"))]
        phrasings = tuple(whole) or phrasings
    return max(phrasings, key=len)


def _quote(phrase: dict[Lang, tuple[str, ...]]) -> Text:
    return Text(_natural(phrase["ko"], "ko"), _natural(phrase["en"], "en"))


def from_phrasebook(book: Phrasebook) -> list[Question]:
    """The entry's "say instead" among other entries' "don't say": one right answer only."""
    out = []
    for e in book.entries:
        dont = _quote(e.dont_say)
        wrong = [_quote(o.dont_say) for o in book.entries if o.id != e.id]
        options, correct = _pick(wrong, e.say_instead, f"say-{e.id}")
        out.append(Question(
            f"say-instead-{e.id}", "phrasebook", QType.SINGLE, e.source,
            Text(f"\"{dont.ko}\" 대신 어떻게 말해야 할까요?",
                 f"Instead of \"{dont.en}\", what should you say?"),
            options, correct,
            Text(f"{e.why.ko} 이렇게 말하세요: {e.say_instead.ko}",
                 f"{e.why.en} Say instead: {e.say_instead.en}")))
    return out


def from_steps(steps: StepCatalog) -> list[Question]:
    names = [s.name for s in steps.steps]
    out = []
    for before, after in zip(steps.steps, steps.steps[1:], strict=False):
        pool = [n for n in names if n != before.name]
        options, correct = _pick(pool, after.name, f"next-{before.id}")
        out.append(Question(
            f"next-step-{before.id}", "steps", QType.SINGLE, after.source,
            Text(f"7단계 응대에서 '{before.name.ko}' 다음 단계는 무엇일까요?",
                 f"In the seven steps, which step comes right after '{before.name.en}'?"),
            options, correct,
            Text(f"{before.order}단계 '{before.name.ko}' 다음은 {after.order}단계 "
                 f"'{after.name.ko}'입니다: {after.meaning.ko}",
                 f"Step {before.order} '{before.name.en}' is followed by step {after.order} "
                 f"'{after.name.en}': {after.meaning.en}")))
    order_ko = " → ".join(s.name.ko for s in steps.steps)
    order_en = " → ".join(s.name.en for s in steps.steps)
    out.append(Question(
        "seven-steps-order", "steps", QType.ORDER, steps.steps[0].source,
        Text("불만 고객 응대 7단계를 순서대로 놓으세요.",
             "Put the seven steps of handling a complaint in order."),
        tuple(names), None,
        Text(f"순서: {order_ko}. 해결책은 듣고 묻고 공감한 다음에 나옵니다.",
             f"The order: {order_en}. The fix comes after listening, asking and "
             "empathising.")))
    return out


def from_sources(sources: dict[str, Source]) -> list[Question]:
    out = []
    for prefix, topic, template in GROUPS:
        members = [s for sid, s in sources.items() if sid.startswith(prefix) and s.advice]
        pool = [s.advice for s in members if s.advice]
        for s in members:
            assert s.advice is not None
            options, correct = _pick(pool, s.advice, f"advice-{s.id}")
            out.append(Question(
                f"advice-{s.id.lower()}", topic, QType.SINGLE, s.id,
                Text(template.ko.format(title=s.title.ko), template.en.format(title=s.title.en)),
                options, correct,
                Text(f"'{s.title.ko}'에 대한 원칙입니다 ({s.id}).",
                     f"That is what the source teaches for '{s.title.en}' ({s.id}).")))
    return out


def generated(steps: StepCatalog, book: Phrasebook,
              sources: dict[str, Source]) -> list[Question]:
    return from_steps(steps) + from_phrasebook(book) + from_sources(sources)


def all_questions(library: Library) -> list[Question]:
    """Every quiz question: made from the content, then the trainer-written banks."""
    out = generated(library.steps, library.phrasebook, library.sources)
    banks = library.bank_questions()
    problems: list[Problem] = []
    taken = {q.id: "a question made from the content" for q in out}
    for q in banks:
        if q.id in taken:
            problems.append(Problem(q.origin, q.line, 1 if q.line else 0,
                                    f"question id '{q.id}' is already used by {taken[q.id]}; "
                                    "choose another id"))
        taken.setdefault(q.id, f"{q.origin}:{q.line}")
    if problems:
        raise ContentError(problems)
    return out + banks
