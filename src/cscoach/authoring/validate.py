"""Checks content files: schema (via the loader), the scenario graph, and the content itself.

Results are cached by file content (see `cache.py`), and many files are checked on every core.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cscoach.content.library import (
    PACK_FOLDERS,
    Library,
    Pack,
    PackSpec,
    _resolved,
    clash,
    content_root,
    declared_id,
    display_path,
    id_mismatch,
    index_files,
    library_files,
    load_library,
    open_packs,
)
from cscoach.content.loader import (
    Document,
    load_phrasebook,
    load_scenario,
    load_sources,
    load_steps,
    read_bytes,
)
from cscoach.content.model import Lang, Scenario
from cscoach.errors import ContentError, Problem, clip
from cscoach.judge.phrases import Matcher

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

# The code of the graph and content checks below: they read a whole loaded scenario, beyond
# any schema (formats.BEYOND_SCHEMA lists them for the schemas' descriptions).
CONTENT = "content"
PARALLEL_FROM = 48  # fewer files than this are checked in one process (forking costs more)


@dataclass
class Report:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    cached: int = 0  # files whose result came from the cache

    def counts(self, strict: bool) -> tuple[int, int]:
        errors = sum(1 for p in self.problems if p.severity == "error" or strict)
        return errors, len(self.problems) - errors


def content_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The YAML files named, or found below the folders named."""
    files: list[Path] = []
    missing: list[Problem] = []
    for path in paths:
        try:
            folder = path.is_dir()
            found = folder or path.exists()
        except OSError as exc:  # a name too long for the system, say (is_dir() raises)
            missing.append(Problem(clip(str(path)), 0, 0,
                                   f"cannot use this path ({exc.strerror})"))
            continue
        if folder:
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")
                                and p.is_file()))
        elif found:
            files.append(path)
        else:
            missing.append(Problem(str(path), 0, 0, "no such file or folder"))
    return files, missing


class Checker:
    """Checks one file at a time against a loaded library."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.matcher = Matcher(library.phrasebook)
        self.phrase_ids = library.phrase_ids

    def check(self, path: Path, shown: str, data: bytes | None) -> list[Problem]:
        lib = self.library
        try:
            doc = Document(path, shown, data)  # read once; the kind says which loader finishes
            if doc.kind == "scenario":
                scenario = load_scenario(path, lib.steps, shown, lib.sources, doc,
                                         self.phrase_ids)
                return list(doc.reader.problems) + check_scenario(scenario, lib, self.matcher,
                                                                  ship=True)
            if doc.kind == "phrasebook":
                load_phrasebook(path, shown, lib.sources, doc)
            elif doc.kind == "quiz":
                from cscoach.content.loader import load_bank

                load_bank(path, shown, lib.sources, doc)
            elif doc.kind == "steps":
                load_steps(path, shown, doc, lib.sources)
            elif doc.kind == "sources":
                load_sources(path, shown, doc)
            else:
                doc.finish()  # reports the missing or unknown kind
            return list(doc.reader.problems)  # warnings only, if it got here
        except ContentError as exc:
            return list(exc.problems)  # in reading order: the header's problems come first


def pack_folders(paths: Sequence[Path], root: Path | None = None) -> list[PackSpec]:
    """The folders named that are content packs (holding scenarios/, phrasebook/ or quiz/),
    other than the shipped library itself: validating a pack checks it as it will be used."""
    base = (root or content_root()).resolve()
    out = []
    for path in paths:
        try:
            if (path.is_dir() and path.resolve() != base
                    and any((path / folder).is_dir() for folder in PACK_FOLDERS)):
                out.append(PackSpec(path, str(path)))
        except OSError:
            continue  # content_files says what is wrong with it
    return out


def validate(paths: list[Path], *, root: Path | None = None, use_cache: bool = True,
             jobs: int = 0, packs: Sequence[PackSpec] = (), strict: bool = False) -> Report:
    """Check the files named (or found in the folders named) against the library with the
    content packs given and the folders named that are packs. `jobs` 0 means every core.
    `strict` adds what makes a scenario shippable (authoring/ship.py)."""
    from cscoach.authoring import cache
    from cscoach.authoring.ship import SHIP

    packs = [*packs, *pack_folders(paths, root)]
    files, missing = content_files(paths)
    report = Report(len(files), list(missing))
    results: list[list[Problem] | None] = [None] * len(files)
    todo: list[tuple[int, Path, str, bytes | None]] = []
    opened, pack_problems = open_packs(packs)
    report.problems.extend(pack_problems)
    store = cache.ResultCache(cache.cache_dir(), cache.fingerprint(library_files(root, opened))) \
        if use_cache else None
    keys: dict[int, str] = {}
    for i, path in enumerate(files):
        shown = display_path(path)
        try:
            data: bytes | None = read_bytes(path, shown)
        except ContentError as exc:  # missing, unreadable, too large, not a file: said once
            results[i] = exc.problems
            continue
        if store is not None and data is not None:
            keys[i] = cache.content_key(data)
            hit = store.get(keys[i], shown)
            if hit is not None:
                results[i] = hit
                report.cached += 1
                continue
        todo.append((i, path, shown, data))

    if todo or opened:  # a pack's clashes are the library's, never in a file's cached result
        try:
            library = load_library(root, packs, lenient=True)
            checker: Checker | None = Checker(library)
            report.problems.extend(p for p in library.problems if p not in pack_problems)
        except ContentError as exc:  # the library itself is broken: say so, check what we can
            checker = None
            report.problems.extend(exc.problems)
        # The library lives to the end: frozen, the collector stops scanning it again and again
        # while each file's YAML nodes come and go (measured: -22% on 1,000 files, one core),
        # and forked workers share its pages instead of touching them.
        gc.freeze()
        for i, problems in _run(checker, todo, jobs):
            results[i] = problems
            if store is not None and i in keys and checker is not None:
                store.put(keys[i], problems)
    if store is not None:
        store.save()

    seen = set(report.problems)
    for found in results:
        report.problems.extend(p for p in found or () if p not in seen)
    seen = set(report.problems)
    report.problems.extend(p for p in _ids(files, root or content_root(), opened)
                           if p not in seen)
    if not strict:  # a draft is told what is broken; what makes it shippable is --strict's
        report.problems = [p for p in report.problems if p.code != SHIP]
    return report


def _ids(files: list[Path], root: Path, packs: Sequence[Pack]) -> list[Problem]:
    """What no single file can say of its id (so never cached): a scenario of the library or
    in a `scenarios/` folder named otherwise than its id, and an id another file of the library
    or of a pack already has."""
    index, origin, _ = index_files(root, packs)  # the library's own clashes: load_library's
    mine = {_resolved(p) for p in origin}
    out: list[Problem] = []
    for path in files:
        found = declared_id(path)
        if found is None or not _is_scenario(path):
            continue
        scenario_id, line, _col = found
        inside = _resolved(path) in mine
        if (inside or path.parent.name == "scenarios") and scenario_id != path.stem:
            out.append(Problem(display_path(path), line, 1, id_mismatch(scenario_id, path.stem)))
        owner = index.get(scenario_id)
        if owner is not None and not inside and _resolved(owner) != _resolved(path):
            out.append(clash(path, scenario_id, owner, origin[owner]))
    return out


def _is_scenario(path: Path) -> bool:
    import re

    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024).decode("utf-8", "replace")
    except OSError:
        return False
    return re.search(r"^kind:[ \t]*['\"]?scenario\b", head, re.MULTILINE) is not None


def _run(checker: Checker | None, todo: list[tuple[int, Path, str, bytes | None]],
         jobs: int) -> Iterator[tuple[int, list[Problem]]]:
    if checker is None:
        for i, _path, shown, _data in todo:
            yield i, [Problem(shown, 0, 0, "not checked: the content library above has errors")]
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(todo) >= PARALLEL_FROM:
        pool = _pool(checker, jobs)
        if pool is not None:
            with pool:
                size = max(1, len(todo) // (jobs * 8))
                chunks = [todo[k:k + size] for k in range(0, len(todo), size)]
                for chunk in pool.imap_unordered(_check_chunk, chunks):
                    yield from chunk
            return
    for i, path, shown, data in todo:
        yield i, checker.check(path, shown, data)


# -- parallel checking: forked workers inherit the loaded library instead of loading it again

_WORKER: Checker | None = None


def _pool(checker: Checker, jobs: int) -> Pool | None:
    import multiprocessing

    global _WORKER
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: check in one process
        return None
    _WORKER = checker
    return context.Pool(jobs)


def _check_chunk(chunk: list[tuple[int, Path, str, bytes | None]]
                 ) -> list[tuple[int, list[Problem]]]:
    assert _WORKER is not None
    return [(i, _WORKER.check(path, shown, data)) for i, path, shown, data in chunk]


# -- graph and content checks


def check_scenario(s: Scenario, library: Library, matcher: Matcher, *,
                   ship: bool = False) -> list[Problem]:
    """Graph and content checks on a scenario that loaded; with `ship`, also what makes it
    shippable (authoring/ship.py, shown by `validate --strict`)."""
    from cscoach.drill.engine import answers_text
    from cscoach.judge.analysis import Analyser

    out: list[Problem] = []

    def at(line: int, message: str, severity: str = "error", code: str = CONTENT) -> None:
        out.append(Problem(s.path, line, 1 if line else 0, message, severity, code))

    reachable = _reachable(s)
    for node in s.nodes.values():
        if node.id not in reachable:
            at(node.line, f"node '{node.id}' can never be reached from start '{s.start}'")
    for ending in s.endings.values():
        if ending.id not in reachable:
            at(ending.line, f"ending '{ending.id}' can never be reached from start '{s.start}'")
    can_end = _can_reach_an_ending(s)
    for node in s.nodes.values():
        if node.id in reachable and node.id not in can_end:
            at(node.line, f"node '{node.id}' is in a loop with no way out: no ending can be "
               "reached from it")
    mark = s.key_lines.get("pass_mark", 0)  # what the path messages are about
    if not any(e.outcome.value == "bad" for e in s.endings.values()):
        at(s.key_lines.get("endings", 0), "no ending has outcome 'bad': a trainee cannot fail "
           "by the outcome", "warning")

    if can_end >= {n for n in reachable if n in s.nodes}:
        analyser = Analyser(s, library.steps, matcher)
        found = analyser.extremes(count=False)  # the paths are stats' figure
        if found is not None and found.exact and s.format_version >= 2:
            _check_spotting(s, analyser, at)
        if found is not None and not found.exact:
            at(mark, f"the best/worst path search stopped at {found.states:,} states (limit "
               f"{found.limit:,}); the figures are bounds: the best path scores at most "
               f"{found.best}, the worst at least {found.worst}", "warning")
        if found is not None:
            best = answers_text(s, found.best_answers)
            worst = answers_text(s, found.worst_answers)
            if found.best < s.pass_mark:
                at(mark, f"the best path (answers {best}) scores {found.best}, below the pass mark "
                   f"{s.pass_mark}: no trainee can pass")
            if found.worst >= s.pass_mark:
                at(mark, f"the worst path (answers {worst}) scores {found.worst}, at or above the "
                   f"pass mark {s.pass_mark}: no trainee can fail", "warning")
        if ship:  # the rules of a shippable scenario (--strict)
            from cscoach.authoring import ship as shipping

            shipping.check(s, library, matcher, (found.best, found.best_answers)
                           if found is not None and found.exact else None, at)

    for node in s.nodes.values():
        if node.parts:
            for k, part in enumerate(node.parts, 1):
                for i, choice in enumerate(part.options, 1):
                    _check_choice(choice, f"node '{node.id}' part {k} option {i}", matcher, at)
            continue
        for i, choice in enumerate(node.choices, 1):
            _check_choice(choice, f"node '{node.id}' choice {i}", matcher, at)
    if s.format_version >= 2:
        from cscoach.authoring.continuity import prove

        prove(s, at)
    return sorted(out, key=lambda p: p.line)


SPOT_SHARE = 0.5  # the share of decision points past which the best reply is spotted by length


def _check_spotting(s: Scenario, analyser: Any, at: Callable[..., None]) -> None:
    """A warning when the best reply is the longest at most decision points (format 2): a
    trainee could pass by picking the longest reply without reading."""
    from cscoach.authoring.pedagogy import decision_points

    points = decision_points(s, analyser)
    if len(points) < 3:
        return
    names: dict[Lang, str] = {"ko": "Korean", "en": "English"}
    for lang, name in names.items():
        longest = sum(p.best_is_longest(lang) for p in points)
        if longest > SPOT_SHARE * len(points):
            at(s.key_lines.get("nodes", 0), f"the best reply is the longest at {longest} of "
               f"{len(points)} decision points in {name}: a trainee can pass without reading; "
               "make the tempting replies as long and as polite as the right one", "warning")


def _check_choice(choice: object, where: str, matcher: Matcher,
                  at: Callable[..., None]) -> None:
    from cscoach.content.model import Choice

    assert isinstance(choice, Choice)
    hits = {lang: matcher.match(choice.says(lang)) for lang in ("ko", "en")}
    dont = {lang: {h.entry_id for h in found if h.kind == "dont_say"}
            for lang, found in hits.items()}
    both = dont["ko"] | dont["en"]
    if both and choice.steps:
        tagged = ", ".join(choice.steps)
        at(choice.line, f"{where} is tagged [{tagged}] but says a \"don't say\" "
           f"({', '.join(sorted(both))}); the text contradicts the step", "warning")
    for entry_id in sorted(dont["ko"] - dont["en"]):
        at(choice.line, f"{where}: the Korean text says the \"don't say\" '{entry_id}' "
           "but the English does not; make the translations agree", "warning")
    for entry_id in sorted(dont["en"] - dont["ko"]):
        at(choice.line, f"{where}: the English text says the \"don't say\" '{entry_id}' "
           "but the Korean does not; make the translations agree", "warning")
    matched = {h.entry_id for found in hits.values() for h in found}
    for entry_id in choice.phrases:
        if entry_id not in matched:
            at(choice.line, f"{where} lists phrase '{entry_id}' but its text says neither that "
               "\"don't say\" nor its \"say instead\"", "warning")


def _reachable(s: Scenario) -> set[str]:
    seen = {s.start}
    queue = deque([s.start])
    while queue:
        node = s.nodes.get(queue.popleft())
        if node is None:
            continue
        for choice in node.choices[:1] if node.parts else node.choices:
            for target in choice.targets():
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
    return seen


def _can_reach_an_ending(s: Scenario) -> set[str]:
    """Nodes from which some ending can be reached."""
    good: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in s.nodes.values():
            if node.id not in good and any(
                    t in s.endings or t in good
                    for c in (node.choices[:1] if node.parts else node.choices)
                    for t in c.targets()):
                good.add(node.id)
                changed = True
    return good
