"""Where a build's time goes: a stopwatch that names each step (shown with ``ANALYSIS_TIMINGS=1``)."""

from __future__ import annotations

import time


class Laps:
    """Seconds per named step, each step timed from the end of the one before."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._mark = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self._mark
        self._mark = now
