"""History events as the Durable extension serialises them (PascalCase keys, integer EventType).

One module builds every event, so the host and the replay tests produce identical JSON, and the
SDK sees exactly the shapes the real extension sends (see durable-local-host-spec §1.3-1.5).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any


class EventType(IntEnum):
    """DTFx `EventType` (the SDK's `HistoryEventType` uses the same numbers)."""

    EXECUTION_STARTED = 0
    EXECUTION_COMPLETED = 1
    EXECUTION_TERMINATED = 3
    TASK_SCHEDULED = 4
    TASK_COMPLETED = 5
    TASK_FAILED = 6
    SUB_ORCHESTRATION_CREATED = 7
    SUB_ORCHESTRATION_COMPLETED = 8
    SUB_ORCHESTRATION_FAILED = 9
    TIMER_CREATED = 10
    TIMER_FIRED = 11
    ORCHESTRATOR_STARTED = 12
    ORCHESTRATOR_COMPLETED = 13
    EVENT_RAISED = 15
    CONTINUE_AS_NEW = 16
    EXECUTION_SUSPENDED = 19
    EXECUTION_RESUMED = 20


class OrchestrationStatus(IntEnum):
    """DTFx `OrchestrationStatus`, written into ExecutionCompleted events."""

    RUNNING = 0
    COMPLETED = 1
    CONTINUED_AS_NEW = 2
    FAILED = 3
    CANCELED = 4
    TERMINATED = 5
    PENDING = 6
    SUSPENDED = 7


def timestamp(moment: datetime | None = None) -> str:
    """ISO-8601 UTC with a `Z`, so the SDK's `current_utc_datetime` is timezone-aware."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    """Inverse of `timestamp` (also accepts the SDK's `fireAt` format and offsets)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _event(kind: EventType, event_id: int = -1, at: datetime | None = None,
           **fields: Any) -> dict[str, Any]:
    return {"EventType": int(kind), "EventId": event_id, "IsPlayed": False,
            "Timestamp": timestamp(at), **fields}


def orchestrator_started(at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.ORCHESTRATOR_STARTED, at=at)


def orchestrator_completed(at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.ORCHESTRATOR_COMPLETED, at=at)


def execution_started(name: str, instance_id: str, execution_id: str, input_text: str | None,
                      parent: dict[str, Any] | None = None,
                      at: datetime | None = None, version: str = "") -> dict[str, Any]:
    """`input_text` is the JSON text of the input value (None for no input)."""
    return _event(EventType.EXECUTION_STARTED, at=at, Name=name, Version=version,
                  Input=input_text,
                  OrchestrationInstance={"InstanceId": instance_id, "ExecutionId": execution_id},
                  ParentInstance=parent, Tags=None, Generation=0)


def parent_instance(name: str, instance_id: str, execution_id: str,
                    task_id: int) -> dict[str, Any]:
    """The `ParentInstance` member of a sub-orchestration's ExecutionStarted event."""
    return {"Name": name, "Version": "", "TaskScheduleId": task_id,
            "OrchestrationInstance": {"InstanceId": instance_id, "ExecutionId": execution_id}}


def task_scheduled(task_id: int, name: str, input_text: str | None,
                   at: datetime | None = None) -> dict[str, Any]:
    """`Input` keeps the DTFx parameter-array wrapping (`[<action input>]`)."""
    wrapped = None if input_text is None else json.dumps([input_text])
    return _event(EventType.TASK_SCHEDULED, task_id, at, Name=name, Version="", Input=wrapped)


def task_completed(task_id: int, result: str | None, at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.TASK_COMPLETED, at=at, TaskScheduledId=task_id, Result=result)


def task_failed(task_id: int, reason: str, details: str,
                at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.TASK_FAILED, at=at, TaskScheduledId=task_id, Reason=reason,
                  Details=details)


def timer_created(timer_id: int, fire_at: datetime, at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.TIMER_CREATED, timer_id, at, FireAt=timestamp(fire_at))


def timer_fired(timer_id: int, fire_at: datetime, at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.TIMER_FIRED, at=at or fire_at, TimerId=timer_id,
                  FireAt=timestamp(fire_at))


def event_raised(name: str, input_text: str | None, at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.EVENT_RAISED, at=at, Name=name, Input=input_text)


def sub_orchestration_created(task_id: int, name: str, instance_id: str, input_text: str | None,
                              at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.SUB_ORCHESTRATION_CREATED, task_id, at, Name=name, Version="",
                  InstanceId=instance_id, Input=input_text)


def sub_orchestration_completed(task_id: int, result: str | None,
                                at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.SUB_ORCHESTRATION_COMPLETED, at=at, TaskScheduledId=task_id,
                  Result=result)


def sub_orchestration_failed(task_id: int, reason: str, details: str | None,
                             at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.SUB_ORCHESTRATION_FAILED, at=at, TaskScheduledId=task_id,
                  Reason=reason, Details=details)


def execution_completed(event_id: int, status: OrchestrationStatus, result: str | None,
                        at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.EXECUTION_COMPLETED, event_id, at, OrchestrationStatus=int(status),
                  Result=result)


def continue_as_new(event_id: int, new_input: str | None,
                    at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.CONTINUE_AS_NEW, event_id, at,
                  OrchestrationStatus=int(OrchestrationStatus.CONTINUED_AS_NEW), Result=new_input)


def execution_terminated(reason: str | None, at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.EXECUTION_TERMINATED, at=at, Input=reason)


def execution_suspended(reason: str | None, at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.EXECUTION_SUSPENDED, at=at, Reason=reason)


def execution_resumed(reason: str | None, at: datetime | None = None) -> dict[str, Any]:
    return _event(EventType.EXECUTION_RESUMED, at=at, Reason=reason)


def played(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies flagged `IsPlayed`, as DTFx marks the events of finished episodes."""
    return [{**event, "IsPlayed": True} for event in events]
