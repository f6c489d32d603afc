"""Orchestration versioning as host.json configures it (`defaultVersion`, `versionMatchStrategy`,
`versionFailureStrategy`): which instances this host may run, compared the documented way.

Comparison rules (Durable Functions "Orchestration versioning" docs): empty or null versions are
equal; an empty version is older than any defined one; two versions that both parse as .NET
`System.Version` (2 to 4 dot-separated non-negative integers) compare component-wise, a missing
component being older than any present one; anything else compares as case-insensitive text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SYSTEM_VERSION = re.compile(r"^\d+(\.\d+){1,3}$")
STRATEGIES = ("None", "Strict", "CurrentOrOlder")
FAILURES = ("Reject", "Fail")


def _parts(version: str) -> tuple[int, ...] | None:
    text = version.strip()
    if not _SYSTEM_VERSION.match(text):
        return None
    numbers = [int(p) for p in text.split(".")]
    return tuple(numbers + [-1] * (4 - len(numbers)))  # System.Version: undefined is -1


def compare(left: str | None, right: str | None) -> int:
    """-1, 0 or 1 as `left` is older than, equal to or newer than `right`."""
    left, right = left or "", right or ""
    if not left or not right:
        return (left > "") - (right > "")
    a, b = _parts(left), _parts(right)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    x, y = left.lower(), right.lower()
    return (x > y) - (x < y)


@dataclass(frozen=True)
class VersionPolicy:
    """host.json's versioning settings; `default` is what new instances get."""

    default: str = ""
    match: str = "CurrentOrOlder"
    failure: str = "Reject"

    def __post_init__(self) -> None:
        if self.match not in STRATEGIES:
            raise ValueError(f"versionMatchStrategy must be one of {', '.join(STRATEGIES)}")
        if self.failure not in FAILURES:
            raise ValueError(f"versionFailureStrategy must be one of {', '.join(FAILURES)}")

    def mismatch(self, instance_version: str | None) -> str | None:
        """Why this host must not run an instance of that version (None when it may)."""
        if not self.default or self.match == "None":
            return None
        order = compare(instance_version, self.default)
        refused = order != 0 if self.match == "Strict" else order > 0
        if refused:
            return (f"The orchestration version '{instance_version or ''}' does not match the "
                    f"worker version '{self.default}' (versionMatchStrategy {self.match}).")
        return None
