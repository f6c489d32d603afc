"""One call into the SDK's orchestrator `handle`, exactly as the Durable extension makes it.

The orchestrator code and the SDK's replay logic run unchanged: the host only builds the context
JSON (history, input, flags) and reads back the `OrchestratorState`, including the failure form
where the state travels inside the exception text after `$OutOfProcData$:`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OUT_OF_PROC_MARKER = "\n\n$OutOfProcData$:"


@dataclass
class OrchestratorResult:
    """The decoded `OrchestratorState` (plus the failure message when the orchestrator raised)."""

    actions: list[dict[str, Any]] = field(default_factory=list)
    is_done: bool = False
    output: Any = None
    has_output: bool = False
    custom_status: Any = None
    has_custom_status: bool = False
    error: str | None = None
    state: dict[str, Any] = field(default_factory=dict)  # the raw OrchestratorState JSON


DEFAULT_HTTP_ASYNC_SLEEP_MS = 30000  # HttpOptions.DefaultAsyncRequestSleepTimeMilliseconds


def context_json(instance_id: str, history: list[dict[str, Any]],
                 parent_instance_id: str | None,
                 timer_fields: dict[str, str] | None = None) -> str:
    """The orchestration trigger payload the extension sends (spec §1.2), schema V3.

    `timer_fields` are the provider's `longRunningTimerIntervalDuration` and
    `maximumShortTimerDuration` (devhost.provider); the extension always sends both.
    """
    started = history[1]
    raw_input = started.get("Input")
    return json.dumps({
        "history": history,
        "input": json.loads(raw_input) if raw_input is not None else None,
        "instanceId": instance_id,
        "isReplaying": bool(started.get("IsPlayed")),
        "parentInstanceId": parent_instance_id,
        "upperSchemaVersion": 1,
        "upperSchemaVersionNew": 2,
        **(timer_fields or {}),
        "defaultHttpAsyncRequestSleepTimeMillseconds": DEFAULT_HTTP_ASYNC_SLEEP_MS,
    })


def run_orchestrator(handle: Callable[[str], str], payload: str) -> OrchestratorResult:
    """Invoke `handle` and decode its result; never raises for orchestrator failures."""
    try:
        state = json.loads(handle(payload))
        error = None
    except Exception as exc:
        text = str(exc)
        if OUT_OF_PROC_MARKER in text:
            state = json.loads(text.split(OUT_OF_PROC_MARKER, 1)[1])
            error = state.get("error") or text.split(OUT_OF_PROC_MARKER, 1)[0]
        else:
            state, error = {}, text or type(exc).__name__
    return decode_state(state, error)


def decode_state(state: dict[str, Any], error: str | None = None) -> OrchestratorResult:
    action_sets = state.get("actions") or []
    return OrchestratorResult(
        actions=list(action_sets[0]) if action_sets else [],
        is_done=bool(state.get("isDone")),
        output=state.get("output"),
        has_output="output" in state,
        custom_status=state.get("customStatus"),
        has_custom_status="customStatus" in state,
        error=error,
        state=state,
    )

