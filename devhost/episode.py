"""One orchestrator episode: deliver messages, replay through the SDK, turn actions into work.

This is the host's version of what DTFx + the Durable extension do per work item (spec §1.6,
§2.3-2.8): append `OrchestratorStarted` and the new messages, run the orchestrator, give each new
action leaf the next sequence id, write the scheduling events in id order, and hand back every
change as one `EpisodeCommit` for the store to apply in a single transaction.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from devhost import history as h
from devhost import http_activity
from devhost.history import EventType, OrchestrationStatus
from devhost.progress import Progress, RetryLoop
from devhost.replay import OrchestratorResult, context_json, leaves, run_orchestrator
from devhost.store import TERMINAL, ActivityItem, EpisodeCommit, Instance, Message

COMPLETIONS = {int(EventType.TASK_COMPLETED), int(EventType.TASK_FAILED),
               int(EventType.SUB_ORCHESTRATION_COMPLETED), int(EventType.SUB_ORCHESTRATION_FAILED)}
FAILURES = {int(EventType.TASK_FAILED), int(EventType.SUB_ORCHESTRATION_FAILED)}
MAX_BATCH = 500


class FunctionLookup(Protocol):
    """What the engine needs from the app index: orchestrator handles and activity names."""

    def orchestrator(self, name: str) -> tuple[str, Callable[[str], str]] | None: ...

    def activity(self, name: str) -> str | None: ...

    def activity_names(self) -> list[str]: ...


def _task_key(event: dict[str, Any]) -> str | None:
    """The sequence id a message completes (as a string key), if any."""
    if event["EventType"] in COMPLETIONS:
        return str(event["TaskScheduledId"])
    if event["EventType"] == EventType.TIMER_FIRED:
        return str(event["TimerId"])
    return None


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_execution_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Episode:
    """Working state of one episode; `finish()` packs it into the commit for the store."""

    instance: Instance
    progress: Progress
    consumed: list[int]
    started: datetime = field(default_factory=now_utc)
    events: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    work: EpisodeCommit = field(init=False)

    def __post_init__(self) -> None:
        self.work = EpisodeCommit(self.instance, [], self.consumed)

    def finish(self, *, reset: bool = False) -> EpisodeCommit:
        """Order decisions by id (as DTFx does) and close the episode."""
        self.decisions.sort(key=lambda e: e["EventId"])
        closing = [] if reset else [h.orchestrator_completed()]
        self.work.events = h.played(self.events + self.decisions + closing)
        self.work.reset_history = reset
        self.instance.engine = self.progress.to_dict()
        self.instance.updated_at = h.timestamp()
        return self.work


class EpisodeRunner:
    """Runs episodes for any instance; stateless apart from the function lookup."""

    def __init__(self, functions: FunctionLookup) -> None:
        self.functions = functions

    # -- message selection -----------------------------------------------------------------------

    def select(self, inst: Instance, messages: list[Message]) -> tuple[list[Message], list[int]]:
        """Pick this episode's batch; return it and the ids of messages to drop as stale."""
        progress = Progress.from_dict(inst.engine)
        stale = [m.id for m in messages if inst.status in TERMINAL
                 or (m.execution_id and m.execution_id != inst.execution_id)]
        live = [m for m in messages if m.id not in stale]
        if inst.status == "Suspended":
            live = [m for m in live if m.control]
        if not live or live[0].control:
            return live[:1], stale
        batch: list[Message] = []
        for message in live[:MAX_BATCH]:
            retry_related = _task_key(message.event) in progress.retry_ids
            if message.control or (batch and retry_related):
                break
            batch.append(message)
            if retry_related:
                break
        return batch, stale

    # -- episodes --------------------------------------------------------------------------------

    def run(self, inst: Instance, past: list[dict[str, Any]], batch: list[Message]
            ) -> EpisodeCommit:
        ep = Episode(inst, Progress.from_dict(inst.engine), [m.id for m in batch if m.id])
        ep.events.append(h.orchestrator_started(ep.started))
        if batch and batch[0].control:
            return self._control(ep, batch[0].event)
        for message in batch:
            ep.events.append(message.event)
            key = _task_key(message.event)
            if key is not None:
                ep.progress.open.pop(key, None)
        if inst.status == "Pending":
            inst.status = "Running"
        if batch:
            self._advance_retry(ep, batch[0].event)
        found = self.functions.orchestrator(inst.name)
        if found is None:
            return self._fail(ep, f"The function '{inst.name}' doesn't exist, is disabled, or is "
                                  "not an orchestrator function.")
        _, handle = found
        result = run_orchestrator(handle, context_json(
            inst.instance_id, past + ep.events, (inst.parent or {}).get("instance_id")))
        if result.has_custom_status:
            inst.custom_status = json.dumps(result.custom_status)
        if result.error is not None:
            return self._fail(ep, result.error)
        problem = self._schedule_new_leaves(ep, result)
        if problem:
            return self._fail(ep, problem)
        self._cancel_timers(ep, result)
        if result.is_done:
            return self._done(ep, result)
        return ep.finish()

    def abandon(self, inst: Instance, batch: list[Message], error: str) -> EpisodeCommit:
        """Fail an instance whose episodes keep failing inside the host, consuming the batch."""
        ep = Episode(inst, Progress.from_dict(inst.engine), [m.id for m in batch if m.id])
        ep.events.append(h.orchestrator_started(ep.started))
        return self._fail(ep, f"devhost could not run the episode: {error}")

    def _schedule_new_leaves(self, ep: Episode, result: OrchestratorResult) -> str | None:
        all_leaves = list(leaves(result.actions))
        for index in range(ep.progress.leaf_cursor, len(all_leaves)):
            action = all_leaves[index]
            kind = action.get("actionType")
            if kind in (4, 6):  # continue-as-new and external-event waits take no id
                continue
            problem = self._check_action(action)
            if problem:
                return problem
            task_id = ep.progress.allocate()
            if kind == 5:
                ep.progress.timer_leaves[str(index)] = task_id
                self._create_timer(ep, task_id, h.parse_timestamp(action["fireAt"]))
            elif kind in (1, 3):
                loop = RetryLoop("activity" if kind == 1 else "sub", action["functionName"],
                                 action.get("input"), action.get("retryOptions") or {},
                                 instance_id=action.get("instanceId"))
                ep.progress.retries[str(task_id)] = loop
                self._start_attempt(ep, str(task_id), task_id)
            elif kind == 0:
                self._schedule_activity(ep, task_id, action["functionName"], action.get("input"))
            elif kind == 8:
                self._schedule_activity(ep, task_id, http_activity.BUILTIN_NAME,
                                        json.dumps(action.get("httpRequest") or {}))
            else:
                self._schedule_child(ep, task_id, action["functionName"], action.get("input"),
                                     action.get("instanceId"))
        ep.progress.leaf_cursor = max(ep.progress.leaf_cursor, len(all_leaves))
        return None

    def _check_action(self, action: dict[str, Any]) -> str | None:
        kind = action.get("actionType")
        name = action.get("functionName", "")
        if kind in (0, 1) and self.functions.activity(name) is None:
            known = ", ".join(f"'{n}'" for n in self.functions.activity_names())
            return (f"The function '{name}' doesn't exist, is disabled, or is not an activity "
                    f"function. Additional info: The following are the known activity "
                    f"functions: {known}.")
        if kind in (2, 3) and self.functions.orchestrator(name) is None:
            return (f"The function '{name}' doesn't exist, is disabled, or is not an "
                    "orchestrator function.")
        if kind not in (0, 1, 2, 3, 5, 8):
            return f"Action type {kind} (entities) is not supported by devhost."
        return None

    # -- scheduling ------------------------------------------------------------------------------

    def _schedule_activity(self, ep: Episode, task_id: int, name: str,
                           input_text: str | None) -> None:
        canonical = self.functions.activity(name) or name
        ep.decisions.append(h.task_scheduled(task_id, canonical, input_text, ep.started))
        ep.progress.open[str(task_id)] = "activity"
        ep.work.activities.append(ActivityItem(ep.instance.instance_id,
                                               ep.instance.execution_id, task_id, canonical,
                                               input_text))

    def _create_timer(self, ep: Episode, task_id: int, fire_at: datetime) -> None:
        ep.decisions.append(h.timer_created(task_id, fire_at, ep.started))
        ep.progress.open[str(task_id)] = "timer"
        ep.work.messages.append(Message(ep.instance.instance_id, h.timer_fired(task_id, fire_at),
                                        ep.instance.execution_id, fire_at.timestamp(), task_id))

    def _schedule_child(self, ep: Episode, task_id: int, name: str, input_text: str | None,
                        child_id: str | None) -> None:
        inst = ep.instance
        child_id = child_id or f"{inst.execution_id}:{task_id}"
        found = self.functions.orchestrator(name)
        canonical = found[0] if found else name
        start_input = None if input_text is None else json.dumps(input_text)
        ep.decisions.append(h.sub_orchestration_created(task_id, canonical, child_id,
                                                        start_input, ep.started))
        ep.progress.open[str(task_id)] = "sub"
        parent = {"instance_id": inst.instance_id, "execution_id": inst.execution_id,
                  "task_id": task_id, "name": inst.name}
        child, start = new_instance(child_id, canonical, start_input, parent=parent)
        ep.work.children.append((child, start))

    def _start_attempt(self, ep: Episode, key: str, task_id: int) -> None:
        loop = ep.progress.retries[key]
        ep.progress.retry_ids[str(task_id)] = [key, "attempt"]
        if loop.kind == "activity":
            self._schedule_activity(ep, task_id, loop.name, loop.input)
        else:
            self._schedule_child(ep, task_id, loop.name, loop.input, loop.instance_id)

    def _advance_retry(self, ep: Episode, event: dict[str, Any]) -> None:
        """A failed attempt gets a retry timer; a fired retry timer gets the next attempt.

        The SDK registers those tasks while it replays this same message, so the ids are
        allocated here, before the orchestrator's new actions (spec §2.6 rule 2).
        """
        key = _task_key(event)
        entry = ep.progress.retry_ids.get(key or "")
        if entry is None:
            return
        loop_key, role = entry
        loop = ep.progress.retries[loop_key]
        if role == "attempt" and event["EventType"] in FAILURES:
            delay = 0.0 if loop.exhausted else loop.delay_ms()
            timer_id = ep.progress.allocate()
            ep.progress.retry_ids[str(timer_id)] = [loop_key, "timer"]
            self._create_timer(ep, timer_id, ep.started + timedelta(milliseconds=delay))
        elif role == "timer" and not loop.exhausted:
            loop.attempt += 1
            self._start_attempt(ep, loop_key, ep.progress.allocate())

    def _cancel_timers(self, ep: Episode, result: OrchestratorResult) -> None:
        all_leaves = list(leaves(result.actions))
        for index, timer_id in ep.progress.timer_leaves.items():
            leaf = all_leaves[int(index)] if int(index) < len(all_leaves) else {}
            if leaf.get("isCanceled") and str(timer_id) in ep.progress.open:
                del ep.progress.open[str(timer_id)]
                ep.work.cancelled_timers.append(timer_id)
                ep.work.messages = [m for m in ep.work.messages if m.timer_id != timer_id]

    # -- endings ---------------------------------------------------------------------------------

    def _done(self, ep: Episode, result: OrchestratorResult) -> EpisodeCommit:
        inst = ep.instance
        leaves_list = list(leaves(result.actions))
        if leaves_list and leaves_list[-1].get("actionType") == 4:
            return self._continue_as_new(ep, leaves_list[-1].get("input"))
        if ep.progress.open:  # DTFx keeps it Running until every open task has finished
            return ep.finish()
        output = json.dumps(result.output) if result.has_output else None
        ep.decisions.append(h.execution_completed(ep.progress.allocate(),
                                                  OrchestrationStatus.COMPLETED, output))
        inst.status, inst.output = "Completed", output
        self._notify_parent(ep, h.sub_orchestration_completed(_parent_task(inst), output))
        return ep.finish()

    def _fail(self, ep: Episode, error: str) -> EpisodeCommit:
        inst = ep.instance
        message = f"Orchestrator function '{inst.name}' failed: {error}"
        ep.decisions.append(h.execution_completed(ep.progress.allocate(),
                                                  OrchestrationStatus.FAILED, message))
        inst.status, inst.output = "Failed", message
        ep.work.activities.clear()
        ep.work.messages.clear()
        ep.work.children.clear()
        self._notify_parent(ep, h.sub_orchestration_failed(_parent_task(inst), message, None))
        return ep.finish()

    def _continue_as_new(self, ep: Episode, action_input: str | None) -> EpisodeCommit:
        inst = ep.instance
        new_input = None if action_input is None else json.dumps(action_input)
        inst.execution_id = new_execution_id()
        inst.input, inst.status = new_input, "Running"
        ep.progress = Progress()
        ep.work.activities.clear()
        ep.work.children.clear()
        ep.work.messages = [Message(inst.instance_id, h.execution_started(
            inst.name, inst.instance_id, inst.execution_id, new_input, _parent_event(inst)),
            inst.execution_id)]
        ep.events, ep.decisions = [], []
        return ep.finish(reset=True)

    def _control(self, ep: Episode, event: dict[str, Any]) -> EpisodeCommit:
        """Terminate, suspend and resume requests: recorded without running the orchestrator."""
        inst = ep.instance
        ep.events.append(event)
        kind = event["EventType"]
        if kind == EventType.EXECUTION_TERMINATED:
            reason = event.get("Input")
            inst.status, inst.output = "Terminated", reason
            ep.decisions.append(h.execution_completed(ep.progress.allocate(),
                                                      OrchestrationStatus.TERMINATED, reason))
            self._notify_parent(ep, h.sub_orchestration_failed(
                _parent_task(inst), reason or "terminated", None))
        elif kind == EventType.EXECUTION_SUSPENDED:
            inst.status = "Suspended"
        else:
            inst.status = "Running"
        return ep.finish()

    @staticmethod
    def _notify_parent(ep: Episode, event: dict[str, Any]) -> None:
        parent = ep.instance.parent
        if parent:
            ep.work.messages.append(Message(parent["instance_id"], event,
                                            parent["execution_id"]))


def _parent_task(inst: Instance) -> int:
    return int((inst.parent or {}).get("task_id", -1))


def _parent_event(inst: Instance) -> dict[str, Any] | None:
    parent = inst.parent
    if not parent:
        return None
    return h.parent_instance(parent["name"], parent["instance_id"], parent["execution_id"],
                             parent["task_id"])


def new_instance(instance_id: str, name: str, input_text: str | None,
                 parent: dict[str, Any] | None = None) -> tuple[Instance, Message]:
    """A Pending instance and its ExecutionStarted message (client start or sub-orchestration)."""
    stamp = h.timestamp()
    inst = Instance(instance_id, name, new_execution_id(), "Pending", input_text, stamp, stamp,
                    time.time(), parent=parent)
    start = h.execution_started(name, instance_id, inst.execution_id, input_text,
                                _parent_event(inst))
    return inst, Message(instance_id, start, inst.execution_id)
