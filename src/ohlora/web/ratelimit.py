"""Per-key token buckets (per user for chat and API calls, per address for new identities)."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
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
        now = self._now()
        with self._lock:
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
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            if rule.per_second <= 0:
                return math.inf
            return (1.0 - bucket.tokens) / rule.per_second
