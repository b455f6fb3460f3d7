"""YAML content files -> model objects, with `file:line:col` on every problem found."""

from __future__ import annotations

import difflib
import re
import stat
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from cscoach.content.model import (
    LANGS,
    MOOD_MAX,
    MOOD_MIN,
    Channel,
    Choice,
    Ending,
    Lang,
    Node,
    Outcome,
    Persona,
    Phrasebook,
    PhraseEntry,
    Scenario,
    Source,
    Step,
    StepCatalog,
    Text,
)
from cscoach.errors import ContentError, Problem

FORMAT_VERSION = 1
KINDS = ("scenario", "phrasebook", "steps", "sources", "quiz")
MAX_FILE_BYTES = 2 * 1024 * 1024  # hand-written: the largest shipped file is 27 KB
MAX_PROBLEMS = 200  # per file; past that, the file is the wrong kind or badly broken

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_ID = re.compile(ID_PATTERN)
_SOURCE_ID = re.compile(r"^S\d{3}-[A-Z0-9]+$")

_Y = "tag:yaml.org,2002:"
_STR, _INT, _BOOL, _NULL, _FLOAT = (_Y + t for t in ("str", "int", "bool", "null", "float"))
_MAP, _SEQ = _Y + "map", _Y + "seq"

try:  # libyaml's composer is several times faster and gives the same marks
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    """The safe loader with a leaner resolver: content files use no path resolvers, and a plain
    scalar's tag depends only on its text, so it is looked up once per distinct text.
    (The resolver runs in Python for every scalar, even under libyaml; this halves its cost.)"""

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
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
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
    """Content is written out in full: the first alias is an error, located where it is used.
    This also refuses a "billion laughs" file at once: composing it is cheap (an alias is one
    shared node), and nothing ever expands it."""
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, yaml.AliasToken):
            mark = token.start_mark
            raise ContentError([Problem(shown, mark.line + 1, mark.column + 1,
                                        f"anchors and aliases (&name / *{token.value}) are not "
                                        "supported; write the content out")])


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
        root = yaml.compose(text, Loader=_Loader)
        if root is not None and _may_start_node_with(text, "*"):
            _refuse_aliases(text, shown)
        return root
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if mark is None:
            raise _fail(shown, f"invalid YAML: {message}") from None
        message = _explain_yaml_error(message, text, mark.line)
        raise ContentError([Problem(shown, mark.line + 1, mark.column + 1,
                                    f"invalid YAML: {message}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        at = exc.position if isinstance(exc.position, int) else 0
        head = text[:at]
        code = exc.character if isinstance(exc.character, int) else ord(text[at:at + 1] or " ")
        raise ContentError([Problem(shown, head.count("\n") + 1, at - (head.rfind("\n") + 1) + 1,
                                    f"a control character (U+{code:04X}) YAML does not allow; "
                                    "delete it or write the text in double quotes with an "
                                    "escape")]) from None
    except yaml.YAMLError as exc:  # anything else the parser may raise, on one line
        raise _fail(shown, "invalid YAML: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise _fail(shown, "invalid YAML: nesting is too deep") from None


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
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
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
                optional: Iterable[str] = ()) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            self.error(node, f"{what} must be a mapping (key: value lines), not {_kind_of(node)}")
            return None
        if not self._collection(node):
            return None
        required = tuple(required)
        allowed = set(required) | set(optional)
        out: dict[str, yaml.Node] = {}
        first: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MAP.replace(
                        "map", "merge"):
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

    def string(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
            hint = "; put it in quotes" if isinstance(node, yaml.ScalarNode) and node.tag in (
                _BOOL, _INT, _FLOAT, _NULL) else ""
            self.error(node, f"{what} must be text, not {_kind_of(node)}{hint}")
            return None
        value: str = node.value
        if not value.strip():
            self.error(node, f"{what} is empty")
            return None
        return value.strip()

    def ident(self, node: yaml.Node, what: str) -> str | None:
        value = self.string(node, what)
        if value is not None and not _ID.match(value):
            self.error(node, f"{what} '{value}' must be lowercase letters, digits, '-' or '_'")
            return None
        return value

    def integer(self, node: yaml.Node, what: str, lo: int, hi: int) -> int | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT:
            self.error(node, f"{what} must be a whole number from {lo} to {hi}, "
                       f"not {_kind_of(node)}")
            return None
        try:
            value = int(node.value.replace("_", ""), 0)
        except ValueError:
            self.error(node, f"{what} must be a whole number from {lo} to {hi}")
            return None
        if not lo <= value <= hi:
            self.error(node, f"{what} must be from {lo} to {hi}, not {value}")
            return None
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL:
            self.error(node, f"{what} must be true or false, not {_kind_of(node)}")
            return None
        return str(node.value).lower() in ("true", "yes", "on", "y")

    def choice_of(self, node: yaml.Node, what: str, options: Iterable[str]) -> str | None:
        options = tuple(options)
        value = self.string(node, what)
        if value is not None and value not in options:
            self.error(node, f"{what} '{value}' is not one of: {', '.join(options)}"
                       f"{did_you_mean(value, options)}")
            return None
        return value

    def text(self, node: yaml.Node, what: str) -> Text | None:
        """A `{ko: ..., en: ...}` mapping."""
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


def valid_id(value: str) -> bool:
    """Lowercase letters, digits, '-' or '_', starting with a letter or digit."""
    return bool(_ID.match(value))


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
        top = self.reader.mapping(root, "the file")
        self.reader._seen.discard(id(root))  # fields() reads the root again with its key list
        self.top: dict[str, yaml.Node] = top or {}
        if top is None:
            return
        if "format_version" not in self.top:
            self.reader.error(root, f"missing 'format_version' (this cscoach reads version "
                              f"{FORMAT_VERSION})")
        else:
            version = self.reader.integer(self.top["format_version"], "format_version", 1, 999)
            if version is not None and version != FORMAT_VERSION:
                self.reader.error(self.top["format_version"],
                                  f"format_version {version} is not supported "
                                  f"(this cscoach reads version {FORMAT_VERSION})")
        if "kind" not in self.top:
            self.reader.error(root, f"missing 'kind' (one of: {', '.join(KINDS)})")
        else:
            self.kind = self.reader.choice_of(self.top["kind"], "kind", KINDS)

    def fields(self, required: Iterable[str], optional: Iterable[str]) -> dict[str, yaml.Node]:
        """Top-level keys checked against what this kind allows."""
        head = ("format_version", "kind")
        return self.reader.mapping(self.root, f"a {self.kind} file", tuple(head) + tuple(required),
                                   optional) or {}

    def titled_list(self, key: str) -> list[yaml.Node]:
        """The items of a file that is one list under `key` with an optional `title`
        (a phrasebook, a quiz bank); an empty list when the key is missing or wrong."""
        top = self.fields([key], ["title"])
        if "title" in top:
            self.reader.text(top["title"], "title")
        return (self.reader.sequence(top[key], key, 1) if key in top else None) or []

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


def load_steps(path: Path, display: str | None = None, doc: Document | None = None) -> StepCatalog:
    doc = begin(path, display, doc, "steps")
    r = doc.reader
    top = doc.fields(["steps"], [])
    steps: list[Step] = []
    items = r.sequence(top["steps"], "steps", 7) if "steps" in top else None
    for i, n in enumerate(items or [], 1):
        what = f"step {i}"
        f = r.mapping(n, what, ["id", "name", "meaning", "source"], ["cues"])
        if f is None:
            continue
        sid = r.ident(f["id"], f"{what} id") if "id" in f else None
        name = r.text(f["name"], f"{what} name") if "name" in f else None
        meaning = r.text(f["meaning"], f"{what} meaning") if "meaning" in f else None
        source = _source_id(r, f["source"], f"{what} source") if "source" in f else None
        cues = r.text_lists(f["cues"], f"{what} cues") if "cues" in f else {}
        if sid and name and meaning and source and cues is not None:
            steps.append(Step(sid, i, name, meaning, source, cues))
    ids = [s.id for s in steps]
    for sid in {s for s in ids if ids.count(s) > 1}:
        r.error(top.get("steps"), f"step id '{sid}' is used twice")
    doc.finish()
    return StepCatalog(tuple(steps))


# -- sources


def load_sources(path: Path, display: str | None = None,
                 doc: Document | None = None) -> dict[str, Source]:
    doc = begin(path, display, doc, "sources")
    r = doc.reader
    top = doc.fields(["sources"], [])
    out: dict[str, Source] = {}
    for i, n in enumerate((r.sequence(top["sources"], "sources", 1) if "sources" in top
                           else None) or [], 1):
        what = f"source {i}"
        f = r.mapping(n, what, ["id", "document", "title"], ["advice"])
        if f is None:
            continue
        sid = _source_id(r, f["id"], f"{what} id") if "id" in f else None
        docname = r.string(f["document"], f"{what} document") if "document" in f else None
        title = r.text(f["title"], f"{what} title") if "title" in f else None
        advice = r.text(f["advice"], f"{what} advice") if "advice" in f else None
        if sid and sid in out:
            r.error(f["id"], f"source id '{sid}' is listed twice")
        elif sid and docname and title and ("advice" not in f or advice):
            out[sid] = Source(sid, docname, title, advice)
    doc.finish()
    return out


def _source_id(r: Reader, node: yaml.Node, what: str) -> str | None:
    value = r.string(node, what)
    if value is not None and not _SOURCE_ID.match(value):
        r.error(node, f"{what} '{value}' is not a source id like 'S001-SAY' or 'S003-4'")
        return None
    return value


def _known_source(r: Reader, node: yaml.Node, what: str,
                  sources: dict[str, Source] | None) -> str | None:
    sid = _source_id(r, node, what)
    if sid is not None and sources is not None and sid not in sources:
        r.error(node, f"{what} '{sid}' is not in the source list{did_you_mean(sid, sources)}")
        return None
    return sid


# -- phrasebook


def load_phrasebook(path: Path, display: str | None = None,
                    sources: dict[str, Source] | None = None,
                    doc: Document | None = None) -> Phrasebook:
    doc = begin(path, display, doc, "phrasebook")
    r = doc.reader
    entries: list[PhraseEntry] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(doc.titled_list("entries"), 1):
        what = f"entry {i}"
        f = r.mapping(n, what, ["id", "source", "dont_say", "why", "say_instead",
                                "say_instead_markers"], ["not_when"])
        if f is None:
            continue
        eid = r.ident(f["id"], f"{what} id") if "id" in f else None
        if eid:
            what = f"entry '{eid}'"
            if eid in seen:
                r.error(f["id"], f"phrasebook id '{eid}' is used twice (first at line {seen[eid]})")
            seen[eid] = f["id"].start_mark.line + 1
        source = _known_source(r, f["source"], f"{what} source", sources) if "source" in f \
            else None
        dont = r.text_lists(f["dont_say"], f"{what} dont_say") if "dont_say" in f else None
        why = r.text(f["why"], f"{what} why") if "why" in f else None
        instead = r.text(f["say_instead"], f"{what} say_instead") if "say_instead" in f else None
        markers = (r.text_lists(f["say_instead_markers"], f"{what} say_instead_markers")
                   if "say_instead_markers" in f else None)
        not_when = (r.text_lists(f["not_when"], f"{what} not_when", 0) if "not_when" in f
                    else {})
        if eid and source and dont and why and instead and markers and not_when is not None:
            entries.append(PhraseEntry(eid, source, dont, why, instead, markers, not_when))
    doc.finish()
    return Phrasebook(tuple(entries))


# -- scenario

_SCENARIO_REQUIRED = ("id", "title", "summary", "persona", "channel", "difficulty", "pass_mark",
                      "start", "nodes", "endings", "sources")
_SCENARIO_OPTIONAL = ("version", "start_mood")


def load_scenario(path: Path, steps: StepCatalog, display: str | None = None,
                  sources: dict[str, Source] | None = None,
                  doc: Document | None = None,
                  phrase_ids: Collection[str] | None = None) -> Scenario:
    """A scenario; `doc` is the file already read (by `validate`, which sniffs the kind first).

    `sources` and `phrase_ids`, when given, are what source and phrasebook ids may name."""
    doc = begin(path, display, doc, "scenario")
    r = doc.reader
    top = doc.fields(_SCENARIO_REQUIRED, _SCENARIO_OPTIONAL)

    def get(key: str, fn: Callable[..., Any], *args: Any) -> Any:
        return fn(top[key], key, *args) if key in top else None

    sid = get("id", r.ident)
    version = get("version", r.integer, 1, 1_000_000) if "version" in top else 1
    title = get("title", r.text)
    summary = get("summary", r.text)
    channel = get("channel", r.choice_of, [c.value for c in Channel])
    difficulty = get("difficulty", r.integer, 1, 5)
    pass_mark = get("pass_mark", r.integer, 0, 100)
    start = get("start", r.ident)
    start_mood = get("start_mood", r.integer, MOOD_MIN, MOOD_MAX) if "start_mood" in top else 0
    scenario_sources = get("sources", lambda n, w: r.list_of(
        n, w, lambda m, ww: _known_source(r, m, ww, sources), 1))

    persona = None
    if "persona" in top:
        pf = r.mapping(top["persona"], "persona", ["name", "type", "description", "sources"])
        if pf is not None:
            parts = [r.text(pf[k], f"persona {k}") if k in pf else None
                     for k in ("name", "type", "description")]
            psources = r.list_of(pf["sources"], "persona sources",
                                 lambda m, ww: _known_source(r, m, ww, sources), 1) \
                if "sources" in pf else None
            if all(parts) and psources:
                persona = Persona(parts[0], parts[1], parts[2], tuple(psources))  # type: ignore[arg-type]

    ids: dict[str, yaml.Node] = {}

    def claim(key_node: yaml.Node, node_id: str) -> None:
        if node_id in ids:
            r.error(key_node, f"id '{node_id}' is used twice (first at line "
                    f"{ids[node_id].start_mark.line + 1}); nodes and endings share one namespace")
        ids[node_id] = key_node

    endings: dict[str, Ending] = {}
    if "endings" in top:
        for key_node, value in _id_map(r, top["endings"], "endings"):
            eid = key_node.value
            claim(key_node, eid)
            what = f"ending '{eid}'"
            f = r.mapping(value, what, ["outcome", "title", "says", "summary"])
            if f is None:
                continue
            outcome = r.choice_of(f["outcome"], f"{what} outcome",
                                  [o.value for o in Outcome]) if "outcome" in f else None
            texts = [r.text(f[k], f"{what} {k}") if k in f else None
                     for k in ("title", "says", "summary")]
            if outcome and all(texts):
                endings[eid] = Ending(eid, Outcome(outcome), texts[0], texts[1], texts[2],  # type: ignore[arg-type]
                                      key_node.start_mark.line + 1)

    nodes: dict[str, Node] = {}
    targets: list[tuple[yaml.Node, str]] = []
    if "nodes" in top:
        for key_node, value in _id_map(r, top["nodes"], "nodes"):
            nid = key_node.value
            claim(key_node, nid)
            what = f"node '{nid}'"
            f = r.mapping(value, what, ["says", "choices"], ["narration"])
            if f is None:
                continue
            says = r.text(f["says"], f"{what} says") if "says" in f else None
            narration = r.text(f["narration"], f"{what} narration") if "narration" in f else None
            choices: list[Choice] = []
            items = r.sequence(f["choices"], f"{what} choices") if "choices" in f else None
            if items is not None and not items:
                r.error(f["choices"], f"{what} is a dead end: it has no choices and is not an "
                        "ending; add a choice, or move it under 'endings'")
            for i, cn in enumerate(items or [], 1):
                choice = _choice(r, cn, f"{what} choice {i}", steps, phrase_ids)
                if choice is not None:
                    choices.append(choice)
                    targets.append((_value_node(cn, "next"), choice.next))
            if says and items and len(choices) == len(items):
                nodes[nid] = Node(nid, says, tuple(choices), narration,
                                  key_node.start_mark.line + 1)

    # cross references: only meaningful when the parts they point at loaded
    if start and "nodes" in top and start not in ids:
        r.error(top["start"], f"start node '{start}' does not exist{did_you_mean(start, ids)}")
    elif start and start in endings:
        r.error(top["start"], f"start '{start}' is an ending; it must be a node")
    for node_ref, target in targets:
        if target not in ids:
            r.error(node_ref, f"next '{target}' names no node or ending"
                    f"{did_you_mean(target, ids)}")

    doc.finish()
    assert sid and title and summary and persona and channel and difficulty and start
    assert pass_mark is not None and scenario_sources
    return Scenario(sid, version, title, summary, persona, Channel(channel), difficulty,
                    pass_mark, start, start_mood, nodes, endings, tuple(scenario_sources),
                    doc.shown)


def _id_map(r: Reader, node: yaml.Node, what: str) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    fields = r.mapping(node, what)
    if fields is None:
        return []
    if not fields:
        r.error(node, f"{what} is empty")
    out = []
    for key_node, value in node.value:
        if key_node.value in fields and fields[key_node.value] is value:
            if not _ID.match(key_node.value):
                r.error(key_node, f"id '{key_node.value}' must be lowercase letters, digits, "
                        "'-' or '_'")
                continue
            out.append((key_node, value))
    return out


def _value_node(mapping: yaml.Node, key: str) -> yaml.Node:
    for k, v in mapping.value:
        if k.value == key:
            return v  # type: ignore[no-any-return]
    return mapping


def _choice(r: Reader, node: yaml.Node, what: str, steps: StepCatalog,
            phrase_ids: Collection[str] | None) -> Choice | None:
    f = r.mapping(node, what, ["says", "steps", "next", "feedback"], ["mood", "phrases"])
    if f is None:
        return None
    says = r.text(f["says"], f"{what} says") if "says" in f else None
    feedback = r.text(f["feedback"], f"{what} feedback") if "feedback" in f else None
    target = r.ident(f["next"], f"{what} next") if "next" in f else None
    mood = r.integer(f["mood"], f"{what} mood", -10, 10) if "mood" in f else 0

    def step(n: yaml.Node, w: str) -> str | None:
        value = r.string(n, w)
        if value is not None and value not in steps:
            r.error(n, f"unknown step '{value}' (steps: {', '.join(steps.ids())})"
                    f"{did_you_mean(value, steps.ids())}")
            return None
        return value

    def phrase(n: yaml.Node, w: str) -> str | None:
        value = r.ident(n, w)
        if value is not None and phrase_ids is not None and value not in phrase_ids:
            r.error(n, f"unknown phrasebook id '{value}'{did_you_mean(value, phrase_ids)}")
            return None
        return value

    tagged = r.list_of(f["steps"], f"{what} steps", step) if "steps" in f else None
    if tagged is not None and len(set(tagged)) != len(tagged):
        r.error(f["steps"], f"{what} steps lists a step twice")
    phrases = r.list_of(f["phrases"], f"{what} phrases", phrase) if "phrases" in f else []
    if says and feedback and target and mood is not None and tagged is not None and \
            phrases is not None:
        return Choice(says, tuple(tagged), target, feedback, mood, node.start_mark.line + 1,
                      tuple(phrases))
    return None
