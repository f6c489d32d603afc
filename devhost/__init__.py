"""Local host for the Functions app: `python -m devhost start`, or `devhost.Host` in-process.

`Host` is imported lazily so `devhost.services` (used by test fixtures and other tools) stays
cheap to import.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Host", "HostProcess"]


def __getattr__(name: str) -> Any:
    if name == "Host":
        from devhost.host import Host

        return Host
    if name == "HostProcess":
        from devhost.process import HostProcess

        return HostProcess
    raise AttributeError(name)
