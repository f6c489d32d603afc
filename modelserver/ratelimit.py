"""Requests-per-minute limits per deployment, as Azure OpenAI quotas throttle them.

A sliding window (a minute unless configured) per model: the app's retries and its cap on
parallel transcriptions meet real 429s locally.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from modelserver.errors import rate_limited


class RateLimiter:
    """`check(model, ...)` admits a request or raises the 429 `APIError` with `Retry-After`.

    `limits` is keyed by served model name (the registry maps aliases in settings to it).
    """

    def __init__(self, limits: dict[str, int], window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = dict(limits)
        self._window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {name: deque() for name in self._limits}
        self._lock = threading.Lock()

    def check(self, model: str, shown_as: str) -> None:
        """Admit one request to `model` (its served name; aliases share its window)."""
        if model not in self._limits:
            return
        limit, seen = self._limits[model], self._seen[model]
        with self._lock:
            now = self._clock()
            while seen and now - seen[0] >= self._window:
                seen.popleft()
            if len(seen) < limit:
                seen.append(now)
                return
            wait = self._window - (now - seen[0])
        raise rate_limited(shown_as, max(1, math.ceil(wait)))
