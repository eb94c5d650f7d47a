"""Clocks. Behaviour that depends on time takes a clock, so tests can fix time."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Local wall-clock time, naive (the original has no time-zone handling)."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary start, for measuring durations."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now()

    def monotonic(self) -> float:
        return time.monotonic()


@dataclass
class ManualClock:
    """A clock that moves only when told to (tests, replay, `--now`)."""

    current: datetime
    _mono: float = field(default=0.0)

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.current = self.current + timedelta(seconds=seconds)
        self._mono += seconds
