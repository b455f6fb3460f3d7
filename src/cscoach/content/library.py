"""Where the shipped content lives, and loading it as one Library."""

from __future__ import annotations

import os
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
from cscoach.errors import ContentError, NotFoundError, Problem, clip

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


@dataclass
class Library:
    """The curriculum: the seven steps, the source ids, the phrasebook, and the scenarios."""

    root: Path
    steps: StepCatalog
    sources: dict[str, Source]
    phrasebook: Phrasebook
    _scenarios: dict[str, Scenario] = field(default_factory=dict)

    @property
    def scenario_dir(self) -> Path:
        return self.root / "scenarios"

    def scenario_files(self) -> list[Path]:
        if not self.scenario_dir.is_dir():
            return []
        return sorted(p for p in self.scenario_dir.iterdir() if p.suffix in (".yaml", ".yml"))

    def load_scenario_file(self, path: Path) -> Scenario:
        return load_scenario(path, self.steps, display_path(path), self.sources,
                             phrase_ids=self.phrase_ids)

    def quiz_files(self) -> list[Path]:
        folder = self.root / "quiz"
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))

    def bank_questions(self) -> list[Question]:
        """The trainer-written quiz banks under `quiz/` (questions made from the content are the
        quiz wing's: `cscoach.quiz.generate.all_questions`)."""
        from cscoach.content.loader import load_bank

        out: list[Question] = []
        problems: list[Problem] = []
        for path in self.quiz_files():
            try:
                out.extend(load_bank(path, display_path(path), self.sources))
            except ContentError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ContentError(problems)
        return out

    @property
    def phrase_ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.phrasebook.entries)

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
        named = self.scenario_dir / f"{ref}.yaml"
        if _is_file(named):
            scenario = self.load_scenario_file(named)
            if scenario.id == ref:
                self._scenarios[ref] = scenario
                return scenario
        for scenario in self.all_scenarios():
            if scenario.id == ref:
                return scenario
        known = [s.id for s in self.all_scenarios()]
        hint = did_you_mean(ref, known) or f"; known: {', '.join(known)}"
        raise NotFoundError(f"unknown scenario '{clip(ref)}'{hint} (see 'cscoach list')")

    def all_scenarios(self) -> list[Scenario]:
        """Every shipped scenario; a broken file stops with all its problems."""
        out: list[Scenario] = []
        problems: list[Problem] = []
        for path in self.scenario_files():
            try:
                scenario = self.load_scenario_file(path)
            except ContentError as exc:
                problems.extend(exc.problems)
                continue
            self._scenarios[scenario.id] = scenario
            out.append(scenario)
        if problems:
            raise ContentError(problems)
        return out


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


def library_files(root: Path | None = None) -> list[Path]:
    """The files a library is made of: steps, sources, then every phrasebook file."""
    book = (root or content_root()) / "phrasebook"
    if not book.is_dir():
        raise NotFoundError(f"{book}: content folder not found (set CSCOACH_CONTENT to the "
                            "folder holding scenarios/ and phrasebook/)")
    rest = sorted(p for p in book.glob("*.yaml") if p.name not in (STEPS_FILE, SOURCES_FILE))
    return [book / STEPS_FILE, book / SOURCES_FILE, *rest]


def load_library(root: Path | None = None) -> Library:
    """Steps, sources and every phrasebook file under `root` (scenarios load on demand)."""
    root = root or content_root()
    steps_file, sources_file, *phrasebooks = library_files(root)
    book = steps_file.parent
    sources = load_sources(sources_file, display_path(sources_file))
    steps = load_steps(steps_file, display_path(steps_file), sources=sources)
    entries: list[PhraseEntry] = []
    problems: list[Problem] = []
    for path in phrasebooks:
        try:
            entries.extend(load_phrasebook(path, display_path(path), sources).entries)
        except ContentError as exc:
            problems.extend(exc.problems)
    ids = [e.id for e in entries]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(display_path(book), 0, 0,
                                f"phrasebook id '{dup}' is used in two files"))
    if problems:
        raise ContentError(problems)
    return Library(root, steps, sources, Phrasebook(tuple(entries)))
