"""Checks content files: schema (via the loader), the scenario graph, and the content itself."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from cscoach.errors import ContentError, Problem
from cscoach.library import Library, display_path
from cscoach.loader import Document, load_phrasebook, load_scenario, load_sources, load_steps
from cscoach.model import Scenario
from cscoach.phrases import Matcher
from cscoach.scoring import path_scores


@dataclass
class Report:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    def counts(self, strict: bool) -> tuple[int, int]:
        errors = sum(1 for p in self.problems if p.severity == "error" or strict)
        return errors, len(self.problems) - errors


def content_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The YAML files named, or found below the folders named."""
    files: list[Path] = []
    missing: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")
                                and p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            missing.append(Problem(str(path), 0, 0, "no such file or folder"))
    return files, missing


def validate(paths: list[Path], library: Library) -> Report:
    files, missing = content_files(paths)
    report = Report(len(files), list(missing))
    matcher = Matcher(library.phrasebook)
    for path in files:
        shown = display_path(path)
        try:
            doc = Document(path, shown)  # read once; the kind says which loader finishes it
            if doc.kind == "scenario":
                scenario = load_scenario(path, library.steps, shown, library.sources, doc)
                report.problems.extend(check_scenario(scenario, library, matcher))
            elif doc.kind == "phrasebook":
                load_phrasebook(path, shown, library.sources, doc)
            elif doc.kind == "steps":
                load_steps(path, shown, doc)
            elif doc.kind == "sources":
                load_sources(path, shown, doc)
            else:
                doc.finish()  # reports the missing or unknown kind
        except ContentError as exc:
            report.problems.extend(exc.problems)
    return report


def check_scenario(s: Scenario, library: Library, matcher: Matcher) -> list[Problem]:
    """Graph and content checks on a scenario that loaded."""
    out: list[Problem] = []

    def at(line: int, message: str, severity: str = "error") -> None:
        out.append(Problem(s.path, line, 1 if line else 0, message, severity))

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
    if not any(e.outcome.value == "bad" for e in s.endings.values()):
        at(0, "no ending has outcome 'bad': a trainee cannot fail by the outcome", "warning")

    if can_end >= {n for n in reachable if n in s.nodes}:
        scores = path_scores(s, library.steps, matcher)
        if scores:
            best, worst = max(scores.values()), min(scores.values())
            if best < s.pass_mark:
                at(0, f"the best path scores {best}, below the pass mark {s.pass_mark}: "
                   "no trainee can pass")
            if worst >= s.pass_mark:
                at(0, f"the worst path scores {worst}, at or above the pass mark "
                   f"{s.pass_mark}: no trainee can fail", "warning")

    for node in s.nodes.values():
        for i, choice in enumerate(node.choices, 1):
            where = f"node '{node.id}' choice {i}"
            hits = {lang: {h.entry_id for h in matcher.match(choice.says(lang))
                           if h.kind == "dont_say"} for lang in ("ko", "en")}
            both = hits["ko"] | hits["en"]
            if both and choice.steps:
                tagged = ", ".join(choice.steps)
                at(choice.line, f"{where} is tagged [{tagged}] but says a \"don't say\" "
                   f"({', '.join(sorted(both))}); the text contradicts the step", "warning")
            only_ko, only_en = hits["ko"] - hits["en"], hits["en"] - hits["ko"]
            for entry_id in sorted(only_ko):
                at(choice.line, f"{where}: the Korean text says the \"don't say\" '{entry_id}' "
                   "but the English does not; make the translations agree", "warning")
            for entry_id in sorted(only_en):
                at(choice.line, f"{where}: the English text says the \"don't say\" '{entry_id}' "
                   "but the Korean does not; make the translations agree", "warning")
    return out


def _reachable(s: Scenario) -> set[str]:
    seen = {s.start}
    queue = deque([s.start])
    while queue:
        node = s.nodes.get(queue.popleft())
        if node is None:
            continue
        for choice in node.choices:
            if choice.next not in seen:
                seen.add(choice.next)
                queue.append(choice.next)
    return seen


def _can_reach_an_ending(s: Scenario) -> set[str]:
    """Nodes from which some ending can be reached."""
    good: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in s.nodes.values():
            if node.id not in good and any(
                    c.next in s.endings or c.next in good for c in node.choices):
                good.add(node.id)
                changed = True
    return good
