"""Rewind a Failed instance: its failed activity calls run again, the rest of the history stays.

As in DTFx, the failure records are taken out of the history and the failed activities are
scheduled again under their original sequence ids, so the orchestrator's replay continues as if
they had not failed yet. Activities inside retry loops and failed sub-orchestrations are not
rewound (the SDK's retry bookkeeping cannot be undone from outside); such instances answer 400.
"""

from __future__ import annotations

import json

from devhost.history import EventType, played
from devhost.store import ActivityItem, EpisodeCommit, Instance, Store


class RewindError(ValueError):
    """The instance has no plain failed activity to run again."""


def rewind_instance(store: Store, inst: Instance, reason: str | None) -> None:
    events = store.get_events(inst.instance_id)
    in_retry_loops = set(inst.engine.get("retry_attempts") or [])
    scheduled = {e["EventId"]: e for e in events if e["EventType"] == EventType.TASK_SCHEDULED}
    failed = [e["TaskScheduledId"] for e in events if e["EventType"] == EventType.TASK_FAILED]
    if not failed or any(task_id in in_retry_loops for task_id in failed):
        raise RewindError(f"instance {inst.instance_id} has no plain failed activity to rewind")
    kept = [e for e in events if e["EventType"] not in (EventType.TASK_FAILED,
                                                        EventType.EXECUTION_COMPLETED)]
    work = []
    for task_id in failed:
        origin = scheduled[task_id]
        wrapped = origin.get("Input")
        work.append(ActivityItem(inst.instance_id, inst.execution_id, task_id, origin["Name"],
                                 json.loads(wrapped)[0] if wrapped else None))
    inst.status, inst.output = "Running", None
    store.commit_episode(EpisodeCommit(inst, played(kept), [], reset_history=True,
                                       activities=work))
    del reason  # recorded by DTFx as a GenericEvent; the SDK ignores it
