"""Drive a real orchestrator through the SDK's replay, with history written as the extension does.

`OrchestrationRun` plays the Durable extension's part (docs: durable-local-host-spec.md sections
1-2): it builds the context JSON (`history`, `input`, schema versions), calls the SDK's
`Orchestrator.handle`, reads the returned actions, gives each new leaf action its sequence id
(TaskScheduled / TimerCreated), and keeps the `-WithRetry` bookkeeping (a retry timer after each
failed attempt, one more "dummy" timer after the last). A test then delivers one message per
episode (`complete`, `fail`, `fire_timer`, `raise_event`) and asserts on what the orchestrator
scheduled, its custom status, output or error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

OUT_OF_PROC = "\n\n$OutOfProcData$:"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

# HistoryEventType
EXECUTION_STARTED, TASK_SCHEDULED, TASK_COMPLETED, TASK_FAILED = 0, 4, 5, 6
TIMER_CREATED, TIMER_FIRED, ORCHESTRATOR_STARTED, ORCHESTRATOR_COMPLETED = 10, 11, 12, 13
EVENT_RAISED = 15
# ActionType
CALL_ACTIVITY, CALL_ACTIVITY_WITH_RETRY, CREATE_TIMER, WAIT_FOR_EVENT = 0, 1, 5, 6
WHEN_ANY, WHEN_ALL = 11, 12


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event(event_type: int, moment: datetime, event_id: int = -1, **fields: Any) -> dict:
    """One HistoryEvent as the extension serialises it (PascalCase, integer EventType)."""
    return {"EventType": event_type, "EventId": event_id, "IsPlayed": False,
            "Timestamp": stamp(moment), **fields}


def leaves(actions: list[dict]) -> list[dict]:
    """Depth-first leaf actions of compound (WhenAny / WhenAll) actions, in scheduling order."""
    found = []
    for action in actions:
        if action["actionType"] in (WHEN_ANY, WHEN_ALL):
            found.extend(leaves(action["compoundActions"]))
        else:
            found.append(action)
    return found


@dataclass
class Task:
    """A scheduled activity attempt or timer, by sequence id."""

    id: int
    kind: str  # "activity" | "timer" | "retry_timer"
    name: str | None = None
    input: Any = None
    fire_at: str | None = None
    group: int | None = None  # the retry group of a -WithRetry attempt or its timer
    done: bool = False
    cancelled: bool = False


@dataclass
class RetryGroup:
    name: str
    input: Any
    max_attempts: int
    attempts: int = 1
    last_failure: tuple[str, str] = ("", "")
    finished: bool = False  # succeeded, or the last attempt's failure reached the code


@dataclass
class OrchestrationRun:
    handle: Callable[[str], str]
    input: Any
    name: str = "process_call"
    instance_id: str = "0123456789abcdef0123456789abcdef"
    clock: datetime = START
    history: list[dict] = field(default_factory=list)
    tasks: dict[int, Task] = field(default_factory=dict)
    groups: dict[int, RetryGroup] = field(default_factory=dict)
    state: dict = field(default_factory=dict)
    error: str | None = None
    next_id: int = 0
    leaf_ids: list[int | None] = field(default_factory=list)
    version: str = ""  # ExecutionStarted.Version: the extension stamps host.json defaultVersion
    raised: dict[str, int] = field(default_factory=dict)  # events delivered, by name
    # Check after every episode that the SDK never got past an action the extension's
    # sequential replay would still await (tests/replay_check.py).
    faithful: bool = False

    def __post_init__(self) -> None:
        self._episode([event(EXECUTION_STARTED, self.clock, Name=self.name, Version=self.version,
                             Input=json.dumps(self.input),
                             OrchestrationInstance={"InstanceId": self.instance_id,
                                                    "ExecutionId": "exec-1"})])

    # -- what the orchestrator did ------------------------------------------------------------
    @property
    def custom_status(self) -> Any:
        return self.state.get("customStatus")

    @property
    def is_done(self) -> bool:
        return bool(self.state.get("isDone"))

    @property
    def output(self) -> Any:
        return self.state.get("output")

    def pending(self, name: str | None = None) -> list[Task]:
        """Activities scheduled and not yet answered (optionally of one name), by id."""
        return [t for t in sorted(self.tasks.values(), key=lambda t: t.id)
                if t.kind == "activity" and not t.done and (name is None or t.name == name)]

    def only(self, name: str) -> Task:
        found = self.pending(name)
        assert len(found) == 1, f"expected one pending {name}, got {found}"
        return found[0]

    def timers(self, *, live: bool = True) -> list[Task]:
        return [t for t in self.tasks.values() if t.kind == "timer"
                and (not live or not (t.done or t.cancelled))]

    # -- messages delivered to the orchestrator (one per episode) -----------------------------
    def complete(self, task: Task | int, result: Any) -> OrchestrationRun:
        return self.complete_together([(task, result)])

    def complete_together(self, answers: list[tuple[Task | int, Any]]) -> OrchestrationRun:
        """Several activity results in one episode, as DTFx batches messages on Azure."""
        messages = []
        for task, result in answers:
            task = self._task(task)
            task.done = True
            if task.group is not None:
                self.groups[task.group].finished = True
            messages.append(event(TASK_COMPLETED, self.clock, TaskScheduledId=task.id,
                                  Result=json.dumps(result)))
        return self._episode(messages)

    def fail(self, task: Task | int, reason: str, details: str = "Traceback ..."
             ) -> OrchestrationRun:
        """Fail one attempt; for a -WithRetry attempt the extension schedules the retry timer."""
        task = self._task(task)
        task.done = True
        decisions = []
        if task.group is not None:
            group = self.groups[task.group]
            group.last_failure = (reason, details)
            decisions.append(self._retry_timer(task.group))
        return self._episode([event(TASK_FAILED, self.clock, TaskScheduledId=task.id,
                                    Reason=reason, Details=details)], decisions)

    def fail_for_good(self, task: Task | int, reason: str) -> OrchestrationRun:
        """Fail every attempt of a -WithRetry activity until the failure reaches the code."""
        task = self._task(task)
        group_id = task.group
        self.fail(task, reason)
        while group_id is not None:
            timer = next(t for t in self.tasks.values()
                         if t.kind == "retry_timer" and t.group == group_id and not t.done)
            self.fire_timer(timer)
            attempt = next((t for t in self.pending() if t.group == group_id), None)
            if attempt is None:
                break
            self.fail(attempt, reason)
        return self

    def fire_timer(self, timer: Task | int) -> OrchestrationRun:
        timer = self._task(timer)
        timer.done = True
        fire_at = datetime.fromisoformat(timer.fire_at.replace("Z", "+00:00"))
        self.clock = max(self.clock, fire_at)
        decisions = []
        if timer.kind == "retry_timer":
            group = self.groups[timer.group]
            if group.attempts < group.max_attempts:
                group.attempts += 1
                decisions.append(self._schedule_activity(group.name, group.input, timer.group))
            else:
                group.finished = True
        return self._episode([event(TIMER_FIRED, self.clock, TimerId=timer.id,
                                    FireAt=timer.fire_at)], decisions)

    def raise_event(self, name: str, payload: Any) -> OrchestrationRun:
        self.raised[name] = self.raised.get(name, 0) + 1
        return self._episode([event(EVENT_RAISED, self.clock, Name=name,
                                    Input=json.dumps(payload))])

    def advance(self, seconds: float) -> OrchestrationRun:
        self.clock += timedelta(seconds=seconds)
        return self

    # -- the extension's side -----------------------------------------------------------------
    def _task(self, task: Task | int) -> Task:
        return self.tasks[task] if isinstance(task, int) else task

    def _take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _schedule_activity(self, name: str, payload: Any, group: int | None) -> dict:
        task = Task(self._take_id(), "activity", name=name, input=payload, group=group)
        self.tasks[task.id] = task
        return event(TASK_SCHEDULED, self.clock, task.id, Name=name, Version="",
                     Input=json.dumps([json.dumps(payload)]))

    def _retry_timer(self, group: int) -> dict:
        fire_at = stamp(self.clock)  # the fixed first interval is not modelled: fire at once
        task = Task(self._take_id(), "retry_timer", fire_at=fire_at, group=group)
        self.tasks[task.id] = task
        return event(TIMER_CREATED, self.clock, task.id, FireAt=fire_at)

    def _decide(self, action: dict) -> tuple[int | None, dict | None]:
        kind = action["actionType"]
        if kind == CALL_ACTIVITY:
            scheduled = self._schedule_activity(action["functionName"],
                                                json.loads(action["input"]), None)
            return scheduled["EventId"], scheduled
        if kind == CALL_ACTIVITY_WITH_RETRY:
            group = self.next_id
            self.groups[group] = RetryGroup(action["functionName"], json.loads(action["input"]),
                                            action["retryOptions"]["maxNumberOfAttempts"])
            scheduled = self._schedule_activity(action["functionName"],
                                                json.loads(action["input"]), group)
            return scheduled["EventId"], scheduled
        if kind == CREATE_TIMER:
            task = Task(self._take_id(), "timer", fire_at=action["fireAt"])
            self.tasks[task.id] = task
            return task.id, event(TIMER_CREATED, self.clock, task.id, FireAt=action["fireAt"])
        if kind == WAIT_FOR_EVENT:
            return None, None
        raise AssertionError(f"action type {kind} is not modelled here: {action}")

    def _run_orchestrator(self) -> None:
        context = {"history": self.history, "input": json.dumps(self.input),
                   "instanceId": self.instance_id, "isReplaying": self.history[1]["IsPlayed"],
                   "parentInstanceId": None, "upperSchemaVersion": 1, "upperSchemaVersionNew": 2}
        try:
            self.state = json.loads(self.handle(json.dumps(context)))
            self.error = None
        except Exception as exc:  # the SDK reports an orchestrator failure by raising
            text = str(exc)
            if OUT_OF_PROC not in text:
                raise
            self.state = json.loads(text.split(OUT_OF_PROC, 1)[1])
            self.error = self.state.get("error")

    def _episode(self, messages: list[dict], decisions: list[dict] | None = None
                 ) -> OrchestrationRun:
        for old in self.history:
            old["IsPlayed"] = True
        self.history.append(event(ORCHESTRATOR_STARTED, self.clock))
        self.history.extend(messages)
        self._run_orchestrator()
        decisions = list(decisions or [])
        actions = leaves(self.state["actions"][0]) if self.state.get("actions") else []
        for index, action in enumerate(actions):
            if index >= len(self.leaf_ids):
                task_id, scheduled = self._decide(action)
                self.leaf_ids.append(task_id)
                if scheduled:
                    decisions.append(scheduled)
            task_id = self.leaf_ids[index]
            if action.get("isCanceled") and task_id is not None:
                self.tasks[task_id].cancelled = True
        self.history.extend(sorted(decisions, key=lambda e: e["EventId"]))
        self.history.append(event(ORCHESTRATOR_COMPLETED, self.clock))
        self.clock += timedelta(seconds=1)
        if self.faithful:
            from tests.replay_check import assert_extension_order

            assert_extension_order(self)
        return self
