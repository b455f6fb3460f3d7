"""Where the shipped content lives, and loading it as one Library."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cscoach.content.loader import (
    did_you_mean,
    load_phrasebook,
    load_scenario,
    load_sources,
    load_steps,
)
from cscoach.content.model import Phrasebook, PhraseEntry, Scenario, Source, StepCatalog
from cscoach.errors import ContentError, NotFoundError, PackError, Problem, clip

if TYPE_CHECKING:
    from cscoach.content.model import Question

STEPS_FILE = "steps.yaml"
SOURCES_FILE = "sources.yaml"


def content_root() -> Path:
    """The folder holding `scenarios/` and `phrasebook/`.

    `CSCOACH_CONTENT` wins; then the copy inside an installed wheel; then the source checkout
    (an editable install or PYTHONPATH=src).
    """
    env = os.environ.get("CSCOACH_CONTENT")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parents[1]  # src/cscoach
    packaged = package / "_content"
    if (packaged / "phrasebook").is_dir():
        return packaged
    return package.parent.parent


@dataclass(frozen=True, slots=True)
class PackSpec:
    """A content pack as it was asked for: its folder and where it was named (`--content`,
    `CSCOACH_CONTENT_PATH`, or the config file and its key), which a refusal names."""

    path: Path
    given: str


@dataclass(frozen=True, slots=True)
class Pack:
    """A content pack: a folder laid out like the shipped content (`scenarios/`, `phrasebook/`,
    `quiz/`, each optional) whose files add to the shipped library. Its name (the folder's
    name) keys the attempts a history keeps."""

    name: str
    root: Path
    given: str = ""

    def files(self, folder: str) -> list[Path]:
        where = self.root / folder
        if not where.is_dir():
            return []
        return sorted(p for p in where.iterdir() if p.suffix in (".yaml", ".yml"))


SHIPPED = Pack("", Path())  # the name of the shipped library (its root is the Library's)


@dataclass
class Library:
    """The curriculum: the seven steps, the source ids, the phrasebook, and the scenarios (the
    shipped ones and those of every content pack)."""

    root: Path
    steps: StepCatalog
    sources: dict[str, Source]
    phrasebook: Phrasebook
    _scenarios: dict[str, Scenario] = field(default_factory=dict)
    packs: tuple[Pack, ...] = ()
    # every scenario file by its id (= its file name), and the pack it belongs to
    _index: dict[str, Path] = field(default_factory=dict)
    _origin: dict[Path, Pack] = field(default_factory=dict)
    # what a lenient load (validate) found wrong with the packs, instead of refusing them
    problems: list[Problem] = field(default_factory=list)

    @property
    def scenario_dir(self) -> Path:
        return self.root / "scenarios"

    def scenario_files(self) -> list[Path]:
        """The shipped scenario files, then each pack's."""
        return [*Pack("", self.root).files("scenarios"),
                *(p for pack in self.packs for p in pack.files("scenarios"))]

    def scenario_file(self, scenario_id: str) -> Path | None:
        """The file of the scenario with this id (its file name), shipped or in a pack."""
        return self._index.get(scenario_id)

    def pack_of(self, path: Path) -> Pack | None:
        """The pack a scenario file belongs to (SHIPPED for the shipped library), or None for
        a file outside the library."""
        if path in self._origin:
            return self._origin[path]
        try:
            resolved = path.resolve()
        except OSError:
            return None
        for known, pack in self._origin.items():
            if _resolved(known) == resolved:
                return pack
        return None

    def load_scenario_file(self, path: Path, data: bytes | None = None) -> Scenario:
        """A scenario file, with the pack it comes from and the hash of its bytes; a file of
        the library (or of a pack) must be named after its id."""
        import hashlib
        from dataclasses import replace

        from cscoach.content.loader import Document, read_bytes

        shown = display_path(path)
        data = read_bytes(path, shown) if data is None else data
        scenario = load_scenario(path, self.steps, shown, self.sources, Document(path, shown, data),
                                 phrase_ids=self.phrase_ids)
        pack = self.pack_of(path)
        if pack is not None and scenario.id != path.stem:
            line = scenario.key_lines.get("id", 0)
            raise ContentError([Problem(shown, line, 1 if line else 0, id_mismatch(
                scenario.id, path.stem))])
        if pack is None:  # played by its path: its folder is its pack, never a library's
            pack = Pack(str(_resolved(path).parent), path.parent)
        return replace(scenario, pack=pack.name,
                       digest=hashlib.sha256(data).hexdigest()[:DIGEST_CHARS])

    def quiz_files(self) -> list[Path]:
        return [*Pack("", self.root).files("quiz"),
                *(p for pack in self.packs for p in pack.files("quiz"))]

    def bank_questions(self) -> list[Question]:
        """The trainer-written quiz banks under `quiz/`, shipped and of every pack (questions
        made from the content are the quiz wing's: `cscoach.quiz.generate.all_questions`); a
        question id used twice is refused with both places named."""
        from cscoach.content.loader import load_bank

        out: list[Question] = []
        problems: list[Problem] = []
        for path in self.quiz_files():
            try:
                out.extend(load_bank(path, display_path(path), self.sources))
            except ContentError as exc:
                problems.extend(exc.problems)
        first: dict[str, Question] = {}
        for q in out:
            if q.id in first:
                other = first[q.id]
                problems.append(Problem(q.origin, q.line, 1, f"quiz question id '{q.id}' is "
                                        f"taken by {other.origin}:{other.line}:1; question ids "
                                        "must be unique across the shipped banks and every "
                                        "content pack"))
            else:
                first[q.id] = q
        if problems:
            raise ContentError(problems)
        return out

    @property
    def phrase_ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.phrasebook.entries)

    def origin(self, scenario: Scenario) -> str:
        """Where a scenario comes from, as `list` shows it: "" for the shipped library, else
        the pack's folder."""
        if not scenario.pack:
            return ""
        pack = next((p for p in self.packs if p.name == scenario.pack), None)
        return display_path(pack.root) if pack is not None else scenario.pack

    def scenario(self, ref: str) -> Scenario:
        """A scenario by id (from the library) or by the path of a YAML file."""
        if ref in self._scenarios:
            return self._scenarios[ref]
        as_path = Path(ref)
        if ref.endswith((".yaml", ".yml")) or os.sep in ref or "/" in ref:
            try:
                found = as_path.exists()
            except OSError as exc:  # a name too long for the system, say (exists() raises)
                raise NotFoundError(f"{clip(ref)}: cannot use this path ({exc.strerror})"
                                    ) from None
            if not found:
                raise NotFoundError(f"{ref}: no such file")
            return self.load_scenario_file(as_path)
        named = self._index.get(ref)
        if named is not None:
            scenario = self.load_scenario_file(named)
            self._scenarios[ref] = scenario
            return scenario
        known = sorted(self._index)
        hint = did_you_mean(ref, known) or f"; known: {', '.join(known)}"
        raise NotFoundError(f"unknown scenario '{clip(ref)}'{hint} (see 'cscoach list')")

    def all_scenarios(self) -> list[Scenario]:
        """Every scenario, shipped then each pack's; a broken file stops with all its
        problems."""
        out: list[Scenario] = []
        problems: list[Problem] = []
        for path in self._index.values():
            try:
                scenario = self._scenarios.get(path.stem) or self.load_scenario_file(path)
            except ContentError as exc:
                problems.extend(exc.problems)
                continue
            self._scenarios[scenario.id] = scenario
            out.append(scenario)
        if problems:
            raise ContentError(problems)
        return out


DIGEST_CHARS = 16  # hex digits of a scenario file's SHA-256 kept with each attempt


def id_mismatch(scenario_id: str, stem: str) -> str:
    return (f"scenario id '{scenario_id}' must equal the file name '{stem}' (rename the file "
            f"to {scenario_id}.yaml or the id to {stem})")


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def declared_id(path: Path) -> tuple[str, int, int] | None:
    """The id a scenario file declares and where (line, column), read from the text without
    loading it (to name both places of a clash); None when no top-level `id:` is found."""
    import re

    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024).decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r"^id:[ \t]*['\"]?([^'\"\s#]+)", head, re.MULTILINE)
    if found is None:
        return None
    line = head.count("\n", 0, found.start()) + 1
    return found[1], line, found.start(1) - found.start() + 1


def where_declared(path: Path) -> str:
    """`file:line:col` of a scenario file's id (the file alone when it cannot be found)."""
    found = declared_id(path)
    shown = display_path(path)
    return f"{shown}:{found[1]}:{found[2]}" if found else shown


def _is_file(path: Path) -> bool:
    """Path.is_file(), also False for a name no file can have (too long: is_file() raises)."""
    try:
        return path.is_file()
    except OSError:
        return False


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    if not path.is_absolute():
        return str(path)  # as typed (validate lists a folder's files under the name given)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def library_files(root: Path | None = None, packs: Sequence[Pack] = ()) -> list[Path]:
    """The files a library is made of: steps, sources, then every phrasebook file (the
    shipped ones, then each pack's)."""
    book = (root or content_root()) / "phrasebook"
    if not book.is_dir():
        raise NotFoundError(f"{book}: content folder not found (set CSCOACH_CONTENT to the "
                            "folder holding scenarios/ and phrasebook/)")
    rest = sorted(p for p in book.glob("*.yaml") if p.name not in (STEPS_FILE, SOURCES_FILE))
    return [book / STEPS_FILE, book / SOURCES_FILE, *rest,
            *(p for pack in packs for p in pack.files("phrasebook"))]


def open_packs(specs: Sequence[PackSpec]) -> tuple[list[Pack], list[Problem]]:
    """The packs asked for, each checked to be a folder holding content; what is wrong with
    any of them, one located problem each."""
    packs: list[Pack] = []
    problems: list[Problem] = []
    named: dict[str, Pack] = {}
    for spec in specs:
        shown = display_path(spec.path)
        try:
            is_dir = spec.path.is_dir()
            exists = is_dir or spec.path.exists()
        except OSError as exc:
            problems.append(Problem(spec.given, 0, 0, f"content pack '{clip(shown)}': cannot "
                                    f"use this path ({exc.strerror})"))
            continue
        if not exists:
            problems.append(Problem(spec.given, 0, 0, f"content pack '{clip(shown)}' does not "
                                    "exist (a pack is a folder holding scenarios/, phrasebook/ "
                                    "or quiz/)"))
            continue
        if not is_dir:
            problems.append(Problem(spec.given, 0, 0, f"content pack '{clip(shown)}' is a "
                                    "file, not a folder holding scenarios/, phrasebook/ or "
                                    "quiz/"))
            continue
        pack = Pack(_resolved(spec.path).name, spec.path, spec.given)
        if not any(pack.files(folder) for folder in PACK_FOLDERS):
            problems.append(Problem(spec.given, 0, 0, f"content pack '{clip(shown)}' holds no "
                                    "content: no .yaml file in its scenarios/, phrasebook/ or "
                                    "quiz/ folder"))
            continue
        if any(_resolved(p.root) == _resolved(pack.root) for p in packs):
            continue  # the same folder named twice (an option and the config, say): once
        if pack.name in named:
            problems.append(Problem(spec.given, 0, 0, f"two content packs are named "
                                    f"'{pack.name}' ({display_path(named[pack.name].root)} "
                                    f"and {shown}); histories keep attempts by the pack's name: "
                                    "rename one folder"))
            continue
        named[pack.name] = pack
        packs.append(pack)
    return packs, problems


PACK_FOLDERS = ("scenarios", "phrasebook", "quiz")


def index_files(root: Path, packs: Sequence[Pack]) -> tuple[dict[str, Path], dict[Path, Pack],
                                                        list[Problem]]:
    """Every scenario file by its file name (= its id), the pack of each, and every id found
    twice (in one folder as .yaml and .yml, in two packs, in a pack and the shipped library),
    with both places named."""
    index: dict[str, Path] = {}
    origin: dict[Path, Pack] = {}
    problems: list[Problem] = []
    for pack in (Pack("", root), *packs):
        for path in pack.files("scenarios"):
            origin[path] = pack
            other = index.get(path.stem)
            if other is None:
                index[path.stem] = path
                continue
            problems.append(clash(path, path.stem, other, origin[other]))
    return index, origin, problems


def clash(path: Path, scenario_id: str, owner: Path, pack: Pack) -> Problem:
    """A scenario file whose id another file (of the library or a pack) already has."""
    found = declared_id(path)
    return Problem(display_path(path), found[1] if found else 0, found[2] if found else 0,
                   f"scenario id '{scenario_id}' is taken by {where_declared(owner)} "
                   f"({_pack_words(pack)}); scenario ids must be unique across the shipped "
                   "library and every content pack")


def _pack_words(pack: Pack) -> str:
    return f"content pack '{pack.name}'" if pack.name else "the shipped library"


def load_library(root: Path | None = None, packs: Sequence[PackSpec] = (), *,
                 lenient: bool = False) -> Library:
    """Steps, sources and every phrasebook file under `root`, then the content packs: their
    phrasebook files, and (checked at once, so a broken pack is never used in part) their
    scenarios and quiz banks. Shipped scenarios load on demand.

    Anything wrong with a pack stops the load with every problem located; `lenient` (validate,
    which checks each file itself) keeps them in `Library.problems` instead."""
    root = root or content_root()
    opened, problems = open_packs(packs)
    steps_file, sources_file, *phrasebooks = library_files(root, opened)
    sources = load_sources(sources_file, display_path(sources_file))
    steps = load_steps(steps_file, display_path(steps_file), sources=sources)
    entries: list[PhraseEntry] = []
    for path in phrasebooks:
        shown = display_path(path)
        if path.parent != steps_file.parent and path.name in (STEPS_FILE, SOURCES_FILE):
            problems.append(Problem(shown, 0, 0, "a content pack cannot replace the seven steps "
                                    "or the source catalogue; remove this file (a pack adds "
                                    "scenarios, phrasebook entries and quiz questions)"))
            continue
        try:
            entries.extend(load_phrasebook(path, shown, sources).entries)
        except ContentError as exc:
            problems.extend(exc.problems)
    first: dict[str, PhraseEntry] = {}
    for entry in entries:
        if entry.id in first:
            other = first[entry.id]
            problems.append(Problem(entry.path, entry.line, 1, f"phrasebook id '{entry.id}' is "
                                    f"taken by {other.path}:{other.line}:1; phrasebook ids must "
                                    "be unique across the shipped phrasebook and every content "
                                    "pack"))
        else:
            first[entry.id] = entry
    index, origin, clashes = index_files(root, opened)
    problems.extend(clashes)
    library = Library(root, steps, sources, Phrasebook(tuple(first.values())),
                      packs=tuple(opened), _index=index, _origin=origin)
    if not lenient and opened:
        problems.extend(_check_packs(library))
    if problems and not lenient:
        raise PackError(problems) if opened or packs else ContentError(problems)
    library.problems = problems
    return library


def _check_packs(library: Library) -> list[Problem]:
    """Every scenario and quiz bank of the packs loaded once, so that a broken file stops the
    command instead of leaving a library without it."""
    problems: list[Problem] = []
    for path in library._index.values():
        pack = library._origin.get(path)
        if pack is None or not pack.name:
            continue
        try:
            library._scenarios[path.stem] = library.load_scenario_file(path)
        except ContentError as exc:
            problems.extend(exc.problems)
    if any(pack.files("quiz") for pack in library.packs):
        try:
            library.bank_questions()
        except ContentError as exc:
            problems.extend(exc.problems)
    return problems
