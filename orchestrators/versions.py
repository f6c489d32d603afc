"""Orchestration versions: which code path an instance replays (Durable orchestration versioning).

`ORCHESTRATION_VERSION` equals `extensions.durableTask.defaultVersion` in host.json (a test
checks): the extension stamps it on every new instance (`ExecutionStarted.Version`), and
`context.version` gives it back on every replay. Instances started before versioning existed
have no version ("" or None): they replay the code that started them (`orchestrators/legacy.py`),
because a replay must schedule exactly what the first run scheduled. docs/deploy.md has the
procedure for the next breaking change.
"""

from __future__ import annotations

ORCHESTRATION_VERSION = "2.0"


def is_legacy(version: str | None) -> bool:
    """True for an instance started before orchestration versioning (no version stamped)."""
    return not version
