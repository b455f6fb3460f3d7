"""Questions made from the content itself: a new phrasebook entry, step or source with `advice`
yields questions with no extra writing. Deterministic: the same content, the same questions.

The wrong options are always of the key's own kind, so a question cannot be answered without
the knowledge (benchmarks/quiz_blind.py measures it): for a phrasebook entry, polite replies
that still do the wrong thing (its `quiz.decoys`); for a source item, the advice of other items
of its group (a real principle applied to the wrong case); for a step, other steps. Every
explanation says why the key is right and why the most tempting wrong option is wrong.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

from cscoach.content.model import (
    Lang,
    Phrasebook,
    PhraseEntry,
    QType,
    Question,
    Source,
    StepCatalog,
    Text,
)
from cscoach.errors import ContentError, Problem
from cscoach.i18n import particle

if TYPE_CHECKING:
    from cscoach.content.library import Library

DISTRACTORS = 3

# Sources with `advice` are grouped by id prefix into a topic, each with its question: the
# item's `quiz.case` ({case}) under its title ({title}; {ro} is 으로 or 로 after it).
GROUPS: tuple[tuple[str, str, Text], ...] = (
    ("S001-T", "customer-types", Text(
        "고객 유형 '{title}': {case} 어떻게 응대해야 할까요?",
        "Customer type '{title}': {case} What do you do?")),
    ("S001-CH", "channels", Text(
        "불만이 {title}{ro} 들어왔습니다. {case} 어떻게 답해야 할까요?",
        "A complaint comes in ({title}). {case} How do you answer it?")),
    ("S000-C", "pr-clients", Text(
        "홍보 고객 유형 '{title}': {case} 어떻게 대응해야 할까요?",
        "PR client type '{title}': {case} How do you handle it?")),
    ("S000-P", "principles", Text(
        "{case} 불만 고객 응대 원칙에 따르면 지금 할 일은 무엇일까요?",
        "{case} By the principles for complaining customers, what do you do now?")),
)


# Korean endings taken off a word before comparing (a rough stem: 고객님께 ~ 고객님, 편지로 ~ 편지)
_KO_TAIL = re.compile(r"(으로|에게|에서|께서|까지|부터|처럼|보다|이나"
                      r"|은|는|이|가|을|를|에|께|로|와|과|의|도|만|님)$")
_EN_STOP = frozenset(
    "the a an and or of to in on at for is are was be it its this that you your they them "
    "their he she his her we our i my me with as by from what do does how which not no so but "
    "if then when can could would should will have has had just there here who out say instead "
    "complaint customer type principle client handle answer now time times tim".split())
# Words every question of a kind says (its template), which tell nothing about the answer
# and the courtesy every reply carries (제가, 주시겠어요, 죄송합니다 ...).
_KO_STOP = frozenset(
    "고객 어떻게 무엇을 무엇일까요 있습니다 합니다 할까요 대신 홍보 불만 응대 원칙 유형 제가 저희 "
    "주시겠어요 죄송합니다 감사합니다 말씀 말씀해 말씀하신 드려 드릴 정말 대로".split())


def content_words(text: str, lang: Lang) -> set[str]:
    """The content words of a text, roughly stemmed, for comparing texts."""
    out = set()
    for raw in re.findall(r"[\w%]+", text.lower()):
        if lang == "ko":
            w = _KO_TAIL.sub("", raw) if len(raw) > 2 else raw
            if len(w) >= 2 and w not in _KO_STOP:
                out.add(w)
        else:
            w = re.sub(r"(ing|ed|es|s|'s)$", "", raw) if len(raw) > 4 else raw
            if len(w) >= 3 and w not in _EN_STOP:
                out.add(w)
    return out



def _rng(key: str) -> random.Random:
    return random.Random(f"cscoach-quiz:{key}")


def _arrange(correct: Text, first: Text | None, pool: list[Text], key: str
             ) -> tuple[tuple[Text, ...], int]:
    """The right answer, the most tempting wrong one (`first`) and others from `pool` up to
    three wrong ones, in a fixed order for this question."""
    rng = _rng(key)
    wrong = [first] if first is not None else []
    others = [t for t in pool if t != correct and t not in wrong]
    wrong += rng.sample(others, min(DISTRACTORS - len(wrong), len(others)))
    options = [correct, *wrong]
    rng.shuffle(options)
    return tuple(options), options.index(correct)


def _natural(phrasings: tuple[str, ...], lang: Lang) -> str:
    """The phrasing that reads most like a whole sentence. Korean phrasings are often stems
    (matching 귀찮게 할 수 없 catches 없어요 and 없습니다), so prefer one with a sentence ending."""
    if lang == "ko":
        whole = [p for p in phrasings if p.endswith(("요", "다", "까", "죠", "네"))]
        phrasings = tuple(whole) or phrasings
    return max(phrasings, key=len)


def _quote(phrase: dict[Lang, tuple[str, ...]], key: Text | None = None) -> Text:
    """A natural phrasing in each language; with `key`, one that shares no word with it (a
    stem that echoes the answer gives it away), if there is one."""
    def pick(lang: Lang) -> str:
        phrasings = phrase[lang]
        if key is not None:
            clean = tuple(p for p in phrasings
                          if not content_words(p, lang) & content_words(key(lang), lang))
            phrasings = clean or phrasings
        return _natural(phrasings, lang)
    return Text(pick("ko"), pick("en"))


def _phrase_question(e: PhraseEntry, book: Phrasebook) -> Question:
    dont = _quote(e.dont_say, e.say_instead)
    if e.decoys is not None:
        options, correct = _arrange(e.say_instead, e.decoys.options[0],
                                    list(e.decoys.options[1:]), f"say-{e.id}")
        why_not = e.decoys.tempting
    else:  # without decoys: other entries' replies, right for another case
        others = [o for o in book.entries if o.id != e.id]
        options, correct = _arrange(e.say_instead, None, [o.say_instead for o in others],
                                    f"say-{e.id}")
        nearest = next(o for o in others if o.say_instead in options)
        other_dont = _quote(nearest.dont_say)
        why_not = Text(f"\"{nearest.say_instead.ko}\"는 \"{other_dont.ko}\" 대신 할 말입니다.",
                       f"\"{nearest.say_instead.en}\" is what to say instead of "
                       f"\"{other_dont.en}\".")
    return Question(
        f"say-instead-{e.id}", "phrasebook", QType.SINGLE, e.source,
        Text(f"\"{dont.ko}\" 대신 어떻게 말해야 할까요?",
             f"Instead of \"{dont.en}\", what should you say?"),
        options, correct,
        Text(f"{e.why.ko} {why_not.ko} ({e.source})", f"{e.why.en} {why_not.en} ({e.source})"))


def from_phrasebook(book: Phrasebook) -> list[Question]:
    """The entry's "say instead" among polite replies that still do the wrong thing."""
    return [_phrase_question(e, book) for e in book.entries]


def from_steps(steps: StepCatalog) -> list[Question]:
    names = [s.name for s in steps.steps]
    out = []
    for i, (before, after) in enumerate(zip(steps.steps, steps.steps[1:], strict=False)):
        # the most tempting wrong answer skips a step: the one after the right one (or, for
        # the last pair, the one before)
        tempting = steps.steps[i + 2] if i + 2 < len(steps.steps) else steps.steps[i - 1]
        pool = [n for n in names if n not in (before.name, tempting.name)]
        options, correct = _arrange(after.name, tempting.name, pool, f"next-{before.id}")
        skip = tempting.order > after.order
        t_ko = tempting.name.ko
        out.append(Question(
            f"next-step-{before.id}", "steps", QType.SINGLE, after.source,
            Text(f"7단계 응대에서 '{before.name.ko}' 다음 단계는 무엇일까요?",
                 f"In the seven steps, which step comes right after '{before.name.en}'?"),
            options, correct,
            Text(f"{before.order}단계 '{before.name.ko}' 다음은 {after.order}단계 "
                 f"'{after.name.ko}'입니다: {after.meaning.ko} "
                 f"'{t_ko}'{particle(t_ko, '은', '는')} "
                 f"{tempting.order}단계라 " + ("그 다음입니다" if skip else "이미 지났습니다")
                 + f" ({after.source}).",
                 f"Step {before.order} '{before.name.en}' is followed by step {after.order} "
                 f"'{after.name.en}': {after.meaning.en} '{tempting.name.en}' is step "
                 f"{tempting.order}, " + ("which comes after that" if skip else "already past")
                 + f" ({after.source}).")))
    order_ko = " → ".join(s.name.ko for s in steps.steps)
    order_en = " → ".join(s.name.en for s in steps.steps)
    out.append(Question(
        "seven-steps-order", "steps", QType.ORDER, steps.steps[0].source,
        Text("불만 고객 응대 7단계를 순서대로 놓으세요.",
             "Put the seven steps of handling a complaint in order."),
        tuple(names), None,
        Text(f"순서: {order_ko}. 해결책은 듣고 묻고 공감한 다음에 나옵니다 (S003-1..7).",
             f"The order: {order_en}. The fix comes after listening, asking and "
             "empathising (S003-1..7).")))
    return out


def _stem(template: Text, s: Source) -> Text:
    if s.quiz is None:  # an item without its own case: name it only
        return Text(template.ko.replace(" {case}", "").format(
            title=s.title.ko, ro=particle(s.title.ko, "으로", "로")),
            template.en.replace(" {case}", "").format(title=s.title.en))
    case = s.quiz.case
    return Text(template.ko.format(title=s.title.ko, case=case.ko,
                                   ro=particle(s.title.ko, "으로", "로")),
                template.en.format(title=s.title.en, case=case.en))


def from_sources(sources: dict[str, Source]) -> list[Question]:
    out = []
    problems: list[Problem] = []
    for prefix, topic, template in GROUPS:
        members = {sid: s for sid, s in sources.items() if sid.startswith(prefix) and s.advice}
        pool = [s.advice for s in members.values() if s.advice]
        for s in members.values():
            assert s.advice is not None
            tempting: Source | None = None
            if s.quiz is not None:
                tempting = members.get(s.quiz.tempting)
                if tempting is None or tempting is s:
                    problems.append(Problem(
                        "sources", 0, 0, f"source '{s.id}': quiz.tempting '{s.quiz.tempting}' "
                        f"is not another item of its group with advice ({', '.join(members)})"))
                    continue
            options, correct = _arrange(s.advice, tempting.advice if tempting else None, pool,
                                        f"advice-{s.id}")
            if s.quiz is not None and tempting is not None:
                q = s.quiz
                explanation = Text(f"{q.why.ko} ({s.id}) {q.tempting_why.ko} ({tempting.id})",
                                   f"{q.why.en} ({s.id}) {q.tempting_why.en} ({tempting.id})")
            else:
                explanation = Text(f"'{s.title.ko}'에 대한 원칙입니다 ({s.id}).",
                                   f"That is what the source teaches for '{s.title.en}' "
                                   f"({s.id}).")
            out.append(Question(f"advice-{s.id.lower()}", topic, QType.SINGLE, s.id,
                                _stem(template, s), options, correct, explanation))
    if problems:
        raise ContentError(problems)
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
