"""The extension's side of the out-of-proc protocol: what DTFx schedules from the SDK's answer.

On Azure the SDK's `actions[0]` is not scheduled as a list. The Durable extension's
`OutOfProcOrchestrationShim` (schema V2/V3) replays it as .NET code on DTFx's
`TaskOrchestrationContext`, while DTFx replays the whole history into that code:

- the top-level actions are walked in order; each is invoked (a WhenAll/WhenAny invokes only its
  own listed children) and then awaited, so the walk stops at the first top-level action whose
  own children are not complete, and continues when a later history event completes them;
- every invoked activity, timer and sub-orchestration (and each retry attempt and retry timer)
  takes the next DTFx sequence id at the moment it is invoked; history events carry those ids,
  so when the SDK numbered its tasks differently, results reach the task the DTFx id names;
- the instance completes (or fails) only when the walk has finished, the SDK said done (or
  reported an error), and no scheduled task is still open (`!HasOpenTasks`).

`replay()` re-runs that for one episode over the full history (past events and the new
messages) and returns the new decisions, in id order, plus what the end of the episode looks
like. It is pure: no store, no clock, no I/O. devhost/docs/devhost.md lists the sources.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from devhost.history import EventType, parse_timestamp

WHEN_ANY, WHEN_ALL = 11, 12
HTTP_ACTIVITY = "BuiltIn::HttpActivity"
DEFAULT_MAX_RETRY_INTERVAL = timedelta(days=6)  # the extension's RetryOptions default
NONDETERMINISM = "Non-Deterministic workflow detected: "


class InvocationError(Exception):
    """An action the extension refuses while invoking it (the orchestration then fails)."""


class NonDeterminismError(Exception):
    """History names a task the replayed actions did not produce with that id."""


@dataclass(frozen=True)
class Limits:
    """Provider limits the extension applies: the longest timer or retry delay, if any."""

    maximum_delay: timedelta | None = timedelta(days=6)
    provider: str = "Azure Storage"


@dataclass
class Decision:
    """One new DTFx action of this episode (a scheduling event plus its work)."""

    task_id: int
    kind: str  # "activity" | "timer" | "sub"
    name: str | None = None
    input: str | None = None
    fire_at: datetime | None = None
    instance_id: str | None = None
    version: str | None = None
    purpose: str = "task"  # or, in a retry loop: "attempt", "retry_timer", "final_timer"
    group: int | None = None  # a retry loop's first attempt id


@dataclass
class Outcome:
    """The end of one episode as DTFx sees it."""

    decisions: list[Decision]
    open_ids: list[int]
    walk_done: bool
    fault: str | None
    nondeterminism: str | None
    continue_as_new: bool
    continue_input: str | None
    next_id: int
    retry_attempts: list[int]

    @property
    def open_tasks(self) -> int:
        return len(self.open_ids)

    def finished(self, sdk_error: str | None, sdk_done: bool) -> bool:
        """Whether the orchestration's result task has completed (before the open-task check)."""
        if self.fault is not None:
            return True
        return self.walk_done and (sdk_error is not None or sdk_done)


class Node:
    """A .NET task the replay awaits; `finish()` tells the compound (if any) that holds it."""

    def __init__(self) -> None:
        self.done = False
        self.parent: Compound | None = None

    def finish(self) -> None:
        if not self.done:
            self.done = True
            if self.parent is not None:
                self.parent.child_done()


class Compound(Node):
    """`Task.WhenAll` / `Task.WhenAny` over the invoked children (any outcome counts)."""

    def __init__(self, any_of: bool, children: list[Node]) -> None:
        super().__init__()
        self.any_of = any_of
        self.remaining = sum(1 for c in children if not c.done)
        for child in children:
            child.parent = self
        if (any_of and self.remaining < len(children)) or self.remaining == 0:
            self.done = True

    def child_done(self) -> None:
        self.remaining -= 1
        if self.any_of or self.remaining == 0:
            self.finish()


@dataclass(eq=False)
class RetryLoop(Node):
    """DTFx's RetryInterceptor: attempts, a retry timer after each failure, a final timer."""

    kind: str = "activity"  # or "sub"
    name: str = ""
    input: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    instance_id: str | None = None
    version: str | None = None
    first_attempt: datetime | None = None
    retry_count: int = 0  # failed attempts so far
    group: int | None = None  # id of the first attempt

    def __post_init__(self) -> None:
        Node.__init__(self)

    @property
    def max_attempts(self) -> int:
        return int(self.options.get("maxNumberOfAttempts", 1))

    def next_delay(self, now: datetime) -> timedelta:
        """`ComputeNextDelay`: first * coefficient^retryCount, capped; zero past the timeout."""
        timeout_ms = self.options.get("retryTimeoutInMilliseconds")
        if timeout_ms is not None and self.first_attempt is not None and \
                now >= self.first_attempt + timedelta(milliseconds=int(timeout_ms)):
            return timedelta(0)
        first = float(self.options.get("firstRetryIntervalInMilliseconds", 0))
        coefficient = float(self.options.get("backoffCoefficient", 1.0))
        cap = max_retry_interval(self.options)
        delay_ms = first * math.pow(coefficient, self.retry_count - 1)
        cap_ms = cap.total_seconds() * 1000
        return timedelta(milliseconds=delay_ms) if delay_ms < cap_ms else cap


def max_retry_interval(options: dict[str, Any]) -> timedelta:
    value = options.get("maxRetryIntervalInMilliseconds")
    return DEFAULT_MAX_RETRY_INTERVAL if value is None else timedelta(milliseconds=int(value))


@dataclass(frozen=True)
class Owner:
    """Who an open sequence id belongs to: a plain task, or a retry loop's attempt or timer."""

    node: Node
    role: str = "task"  # "task" | "attempt" | "retry_timer" | "final_timer"


@dataclass
class Context:
    """What the replay needs to know about the instance and the app."""

    instance_id: str
    execution_id: str
    parent_instance_id: str | None
    activity_exists: Callable[[str], bool]
    orchestrator_exists: Callable[[str], bool]
    known_activities: Callable[[], list[str]]
    limits: Limits = field(default_factory=Limits)
    default_version: str = ""


class Replay:
    """One DTFx replay of the shim over a history; see the module docstring."""

    def __init__(self, ctx: Context, actions: list[dict[str, Any]]) -> None:
        self.ctx, self.actions = ctx, actions
        self.next_id = 0
        self.now: datetime | None = None
        self.unmatched: dict[int, Decision] = {}
        self.open: dict[int, Owner] = {}
        self.waiters: dict[str, list[Node]] = {}
        self.buffered: dict[str, deque[str | None]] = {}
        self.retry_attempts: list[int] = []
        self.cursor = -1
        self.current: Node | None = None
        self.walking = False
        self.walk_done = False
        self.fault: str | None = None
        self.continue_as_new = False
        self.continue_input: str | None = None

    # -- the walk (ProcessAsyncActionsV2) --------------------------------------------------------

    def _advance(self) -> None:
        while self.walking and (self.current is None or self.current.done):
            self.cursor += 1
            if self.cursor >= len(self.actions):
                self.walking, self.walk_done = False, True
                return
            try:
                self.current = self._invoke(self.actions[self.cursor])
            except InvocationError as error:
                self.walking, self.fault = False, str(error)

    def _invoke(self, action: dict[str, Any]) -> Node:
        """`InvokeAPIFromAction`: schedule what the action asks for; its task to await."""
        kind = action.get("actionType")
        if kind in (WHEN_ANY, WHEN_ALL):
            children = [self._invoke(child) for child in action.get("compoundActions") or []]
            if kind == WHEN_ANY and not children:
                raise InvocationError("The tasks argument contains no tasks.")
            return Compound(kind == WHEN_ANY, children)
        if kind == 0:
            return self._activity(action["functionName"], action.get("input"))
        if kind == 8:
            return self._schedule(Decision(self._take_id(), "activity", HTTP_ACTIVITY,
                                           _json_text(action.get("httpRequest"))))
        if kind in (1, 3):
            return self._retry_loop(action, "activity" if kind == 1 else "sub")
        if kind == 2:
            return self._sub(action["functionName"], action.get("input"),
                             action.get("instanceId"), action.get("version"))
        if kind == 5:
            return self._timer(parse_timestamp(action["fireAt"]), bool(action.get("isCanceled")))
        if kind == 6:
            return self._wait(action.get("externalEventName") or "")
        if kind == 4:
            self.continue_as_new, self.continue_input = True, action.get("input")
            return _completed()
        if kind in (7, 9, 10):
            raise InvocationError(f"Action type {kind} (entities) is not supported by devhost.")
        raise InvocationError("Received an unexpected action type from the out-of-proc "
                              f"function: '${kind}'.")

    # -- DTFx scheduling calls -------------------------------------------------------------------

    def _take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _schedule(self, decision: Decision, owner: Owner | None = None,
                  node: Node | None = None) -> Node:
        node = node or Node()
        if owner is not None and isinstance(owner.node, RetryLoop):
            decision.purpose, decision.group = owner.role, owner.node.group
        self.unmatched[decision.task_id] = decision
        self.open[decision.task_id] = owner or Owner(node)
        return node

    def _check_activity(self, name: str) -> None:
        if name != HTTP_ACTIVITY and not self.ctx.activity_exists(name):
            known = ", ".join(f"'{n}'" for n in self.ctx.known_activities())
            raise InvocationError(
                f"The function '{name}' doesn't exist, is disabled, or is not an activity "
                f"function. Additional info: The following are the known activity functions: "
                f"{known}.")

    def _check_sub(self, name: str, instance_id: str | None) -> None:
        if not self.ctx.orchestrator_exists(name):
            raise InvocationError(f"The function '{name}' doesn't exist, is disabled, or is "
                                  "not an orchestrator function.")
        same = {self.ctx.instance_id.lower(), (self.ctx.parent_instance_id or "").lower()}
        if instance_id and instance_id.lower() in same:
            raise InvocationError("The instance ID of a sub-orchestration must be different "
                                  "than the instance ID of a parent orchestration.")
        if instance_id and instance_id.startswith("@"):
            raise InvocationError("Orchestration instance ids must not start with @")

    def _activity(self, name: str, input_text: str | None) -> Node:
        self._check_activity(name)
        return self._schedule(Decision(self._take_id(), "activity", name, input_text))

    def _sub(self, name: str, input_text: str | None, instance_id: str | None,
             version: str | None, owner: Owner | None = None) -> Node:
        self._check_sub(name, instance_id)
        task_id = self._take_id()
        child_id = instance_id or f"{self.ctx.execution_id}:{task_id}"
        return self._schedule(Decision(task_id, "sub", name, input_text, instance_id=child_id,
                                       version=version or self.ctx.default_version), owner)

    def _timer(self, fire_at: datetime, cancelled: bool = False,
               owner: Owner | None = None) -> Node:
        node = Node()
        task_id = self._take_id()
        self._schedule(Decision(task_id, "timer", fire_at=fire_at), owner, node)
        if cancelled:  # cts.Cancel() right after CreateTimer: the task ends, nothing stays open
            del self.open[task_id]
            node.finish()
        return node

    def _wait(self, name: str) -> Node:
        node = Node()
        key = name.lower()  # the extension keys waits OrdinalIgnoreCase
        self.waiters.setdefault(key, []).append(node)
        queue = self.buffered.get(key)
        if queue:
            queue.popleft()
            if not queue:
                del self.buffered[key]
            self._raise_event(key)
        return node

    def _retry_loop(self, action: dict[str, Any], kind: str) -> Node:
        options = action.get("retryOptions") or {}
        self._check_delays(options)
        name = action["functionName"]
        loop = RetryLoop(kind=kind, name=name, input=action.get("input"), options=options,
                         instance_id=action.get("instanceId"), version=action.get("version"),
                         first_attempt=self.now)
        if kind == "activity":
            self._check_activity(name)
        self._attempt(loop)
        return loop

    def _check_delays(self, options: dict[str, Any]) -> None:
        limit = self.ctx.limits.maximum_delay
        if limit is None:
            return
        first = timedelta(milliseconds=int(options.get("firstRetryIntervalInMilliseconds", 0)))
        for delay in (max_retry_interval(options), first):
            if delay > limit:
                raise InvocationError(f"The {self.ctx.limits.provider} provider supports a "
                                      f"maximum of {limit.days} days for time-based delays")

    def _attempt(self, loop: RetryLoop) -> None:
        if loop.group is None:
            loop.group = self.next_id
        owner = Owner(loop, "attempt")
        if loop.kind == "activity":
            task_id = self._take_id()
            self._schedule(Decision(task_id, "activity", loop.name, loop.input), owner, loop)
        else:
            self._sub(loop.name, loop.input, loop.instance_id, loop.version, owner)
            task_id = self.next_id - 1
        self.retry_attempts.append(task_id)

    # -- history events (TaskOrchestrationExecutor.ProcessEvent) ---------------------------------

    def apply(self, event: dict[str, Any]) -> None:
        kind = event["EventType"]
        if kind == EventType.ORCHESTRATOR_STARTED:
            self.now = parse_timestamp(event["Timestamp"])
        elif kind == EventType.EXECUTION_STARTED:
            self.walking = True
        elif kind in _SCHEDULING:
            self._match(event)
        elif kind in _RESULTS:
            self._complete(int(event["TaskScheduledId"]), kind in _FAILURES)
        elif kind == EventType.TIMER_FIRED:
            self._complete(int(event["TimerId"]), False)
        elif kind == EventType.EVENT_RAISED:
            self._event_raised(event.get("Name") or "", event.get("Input"))
        self._advance()

    def _match(self, event: dict[str, Any]) -> None:
        """DTFx's nondeterminism check: the replayed code must schedule the same id and kind."""
        task_id, kind = int(event["EventId"]), event["EventType"]
        wanted, label = _SCHEDULING[kind]
        found = self.unmatched.get(task_id)
        if found is None:
            raise NonDeterminismError(
                f"{NONDETERMINISM}A previous execution of this orchestration scheduled {label} "
                f"with sequence ID {task_id} and name '{event.get('Name')}', but the current "
                "replay execution hasn't (yet?) scheduled this task. Was a change made to the "
                "orchestrator code after this instance had already started running?")
        same_name = wanted == "timer" or (event.get("Name") or "").lower() == \
            (found.name or "").lower()
        if found.kind != wanted or not same_name:
            raise NonDeterminismError(
                f"{NONDETERMINISM}A previous execution of this orchestration scheduled {label} "
                f"with sequence number {task_id} named '{event.get('Name')}', but the current "
                f"orchestration replay instead produced a {found.kind} action named "
                f"'{found.name}' with this sequence number. Was a change made to the "
                "orchestrator code after this instance had already started running?")
        del self.unmatched[task_id]

    def _complete(self, task_id: int, failed: bool) -> None:
        owner = self.open.pop(task_id, None)
        if owner is None:
            return  # a duplicate, or a cancelled timer firing: DTFx logs and ignores it
        if owner.role == "task":
            owner.node.finish()
            return
        loop = owner.node
        assert isinstance(loop, RetryLoop)
        if owner.role == "attempt":
            if not failed:
                loop.finish()
                return
            loop.retry_count += 1
            now = self.now or datetime.min
            if loop.retry_count >= loop.max_attempts:  # the "dummy timer for back-compat"
                self._timer(now, owner=Owner(loop, "final_timer"))
                return
            delay = loop.next_delay(now)
            if delay <= timedelta(0):
                loop.finish()
                return
            self._timer(now + delay, owner=Owner(loop, "retry_timer"))
        elif owner.role == "retry_timer":
            self._attempt(loop)
        else:
            loop.finish()

    def _event_raised(self, name: str, input_text: str | None) -> None:
        key = name.lower()
        if self.waiters.get(key):
            self._raise_event(key)
        else:
            self.buffered.setdefault(key, deque()).append(input_text)

    def _raise_event(self, key: str) -> None:
        stack = self.waiters[key]
        waiter = stack.pop()  # the most recent waiter first, as the extension's stack does
        if not stack:
            del self.waiters[key]
        waiter.finish()

    def outcome(self, nondeterminism: str | None = None) -> Outcome:
        return Outcome(sorted(self.unmatched.values(), key=lambda d: d.task_id),
                       sorted(self.open), self.walk_done, self.fault, nondeterminism,
                       self.continue_as_new, self.continue_input, self.next_id,
                       sorted(self.retry_attempts))


_SCHEDULING = {int(EventType.TASK_SCHEDULED): ("activity", "an activity task"),
               int(EventType.TIMER_CREATED): ("timer", "a timer task"),
               int(EventType.SUB_ORCHESTRATION_CREATED): ("sub", "a sub-orchestration task")}
_RESULTS = {int(EventType.TASK_COMPLETED), int(EventType.TASK_FAILED),
            int(EventType.SUB_ORCHESTRATION_COMPLETED), int(EventType.SUB_ORCHESTRATION_FAILED)}
_FAILURES = {int(EventType.TASK_FAILED), int(EventType.SUB_ORCHESTRATION_FAILED)}


def _completed() -> Node:
    node = Node()
    node.done = True
    return node


def _json_text(value: Any) -> str:
    return json.dumps(value or {})


def replay(ctx: Context, history: list[dict[str, Any]],
           actions: list[dict[str, Any]]) -> Outcome:
    """Replay `actions` (the SDK's `actions[0]`) against `history` the way DTFx does."""
    run = Replay(ctx, actions)
    try:
        for event in history:
            run.apply(event)
    except NonDeterminismError as error:
        return run.outcome(str(error))
    return run.outcome()
