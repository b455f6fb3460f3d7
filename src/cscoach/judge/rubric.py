"""Every number a score is made of, in one place (docs/scoring.md explains each)."""

from __future__ import annotations

from dataclasses import dataclass

from cscoach.content.model import Outcome


@dataclass(frozen=True, slots=True)
class Rubric:
    """Every number the score is made of (100 in all for a perfect drill)."""

    step_points: int = 5  # each of the seven steps performed: 35 in all
    order_base: int = 15  # taken away by the three order faults below
    resolve_before_listen: int = 5
    resolve_before_ask: int = 5
    no_check_after_resolve: int = 5
    language_base: int = 15
    dont_say_penalty: int = 10  # each "don't say" used
    say_instead_credit: int = 5  # each "say instead" used ...
    say_instead_cap: int = 10  # ... up to this much
    outcome_points: tuple[tuple[Outcome, int], ...] = (
        (Outcome.GOOD, 15), (Outcome.PARTIAL, 7), (Outcome.BAD, 0))
    mood_point_per_level: int = 1  # final mood -5..+5 gives 0..10
    weak_margin: int = 5  # a choice is weak when the best path after it is this much worse


RUBRIC = Rubric()
