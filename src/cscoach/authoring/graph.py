"""A scenario's branching as a picture: Mermaid (renders on GitHub) or Graphviz DOT.

Every node and ending is a box; every choice an arrow labelled with its number and the steps it
performs, coloured by its first step. A choice that says a "don't say" is a trap: red, dashed and
marked with a warning sign. Endings are coloured by outcome, the start node has a thick border.
Pure: text in, text out.
"""

from __future__ import annotations

from dataclasses import dataclass

from cscoach.content.model import Choice, Lang, Outcome, Scenario, StepCatalog
from cscoach.judge.phrases import Matcher

STEP_COLOURS = {
    "greet": "#1f77b4", "listen": "#17becf", "ask": "#9467bd", "empathize": "#e377c2",
    "resolve": "#2ca02c", "check": "#bcbd22", "follow_up": "#8c564b",
}
NO_STEP = "#9e9e9e"
TRAP = "#d62728"
OUTCOME_FILL = {Outcome.GOOD: "#d4edda", Outcome.PARTIAL: "#fff3cd", Outcome.BAD: "#f8d7da"}
OUTCOME_STROKE = {Outcome.GOOD: "#2e7d32", Outcome.PARTIAL: "#b8860b", Outcome.BAD: "#c62828"}
TRAP_MARK = "⚠"
LABEL_CHARS = 48


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    number: int  # 1-based answer
    steps: tuple[str, ...]
    traps: tuple[str, ...]  # phrasebook ids of the "don't say" it contains

    @property
    def colour(self) -> str:
        if self.traps:
            return TRAP
        return STEP_COLOURS.get(self.steps[0], NO_STEP) if self.steps else NO_STEP

    def label(self) -> str:
        parts = [str(self.number)]
        if self.steps:
            parts.append(", ".join(self.steps))
        if self.traps:
            parts.append(f"{TRAP_MARK} {', '.join(self.traps)}")
        return " · ".join(parts)


def edges(s: Scenario, matcher: Matcher) -> list[Edge]:
    out = []
    for node in s.nodes.values():
        for i, choice in enumerate(node.choices, 1):
            out.append(Edge(node.id, choice.next, i, choice.steps, _traps(choice, matcher)))
    return out


def _traps(choice: Choice, matcher: Matcher) -> tuple[str, ...]:
    found: list[str] = []
    for text in choice.says.both():
        for hit in matcher.match(text):
            if hit.kind == "dont_say" and hit.entry_id not in found:
                found.append(hit.entry_id)
    return tuple(found)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _ids(s: Scenario) -> dict[str, str]:
    """Safe graph ids (Mermaid chokes on some words, such as `end`)."""
    out = {nid: f"n{i}" for i, nid in enumerate(s.nodes)}
    out.update({eid: f"e{i}" for i, eid in enumerate(s.endings)})
    return out


# -- Mermaid


def _mermaid_text(text: str) -> str:
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;"))


def to_mermaid(s: Scenario, matcher: Matcher, lang: Lang = "en") -> str:
    ids = _ids(s)
    lines = ["flowchart TD", f"    %% {s.id}: {_mermaid_text(s.title(lang))}"]
    for nid, node in s.nodes.items():
        label = f"<b>{nid}</b><br/>{_mermaid_text(_short(node.says(lang)))}"
        lines.append(f'    {ids[nid]}["{label}"]')
    for eid, ending in s.endings.items():
        label = (f"<b>{eid}</b> ({ending.outcome.value})<br/>"
                 f"{_mermaid_text(_short(ending.title(lang)))}")
        lines.append(f'    {ids[eid]}(["{label}"])')
    all_edges = edges(s, matcher)
    for e in all_edges:
        arrow = "-.->" if e.traps else "-->"
        lines.append(f'    {ids[e.source]} {arrow}|"{_mermaid_text(e.label())}"| {ids[e.target]}')
    for i, e in enumerate(all_edges):
        extra = ",stroke-dasharray:5 5" if e.traps else ""
        lines.append(f"    linkStyle {i} stroke:{e.colour},stroke-width:2px,color:{e.colour}"
                     f"{extra}")
    lines.append("    classDef start stroke-width:4px")
    for outcome in Outcome:
        lines.append(f"    classDef {outcome.value} fill:{OUTCOME_FILL[outcome]},"
                     f"stroke:{OUTCOME_STROKE[outcome]},color:#000")
        members = [ids[eid] for eid, e in s.endings.items() if e.outcome is outcome]
        if members:
            lines.append(f"    class {','.join(members)} {outcome.value}")
    lines.append(f"    class {ids[s.start]} start")
    return "\n".join(lines) + "\n"


# -- Graphviz DOT


def _dot(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_dot(s: Scenario, matcher: Matcher, steps: StepCatalog, lang: Lang = "en") -> str:
    ids = _ids(s)
    font = "Noto Sans CJK KR,NanumGothic,Malgun Gothic,Apple SD Gothic Neo,sans-serif"
    lines = [
        f"digraph {_dot(s.id)} {{",
        f"    graph [rankdir=TB, labelloc=t, fontsize=16, fontname={_dot(font)}, "
        f"label={_dot(f'{s.id}: {s.title(lang)}')}];",
        f"    node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", "
        f"fontname={_dot(font)}, fontsize=10];",
        f"    edge [fontname={_dot(font)}, fontsize=9];",
    ]
    for nid, node in s.nodes.items():
        width = ", penwidth=3" if nid == s.start else ""
        lines.append(f"    {ids[nid]} [label={_dot(nid + chr(10) + _short(node.says(lang)))}"
                     f"{width}];")
    for eid, ending in s.endings.items():
        o = ending.outcome
        label = f"{eid} ({o.value})\n{_short(ending.title(lang))}"
        lines.append(f"    {ids[eid]} [label={_dot(label)}, shape=box, style=\"filled\", "
                     f"fillcolor=\"{OUTCOME_FILL[o]}\", color=\"{OUTCOME_STROKE[o]}\", "
                     "penwidth=2];")
    for e in edges(s, matcher):
        style = ", style=dashed, penwidth=2" if e.traps else ""
        lines.append(f"    {ids[e.source]} -> {ids[e.target]} [label={_dot(e.label())}, "
                     f"color=\"{e.colour}\", fontcolor=\"{e.colour}\"{style}];")
    # the legend: what the colours mean, as one table
    keys = [(STEP_COLOURS.get(sid, NO_STEP), f"{sid}: {steps.get(sid).name(lang)}")
            for sid in steps.ids()]
    keys += [(NO_STEP, "no step"), (TRAP, f"{TRAP_MARK} trap: a \"don't say\" (dashed)")]
    rows = "".join(f'<tr><td align="left"><font color="{colour}">{_html(text)}</font></td></tr>'
                   for colour, text in keys)
    lines.append(f'    legend [shape=plain, fontsize=9, label=<<table border="1" '
                 f'cellborder="0" color="#cccccc">{rows}</table>>];')
    lines.append("}")
    return "\n".join(lines) + "\n"
