"""The quiz bank for Moodle with hostile texts: an ordering item holding `->` (GIFT's matching
separator) and questions whose line Moodle's Aiken reader would take for an option or the
answer. Each file is read back the way Moodle reads it."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest

from conftest import ROOT
from cscoach.content.model import QType, Question
from cscoach.i18n import Text
from cscoach.quiz.export import GIFT_ARROW, to_aiken, to_gift

WHY = Text("설명", "Because.")


def _q(qid: str, qtype: QType, prompt: str, options: list[str], correct: int | bool | None
       ) -> Question:
    return Question(qid, "facts", qtype, "S002-STAT", Text(prompt, prompt),
                    tuple(Text(o, o) for o in options), correct, WHY)


ORDER = _q("arrows", QType.ORDER, "Put the moves in order",
           ["Listen -> then apologise", "Ask => then -> resolve", "Check -->"], None)


def moodle_match_pairs(block: str) -> list[tuple[str, str]]:
    """A GIFT matching answer block split as Moodle's qformat_gift does: after its escapes are
    set aside, each `=` answer at the *first* `->` (strpos), both sides trimmed."""
    text = block.replace("\\\\", "\x00")
    for c in ":#={}~":
        text = text.replace("\\" + c, f"\x01{ord(c)}\x01")
    answers = [a.strip() for a in text.split("=")][1:]
    pairs = []
    for answer in answers:
        assert "->" in answer, answer
        at = answer.index("->")
        pairs.append((_unplace(answer[:at]).strip(), _unplace(answer[at + 2:]).strip()))
    return pairs


def _unplace(text: str) -> str:
    return re.sub(r"\x01(\d+)\x01", lambda m: chr(int(m.group(1))), text).replace("\x00", "\\")


def test_gift_matching_items_with_arrows_read_back_as_moodle_and_pygiftparser_read_them(
        ) -> None:
    parser = pytest.importorskip("pygiftparser.parser")
    text = to_gift([ORDER], "en")
    want = [(item.en.replace("->", GIFT_ARROW), str(i)) for i, item in enumerate(ORDER.options, 1)]
    block = text[text.index("{") + 1:text.index("####")]
    assert moodle_match_pairs(block) == want  # the first `->` of each line is ours
    [parsed] = parser.parseFile(StringIO(text))
    assert parsed.valid and parsed.title == "arrows"
    got = [(re.sub(r"\\(.)", r"\1", a.question).strip(), a.answer.strip())
           for a in parsed.answers.answers]
    assert got == want


def test_the_format_page_says_how_an_item_arrow_is_written() -> None:
    text = (ROOT / "docs" / "quiz-format.md").read_text(encoding="utf-8")
    assert f"`{GIFT_ARROW}`" in text and "`\\->`" in text


def moodle_aiken(text: str) -> tuple[list[tuple[str, list[str], int]], list[str]]:
    """Moodle's Aiken reader (question/format/aiken/format.php, readquestions) line for line:
    lines split at LF and CR and trimmed, shorter than 2 bytes skipped; `^[A-Z][).][ \\t]?` is an
    option, `^ANSWER:` the answer, anything else starts a question. Returns the questions
    (text, options, right index) and the errors Moodle would report."""
    questions: list[tuple[str, list[str], int]] = []
    errors: list[str] = []
    current: tuple[str, list[str]] | None = None
    for n, raw in enumerate(re.split(r"\n|\r", text), 1):
        line = raw.strip(" \t\n\r\0\x0b")
        if len(line.encode()) < 2:
            continue
        if re.match(r"[A-Z][).][ \t]?", line):
            if current is None:
                errors.append(f"line {n}: an option outside a question")
                continue
            current[1].append(line[2:].strip(" \t\n\r\0\x0b"))
        elif line.startswith("ANSWER:"):
            if current is None:
                errors.append(f"line {n}: an answer outside a question")
                continue
            right = ord(line.split(":", 1)[1].strip()[:1] or "?") - ord("A")
            if len(current[1]) < 2:
                errors.append(f"line {n}: fewer than 2 options")
            elif not 0 <= right < len(current[1]):
                errors.append(f"line {n}: the answer names no option")
            else:
                questions.append((current[0], current[1], right))
            current = None
        else:
            if current is not None:
                errors.append(f"line {n}: a question left incomplete")
            current = (line, [])
    return questions, errors


HOSTILE = [
    _q("q-dot", QType.SINGLE, "Q. What do you say first?", ["Hello", "Next"], 0),
    _q("a-paren", QType.SINGLE, "A) or B) - which is kinder?", ["A", "B"], 1),
    _q("answer", QType.SINGLE, "ANSWER: what the customer wants", ["Yes", "No"], 0),
    _q("tf-dot", QType.TRUEFALSE, "B.C. customers complain less.", [], False),
    _q("short", QType.SINGLE, "?", ["Yes", "No"], 0),
    _q("many", QType.SINGLE, "Which letter?", [f"option {i}" for i in range(27)], 26),
    _q("fine", QType.SINGLE, "Is A. the first letter? ANSWER: maybe",
       ["ANSWER: A", "B) no", "C. yes"], 2),
    _q("eleven", QType.SINGLE, "Pick the eleventh", [f"o{i}" for i in range(11)], 10),
]


def test_aiken_leaves_out_what_moodle_would_misread_and_the_rest_reads_back() -> None:
    text, ordering, refused = to_aiken(HOSTILE + [ORDER], "en")
    assert ordering == 1
    assert [qid for qid, _ in refused] == ["q-dot", "a-paren", "answer", "tf-dot", "short",
                                           "many"]
    reasons = dict(refused)
    assert "starts 'Q.', which Aiken reads as an option" in reasons["q-dot"]
    assert "starts 'ANSWER:'" in reasons["answer"]
    assert "27 options" in reasons["many"]
    questions, errors = moodle_aiken(text)
    assert errors == []
    kept = [q for q in HOSTILE if q.id not in reasons]
    assert questions == [(q.prompt.en, [o.en for o in q.options], q.correct) for q in kept]


def test_aiken_export_warns_about_each_question_left_out(cli, content: Path) -> None:
    (content / "quiz" / "hostile.yaml").write_text("""\
format_version: 1
kind: quiz
title: {ko: 함정, en: Traps}
questions:
  - id: q-dot
    topic: facts
    type: single
    source: S002-STAT
    prompt: {ko: "Q. 먼저 뭐라고 말할까요?", en: "Q. What do you say first?"}
    options:
      - text: {ko: 안녕하세요, en: Hello}
        correct: true
      - text: {ko: 다음, en: Next}
    explanation: {ko: 인사부터, en: Greet first.}
""", encoding="utf-8")
    en = cli("quiz", "export", "--format", "aiken", "--lang", "en")
    assert en.code == 0, en.err
    assert ("cscoach: warning: question 'q-dot' left out of the Aiken file: its question "
            "starts 'Q.', which Aiken reads as an option (Aiken has no escapes; GIFT keeps it)"
            in en.err)
    assert "Q. What do you say first?" not in en.out
    assert moodle_aiken(en.out)[1] == []
    ko = cli("quiz", "export", "--format", "aiken", "--lang", "ko")
    assert "question 'q-dot' left out" in ko.err
    gift = cli("quiz", "export", "--format", "gift", "--lang", "en")
    assert "Q. What do you say first?" in gift.out
