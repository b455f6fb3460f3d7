"""A scenario's branching as a picture: Mermaid (renders on GitHub) or Graphviz DOT.

Every node and ending is a box; every choice an arrow labelled with its number and the steps it
performs, coloured by its first step. A choice that says a "don't say" is a trap: red, dashed and
marked with a warning sign. Endings are coloured by outcome, the start node has a thick border.

Format 2: a routed reply has one arrow per place it can lead, labelled with the route's
condition (`[offered-exchange & !at-desk]`, the last one `[otherwise]`); the facts a reply sets
and clears are `+fact` and `-fact`; a reply that breaks a lesson is red and marked `✗ lesson`.
A node whose line has variants is marked `◆` (dashed border), a compose turn `✉` with one arrow
per distinct place its message leads (not one per message). An ending's `require:` is shown.
A node or ending that no path from the start reaches is marked `⊘` (dotted, grey). Every label,
the outcomes and the legend are in the language asked for.
Pure: text in, text out.
"""

from __future__ import annotations

from dataclasses import dataclass

from cscoach.content.model import Choice, Ending, Lang, Node, Outcome, Scenario, StepCatalog
from cscoach.i18n import tr
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
BROKEN_MARK = "✗"
VARIANT_MARK = "◆"
COMPOSE_MARK = "✉"
COMPOSE = "#333333"
COMPOSE_FILL = "#e3f2fd"
UNREACHABLE_MARK = "⊘"
UNREACHABLE = "#9e9e9e"
UNREACHABLE_FILL = "#eeeeee"
LABEL_CHARS = 48


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    number: int  # 1-based answer (0 for a compose turn's arrow)
    steps: tuple[str, ...]
    traps: tuple[str, ...]  # phrasebook ids of the "don't say" it contains
    when: tuple[str, ...] = ()  # the route conditions that lead here (described), if routed
    otherwise: bool = False  # the last route (no condition) leads here too
    sets: tuple[str, ...] = ()
    clears: tuple[str, ...] = ()
    breaks: tuple[str, ...] = ()  # lessons broken
    parts: int = 0  # a compose turn's: the parts its message is made of
    messages: int = 0  # ... and how many messages they make

    @property
    def colour(self) -> str:
        if self.traps or self.breaks:
            return TRAP
        if self.parts:
            return COMPOSE
        return STEP_COLOURS.get(self.steps[0], NO_STEP) if self.steps else NO_STEP

    @property
    def routed(self) -> bool:
        return bool(self.when) or self.otherwise

    def label(self, lang: Lang = "en") -> str:
        if self.parts:
            parts = [f"{COMPOSE_MARK} " + tr(lang, "graph.parts", parts=self.parts,
                                              messages=self.messages)]
        else:
            parts = [str(self.number)]
        if self.routed:
            conditions = list(self.when) + ([tr(lang, "graph.otherwise")] if self.otherwise
                                            else [])
            parts.append("[" + tr(lang, "graph.or").join(conditions) + "]")
        if self.steps:
            parts.append(", ".join(self.steps))
        if self.sets or self.clears:
            parts.append(" ".join([f"+{f}" for f in self.sets] + [f"-{f}" for f in self.clears]))
        if self.traps:
            parts.append(f"{TRAP_MARK} {', '.join(self.traps)}")
        if self.breaks:
            parts.append(" ".join(f"{BROKEN_MARK} {x}" for x in self.breaks))
        return " · ".join(parts)


def _arrows(choice: Choice) -> list[tuple[str, tuple[str, ...], bool]]:
    """(target, the conditions that lead there, whether the last route does) of a reply."""
    if not choice.routes:
        return [(choice.next, (), False)]
    out: dict[str, tuple[list[str], bool]] = {}
    for r in choice.routes:
        conditions, otherwise = out.setdefault(r.to, ([], False))
        if r.when is None:
            out[r.to] = (conditions, True)
        else:
            conditions.append(r.when.describe())
    return [(to, tuple(c), o) for to, (c, o) in out.items()]


def edges(s: Scenario, matcher: Matcher) -> list[Edge]:
    out = []
    for node in s.nodes.values():
        if node.parts:
            out.extend(_compose_edges(node, matcher))
            continue
        for i, choice in enumerate(node.choices, 1):
            for target, when, otherwise in _arrows(choice):
                out.append(Edge(node.id, target, i, choice.steps, _traps(choice, matcher),
                                when, otherwise, choice.set, choice.clear, choice.breaks))
    return out


def _compose_edges(node: Node, matcher: Matcher) -> list[Edge]:
    """One arrow per place a compose turn's message leads (the parts' lines share the node's
    `next:`). What single lines set, break or say is marked on the box (`compose_marks`), not
    on every arrow: it holds only for the messages that hold that line."""
    return [Edge(node.id, target, 0, (), (), when, otherwise, parts=len(node.parts),
                 messages=len(node.choices))
            for target, when, otherwise in _arrows(node.choices[0])]


def unreachable(s: Scenario, all_edges: list[Edge]) -> list[str]:
    """The nodes and endings no arrow from the start leads to, in the file's order."""
    leads: dict[str, set[str]] = {}
    for e in all_edges:
        leads.setdefault(e.source, set()).add(e.target)
    seen = {s.start}
    todo = [s.start]
    while todo:
        for target in leads.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return [k for k in [*s.nodes, *s.endings] if k not in seen]


def outcome_label(ending: Ending, lang: Lang) -> str:
    return tr(lang, f"outcome.{ending.outcome.value}")


def compose_marks(node: Node, matcher: Matcher, lang: Lang) -> list[str]:
    """What some line of a compose turn sets, clears, breaks or says ("don't say")."""
    lines = [o for p in node.parts for o in p.options]

    def union(attr: str) -> list[str]:
        return list(dict.fromkeys(x for line in lines for x in getattr(line, attr)))

    facts = [f"+{f}" for f in union("set")] + [f"-{f}" for f in union("clear")]
    traps = list(dict.fromkeys(t for line in lines for t in _traps(line, matcher)))
    broken = [f"{BROKEN_MARK} {x}" for x in union("breaks")]
    marks = []
    for found in (facts, [f"{TRAP_MARK} {', '.join(traps)}"] if traps else [], broken):
        if found:
            marks.append(tr(lang, "graph.some_line", what=" ".join(found)))
    return marks


def _traps(choice: Choice, matcher: Matcher) -> tuple[str, ...]:
    found: list[str] = []
    for text in choice.says.both():
        for hit in matcher.match(text):
            if hit.kind == "dont_say" and hit.entry_id not in found:
                found.append(hit.entry_id)
    return tuple(found)


def node_marks(node: Node, lang: Lang, matcher: Matcher | None = None) -> list[str]:
    """What a node's box says besides its line: its variants, that it is a compose turn."""
    marks = []
    if node.says_variants or node.narration_variants:
        counts = []
        if node.says_variants:
            counts.append(tr(lang, "graph.says_variants", n=len(node.says_variants)))
        if node.narration_variants:
            counts.append(tr(lang, "graph.narration_variants", n=len(node.narration_variants)))
        marks.append(f"{VARIANT_MARK} " + ", ".join(counts))
    if node.parts:
        marks.append(f"{COMPOSE_MARK} " + tr(lang, "graph.compose", n=len(node.parts)))
        if matcher is not None:
            marks += compose_marks(node, matcher, lang)
    return marks


def ending_marks(ending: Ending, lang: Lang) -> list[str]:
    marks = []
    if ending.require:
        marks.append(tr(lang, "graph.require", facts=", ".join(ending.require)))
    if ending.says_variants:
        marks.append(f"{VARIANT_MARK} " + tr(lang, "graph.says_variants",
                                              n=len(ending.says_variants)))
    return marks


def _varies(node: Node | Ending) -> bool:
    return bool(node.says_variants or (isinstance(node, Node) and node.narration_variants))


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
    all_edges = edges(s, matcher)
    lost = unreachable(s, all_edges)
    lines = ["flowchart TD", f"    %% {s.id}: {_mermaid_text(s.title(lang))}"]
    lines += [f"    %% {line}" for line in legend_lines(s, lang, lost)]
    gone = [f"<i>{UNREACHABLE_MARK} {tr(lang, 'graph.unreachable')}</i>"]
    for nid, node in s.nodes.items():
        label = "<br/>".join([f"<b>{nid}</b>", _mermaid_text(_short(node.says(lang))),
                              *(f"<i>{_mermaid_text(m)}</i>" for m in node_marks(node, lang,
                                                                               matcher)),
                              *(gone if nid in lost else [])])
        lines.append(f'    {ids[nid]}["{label}"]')
    for eid, ending in s.endings.items():
        label = "<br/>".join([f"<b>{eid}</b> ({_mermaid_text(outcome_label(ending, lang))})",
                              _mermaid_text(_short(ending.title(lang))),
                              *(f"<i>{_mermaid_text(m)}</i>" for m in ending_marks(ending, lang)),
                              *(gone if eid in lost else [])])
        lines.append(f'    {ids[eid]}(["{label}"])')
    for e in all_edges:
        arrow = "-.->" if e.traps else "-->"
        lines.append(f'    {ids[e.source]} {arrow}|"{_mermaid_text(e.label(lang))}"| '
                     f"{ids[e.target]}")
    for i, e in enumerate(all_edges):
        extra = ",stroke-dasharray:5 5" if e.traps else ""
        width = 3 if e.breaks else 2
        lines.append(f"    linkStyle {i} stroke:{e.colour},stroke-width:{width}px,"
                     f"color:{e.colour}{extra}")
    lines.append("    classDef start stroke-width:4px")
    varied = [ids[k] for k in s.nodes if _varies(s.nodes[k])]
    varied += [ids[k] for k in s.endings if _varies(s.endings[k])]
    if varied:
        lines.append("    classDef variants stroke-dasharray:6 3")
        lines.append(f"    class {','.join(varied)} variants")
    composed = [ids[nid] for nid, node in s.nodes.items() if node.parts]
    if composed:
        lines.append(f"    classDef compose fill:{COMPOSE_FILL},color:#000")
        lines.append(f"    class {','.join(composed)} compose")
    for outcome in Outcome:
        lines.append(f"    classDef {outcome.value} fill:{OUTCOME_FILL[outcome]},"
                     f"stroke:{OUTCOME_STROKE[outcome]},color:#000")
        members = [ids[eid] for eid, e in s.endings.items() if e.outcome is outcome]
        if members:
            lines.append(f"    class {','.join(members)} {outcome.value}")
    if lost:
        lines.append(f"    classDef unreachable fill:{UNREACHABLE_FILL},stroke:{UNREACHABLE},"
                     "stroke-dasharray:2 2,color:#666666")
        lines.append(f"    class {','.join(ids[k] for k in lost)} unreachable")
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
    all_edges = edges(s, matcher)
    lost = unreachable(s, all_edges)
    gone = [f"{UNREACHABLE_MARK} {tr(lang, 'graph.unreachable')}"]
    for nid, node in s.nodes.items():
        width = ", penwidth=3" if nid == s.start else ""
        style = "rounded,filled" + (",dotted" if nid in lost else
                                    ",dashed" if _varies(node) else "")
        fill = (f", fillcolor=\"{UNREACHABLE_FILL}\", color=\"{UNREACHABLE}\", "
                "fontcolor=\"#666666\"" if nid in lost else
                f", fillcolor=\"{COMPOSE_FILL}\"" if node.parts else "")
        label = "\n".join([nid, _short(node.says(lang)), *node_marks(node, lang, matcher),
                           *(gone if nid in lost else [])])
        lines.append(f"    {ids[nid]} [label={_dot(label)}, style=\"{style}\"{fill}{width}];")
    for eid, ending in s.endings.items():
        o = ending.outcome
        label = "\n".join([f"{eid} ({outcome_label(ending, lang)})", _short(ending.title(lang)),
                           *ending_marks(ending, lang), *(gone if eid in lost else [])])
        style = "filled" + (",dotted" if eid in lost else ",dashed" if _varies(ending) else "")
        lines.append(f"    {ids[eid]} [label={_dot(label)}, shape=box, style=\"{style}\", "
                     f"fillcolor=\"{OUTCOME_FILL[o]}\", color=\"{OUTCOME_STROKE[o]}\", "
                     "penwidth=2];")
    for e in all_edges:
        style = ", style=dashed, penwidth=2" if e.traps else ", penwidth=2" if e.breaks else ""
        lines.append(f"    {ids[e.source]} -> {ids[e.target]} [label={_dot(e.label(lang))}, "
                     f"color=\"{e.colour}\", fontcolor=\"{e.colour}\"{style}];")
    # the legend: what the colours and marks mean, as one table
    keys = [(STEP_COLOURS.get(sid, NO_STEP), f"{sid}: {steps.get(sid).name(lang)}")
            for sid in steps.ids()]
    keys += [(NO_STEP, tr(lang, "graph.no_step"))]
    keys += [(TRAP if ("✗" in line or TRAP_MARK in line) else
              COMPOSE if COMPOSE_MARK in line else
              UNREACHABLE if UNREACHABLE_MARK in line else "#000000", line)
             for line in legend_lines(s, lang, lost)]
    keys += [(OUTCOME_STROKE[o], tr(lang, "graph.legend_ending",
                                    outcome=tr(lang, f"outcome.{o.value}")))
             for o in Outcome if any(e.outcome is o for e in s.endings.values())]
    keys += [("#000000", tr(lang, "graph.legend_start"))]
    rows = "".join(f'<tr><td align="left"><font color="{colour}">{_html(text)}</font></td></tr>'
                   for colour, text in keys)
    lines.append(f'    legend [shape=plain, fontsize=9, label=<<table border="1" '
                 f'cellborder="0" color="#cccccc">{rows}</table>>];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def legend_lines(s: Scenario, lang: Lang, lost: list[str] | None = None) -> list[str]:
    """What the marks mean: the trap always, the format-2 marks when the scenario has them, the
    unreachable mark when something is (`lost`)."""
    out = [tr(lang, "graph.legend_trap", mark=TRAP_MARK)]
    nodes = list(s.nodes.values())
    if any(c.routes for n in nodes for c in n.choices):
        out.append(tr(lang, "graph.legend_route", otherwise=tr(lang, "graph.otherwise")))
    if any(c.set or c.clear for n in nodes for c in n.choices):
        out.append(tr(lang, "graph.legend_facts"))
    if s.lessons:
        out.append(tr(lang, "graph.legend_broken", mark=BROKEN_MARK))
    if any(map(_varies, nodes)) or any(map(_varies, s.endings.values())):
        out.append(tr(lang, "graph.legend_variants", mark=VARIANT_MARK))
    if any(n.parts for n in nodes):
        out.append(tr(lang, "graph.legend_compose", mark=COMPOSE_MARK))
    if any(e.require for e in s.endings.values()):
        out.append(tr(lang, "graph.legend_require"))
    if lost:
        out.append(tr(lang, "graph.legend_unreachable", mark=UNREACHABLE_MARK))
    return out
