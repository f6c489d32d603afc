"""Per-instance replay bookkeeping, persisted with the instance row.

The SDK numbers tasks as they are yielded; the host must hand out the same sequence ids when it
turns new actions into history events. This record is what the host remembers between episodes
to do that: the next id, how many action leaves it has already scheduled, which tasks are still
open (they keep a finished orchestrator Running, as in DTFx), and the state of each retry loop.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RetryLoop:
    """One `call_*_with_retry`: what to call again and how many attempts were made."""

    kind: str  # "activity" or "sub"
    name: str
    input: str | None
    options: dict[str, Any]
    attempt: int = 1
    instance_id: str | None = None  # fixed child id of a sub-orchestration, if any

    def delay_ms(self) -> float:
        """Back-off before the next attempt: first * coefficient^(attempt-1), capped."""
        first = float(self.options.get("firstRetryIntervalInMilliseconds", 1000))
        coefficient = float(self.options.get("backoffCoefficient", 1.0))
        cap = float(self.options.get("maxRetryIntervalInMilliseconds", 6 * 86_400_000))
        return min(first * coefficient ** (self.attempt - 1), cap)

    @property
    def exhausted(self) -> bool:
        return self.attempt >= int(self.options.get("maxNumberOfAttempts", 1))


@dataclass
class Progress:
    """Replay state of the current execution; see the module docstring."""

    next_id: int = 0
    leaf_cursor: int = 0
    open: dict[str, str] = field(default_factory=dict)  # task id -> kind
    timer_leaves: dict[str, int] = field(default_factory=dict)  # action leaf index -> timer id
    retries: dict[str, RetryLoop] = field(default_factory=dict)  # loop key -> loop
    retry_ids: dict[str, list[str]] = field(default_factory=dict)  # task id -> [key, role]

    def allocate(self) -> int:
        task_id = self.next_id
        self.next_id += 1
        return task_id

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Progress:
        data = dict(data)
        data["retries"] = {k: RetryLoop(**v) for k, v in data.get("retries", {}).items()}
        return cls(**data)
