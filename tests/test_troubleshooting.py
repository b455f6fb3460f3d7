"""docs/troubleshooting.md lists every message a user can meet: each error or warning text
in the code (found by reading the source, not by a list kept by hand) must appear there,
at least its longest fixed part."""

from __future__ import annotations

import ast
from pathlib import Path

from cscoach.i18n import tr

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "troubleshooting.md").read_text(encoding="utf-8")

# Calls whose text reaches the user as an error or a warning.
RAISERS = {"UsageError", "NotFoundError", "NoTerminalError", "AnswerError", "HistoryError",
           "CscoachError", "NothingFound", "_fail", "_warn", "Problem", "error", "warn", "at",
           "ReadError"}
HOLE = "\x00"  # where a value is filled in


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else HOLE for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        return (left if left is not None else HOLE) + (right if right is not None else HOLE)
    return None


def messages() -> list[tuple[str, int, str]]:
    """(file, line, the longest fixed part) of every message literal raised or warned."""
    found = []
    for path in sorted((ROOT / "src" / "cscoach").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in RAISERS:
                continue
            for arg in node.args:
                text = _text(arg)
                if text is None or " " not in text:
                    continue
                part = max(text.split(HOLE), key=len).strip()
                if len(part) >= 8:
                    found.append((path.name, node.lineno, part))
                    break
    return found


def test_the_scan_finds_the_messages() -> None:
    found = messages()
    assert len(found) > 120  # every raiser above is seen (a renamed one would drop out)
    assert any("not valid UTF-8" in part for _, _, part in found)


def test_every_message_is_in_the_troubleshooting_page() -> None:
    missing = [f"{name}:{line}: {part}" for name, line, part in messages() if part not in DOC]
    assert not missing, "\n".join(missing)


def test_the_interface_messages_are_there_too() -> None:
    for key in ("error.no_terminal", "error.no_terminal_free", "free.empty", "free.too_long",
                "free.control", "free.not_utf8", "interrupted"):
        assert tr("en", key) in DOC, key
    assert tr("ko", "interrupted") in DOC
    assert tr("en", "report.partial", reason="REASON") in DOC
    assert tr("ko", "report.partial", reason="REASON") in DOC
    assert tr("en", "stopped", signal="SIGTERM") in DOC
    for key in ("graph.no_cjk_font", "graph.no_fc_list"):  # warned through tr, in both
        assert tr("en", key, out="FILE") in DOC, key
        assert tr("ko", key, out="FILE").split(". ")[0] in DOC, key
