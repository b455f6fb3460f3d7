"""A trainer's report as one self-contained HTML page, its charts drawn here as inline SVG.

Nothing is fetched when the page is viewed: the CSS is inline, the charts are SVG written by
this module (no chart library, no script), and a Content-Security-Policy forbids any request,
so the file can be mailed or opened from a shared drive on a closed network. Charts, where
people would rather look than read:

- scores over time, a line per trainee (dots: passed filled, failed hollow);
- the seven steps per trainee as a heat map (red under 50, yellow under 80, green);
- the hardest choices: how often each decision point ended in a trap, with the trap picked most;
- pass rates per scenario.

Every text shown comes from the history or the content and is escaped; control characters are
dropped, so a crafted export cannot break out of the page.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cscoach.content.model import Lang, StepCatalog
from cscoach.i18n import tr

if TYPE_CHECKING:
    from cscoach.history.trend import Point

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FONTS = ('system-ui, "Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "Apple SD Gothic Neo", '
         '"Malgun Gothic", sans-serif')
CSS = """
body{font-family:%s;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;
background:#fff;line-height:1.45}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#555;margin:0 0 1rem}.figures{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.figure{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;min-width:8rem}
.figure b{display:block;font-size:1.5rem}
svg{width:100%%;height:auto;display:block}svg text{font-family:%s}
.empty{color:#777;font-style:italic}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}th{background:#f4f4f4}
footer{margin-top:2rem;color:#777;font-size:.8rem}
.partial{background:#fff3cd;border:2px solid #e0a800;padding:.6rem 1rem;font-weight:bold}
""" % (FONTS, FONTS)  # noqa: UP031 - the CSS braces would all need doubling in an f-string


def fit(value: object, units: int) -> str:
    """Text cut to `units` half-width cells (a Hangul syllable takes two), with an ellipsis:
    SVG text does not wrap, and a long label would run into its bar."""
    text = _CONTROL.sub("", "" if value is None else str(value))
    used = 0
    for i, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used > units:
            return text[:max(i - 1, 0)] + "…"
    return text


def clean(value: object) -> str:
    """Text for the page: control and direction characters dropped, then HTML-escaped."""
    return html.escape(_CONTROL.sub("", "" if value is None else str(value)))


def _level_colour(level: int) -> str:
    """Red under 50, yellow under 80, green from 80 (the terminal report's bands), lighter for
    a lower level inside each band."""
    if level < 50:
        return "#f4a6a6" if level < 25 else "#f8c4a4"
    if level < 80:
        return "#fbe49b"
    return "#b7e1a1" if level < 90 else "#7cc47f"


CROWD = len(PALETTE)  # more trainees than colours: a grey line each, the team's mean on top
TEAM, GREY = "#222222", "#c8c8c8"


def _dots(points: Sequence[Point], who: str, colour: str, lang: Lang, x: Any, y: Any) -> str:
    out = []
    for p in points:  # filled: passed (most of the drills of a point passed)
        said = tr(lang, "html.point", trainee=who, when=f"{p.when:%Y-%m-%d %H:%M}",
                  score=p.score, drills=p.drills, passed=p.passed)
        out.append(f'<circle cx="{x(p.when):.1f}" cy="{y(p.score):.1f}" r="4" '
                   f'stroke="{colour}" stroke-width="2" '
                   f'fill="{colour if 2 * p.passed > p.drills else "#fff"}">'
                   f'<title>{clean(said)}</title></circle>')
    return "".join(out)


def _legend(i: int, colour: str, text: str, width: int, right: int, top: int) -> str:
    legend_y = top + 14 + 18 * i
    return (f'<rect x="{width - right + 16}" y="{legend_y - 9}" width="12" height="12" '
            f'fill="{colour}"/><text x="{width - right + 34}" y="{legend_y + 2}" '
            f'font-size="13">{clean(fit(text, 22))}</text>')


def scores_chart(series: dict[str, list[Point]], lang: Lang,
                 team: Sequence[Point] = ()) -> str:
    """A line per trainee; with more trainees than colours (CROWD), each a thin grey line and
    the team's mean (`team`) drawn over them, so the chart still says something."""
    if not series:
        return f'<p class="empty">{clean(tr(lang, "html.no_drills"))}</p>'
    width, height, left, right, top, bottom = 960, 320, 48, 170, 16, 40
    moments = [p.when for points in series.values() for p in points]
    first, last = min(moments), max(moments)
    span = (last - first).total_seconds() or 1.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(when: datetime) -> float:
        if first == last:
            return left + plot_w / 2
        return left + plot_w * (when - first).total_seconds() / span

    def y(score: int) -> float:
        return top + plot_h * (1 - max(0, min(100, score)) / 100)

    out = [f'<svg id="chart-scores" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{clean(tr(lang, "html.scores"))}">']
    for score in (0, 25, 50, 75, 100):
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(score):.1f}" '
                   f'y2="{y(score):.1f}" stroke="#e5e5e5"/>'
                   f'<text x="{left - 6}" y="{y(score) + 4:.1f}" font-size="12" '
                   f'text-anchor="end" fill="#555">{score}</text>')
    ticks = [first] if first == last else [first + (last - first) * i / 4 for i in range(5)]
    label = "%Y-%m-%d" if span >= 4 * 86400 else "%m-%d %H:%M"
    for i, when in enumerate(ticks):
        anchor = "middle" if len(ticks) == 1 or 0 < i < 4 else "start" if i == 0 else "end"
        out.append(f'<line x1="{x(when):.1f}" x2="{x(when):.1f}" y1="{top}" '
                   f'y2="{top + plot_h}" stroke="#f0f0f0"/><text x="{x(when):.1f}" '
                   f'y="{height - bottom + 18}" font-size="12" text-anchor="{anchor}" '
                   f'fill="#555">{when.strftime(label)}</text>')
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 4}" font-size="12" '
               f'text-anchor="middle" fill="#555">{clean(tr(lang, "html.when"))}</text>')
    crowded = len(series) > CROWD and bool(team)
    for i, (trainee, points) in enumerate(series.items()):
        colour = GREY if crowded else PALETTE[i % len(PALETTE)]
        coords = " ".join(f"{x(p.when):.1f},{y(p.score):.1f}" for p in points)
        out.append(f'<g class="trainee" data-trainee="{clean(trainee)}">')
        if crowded:
            out.append(f"<title>{clean(trainee)}</title>")
        if len(points) > 1:
            out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                       f'stroke-width="{1 if crowded else 2}"/>')
        if not crowded:
            out.append(_dots(points, trainee, colour, lang, x, y))
            if top + 14 + 18 * i < height - bottom:
                out.append(_legend(i, colour, trainee, width, right, top))
        out.append("</g>")
    if crowded:
        coords = " ".join(f"{x(p.when):.1f},{y(p.score):.1f}" for p in team)
        out.append('<g class="team">')
        if len(team) > 1:
            out.append(f'<polyline points="{coords}" fill="none" stroke="{TEAM}" '
                       'stroke-width="3"/>')
        out.append(_dots(team, tr(lang, "html.team"), TEAM, lang, x, y))
        out.append(_legend(0, TEAM, tr(lang, "html.team"), width, right, top))
        out.append(_legend(1, GREY, tr(lang, "html.each", n=len(series)), width, right, top))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def heat_map(rows: Sequence[dict[str, Any]], steps: StepCatalog, lang: Lang) -> str:
    if not rows:
        return f'<p class="empty">{clean(tr(lang, "html.no_drills"))}</p>'
    names = [s.name(lang) for s in steps.steps]
    label_w, cell_w, cell_h, head_h = 170, 100, 30, 58
    width = label_w + cell_w * len(names) + 140
    height = head_h + cell_h * len(rows) + 10
    out = [f'<svg id="chart-steps" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{clean(tr(lang, "html.steps"))}">']
    for j, (step, name) in enumerate(zip(steps.steps, names, strict=True)):
        cx = label_w + cell_w * j + cell_w / 2
        out.append(f'<text x="{cx}" y="{head_h - 26}" font-size="12" text-anchor="middle" '
                   f'fill="#555">{step.order}</text><text x="{cx}" y="{head_h - 10}" '
                   f'font-size="12" text-anchor="middle">{clean(fit(name, 16))}</text>')
    out.append(f'<text x="{label_w + cell_w * len(names) + 70}" y="{head_h - 10}" '
               f'font-size="12" text-anchor="middle">{clean(tr(lang, "report.mean"))}</text>')
    for i, row in enumerate(rows):
        top = head_h + cell_h * i
        out.append(f'<text x="{label_w - 8}" y="{top + 20}" font-size="13" text-anchor="end">'
                   f'{clean(fit(row["trainee"], 24))}</text>')
        for j, step in enumerate(steps.steps):
            level = row.get(step.id)
            fill = "#eeeeee" if level is None else _level_colour(level)
            shown = "-" if level is None else str(level)
            out.append(f'<rect class="cell" x="{label_w + cell_w * j + 1}" y="{top + 1}" '
                       f'width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}">'
                       f'<title>{clean(row["trainee"])} · {clean(step.name(lang))} · '
                       f'{shown}</title></rect><text x="{label_w + cell_w * j + cell_w / 2}" '
                       f'y="{top + 20}" font-size="13" text-anchor="middle">{shown}</text>')
        mean = "-" if row.get("mean_score") is None else str(row["mean_score"])
        out.append(f'<text x="{label_w + cell_w * len(names) + 70}" y="{top + 20}" '
                   f'font-size="13" text-anchor="middle">{mean}</text>')
    out.append("</svg>")
    return "".join(out)


def _bars(chart_id: str, label: str, items: Sequence[tuple[str, str, int | None]],
          colour: str) -> str:
    """Horizontal bars 0-100%: (label, the line under it, percent)."""
    label_w, bar_w, row_h = 330, 520, 44
    width, height = label_w + bar_w + 70, row_h * len(items) + 10
    out = [f'<svg id="{chart_id}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{clean(label)}">']
    for i, (name, under, pct) in enumerate(items):
        top = 6 + row_h * i
        value = pct or 0
        out.append(f'<text x="0" y="{top + 15}" font-size="13">{clean(fit(name, 46))}</text>'
                   f'<text x="0" y="{top + 32}" font-size="11" fill="#666">'
                   f'{clean(fit(under, 58))}</text>'
                   f'<rect x="{label_w}" y="{top + 4}" width="{bar_w}" height="24" '
                   f'fill="#f1f1f1"/><rect class="bar" x="{label_w}" y="{top + 4}" '
                   f'width="{bar_w * value / 100:.1f}" height="24" fill="{colour}"/>'
                   f'<text x="{label_w + bar_w + 8}" y="{top + 21}" font-size="13">'
                   f'{"-" if pct is None else f"{pct}%"}</text>')
    out.append("</svg>")
    return "".join(out)


def _place(row: dict[str, Any], lang: Lang) -> str:
    """Which pack and, once the scenario has changed, which version a row is of (a changed
    scenario's attempts are rows of their own: history/versions.py); empty for the shipped
    library's scenarios as first played."""
    notes = []
    if row.get("pack"):
        notes.append(tr(lang, "hist.pack", name=row["pack"]))
    if (row.get("versions") or 1) > 1 or (row.get("version") or 1) > 1:
        notes.append(tr(lang, "html.version", n=row["version"]))
    return " · ".join(notes)


def hardest_chart(rows: Sequence[dict[str, Any]], lang: Lang) -> str:
    if not rows:
        return f'<p class="empty">{clean(tr(lang, "report.no_traps"))}</p>'
    items = [(f"{r['scenario']} · {r['node']}",
              " · ".join(filter(None, (_place(r, lang), f"{r['top_trap']}) "
                                       f"{r['top_trap_text'].get(lang, '')}"))), r["trap_rate"])
             for r in rows]
    chart = _bars("chart-hardest", tr(lang, "html.hardest"), items, "#d9534f")
    table = ["<table><tr>", *(f"<th>{clean(tr(lang, k))}</th>" for k in (
        "report.where", "report.trapped", "report.top_trap")), "</tr>"]
    for r in rows:
        place = _place(r, lang)
        table.append(f"<tr><td>{clean(r['scenario'])}<br><small>{clean(r['node'])}"
                     + (f"<br>{clean(place)}" if place else "") + "</small></td>"
                     f"<td>{r['trap_rate']}% ({clean(tr(lang, 'report.trainees_trapped', n=r['trainees_trapped'], of=r['trainees']))})</td>"  # noqa: E501
                     f"<td>{r['top_trap']}) {clean(r['top_trap_text'].get(lang, ''))}"
                     + (f"<br><small>{clean(', '.join(r['dont_say']))}</small>"
                        if r["dont_say"] else "") + "</td></tr>")
    table.append("</table>")
    return chart + "".join(table)


def pass_chart(rows: Sequence[dict[str, Any]], lang: Lang) -> str:
    if not rows:
        return f'<p class="empty">{clean(tr(lang, "html.no_drills"))}</p>'
    items = [((r.get("title") or {}).get(lang) or r["scenario"],
              " · ".join(filter(None, (_place(r, lang), tr(
                  lang, "html.pass_line", scenario=r["scenario"], passed=r["passed"],
                  attempts=r["attempts"], mean="-" if r["mean_score"] is None
                  else r["mean_score"])))), r["pass_rate"]) for r in rows]
    return _bars("chart-pass", tr(lang, "html.pass"), items, "#4a90d9")


def page(data: dict[str, Any], series: dict[str, list[Point]] | None, steps: StepCatalog,
         lang: Lang, only: str | None = None, team: Sequence[Point] = (),
         partial: str | None = None) -> str:
    """The whole page. `data` is the report (`history.tally.Tally.report`), `series` the scores
    over time (`history.trend.score_series`: a few points per trainee, whatever the number of
    attempts) and `team` the team's mean the same way (`history.trend.team_series`)."""
    from cscoach import __version__

    series = series or {}
    moments = [p.when for points in series.values() for p in points]
    title = tr(lang, "html.title")
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
             'style-src \'unsafe-inline\'; img-src data:">'
             '<meta name="viewport" content="width=device-width, initial-scale=1">'
             f"<title>{clean(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{clean(title)}</h1>"]
    if partial is not None:  # a report the LRS cut short (--allow-partial)
        parts.append(f'<p class="partial" role="alert">{clean(partial)}</p>')
    if moments:
        parts.append(f'<p class="meta">{clean(tr(lang, "html.period", first=f"{min(moments):%Y-%m-%d}", last=f"{max(moments):%Y-%m-%d}"))}</p>')  # noqa: E501
    parts.append('<div class="figures">')
    for key, value in (("report.trainees", len(data.get("trainees", []))),
                       ("html.attempts", data.get("attempts", 0))):
        parts.append(f'<div class="figure"><b>{value}</b>{clean(tr(lang, key))}</div>')
    parts.append("</div>")
    if only in (None, "steps"):
        parts.append(f'<section id="scores"><h2>{clean(tr(lang, "html.scores"))}</h2>'
                     f"{scores_chart(series, lang, team)}</section>")
        parts.append(f'<section id="steps"><h2>{clean(tr(lang, "html.steps"))}</h2>'
                     f'{heat_map(data.get("steps", []), steps, lang)}</section>')
    if only in (None, "hardest"):
        parts.append(f'<section id="hardest"><h2>{clean(tr(lang, "html.hardest"))}</h2>'
                     f'{hardest_chart(data.get("hardest", []), lang)}</section>')
    if only in (None, "scenarios"):
        parts.append(f'<section id="pass"><h2>{clean(tr(lang, "html.pass"))}</h2>'
                     f'{pass_chart(data.get("scenarios", []), lang)}</section>')
    parts.append(f"<footer>cscoach {__version__} · {clean(tr(lang, 'html.footer'))}</footer>"
                 "</body></html>\n")
    return "".join(parts)
