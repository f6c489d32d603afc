"""Drive a real orchestrator one episode at a time through devhost's engine, on a test clock.

`OrchestrationRun` plays the Durable extension and DTFx with devhost's own `EpisodeRunner`: the
SDK replays the history, the extension's out-of-proc shim (`devhost.shim`) walks the SDK's
actions as DTFx would and hands out the sequence ids, retry loops get their timers, and the
instance completes or fails only when DTFx would. The test decides what happens next, one message
per episode (`complete`, `fail`, `fire_timer`, `raise_event`) or several (`complete_together`),
and the clock moves only when it says so (`advance`, or a timer firing), so long timers and
deadlines need no waiting. No store, threads or HTTP: history and work live in this object.

`pending()` lists what DTFx actually scheduled (not what the SDK believes it scheduled); where the
two differ, as with a re-yielded task, the test sees what Azure would do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from devhost import history as h
from devhost.episode import EpisodeRunner, new_instance
from devhost.provider import Provider, provider_for
from devhost.store import EpisodeCommit, Instance, Message
from devhost.versions import VersionPolicy

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
EPISODE_STEP = timedelta(seconds=1)


@dataclass
class Task:
    """A scheduled activity attempt, sub-orchestration or timer, by DTFx sequence id."""

    id: int
    kind: str  # "activity" | "sub" | "timer" | "retry_timer" (retry and final timers)
    name: str | None = None
    input: Any = None
    fire_at: str | None = None
    group: int | None = None  # the retry loop (its first attempt's id), if any
    done: bool = False
    cancelled: bool = False


class _OneOrchestrator:
    """The engine's function lookup: this orchestrator (and any extra ones), any activity."""

    def __init__(self, orchestrators: dict[str, Callable[[str], str]]) -> None:
        self.orchestrators = {k.lower(): (k, v) for k, v in orchestrators.items()}

    def orchestrator(self, name: str) -> tuple[str, Callable[[str], str]] | None:
        return self.orchestrators.get(name.lower())

    def activity(self, name: str) -> str | None:
        return name

    def activity_names(self) -> list[str]:
        return []


@dataclass
class OrchestrationRun:
    handle: Callable[[str], str]
    input: Any
    name: str = "process_call"
    instance_id: str = "0123456789abcdef0123456789abcdef"
    clock: datetime = START
    provider: Provider = field(default_factory=lambda: provider_for(None))
    versions: VersionPolicy = field(default_factory=VersionPolicy)
    version: str = ""
    history: list[dict] = field(default_factory=list)
    tasks: dict[int, Task] = field(default_factory=dict)
    state: dict = field(default_factory=dict)
    error: str | None = None
    status: str = "Pending"
    open_ids: list[int] = field(default_factory=list)
    inst: Instance = field(init=False)

    def __post_init__(self) -> None:
        self.runner = EpisodeRunner(_OneOrchestrator({self.name: self.handle}),
                                    provider=self.provider, versions=self.versions,
                                    clock=lambda: self.clock)
        as_started = json.dumps(json.dumps(self.input))  # what `client.start_new` stores (§1.7)
        self.inst, start = new_instance(self.instance_id, self.name, as_started,
                                        version=self.version)
        self.inst.execution_id = start.event["OrchestrationInstance"]["ExecutionId"]
        self._episode([start.event])

    # -- what the orchestrator did ------------------------------------------------------------
    @property
    def custom_status(self) -> Any:
        return self.state.get("customStatus")

    @property
    def is_done(self) -> bool:
        """The SDK's `isDone` (the instance may still be Running: see `status`)."""
        return bool(self.state.get("isDone"))

    @property
    def output(self) -> Any:
        return self.state.get("output")

    def pending(self, name: str | None = None) -> list[Task]:
        """Activities DTFx scheduled and not yet answered (optionally of one name), by id."""
        return [t for t in sorted(self.tasks.values(), key=lambda t: t.id)
                if t.kind == "activity" and not t.done and (name is None or t.name == name)]

    def only(self, name: str) -> Task:
        found = self.pending(name)
        assert len(found) == 1, f"expected one pending {name}, got {found}"
        return found[0]

    def timers(self, *, live: bool = True) -> list[Task]:
        """The orchestrator's own timers (retry timers excluded), uncancelled and unfired."""
        return [t for t in self.tasks.values() if t.kind == "timer"
                and (not live or not (t.done or t.cancelled))]

    # -- messages delivered to the orchestrator ------------------------------------------------
    def complete(self, task: Task | int, result: Any) -> OrchestrationRun:
        return self.complete_together([(task, result)])

    def complete_together(self, answers: list[tuple[Task | int, Any]]) -> OrchestrationRun:
        """Several activity results in one episode, as DTFx batches messages on Azure."""
        messages = []
        for task, result in answers:
            task = self._task(task)
            task.done = True
            messages.append(h.task_completed(task.id, json.dumps(result), self.clock))
        return self._episode(messages)

    def fail(self, task: Task | int, reason: str, details: str = "Traceback ..."
             ) -> OrchestrationRun:
        """Fail one attempt; for a -WithRetry attempt the engine schedules the retry timer."""
        task = self._task(task)
        task.done = True
        return self._episode([h.task_failed(task.id, reason, details, self.clock)])

    def fail_for_good(self, task: Task | int, reason: str) -> OrchestrationRun:
        """Fail every attempt of a -WithRetry activity until the failure reaches the code."""
        task = self._task(task)
        group = task.group
        self.fail(task, reason)
        while group is not None:
            timer = next((t for t in self.tasks.values()
                          if t.kind == "retry_timer" and t.group == group and not t.done), None)
            if timer is None:
                break
            self.fire_timer(timer)
            attempt = next((t for t in self.pending() if t.group == group), None)
            if attempt is None:
                break
            self.fail(attempt, reason)
        return self

    def fire_timer(self, timer: Task | int) -> OrchestrationRun:
        timer = self._task(timer)
        timer.done = True
        fire_at = h.parse_timestamp(timer.fire_at or h.timestamp(self.clock))
        self.clock = max(self.clock, fire_at)
        return self._episode([h.timer_fired(timer.id, fire_at, self.clock)])

    def raise_event(self, name: str, payload: Any) -> OrchestrationRun:
        return self._episode([h.event_raised(name, json.dumps(payload), self.clock)])

    def advance(self, seconds: float) -> OrchestrationRun:
        self.clock += timedelta(seconds=seconds)
        return self

    # -- the engine's side ----------------------------------------------------------------------
    def _task(self, task: Task | int) -> Task:
        return self.tasks[task] if isinstance(task, int) else task

    def _episode(self, events: list[dict]) -> OrchestrationRun:
        batch = [Message(self.instance_id, event, self.inst.execution_id) for event in events]
        commit = self.runner.run(self.inst, list(self.history), batch)
        self._record(commit)
        self.clock += EPISODE_STEP
        return self

    def _record(self, commit: EpisodeCommit) -> None:
        if commit.reset_history:
            self.history, self.tasks = [], {}
            follow_up = [m.event for m in commit.messages]
            self.status = commit.instance.status
            self._episode(follow_up)
            return
        self.history = [*h.played(self.history), *commit.events]
        self.status = commit.instance.status
        self.open_ids = list(commit.open_tasks)
        result = commit.sdk_result
        if result is not None:
            self.state, self.error = result.state, result.error
        for decision in commit.decisions:
            kind = decision.kind if decision.purpose not in ("retry_timer", "final_timer") \
                else "retry_timer"
            fire_at = h.timestamp(decision.fire_at) if decision.fire_at else None
            self.tasks[decision.task_id] = Task(decision.task_id, kind, decision.name,
                                                _decoded(decision.input), fire_at,
                                                decision.group)
        for task in self.tasks.values():
            if task.kind == "timer" and not task.done and task.id not in self.open_ids:
                task.cancelled = True


def _decoded(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
