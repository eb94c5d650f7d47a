"""Per-key token buckets (per user for chat and API calls, per address for new identities and chat turns)."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from ohlora.web.options import RateRule


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """`take(key, rule)` spends one token; when none is left it returns the seconds to wait.

    Buckets are kept for the `max_keys` most recent keys (a full bucket is the same as none).
    """

    def __init__(self, now: Callable[[], float], max_keys: int = 10_000):
        self._now = now
        self._max_keys = max_keys
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Hashable, rule: RateRule) -> float:
        """0.0 when allowed (a token is spent), else how many seconds until one is available."""
        return self.take_all(((key, rule),))

    def take_all(self, limits: Iterable[tuple[Hashable, RateRule]]) -> float:
        """One token from each bucket, or none at all: 0.0 when every bucket had one (all are spent),
        else the seconds until the slowest of them has one (nothing is spent)."""
        now = self._now()
        with self._lock:
            buckets = [(self._refill(key, rule, now), rule) for key, rule in limits]
            wait = max((self._wait(bucket, rule) for bucket, rule in buckets), default=0.0)
            if wait == 0.0:
                for bucket, _rule in buckets:
                    bucket.tokens -= 1.0
            return wait

    def _refill(self, key: Hashable, rule: RateRule, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(rule.burst), now)
        else:
            elapsed = max(0.0, now - bucket.at)
            bucket.tokens = min(float(rule.burst), bucket.tokens + elapsed * rule.per_second)
            bucket.at = now
        self._buckets.move_to_end(key)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return bucket

    @staticmethod
    def _wait(bucket: _Bucket, rule: RateRule) -> float:
        if bucket.tokens >= 1.0:
            return 0.0
        if rule.per_second <= 0:
            return math.inf
        return (1.0 - bucket.tokens) / rule.per_second
