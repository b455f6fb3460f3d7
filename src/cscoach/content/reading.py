"""Reading content files: bounded bytes, UTF-8, YAML 1.2 nodes with their marks, and a Reader
that collects every located problem of a file instead of stopping at the first.

Plain scalars are resolved by the YAML 1.2 core schema, as editors and yaml-language-server
read them (so `yes` is text, `070` is 70), not by PyYAML's YAML 1.1 rules."""

from __future__ import annotations

import difflib
import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from cscoach.content.model import LANGS, Lang, Text
from cscoach.errors import ContentError, CscoachError, Problem
from cscoach.plain import UNSAFE, first_unsafe

FORMAT_VERSION = 1
# the versions each kind is written in (a scenario may be format 2: facts, lessons, compose)
VERSIONS = {"scenario": (1, 2)}
KINDS = ("scenario", "phrasebook", "steps", "sources", "quiz")
MAX_FILE_BYTES = 2 * 1024 * 1024  # hand-written: the largest shipped file is 27 KB
MAX_PROBLEMS = 200  # per file; past that, the file is the wrong kind or badly broken
# YAML values a file may hold: 100 times the largest shipped file (angry-shopper, 927). Composing
# costs about 350 bytes and 4 microseconds a value, so this bounds the worst file allowed at
# about 45 MB and half a second, where 2 MiB of `{a, a, a, ...}` composed took 6 s and 480 MB.
MAX_NODES = 100_000

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_ID = re.compile(ID_PATTERN)
SOURCE_ID_PATTERN = r"^S[0-9]{3}-[A-Z0-9]+$"
SOURCE_ID = re.compile(SOURCE_ID_PATTERN)

_Y = "tag:yaml.org,2002:"
_STR, _INT, _BOOL, _NULL, _FLOAT = (_Y + t for t in ("str", "int", "bool", "null", "float"))
_MAP, _SEQ = _Y + "map", _Y + "seq"

try:  # libyaml's composer is several times faster and gives the same marks
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#103-core-schema): what a plain
# scalar is, tried in this order. Everything else is text.
_CORE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (_NULL, re.compile(r"^(?:~|null|Null|NULL|)$")),
    (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")),
    (_INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")),
    (_FLOAT, re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")),
)
MERGE = _Y + "merge"


_MAY_NOT_BE_TEXT = frozenset("~nNtTfF+-.0123456789")


def core_tag(value: str) -> str:
    """The tag the YAML 1.2 core schema gives a plain scalar."""
    if value and value[0] not in _MAY_NOT_BE_TEXT:
        return _STR  # most texts: no pattern can match (Hangul, most words)
    for tag, pattern in _CORE:
        if pattern.match(value):
            return tag
    return _STR


class _Loader(_BaseLoader):
    """The safe loader resolving plain scalars by the YAML 1.2 core schema, once per distinct
    text. Content files use no path resolvers. (`<<` is still marked as a merge key, so the
    Reader can say that merge keys are not supported.)"""

    _plain: dict[str, str] = {}

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            tag = self._plain.get(value)
            if tag is None:
                tag = MERGE if value == "<<" else core_tag(value)
                if len(self._plain) < 50_000:
                    self._plain[value] = tag
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP


def _may_start_node_with(text: str, indicator: str) -> bool:
    """False when no node can start with `indicator` (`!` a tag such as `!!python/object`,
    `*` an alias) anywhere in the text: a node starts after a space, a line break or a flow
    indicator. (Cheaper than walking every node of a file that, like nearly all, has none.)"""
    at = text.find(indicator)
    while at != -1:
        if at == 0 or text[at - 1] in " \t\r\n[{,:?-":
            return True
        at = text.find(indicator, at + 1)
    return False


def _refuse_aliases(text: str, shown: str) -> None:
    """Content is written out in full: the first anchor or alias is an error, located where it
    is written (an anchor with no alias too: it promises sharing that never happens). This also
    refuses a "billion laughs" file at once: nothing is ever expanded."""
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
            mark = token.start_mark
            named = f"&{token.value} / *name" if isinstance(token, yaml.AnchorToken) \
                else f"&name / *{token.value}"
            raise ContentError([Problem(shown, mark.line + 1, mark.column + 1,
                                        f"anchors and aliases ({named}) are not supported; "
                                        "write the content out")])


T = TypeVar("T")


# --------------------------------------------------------------------------- reading


def read_bytes(path: Path, shown: str, limit: int = MAX_FILE_BYTES,
               what: str = "a YAML file") -> bytes:
    """At most `limit` bytes of a regular file, or a ContentError saying why not. Never reads
    past the limit (a 50 MB file or one still growing costs no memory) and never opens what
    could block or never end (a pipe, a device such as /dev/zero)."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _fail(shown, f"is a directory, not {what}")
        if not stat.S_ISREG(info.st_mode):
            raise _fail(shown, "is not a regular file (a pipe, device or socket)")
        if info.st_size > limit:
            raise _fail(shown, f"file is too large ({info.st_size:,} bytes; "
                               f"the limit is {limit:,})")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:  # it grew after stat()
            raise _fail(shown, f"file is too large (the limit is {limit:,} bytes)")
    except FileNotFoundError:
        raise _fail(shown, "no such file (was it moved or deleted?)") from None
    except PermissionError:
        raise _fail(shown, "permission denied; make the file readable "
                           "(chmod a+r) or run as its owner") from None
    except IsADirectoryError:  # replaced by a folder after stat()
        raise _fail(shown, f"is a directory, not {what}") from None
    except OSError as exc:
        raise _fail(shown, f"cannot read: {exc.strerror or exc}") from None
    return data


def read_limited(path: Path, limit: int, what: str,
                 error: type[CscoachError] = CscoachError) -> bytes:
    """`read_bytes` for a file that is not content (an export, config.toml, a seeds list): the
    same checks, never past `limit`, never a pipe or device; a refusal is one `PATH: reason`
    line of the caller's error type."""
    try:
        return read_bytes(path, str(path), limit, what)
    except ContentError as exc:
        raise error(f"{path}: {exc.problems[0].message}") from None


def read_text(path: Path, display: str | None = None) -> str:
    """The file's text, or a ContentError saying why it cannot be read."""
    shown = display or str(path)
    return decode(read_bytes(path, shown), shown)


def decode(data: bytes, shown: str) -> str:
    """UTF-8 text (a BOM is allowed); invalid bytes are reported where they are."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ContentError(
            [Problem(shown, line, col, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                     "save the file as UTF-8")]
        ) from None
    if "\x00" in text:  # YAML would refuse it too, but less clearly
        head = text[: text.index("\x00")]
        raise ContentError([Problem(shown, head.count("\n") + 1, len(head) - head.rfind("\n"),
                                    "contains a NUL byte; this is not a text file")])
    return text


def compose(text: str, shown: str) -> yaml.Node | None:
    """The YAML node tree (no Python objects are built, so no tag can run code)."""
    try:
        if _nodes_at_most(text) > MAX_NODES:
            _refuse_too_many_nodes(text, shown)
        root = yaml.compose(text, Loader=_Loader)
        if root is not None and (_may_start_node_with(text, "*") or
                                 _may_start_node_with(text, "&")):
            _refuse_aliases(text, shown)
        if root is not None:
            _strict(text, root, shown)
        return root
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if mark is None:
            raise _fail(shown, f"invalid YAML: {message}") from None
        message = _explain_yaml_error(message, text, mark.line)
        opened = exc.context_mark
        if opened is not None and exc.problem_mark is not None and opened.line < mark.line:
            # an unclosed quote or bracket is found lines later: say where it opened
            message += f" (it began at line {opened.line + 1}, column {opened.column + 1})"
        raise ContentError([Problem(shown, mark.line + 1, mark.column + 1,
                                    f"invalid YAML: {message}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        at = exc.position if isinstance(exc.position, int) else 0
        head = text[:at]
        code = exc.character if isinstance(exc.character, int) else ord(text[at:at + 1] or " ")
        raise ContentError([Problem(shown, head.count("\n") + 1, at - (head.rfind("\n") + 1) + 1,
                                    f"a control character (U+{code:04X}) YAML does not allow; "
                                    "delete it (content is plain text)")]) from None
    except yaml.YAMLError as exc:  # anything else the parser may raise, on one line
        raise _fail(shown, "invalid YAML: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise _fail(shown, "invalid YAML: nesting is too deep") from None


# Where libyaml is more lenient than the YAML spec (12 of the yaml-test-suite's 94 error cases
# parse): a comment glued to what comes before it, a continuation line not indented past its
# key, a plain '-' inside [ ], blank lines more indented than the comment after a block text.
_GLUED_COMMENT = re.compile(r"""["'\]},]#|[>|][0-9+-]*#|^%[^\n#]*\S#""", re.MULTILINE)
_BLANK = re.compile(r"[ \t]*$")
# What the walk below looks for can only be where one of these is (each one pass in C): a line
# that is not blank, a comment, a list item or a `key:` (so it goes on with something), a plain
# '-' between [ , ] or { , }, and a block text's header followed by a line of spaces.
_CONTINUED = re.compile(r"\n[ \t]*+[^\s#\-:][^:\n]*+(?=\n|\Z)")  # a line: no key, no item
_FLOW_DASH = re.compile(r"[\[,{][ \t]*-[ \t]*[\],}]")  # a plain '-' between [ , ] or { , }
# a block text's header (| or >), then a line of spaces
_DEEP_BLANK = re.compile(r"[>|][0-9+-]*[ \t]*(?:#[^\n]*)?\n(?:[ \t]*\n)*[ \t]+\n")


def _needs_a_look(text: str) -> bool:
    """Whether the walk below may find something: three passes in C (0.18 ms for 22 KB, where
    composing it takes 1.4 ms; one alternation of them all took 0.23 ms)."""
    first = text.split("\n", 1)[0]
    if first[:1] not in ("", " ", "\t", "-", "#", "%") and ":" not in first:
        return True  # the first line, which _CONTINUED (anchored at a line break) cannot see
    return bool(_CONTINUED.search(text) or _FLOW_DASH.search(text) or _DEEP_BLANK.search(text))


_BEFORE_A_GLUED_COMMENT = frozenset("\"']},>|+-0123456789")


def _may_have_glued_comment(text: str) -> bool:
    """A cheap look for what `_GLUED_COMMENT` finds: a '#' right after a quote, a bracket, a
    comma or a block header, or a directive (most files have a few comments, all after a
    space)."""
    if text.startswith("%") or "\n%" in text:
        return True
    at = text.find("#")
    while at != -1:
        if at and text[at - 1] in _BEFORE_A_GLUED_COMMENT:
            return True
        at = text.find("#", at + 1)
    return False


def _strict(text: str, root: yaml.Node, shown: str) -> None:
    """Refuse what libyaml lets through but YAML does not allow (and an editor flags)."""
    if _may_have_glued_comment(text) and _GLUED_COMMENT.search(text):
        _refuse_glued_comments(text, shown)
    if not _needs_a_look(text):
        return  # nearly every content file: one key or item a line
    lines = text.split("\n")
    problem = _misindented(root, lines)
    if problem is not None:
        line, col, message = problem
        raise ContentError([Problem(shown, line, col, message)])


def _refuse_glued_comments(text: str, shown: str) -> None:
    """A '#' starts a comment only after whitespace; right after a token it is an error."""
    for token in yaml.scan(text, Loader=_Loader):
        end = token.end_mark
        if isinstance(token, yaml.ScalarToken) and token.style in (">", "|"):
            end = token.start_mark  # the header ('>', '|' and indicators) is what comes first
            at = end.index + 1
            while at < len(text) and text[at] in "+-0123456789":
                at += 1
        elif isinstance(token, (yaml.ScalarToken, yaml.FlowEntryToken, yaml.DirectiveToken,
                                yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            at = end.index
            if isinstance(token, yaml.ScalarToken) and token.plain:
                continue  # 'C#' is text: a plain scalar may hold '#'
        else:
            continue
        if at < len(text) and text[at] == "#":
            head = text[:at]
            raise ContentError([Problem(shown, head.count("\n") + 1,
                                        at - (head.rfind("\n") + 1) + 1,
                                        "invalid YAML: a comment needs a space before '#'")])


def _misindented(root: yaml.Node, lines: list[str]) -> tuple[int, int, str] | None:
    """The first place a quoted text or a [ ]/{ } list runs onto a line not indented past the
    block it is in, or a plain '-' stands inside [ ] / { } (walked without recursion; scalars,
    nearly every node, are looked at inline)."""
    found = _looked_at(root, -1, False, lines)
    if found is not None or isinstance(root, yaml.ScalarNode):
        return found
    stack: list[tuple[yaml.Node, int, bool]] = [(root, -1, False)]  # node, block column, in flow
    while stack:
        node, column, in_flow = stack.pop()
        flow = in_flow or bool(getattr(node, "flow_style", False))
        inner = column if flow else node.start_mark.column
        children = [v for pair in node.value for v in pair] if isinstance(
            node, yaml.MappingNode) else node.value
        for child in children:
            if isinstance(child, yaml.ScalarNode):
                if not child.style:  # plain: only a lone '-' in [ ] can be wrong
                    if flow and child.value == "-":
                        return (child.start_mark.line + 1, child.start_mark.column + 1,
                                "invalid YAML: a plain '-' cannot be an item inside [ ] or "
                                "{ }; put it in quotes")
                    continue
            found = _looked_at(child, inner, flow, lines)
            if found is not None:
                return found
            if not isinstance(child, yaml.ScalarNode):
                stack.append((child, inner, flow))
    return None


def _looked_at(node: yaml.Node, column: int, in_flow: bool,
               lines: list[str]) -> tuple[int, int, str] | None:
    """A quoted, block or flow node checked on its own lines (see `_misindented`)."""
    start, end = node.start_mark, node.end_mark
    if end.line == start.line:
        return None
    if isinstance(node, yaml.ScalarNode):
        if node.style in (">", "|"):
            return _blank_lines_too_deep(node, lines)
        quoted_or_flow = node.style in ('"', "'")
    else:
        quoted_or_flow = bool(getattr(node, "flow_style", False))
    if not quoted_or_flow or in_flow:
        return None
    for n in range(start.line + 1, min(end.line, len(lines) - 1) + 1):
        line = lines[n]
        if _BLANK.fullmatch(line):
            continue
        if len(line) - len(line.lstrip(" ")) <= column:
            return (n + 1, 1, f"invalid YAML: this line goes on with what began at line "
                    f"{start.line + 1} but is not indented past its key; indent it with spaces")
    return None


def _blank_lines_too_deep(node: yaml.Node, lines: list[str]) -> tuple[int, int, str] | None:
    """A block text's leading blank lines may not hold more spaces than the line after them
    when that line is a comment ending the text (yaml-test-suite S98Z)."""
    first = node.start_mark.line + 1
    n = first
    deepest = 0
    while n < len(lines) and _BLANK.fullmatch(lines[n]):
        deepest = max(deepest, len(lines[n]))
        n += 1
    if n < len(lines) and lines[n].lstrip(" ").startswith("#"):
        indent = len(lines[n]) - len(lines[n].lstrip(" "))
        if deepest > indent:
            return (first + 1, 1, "invalid YAML: a blank line at the start of a block text (| "
                    "or >) has more spaces than the line after it; remove the spaces")
    return None


def _nodes_at_most(text: str) -> int:
    """More than the YAML values the text can hold: each one after the first needs a line, a
    comma, a colon, a dash or an opening bracket before it. (Cheap: a few scans in C.)"""
    return 1 + sum(text.count(c) for c in "\n,:-[{?")


def _refuse_too_many_nodes(text: str, shown: str) -> None:
    """Count the values for real (the parser's events, none kept) and refuse past the limit,
    at the value that crossed it; the count stops there, so a hostile file costs no more."""
    values = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent,
                              yaml.MappingStartEvent, yaml.AliasEvent)):
            values += 1
            if values > MAX_NODES:
                mark = event.start_mark
                line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
                raise ContentError([Problem(
                    shown, line, col,
                    f"more than {MAX_NODES:,} YAML values; a content file needs far fewer (the "
                    "largest shipped one has under 1,000): is it generated, or the wrong file?")])


def _explain_yaml_error(message: str, text: str, line: int) -> str:
    lines = text.splitlines()
    if 0 <= line < len(lines) and "\t" in lines[line] and (
            "found character" in message or "tab character" in message):
        return "a tab character; indent with spaces"
    if "mapping values are not allowed" in message:
        return "a ': ' inside unquoted text; put the whole text in quotes"
    if 0 <= line < len(lines) and _QUOTED_START.match(lines[line]) and (
            "expected key" in message or "expected <block end>" in message):
        return ("a text that starts with a quote ends at the matching quote, but more "
                "follows it; put the whole text in the other kind of quotes or start it "
                "with another word")
    return message


# `key: 'quoted' and more` or `- "quoted" and more`: the quote closes early.
_QUOTED_START = re.compile(r"""^\s*(?:-\s+|[\w-]+:\s+)(['"]).*?\1\s*\S""")


def _fail(shown: str, message: str) -> ContentError:
    return ContentError([Problem(shown, 0, 0, message)])


# --------------------------------------------------------------------------- walking


def _kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping" if node.tag == _MAP else f"a mapping tagged {node.tag}"
    if isinstance(node, yaml.SequenceNode):
        return "a list" if node.tag == _SEQ else f"a list tagged {node.tag}"
    if node.tag == _BOOL and core_tag(node.value) != _BOOL:
        return f"'{node.value}' tagged as a yes/no value"
    return {
        _STR: "text", _INT: "a number", _FLOAT: "a number", _BOOL: "a yes/no value",
        _NULL: "nothing (null)",
    }.get(node.tag, f"a value tagged {node.tag}")


class Reader:
    """Walks a composed YAML tree, collecting every problem instead of stopping at the first."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []
        self._seen: set[int] = set()

    # -- reporting
    def error(self, node: yaml.Node | None, message: str, code: str = "") -> None:
        self._add(self._problem(node, message, "error", code))

    def warn(self, node: yaml.Node | None, message: str, code: str = "") -> None:
        self._add(self._problem(node, message, "warning", code))

    def _add(self, problem: Problem) -> None:
        if problem not in self.problems[-8:]:  # the same node read twice says it once
            self.problems.append(problem)
        if len(self.problems) >= MAX_PROBLEMS:
            raise ContentError([*self.problems, Problem(
                self.shown, 0, 0, f"stopped after {MAX_PROBLEMS} problems; fix these first "
                "(is this the right file?)")])

    def _problem(self, node: yaml.Node | None, message: str, severity: str,
                 code: str) -> Problem:
        if node is None:
            return Problem(self.shown, 0, 0, message, severity, code)
        mark = node.start_mark
        return Problem(self.shown, mark.line + 1, mark.column + 1, message, severity, code)

    def _collection(self, node: yaml.Node) -> bool:
        if id(node) in self._seen:
            self.error(node, "anchors and aliases (&name / *name) are not supported; "
                       "write the content out")
            return False
        self._seen.add(id(node))
        return True

    # -- shapes
    def mapping(self, node: yaml.Node, what: str, required: Iterable[str] = (),
                optional: Iterable[str] = (),
                allowed: frozenset[str] | None = None) -> dict[str, yaml.Node] | None:
        """The keys of a mapping, each once; `allowed` (all of required and optional, when the
        caller has it ready) saves building it again for every node."""
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            self.error(node, f"{what} must be a mapping (key: value lines), not {_kind_of(node)}")
            return None
        if not self._collection(node):
            return None
        required = tuple(required)
        if allowed is None:
            allowed = frozenset(required) | frozenset(optional)
        out: dict[str, yaml.Node] = {}
        first: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag == MERGE:
                    self.error(key_node, "merge keys (<<) are not supported")
                else:
                    self.error(key_node, f"a key in {what} must be text, not "
                               f"{_kind_of(key_node)}")
                continue
            key = key_node.value
            if key in first:
                self.error(key_node, f"duplicate key '{key}' in {what} "
                           f"(first at line {first[key].start_mark.line + 1})")
                continue
            first[key] = key_node
            if allowed and key not in allowed:
                if node.flow_style and value_node.tag == _NULL and not value_node.value:
                    self.error(key_node, f"'{key}' in {what} looks like the rest of a text cut "
                               "at a comma; inside {...} put text with commas in quotes")
                else:
                    self.error(key_node, f"unknown key '{key}' in {what}"
                               f"{did_you_mean(key, allowed)}")
                continue
            out[key] = value_node
        missing = [key for key in required if key not in first]
        if missing:
            keys = ", ".join(f"'{k}'" for k in missing)
            self.error(node, f"{what} is missing required key{'s' if len(missing) > 1 else ''} "
                       f"{keys}")
        return out

    def sequence(self, node: yaml.Node, what: str, min_len: int = 0) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            self.error(node, f"{what} must be a list, not {_kind_of(node)}")
            return None
        if not self._collection(node):
            return None
        if len(node.value) < min_len:
            self.error(node, f"{what} needs at least {min_len} item{'s' if min_len > 1 else ''}")
        return list(node.value)

    def string(self, node: yaml.Node, what: str, strip: bool = True) -> str | None:
        """Non-empty text; `strip=False` for a word that must be written exactly (an id).
        (A plain `<<` is a merge key only as a key; as a value it is the text "<<".)"""
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (_STR, MERGE):
            hint = "; put it in quotes" if isinstance(node, yaml.ScalarNode) and node.tag in (
                _BOOL, _INT, _FLOAT, _NULL) else ""
            self.error(node, f"{what} must be text, not {_kind_of(node)}{hint}")
            return None
        value: str = node.value
        if not value.strip():
            self.error(node, f"{what} is empty")
            return None
        unsafe = first_unsafe(value)
        if unsafe is not None:  # a YAML escape (\e, \x1b, \u202e) would reach the screen
            self.error(node, f"{what} contains the control character U+{ord(value[unsafe]):04X} "
                       f"(character {unsafe + 1} of the text); content is plain text, delete it")
            return None
        return value.strip() if strip else value

    def ident(self, node: yaml.Node, what: str) -> str | None:
        value = self.string(node, what, strip=False)
        if value is not None and not _ID.fullmatch(value):
            self.error(node, f"{what} '{value}' must be lowercase letters, digits, '-' or '_'")
            return None
        return value

    def integer(self, node: yaml.Node, what: str, lo: int, hi: int) -> int | None:
        """A whole number: YAML 1.2 decimal (leading zeros are decimal), 0o octal or 0x hex,
        or a number with no fraction such as 70.0 (JSON Schema's `integer` takes it too)."""
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (_INT, _FLOAT):
            self.error(node, f"{what} must be a whole number from {lo} to {hi}, "
                       f"not {_kind_of(node)}")
            return None
        value = whole_number(node.value)
        if value is None:
            self.error(node, f"{what} must be a whole number from {lo} to {hi}")
            return None
        if not lo <= value <= hi:
            self.error(node, f"{what} must be from {lo} to {hi}, not {value}")
            return None
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL or \
                core_tag(node.value) != _BOOL:  # `!!bool yes` is not true in YAML 1.2
            self.error(node, f"{what} must be true or false, not {_kind_of(node)}")
            return None
        return str(node.value).lower() == "true"

    def choice_of(self, node: yaml.Node, what: str, options: Iterable[str]) -> str | None:
        options = tuple(options)
        value = self.string(node, what, strip=False)
        if value is not None and value not in options:
            self.error(node, f"{what} '{value}' is not one of: {', '.join(options)}"
                       f"{did_you_mean(value, options)}")
            return None
        return value

    def text(self, node: yaml.Node, what: str) -> Text | None:
        """A `{ko: ..., en: ...}` mapping."""
        fast = _plain_text(node)  # nearly every text of a good file: no problem to look for
        if fast is not None and id(node) not in self._seen:
            self._seen.add(id(node))
            return fast
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR:
            self.error(node, f"{what} must give both languages, like {{ko: ..., en: ...}}, "
                       "not one text")
            return None
        fields = self.mapping(node, what, optional=LANGS)
        if fields is None:
            return None
        for lang, name in (("ko", "Korean"), ("en", "English")):
            if lang not in fields:
                self.error(node, f"{what} has no {name} text; add '{lang}: ...'")
        ko = self.string(fields["ko"], f"{what} (ko)") if "ko" in fields else None
        en = self.string(fields["en"], f"{what} (en)") if "en" in fields else None
        if ko is None or en is None:
            return None
        return Text(ko=ko, en=en)

    def text_lists(self, node: yaml.Node, what: str,
                   min_len: int = 1) -> dict[Lang, tuple[str, ...]] | None:
        """A `{ko: [...], en: [...]}` mapping of phrasings."""
        fields = self.mapping(node, what, required=LANGS)
        if fields is None:
            return None
        out: dict[Lang, tuple[str, ...]] = {}
        for lang in LANGS:
            if lang in fields:
                items = self.list_of(fields[lang], f"{what} ({lang})", self.string, min_len)
                if items is not None:
                    out[lang] = tuple(items)
        return out if len(out) == len(LANGS) else None

    def list_of(self, node: yaml.Node, what: str, item: Callable[[yaml.Node, str], T | None],
                min_len: int = 0) -> list[T] | None:
        items = self.sequence(node, what, min_len)
        if items is None:
            return None
        out = [item(n, f"{what} item {i}") for i, n in enumerate(items, 1)]
        return [x for x in out if x is not None]

    def check_tags(self, node: yaml.Node) -> None:
        """Refuse explicit tags such as `!!python/object`: loading must never build objects."""
        stack = [node]
        visited: set[int] = set()
        while stack:
            n = stack.pop()
            if id(n) in visited:
                continue
            visited.add(id(n))
            if not n.tag.startswith(_Y) or n.tag.startswith(_Y + "python/"):
                self.error(n, f"the tag '{n.tag}' is not allowed in cscoach content")
                continue
            if isinstance(n, yaml.MappingNode):
                for k, v in n.value:
                    stack.extend((k, v))
            elif isinstance(n, yaml.SequenceNode):
                stack.extend(n.value)


def _plain_text(node: yaml.Node) -> Text | None:
    """`{ko: ..., en: ...}` when that is exactly what the node is (two text keys, ko and en,
    each with non-empty text), else None and the Reader looks closer."""
    if type(node) is not yaml.MappingNode or node.tag != _MAP or len(node.value) != 2:
        return None
    texts: dict[str, str] = {}
    for key, value in node.value:
        if type(key) is not yaml.ScalarNode or key.tag != _STR or \
                type(value) is not yaml.ScalarNode or value.tag != _STR:
            return None
        if UNSAFE.search(value.value):
            return None
        texts[key.value] = value.value.strip()
    ko, en = texts.get("ko"), texts.get("en")
    return Text(ko=ko, en=en) if ko and en else None


def whole_number(text: str) -> int | None:
    """The value of a YAML 1.2 int, or of a float with no fraction; None for anything else."""
    if core_tag(text) not in (_INT, _FLOAT):
        return None  # an explicit `!!int 0xZZ` or `!!float yes` is still not a number
    try:
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)
    except ValueError:
        pass
    try:
        number = float(text.replace("inf", "x").replace("Inf", "x").replace("INF", "x"))
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def valid_id(value: str) -> bool:
    """Lowercase letters, digits, '-' or '_', starting with a letter or digit."""
    return bool(_ID.fullmatch(value))


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest option, or nothing."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


# --------------------------------------------------------------------------- documents


class Document:
    """A content file read up to its header: the reader, the top-level keys and the kind."""

    def __init__(self, path: Path, display: str | None = None, data: bytes | None = None) -> None:
        """`data`, when given, is the file's bytes already read (by `validate`)."""
        self.path = path
        self.shown = display or str(path)
        self.reader = Reader(self.shown)
        if data is None:
            text = read_text(path, self.shown)
        elif len(data) > MAX_FILE_BYTES:
            raise _fail(self.shown, f"file is too large ({len(data):,} bytes; "
                                    f"the limit is {MAX_FILE_BYTES:,})")
        else:
            text = decode(data, self.shown)
        root = compose(text, self.shown)
        if root is None:
            raise _fail(self.shown, "the file is empty")
        self.root = root
        if _may_start_node_with(text, "!"):
            self.reader.check_tags(root)
        self.kind: str | None = None
        self.version = FORMAT_VERSION
        top = self.reader.mapping(root, "the file")
        self.reader._seen.discard(id(root))  # fields() reads the root again with its key list
        self.top: dict[str, yaml.Node] = top or {}
        if top is None:
            return
        if "kind" not in self.top:
            self.reader.error(root, f"missing 'kind' (one of: {', '.join(KINDS)})")
        else:
            self.kind = self.reader.choice_of(self.top["kind"], "kind", KINDS)
        readable = VERSIONS.get(self.kind or "", (FORMAT_VERSION,))
        said = " or ".join(map(str, readable))
        if "format_version" not in self.top:
            self.reader.error(root, f"missing 'format_version' (this cscoach reads version "
                              f"{said})")
        else:
            version = self.reader.integer(self.top["format_version"], "format_version", 1, 999)
            if version is not None and version not in readable:
                self.reader.error(self.top["format_version"],
                                  f"format_version {version} is not supported "
                                  f"(this cscoach reads version {said}"
                                  + (f" of a {self.kind} file)" if self.kind else ")"))
            elif version is not None:
                self.version = version

    def fields(self, required: Iterable[str], optional: Iterable[str]) -> dict[str, yaml.Node]:
        """Top-level keys checked against what this kind allows."""
        head = ("format_version", "kind")
        return self.reader.mapping(self.root, f"a {self.kind} file", tuple(head) + tuple(required),
                                   optional) or {}

    def finish(self) -> None:
        errors = [p for p in self.reader.problems if p.severity == "error"]
        if errors:
            raise ContentError(self.reader.problems)


def begin(path: Path, display: str | None, doc: Document | None, kind: str) -> Document:
    """The file read up to its header (or `doc`, already read), refusing another kind."""
    doc = doc or Document(path, display)
    if doc.kind not in (None, kind) and not doc.reader.problems:
        raise _bad_kind(doc, kind)
    return doc


def _bad_kind(doc: Document, expected: str) -> ContentError:
    where = doc.top.get("kind")
    return ContentError([doc.reader._problem(where, f"expected kind '{expected}', "
                                             f"found '{doc.kind}'", "error", "")])


# -- steps
