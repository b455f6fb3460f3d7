"""The answer clock of a timed prompt: it starts when the question is drawn, stands still while
the facilitator pauses it, and stops at the instant an answer is given. Pure (the time source is
injected), so its rules are tested without a terminal or a sleep."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class Clock:
    """`seconds` of answering time, counted by `now` (time.monotonic unless a test gives one).

    Only running time counts: nothing before `start()`, nothing while paused, nothing after
    `stop()`."""

    def __init__(self, seconds: float, now: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._now = now
        self._start: float | None = None  # when the question was first drawn
        self._held = 0.0  # seconds spent paused, pauses that ended
        self._since: float | None = None  # when the running pause began
        self._stopped: float | None = None  # seconds spent, frozen by stop()

    @property
    def started(self) -> bool:
        return self._start is not None

    @property
    def paused(self) -> bool:
        return self._since is not None

    @property
    def running(self) -> bool:
        return self.started and not self.paused and self._stopped is None

    def start(self) -> None:
        """Start counting (a second call, e.g. a redraw, changes nothing)."""
        if self._start is None:
            self._start = self._now()

    def toggle(self) -> bool:
        """Pause a running clock, or run a paused one again; True when it is now paused. A
        clock not started yet or already stopped does not pause."""
        if self._since is not None:
            self._held += self._now() - self._since
            self._since = None
        elif self.running:
            self._since = self._now()
        return self.paused

    def spent(self) -> float:
        """Seconds of running time so far (at most the whole time once stopped at its end)."""
        if self._stopped is not None:
            return self._stopped
        if self._start is None:
            return 0.0
        now = self._now()
        held = self._held + (now - self._since if self._since is not None else 0.0)
        return max(0.0, now - self._start - held)

    def left(self) -> float:
        return max(0.0, self.seconds - self.spent())

    def shown(self) -> int:
        """The whole seconds to show: 3 while 2.01 s are left, 0 only when the time is up."""
        return max(0, math.ceil(self.left() - 1e-9))

    def expired(self) -> bool:
        return self.running and self.spent() >= self.seconds

    def stop(self) -> float:
        """Freeze the clock at this instant (an answer came, or the time ran out); the seconds
        taken, never more than the whole time. A paused clock stops at its pause."""
        if self._stopped is None:
            self._stopped = min(self.seconds, self.spent())
        return self._stopped
