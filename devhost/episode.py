"""One orchestrator episode: deliver messages, replay through the SDK and the extension's shim,
turn the new decisions into events and work.

This is the host's version of one DTFx work item (spec §1.6, §2.3-2.8): append
`OrchestratorStarted` and the new messages, run the orchestrator through the SDK, replay its
`actions[0]` the way the extension's shim does on DTFx (`devhost.shim`), write the new scheduling
events in id order, and complete or fail the instance only when DTFx would. Every change goes
back as one `EpisodeCommit` for the store to apply in a single transaction.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from devhost import history as h
from devhost import shim
from devhost.history import EventType, OrchestrationStatus
from devhost.provider import Provider, provider_for
from devhost.replay import OrchestratorResult, context_json, run_orchestrator
from devhost.store import TERMINAL, ActivityItem, EpisodeCommit, Instance, Message
from devhost.versions import VersionPolicy

MAX_BATCH = 500  # DTFx batches the messages of one instance into one work item too


class FunctionLookup(Protocol):
    """What the engine needs from the app index: orchestrator handles and activity names."""

    def orchestrator(self, name: str) -> tuple[str, Callable[[str], str]] | None: ...

    def activity(self, name: str) -> str | None: ...

    def activity_names(self) -> list[str]: ...


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_execution_id() -> str:
    return uuid.uuid4().hex


def next_event_id(events: list[dict[str, Any]]) -> int:
    """The id after every scheduling event so far (for endings decided without a replay)."""
    return max((int(e["EventId"]) for e in events), default=-1) + 1


def started_event(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e["EventType"] == EventType.EXECUTION_STARTED)


@dataclass
class Episode:
    """Working state of one episode; `finish()` packs it into the commit for the store."""

    instance: Instance
    consumed: list[int]
    started: datetime
    events: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    work: EpisodeCommit = field(init=False)

    def __post_init__(self) -> None:
        self.work = EpisodeCommit(self.instance, [], self.consumed)

    def finish(self, *, reset: bool = False) -> EpisodeCommit:
        """Order decisions by id (as DTFx does) and close the episode."""
        self.decisions.sort(key=lambda e: e["EventId"])
        closing = [] if reset else [h.orchestrator_completed(self.started)]
        self.work.events = h.played(self.events + self.decisions + closing)
        self.work.reset_history = reset
        self.instance.updated_at = h.timestamp()
        return self.work


class EpisodeRunner:
    """Runs episodes for any instance; holds only the app lookup, host.json settings and clock.

    `clock` gives each episode's `OrchestratorStarted` time (the orchestrator's
    `current_utc_datetime`); tests of long timers pass their own.
    """

    def __init__(self, functions: FunctionLookup, *, provider: Provider | None = None,
                 versions: VersionPolicy | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.functions = functions
        self.provider = provider or provider_for(None)
        self.versions = versions or VersionPolicy()
        self.clock = clock

    # -- message selection -----------------------------------------------------------------------

    @staticmethod
    def select(inst: Instance, messages: list[Message]) -> tuple[list[Message], list[int]]:
        """Pick this episode's batch; return it and the ids of messages to drop as stale."""
        stale = [m.id for m in messages if inst.status in TERMINAL
                 or (m.execution_id and m.execution_id != inst.execution_id)]
        live = [m for m in messages if m.id not in stale]
        if inst.status == "Suspended":
            live = [m for m in live if m.control]
        if not live or live[0].control:
            return live[:1], stale
        batch: list[Message] = []
        for message in live[:MAX_BATCH]:
            if message.control:
                break
            batch.append(message)
        return batch, stale

    def version_mismatch(self, past: list[dict[str, Any]], batch: list[Message]) -> str | None:
        """Why this host may not run the instance now (versionMatchStrategy), if it may not."""
        events = past or [m.event for m in batch]
        started = [e for e in events if e["EventType"] == EventType.EXECUTION_STARTED]
        return self.versions.mismatch(started[0].get("Version")) if started else None

    # -- episodes --------------------------------------------------------------------------------

    def run(self, inst: Instance, past: list[dict[str, Any]], batch: list[Message]
            ) -> EpisodeCommit:
        ep = Episode(inst, [m.id for m in batch if m.id], self.clock())
        ep.events.append(h.orchestrator_started(ep.started))
        if batch and batch[0].control:
            return self._control(ep, past, batch[0].event)
        ep.events.extend(m.event for m in batch)
        if inst.status == "Pending":
            inst.status = "Running"
        history = past + ep.events
        mismatch = self.version_mismatch(past, batch)
        if mismatch:  # versionFailureStrategy Fail (workers hold Rejected work back)
            return self._fail(ep, mismatch, next_event_id(history))
        found = self.functions.orchestrator(inst.name)
        if found is None:
            return self._fail(ep, f"The function '{inst.name}' doesn't exist, is disabled, or is "
                                  "not an orchestrator function.", next_event_id(history))
        parent_id = (inst.parent or {}).get("instance_id")
        result = run_orchestrator(found[1], context_json(
            inst.instance_id, history, parent_id, self.provider.context_fields()))
        if result.has_custom_status:
            inst.custom_status = json.dumps(result.custom_status)
        outcome = shim.replay(self._context(inst, parent_id), history, result.actions)
        inst.engine = {"retry_attempts": outcome.retry_attempts}
        ep.work.sdk_result, ep.work.open_tasks = result, outcome.open_ids
        ep.work.decisions = [] if outcome.nondeterminism else outcome.decisions
        if outcome.nondeterminism:  # DTFx fails at once, open tasks or not
            return self._fail(ep, outcome.nondeterminism, outcome.next_id, prefixed=False)
        for decision in outcome.decisions:
            self._decide(ep, decision)
        if not outcome.finished(result.error, result.is_done) or outcome.open_tasks:
            return ep.finish()  # DTFx: result not complete, or HasOpenTasks: stays Running
        error = outcome.fault if outcome.fault is not None else result.error
        if error is not None:
            return self._fail(ep, error, outcome.next_id)
        if outcome.continue_as_new:
            return self._continue_as_new(ep, history, outcome.continue_input)
        return self._complete(ep, result, outcome.next_id)

    def abandon(self, inst: Instance, past: list[dict[str, Any]], batch: list[Message],
                error: str) -> EpisodeCommit:
        """Fail an instance whose episodes keep failing inside the host, consuming the batch."""
        ep = Episode(inst, [m.id for m in batch if m.id], self.clock())
        ep.events.append(h.orchestrator_started(ep.started))
        return self._fail(ep, f"devhost could not run the episode: {error}",
                          next_event_id(past))

    def _context(self, inst: Instance, parent_id: str | None) -> shim.Context:
        return shim.Context(
            inst.instance_id, inst.execution_id, parent_id,
            activity_exists=lambda name: self.functions.activity(name) is not None,
            orchestrator_exists=lambda name: self.functions.orchestrator(name) is not None,
            known_activities=self.functions.activity_names,
            limits=self.provider.limits, default_version=self.versions.default)

    # -- scheduling ------------------------------------------------------------------------------

    def _decide(self, ep: Episode, decision: shim.Decision) -> None:
        inst, task_id = ep.instance, decision.task_id
        if decision.kind == "activity":
            ep.decisions.append(h.task_scheduled(task_id, decision.name or "", decision.input,
                                                 ep.started))
            ep.work.activities.append(ActivityItem(inst.instance_id, inst.execution_id, task_id,
                                                   decision.name or "", decision.input))
        elif decision.kind == "timer":
            fire_at = decision.fire_at or ep.started
            ep.decisions.append(h.timer_created(task_id, fire_at, ep.started))
            ep.work.messages.append(Message(inst.instance_id, h.timer_fired(task_id, fire_at),
                                            inst.execution_id, fire_at.timestamp(), task_id))
        else:
            self._schedule_child(ep, decision)

    def _schedule_child(self, ep: Episode, decision: shim.Decision) -> None:
        inst = ep.instance
        found = self.functions.orchestrator(decision.name or "")
        canonical = found[0] if found else decision.name or ""
        start_input = None if decision.input is None else json.dumps(decision.input)
        child_id = decision.instance_id or f"{inst.execution_id}:{decision.task_id}"
        ep.decisions.append(h.sub_orchestration_created(decision.task_id, decision.name or "",
                                                        child_id, start_input, ep.started))
        parent = {"instance_id": inst.instance_id, "execution_id": inst.execution_id,
                  "task_id": decision.task_id, "name": inst.name}
        ep.work.children.append(new_instance(child_id, canonical, start_input, parent=parent,
                                             version=decision.version or ""))

    # -- endings ---------------------------------------------------------------------------------

    def _complete(self, ep: Episode, result: OrchestratorResult, event_id: int
                  ) -> EpisodeCommit:
        inst = ep.instance
        output = json.dumps(result.output) if result.has_output else None
        ep.decisions.append(h.execution_completed(event_id, OrchestrationStatus.COMPLETED,
                                                  output))
        inst.status, inst.output = "Completed", output
        self._notify_parent(ep, h.sub_orchestration_completed(_parent_task(inst), output))
        return ep.finish()

    def _fail(self, ep: Episode, error: str, event_id: int, *,
              prefixed: bool = True) -> EpisodeCommit:
        inst = ep.instance
        message = f"Orchestrator function '{inst.name}' failed: {error}" if prefixed else error
        ep.decisions.append(h.execution_completed(event_id, OrchestrationStatus.FAILED, message))
        inst.status, inst.output = "Failed", message
        ep.work.activities.clear()
        ep.work.messages.clear()
        ep.work.children.clear()
        self._notify_parent(ep, h.sub_orchestration_failed(_parent_task(inst), message, None))
        return ep.finish()

    def _continue_as_new(self, ep: Episode, history: list[dict[str, Any]],
                         action_input: str | None) -> EpisodeCommit:
        inst = ep.instance
        new_input = None if action_input is None else json.dumps(action_input)
        version = started_event(history).get("Version") or ""
        inst.execution_id = new_execution_id()
        inst.input, inst.status, inst.engine = new_input, "Running", {}
        ep.work.activities.clear()
        ep.work.children.clear()
        ep.work.messages = [Message(inst.instance_id, h.execution_started(
            inst.name, inst.instance_id, inst.execution_id, new_input, _parent_event(inst),
            version=version), inst.execution_id)]
        ep.events, ep.decisions = [], []
        return ep.finish(reset=True)

    def _control(self, ep: Episode, past: list[dict[str, Any]],
                 event: dict[str, Any]) -> EpisodeCommit:
        """Terminate, suspend and resume requests: recorded without running the orchestrator."""
        inst = ep.instance
        ep.events.append(event)
        kind = event["EventType"]
        if kind == EventType.EXECUTION_TERMINATED:
            reason = event.get("Input")
            inst.status, inst.output = "Terminated", reason
            ep.decisions.append(h.execution_completed(next_event_id(past),
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
                 parent: dict[str, Any] | None = None,
                 version: str = "") -> tuple[Instance, Message]:
    """A Pending instance and its ExecutionStarted message (client start or sub-orchestration)."""
    stamp = h.timestamp()
    inst = Instance(instance_id, name, new_execution_id(), "Pending", input_text, stamp, stamp,
                    time.time(), parent=parent)
    start = h.execution_started(name, instance_id, inst.execution_id, input_text,
                                _parent_event(inst), version=version)
    return inst, Message(instance_id, start, inst.execution_id)
