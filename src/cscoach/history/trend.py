"""Scores over time per trainee, for the report's page, grouped in SQL where the tally is.

The period from the first to the last finished drill is cut into `BUCKETS` equal slices; each
trainee gets one point per slice that holds a drill of theirs: the mean score of those drills,
when they were finished (the mean moment), how many there were and how many passed. A slice
with one drill is that drill exactly. So the chart holds at most trainees x BUCKETS points,
and Python sees no more rows than that, whatever the number of attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cscoach.history.tally import Tally
from cscoach.plain import visible

BUCKETS = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DRILLS = "kind = 'play' AND status = 'completed' AND score IS NOT NULL"


@dataclass(frozen=True, slots=True)
class Point:
    when: datetime  # UTC
    score: int  # the mean of `drills` scores, rounded
    drills: int
    passed: int


def _moment(seconds: float) -> datetime:
    return _EPOCH + timedelta(seconds=round(seconds, 3))


def _grouped(tally: Tally, buckets: int, by_trainee: bool) -> dict[str, list[Point]]:
    # julianday() reads the stored ISO 8601 times (with their 'Z'); seconds since 1970
    seconds = "(julianday(finished_at) - 2440587.5) * 86400.0"
    first, last = tally.db.execute(
        f"SELECT min({seconds}), max({seconds}) FROM attempts WHERE {_DRILLS}").fetchone()
    if first is None:
        return {}
    span = (last - first) or 1.0
    who = "trainee" if by_trainee else "''"
    series: dict[str, list[Point]] = {}
    for trainee, mean_at, mean_score, drills, passed in tally.db.execute(
            f"SELECT {who}, avg({seconds}), avg(score), count(*), "
            f"count(*) FILTER (WHERE passed) FROM attempts WHERE {_DRILLS} "
            f"GROUP BY {who}, min(CAST(({seconds} - ?) / ? * ? AS INTEGER), ? - 1) "
            f"ORDER BY 1, 2", (first, span, buckets, buckets)):
        series.setdefault(visible(trainee), []).append(
            Point(_moment(mean_at), round(mean_score), drills, passed))
    return series


def score_series(tally: Tally, buckets: int = BUCKETS) -> dict[str, list[Point]]:
    """Each trainee's finished drills in time order, at most `buckets` points each."""
    return _grouped(tally, buckets, True)


def team_series(tally: Tally, buckets: int = BUCKETS) -> list[Point]:
    """The whole team's finished drills the same way: the mean of every drill in each slice."""
    return _grouped(tally, buckets, False).get("", [])
