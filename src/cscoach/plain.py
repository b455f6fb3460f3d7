"""What a string may hold to be shown as plain text: which characters are unsafe, and how to
show them visibly instead. Shared by every wing (the content loader refuses them, the screens
and messages show them as escapes)."""

from __future__ import annotations

import re

# C0 controls but line break and tab, DEL, C1 controls, and the bidi controls that can make a
# line read backwards (U+202A-U+202E, U+2066-U+2069) or hide text (U+200E/U+200F marks).
UNSAFE_RANGES = ((0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0x200E, 0x200F), (0x202A, 0x202E),
                 (0x2066, 0x2069))
_CLASS = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in UNSAFE_RANGES)
UNSAFE = re.compile(f"[{_CLASS}]")
# The same rule for a JSON Schema (ECMA-262 regex): text with none of these characters.
SAFE_TEXT_PATTERN = f"^[^{_CLASS}]*$"


def visible(text: str) -> str:
    """`text` with every unsafe character written as its escape (`\\x1b`, `\\u202e`)."""
    if not UNSAFE.search(text):
        return text
    return UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def first_unsafe(text: str) -> int | None:
    """Where the first unsafe character is, or None."""
    found = UNSAFE.search(text)
    return found.start() if found else None


MAX_NAME = 64  # a trainee's or a team's name: it is shown in tables, podiums and reports


def name_problem(name: str, limit: int = MAX_NAME) -> str | None:
    """Why a trainee's or team's name cannot be used, or None: names reach other people's
    screens and files, so they hold no control or bidi characters, nothing that is not UTF-8
    (a name typed in another encoding), and fit a table."""
    if not name.strip():
        return "is empty"
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return "has bytes that are not UTF-8; set your terminal to UTF-8"
    at = first_unsafe(name)
    if at is not None:
        return f"holds the control character U+{ord(name[at]):04X}; use letters, digits and spaces"
    if len(name) > limit:
        return f"is {len(name)} characters long; at most {limit}"
    return None


def visible_all(value: object) -> object:
    """`value` (a record read from someone's file: dicts, lists, strings) with every string
    made visible, so whatever prints or writes it next cannot be made to obey an escape."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible(k) if isinstance(k, str) else k: visible_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [visible_all(v) for v in value]
    return value
