"""Orchestration versions: which code path an instance replays (Durable orchestration versioning).

`ORCHESTRATION_VERSION` equals `extensions.durableTask.defaultVersion` in host.json (a test
checks): the extension stamps it on every new instance (`ExecutionStarted.Version`), and
`context.version` gives it back on every replay. Instances started before versioning existed
have no version ("" or None): they replay the code that started them (`orchestrators/legacy.py`),
because a replay must schedule exactly what the first run scheduled. docs/deploy.md has the
procedure for the next breaking change.

Versions:
- 2.0: waves of transcriptions, fresh approval waits.
- 2.1: the same steps; a stereo call's split answers chunks per channel (`"channel"`), and the
  fan-out passes it on. A 2.0 worker would transcribe such chunks but merge them as one
  channel's consecutive pieces, so it must not pick up a 2.1 instance during a rollout; 2.0
  instances replay on this code unchanged (their split answered mono chunks, whose payloads
  are byte for byte what 2.0 sent). No branch is needed.
"""

from __future__ import annotations

ORCHESTRATION_VERSION = "2.1"
VERSIONS_REPLAYED = ("2.0", ORCHESTRATION_VERSION)  # run by the same steps (is_legacy: older)


def is_legacy(version: str | None) -> bool:
    """True for an instance started before orchestration versioning (no version stamped)."""
    return not version
