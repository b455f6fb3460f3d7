"""The live classroom's wire format: versioned JSON messages, built and checked here only.

Every frame is one JSON object with `v` (the protocol version) and `type`. What a client may
send is small and checked strictly (`parse_client`): anything else is a `ProtocolError`, and the
server closes that one connection. docs/quiz-live.md describes every message.
"""

from __future__ import annotations

import json
from typing import Any

from cscoach.content.model import QType, Question, Text
from cscoach.quiz.play import Answer, Asked

VERSION = 1
MAX_FRAME = 4096  # bytes a client frame may hold: a join or an answer is far smaller
MAX_CODE = 12
MAX_ORDER = 20  # items in an ordering answer

Message = dict[str, Any]


class ProtocolError(Exception):
    """A frame that is not a message this side expects."""


def dump(kind: str, /, **fields: object) -> str:
    return json.dumps({"v": VERSION, "type": kind, **fields}, ensure_ascii=False,
                      separators=(",", ":"))


def load(raw: str | bytes) -> Message:
    """A frame as a message with a known version, or ProtocolError."""
    if not isinstance(raw, str):
        raise ProtocolError("a binary frame (messages are JSON text)")
    try:
        message = json.loads(raw)
    except ValueError:
        raise ProtocolError("a frame that is not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("a JSON value that is not a message object")
    if message.get("v") != VERSION:
        raise ProtocolError(f"protocol version {message.get('v')!r} (this side speaks "
                            f"{VERSION})")
    return message


def _keys(message: Message, allowed: set[str]) -> None:
    extra = set(message) - allowed - {"v", "type"}
    if extra:
        raise ProtocolError(f"unexpected field(s) {', '.join(sorted(extra))}")


def parse_client(raw: str | bytes, joined: bool) -> Message:
    """A client's frame: `join` first (and only first), then `answer` or `leave`."""
    message = load(raw)
    kind = message["type"]
    if not joined:
        if kind != "join":
            raise ProtocolError(f"a '{kind}' message before 'join'")
        _keys(message, {"code", "name", "team", "token"})
        for key in ("code", "name"):
            if not isinstance(message.get(key), str):
                raise ProtocolError(f"'join' without a text '{key}'")
        if len(message["code"]) > MAX_CODE:
            raise ProtocolError("a join code longer than any code")
        for key in ("team", "token"):
            if message.get(key) is not None and (not isinstance(message[key], str)
                                                 or len(message[key]) > 64):
                raise ProtocolError(f"a '{key}' that is not short text")
        return message
    if kind == "answer":
        _keys(message, {"question", "answer"})
        number, answer = message.get("question"), message.get("answer")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ProtocolError("an answer without a question number")
        if isinstance(answer, list):
            if len(answer) > MAX_ORDER or not all(
                    isinstance(i, int) and not isinstance(i, bool) for i in answer):
                raise ProtocolError("an ordering answer that is not a list of positions")
        elif not isinstance(answer, int):  # bool is an int: true/false
            raise ProtocolError("an answer that is not a position, true/false or an order")
        return message
    if kind == "leave":
        _keys(message, set())
        return message
    raise ProtocolError(f"a '{kind}' message (a player sends 'answer' or 'leave')")


def answer_of(asked: Asked, value: object) -> Answer | None:
    """The wire value of an answer as the game's Answer, or None when it does not fit the
    question (an option that is not there, an order that is not a permutation)."""
    q = asked.question
    if q.type is QType.TRUEFALSE:
        return value if isinstance(value, bool) else None
    n = len(q.options)
    if q.type is QType.SINGLE:
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n
        return value if ok else None  # type: ignore[return-value]
    if isinstance(value, list) and sorted(value) == list(range(n)):
        return tuple(value)
    return None


def answer_wire(answer: Answer) -> object:
    return list(answer) if isinstance(answer, tuple) else answer


def text(t: Text) -> dict[str, str]:
    return {"ko": t.ko, "en": t.en}


def text_of(value: object) -> Text:
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in ("ko", "en")):
        raise ProtocolError("a text without its Korean and English")
    return Text(value["ko"], value["en"])


def question(asked: Asked, count: int, timer: float | None) -> str:
    """The question as every player sees it: the options in their shown order, no answer."""
    q = asked.question
    return dump("question", number=asked.number, count=count, id=q.id, topic=q.topic,
                kind=q.type.value, source=q.source, prompt=text(q.prompt),
                options=[text(t) for t in asked.shown()] if q.type is not QType.TRUEFALSE
                else [], timer=timer)


def key(asked: Asked) -> object:
    """The right answer in shown positions: an option, true/false, or the shown items in order."""
    q = asked.question
    if q.type is QType.SINGLE:
        return asked.order.index(q.correct)
    if q.type is QType.TRUEFALSE:
        return q.correct
    return [asked.order.index(i) for i in range(len(q.options))]


def asked_of(message: Message, right: object = None) -> Asked:
    """A `question` message (and, once revealed, its key) as an Asked a player can show, check
    and record: its options are kept in their shown order."""
    try:
        kind = QType(message["kind"])
        number = message["number"]
        shown = tuple(text_of(t) for t in message["options"])
        prompt = text_of(message["prompt"])
        ident, topic, source = (str(message[k]) for k in ("id", "topic", "source"))
    except (KeyError, ValueError, TypeError):
        raise ProtocolError("a question message without its parts") from None
    if not isinstance(number, int):
        raise ProtocolError("a question without a number")
    blank = Text("", "")
    if kind is QType.SINGLE:
        correct = right if isinstance(right, int) and not isinstance(right, bool) else None
        return Asked(number, Question(ident, topic, kind, source, prompt, shown, correct, blank),
                     tuple(range(len(shown))))
    if kind is QType.TRUEFALSE:
        truth = right if isinstance(right, bool) else None
        return Asked(number, Question(ident, topic, kind, source, prompt, (), truth, blank), ())
    if isinstance(right, list) and sorted(right) == list(range(len(shown))):
        items = tuple(shown[i] for i in right)  # the question's items, in the right order
        order = [0] * len(shown)
        for place, at in enumerate(right):
            order[at] = place
        return Asked(number, Question(ident, topic, kind, source, prompt, items, None, blank),
                     tuple(order))
    return Asked(number, Question(ident, topic, kind, source, prompt, shown, None, blank),
                 tuple(range(len(shown))))
