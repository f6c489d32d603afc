"""Instance status JSON as the extension's HTTP API returns it (spec §4.4).

Stored strings are parsed back into JSON where they are JSON (outputs, inputs, custom status) and
returned raw otherwise (failure messages, terminate reasons), exactly like `ParseToJToken`.
"""

from __future__ import annotations

import json
from typing import Any

from devhost.history import EventType, parse_timestamp
from devhost.store import Instance

RUNNING_STATES = frozenset({"Running", "Pending", "ContinuedAsNew", "Suspended"})
_NAMES = {int(t): "".join(part.title() for part in t.name.split("_")) for t in EventType}
_NAMES[int(EventType.SUB_ORCHESTRATION_CREATED)] = "SubOrchestrationInstanceCreated"
_NAMES[int(EventType.SUB_ORCHESTRATION_COMPLETED)] = "SubOrchestrationInstanceCompleted"
_NAMES[int(EventType.SUB_ORCHESTRATION_FAILED)] = "SubOrchestrationInstanceFailed"
_SCHEDULING = {int(EventType.TASK_SCHEDULED), int(EventType.SUB_ORCHESTRATION_CREATED)}
_EPISODE_MARKERS = {int(EventType.ORCHESTRATOR_STARTED), int(EventType.ORCHESTRATOR_COMPLETED)}


def parse_token(text: str | None) -> Any:
    """JSON text → value; blank stays blank; anything unparsable is returned as the raw string."""
    if text is None or text.strip() == "":
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def short_time(stamp: str) -> str:
    """`DateTime.ToString("s") + "Z"`: no fractional seconds."""
    return parse_timestamp(stamp).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_json(inst: Instance, *, show_input: bool = True,
                history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": inst.name,
        "instanceId": inst.instance_id,
        "runtimeStatus": inst.status,
        "input": parse_token(inst.input) if show_input else None,
        "customStatus": parse_token(inst.custom_status),
        "output": parse_token(inst.output),
        "createdTime": short_time(inst.created_at),
        "lastUpdatedTime": short_time(inst.updated_at),
    }
    if history is not None and inst.status != "Pending":
        body["historyEvents"] = history
    return body


def public_history(events: list[dict[str, Any]], *, show_output: bool,
                   show_input: bool) -> list[dict[str, Any]]:
    """The extension's post-processed history: names for types, scheduling merged into results."""
    scheduled = {e["EventId"]: e for e in events if e["EventType"] in _SCHEDULING}
    merged = {e.get("TaskScheduledId") for e in events if "TaskScheduledId" in e}
    result = []
    for event in events:
        kind = event["EventType"]
        if kind in _EPISODE_MARKERS or (kind in _SCHEDULING and event["EventId"] in merged):
            continue
        out = {k: v for k, v in event.items()
               if k not in ("EventId", "IsPlayed", "OrchestrationInstance", "ParentInstance",
                            "Version", "Tags", "TimerId", "Generation")}
        out["EventType"] = _NAMES.get(kind, str(kind))
        if kind == EventType.EXECUTION_STARTED:
            out["FunctionName"] = out.pop("Name", None)
        origin = scheduled.get(out.pop("TaskScheduledId", None))
        if origin is not None:
            out["FunctionName"] = origin.get("Name")
            out["ScheduledTime"] = origin["Timestamp"]
            if show_input:
                out["Input"] = origin.get("Input")
        if "Result" in out:
            if show_output:
                out["Result"] = parse_token(out["Result"])
            else:
                del out["Result"]
        if not show_input:
            out.pop("Input", None)
        result.append(out)
    return result
