"""A budget of CPU cores shared by both models, so concurrent requests queue instead of
oversubscribing the machine (two transcriptions on one core each, or one chat on all)."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class CoreBudget:
    """Counts free cores; `use(n)` waits its turn (first come, first served) until n are free."""

    def __init__(self, cores: int) -> None:
        self.cores = max(1, cores)
        self._free = self.cores
        self._cond = threading.Condition()
        self._queue: deque[int] = deque()
        self._tickets = itertools.count()

    @contextmanager
    def use(self, n: int) -> Iterator[None]:
        n = min(max(1, n), self.cores)
        with self._cond:
            ticket = next(self._tickets)
            self._queue.append(ticket)
            self._cond.wait_for(lambda: self._queue[0] == ticket and self._free >= n)
            self._queue.popleft()
            self._free -= n
            self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._free += n
                self._cond.notify_all()
