"""A live progress line for a build on a terminal: below the build's ordinary lines, one line redrawn every
half second with how many briefings are done, the time so far and an estimate of the time left.

It reads the build's own lines ("building 37 briefing(s) ...", "... [12/37, ...]"), so the build says
nothing twice and the lines stay the same when output goes to a file, a pipe or CI, where there is no live
line at all.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import TextIO

_START = re.compile(r"^building (\d+) briefing")
_DONE = re.compile(r"\[(\d+)/(\d+)")


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


class LiveLine:
    """``say`` prints a build line above the live line; ``close`` removes the live line."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic, interval: float = 0.5) -> None:
        self.stream, self.clock, self.interval = stream, clock, interval
        self.total = self.done = 0
        self.started: float | None = None
        self.last: float | None = None  # when the last briefing finished
        self.shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def status(self) -> str:
        """The live line's text, or '' when no build is running."""
        if self.started is None or not self.total or self.done >= self.total:
            return ""
        now = self.clock()
        elapsed = now - self.started
        left = ""
        if self.done and self.last is not None:  # the pace so far, counted down since the last briefing finished
            pace = (self.last - self.started) / self.done
            left = f", about {_clock(max(0.0, pace * (self.total - self.done) - (now - self.last)))} left"
        return f"building: {self.done}/{self.total} done, {_clock(elapsed)} so far{left}"

    def _draw(self) -> None:
        text = self.status()
        if text or self.shown:
            self.stream.write("\r\033[K" + text)
            self.stream.flush()
            self.shown = bool(text)

    def say(self, line: str) -> None:
        with self._lock:
            if self.shown:
                self.stream.write("\r\033[K")
                self.shown = False
            self.stream.write(line + "\n")
            if m := _START.match(line):
                self.total, self.done, self.started = int(m.group(1)), 0, self.clock()
                self._ensure_thread()
            elif m := _DONE.search(line):
                self.done, self.last = int(m.group(1)), self.clock()
            self._draw()

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                self._draw()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            if self.shown:
                self.stream.write("\r\033[K")
                self.stream.flush()
                self.shown = False
