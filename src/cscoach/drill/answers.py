"""Scripted answers: `--answers` read (`2,1,3`, `@answers.txt`, `@-` for stdin) and played.

A file holds the same answers on one or more lines; `#` starts a comment. It is read like a
content file: at most `MAX_BYTES`, UTF-8, no NUL bytes, not a folder or a device; every
problem is located (`file:line:col`). For a quiz each line is one `--answers` value
(`2,t,1`, or `TEAM=2,t,1` per team). `Scripted` is the front that plays a drill's answers."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from cscoach.content.loader import decode, read_bytes
from cscoach.content.model import Scenario
from cscoach.drill.engine import (
    Answer,
    AnswerError,
    Session,
    Transcript,
    Turn,
    left_over,
    parse_answer,
    parse_answers,
    ran_out,
)
from cscoach.drill.runner import Reply

MAX_BYTES = 64 * 1024  # thousands of answers; anything bigger is the wrong file
_TOKEN = re.compile(r"[^,\s]+")


def is_file(value: str) -> bool:
    return value.startswith("@")


def file_lines(value: str) -> tuple[str, list[tuple[int, str]]]:
    """(the name shown, [(line number, text without its comment)]) of an `@FILE` value, only
    the lines with something on them."""
    name = value[1:]
    if not name:
        raise AnswerError("--answers @: name the file after the @ (e.g. @answers.txt, or @- "
                          "for standard input)")
    if name == "-":
        shown = "<stdin>"
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise AnswerError(f"{shown}: more than {MAX_BYTES:,} bytes of answers; is this "
                              "the right input?")
    else:
        shown = name
        data = read_bytes(Path(name), shown, MAX_BYTES, what="an answers file")
    text = decode(data, shown)
    lines = [(n, line.split("#", 1)[0]) for n, line in enumerate(text.splitlines(), 1)]
    kept = [(n, line) for n, line in lines if line.strip()]
    if not kept:
        raise AnswerError(f"{shown}: no answers in the file; write them like 2,1,3")
    return shown, kept


def drill_answers(value: str) -> list[Answer]:
    """`play --answers`: 1-based choices, inline or from a file (commas, spaces or lines)."""
    if not is_file(value):
        return parse_answers(value)
    shown, lines = file_lines(value)
    out: list[Answer] = []
    for number, line in lines:
        for match in _TOKEN.finditer(line):
            token = match.group()
            answer = parse_answer(token)
            if answer is None:
                raise AnswerError(f"{shown}:{number}:{match.start() + 1}: '{token}' is not a "
                                  "whole number from 1 up (or one per part, like 1.2.1)")
            out.append(answer)
    if not out:
        raise AnswerError(f"{shown}: no answers in the file; write them like 2,1,3")
    return out


def quiz_answers(values: list[str]) -> list[tuple[str, str]]:
    """`quiz --answers` values, each with where it came from (for messages): an inline value
    as given, a file's lines as `file:line`."""
    out: list[tuple[str, str]] = []
    for value in values:
        if not is_file(value):
            out.append((value, ""))
            continue
        shown, lines = file_lines(value)
        out.extend((line.strip(), f"{shown}:{number}") for number, line in lines)
    return out


class Scripted:
    """A front over `--answers`: each reply is the next 1-based answer, in authored order. It
    says what is wrong where `cscoach.drill.engine.play` does: an answer out of range (the
    session refuses it), none left at a node, some left over at the ending."""

    def __init__(self, answers: Sequence[Answer]) -> None:
        self.answers = list(answers)
        self.used = 0

    def begin(self, scenario: Scenario) -> None:
        self.used = 0

    def reply(self, session: Session) -> Reply:
        assert session.node is not None
        if self.used == len(self.answers):
            raise ran_out(session.node, len(session.turns))
        self.used += 1
        return Reply(session.index_of(self.answers[self.used - 1]))

    def heard(self, turn: Turn) -> None:
        pass

    def end(self, transcript: Transcript, result: object) -> None:
        if self.used < len(self.answers):
            raise left_over(len(self.answers) - self.used, self.used)

