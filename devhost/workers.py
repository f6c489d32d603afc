"""Background loops: orchestrator episodes and activity executions, both fed by the store.

Episodes for one instance never overlap (an in-memory busy set guards each instance), activities
run on `activity_workers` threads; async activities are awaited on the app's event loop.
A shared `Signal` wakes the loops as soon as new work is committed instead of polling.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

from azure.functions._durable_functions import df_dumps, df_loads

from devhost import history as h
from devhost import http_activity, logs
from devhost.episode import EpisodeRunner
from devhost.indexing import AppIndex
from devhost.invoke import Invoker
from devhost.store import ActivityItem, Message, Store

IDLE_WAIT = 1.0
HOST_ERROR_LIMIT = 3
REJECT_DELAY = 30.0  # how long a work item this host's version may not run stays invisible


class Signal:
    """A wake-up flag shared by producers (store commits) and the loops."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0

    def notify(self) -> None:
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def generation(self) -> int:
        return self._generation

    def wait(self, seen: int, timeout: float) -> None:
        with self._cond:
            if self._generation == seen:
                self._cond.wait(timeout)


class Orchestrations:
    """Runs ready episodes on a small pool, one at a time per instance."""

    def __init__(self, store: Store, runner: EpisodeRunner, signal: Signal,
                 threads: int = 2) -> None:
        self.store, self.runner, self.signal = store, runner, signal
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="devhost-orch")
        self._threads = threads
        self._busy: set[str] = set()
        self._host_errors: dict[str, int] = {}
        self._lock = threading.Lock()
        self._running = False
        self._loop_thread = threading.Thread(target=self._loop, name="devhost-dispatch",
                                             daemon=True)

    def start(self) -> None:
        self._running = True
        self._loop_thread.start()

    def stop(self) -> None:
        self._running = False
        self.signal.notify()
        self._loop_thread.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _loop(self) -> None:
        while self._running:
            seen = self.signal.generation()
            with self._lock:
                free = self._threads - len(self._busy)
                ready = self.store.ready_instances(set(self._busy), free) if free > 0 else []
                self._busy.update(ready)
            for instance_id in ready:
                self._pool.submit(self._episode, instance_id)
            if not ready:
                due = self.store.next_due()
                wait = IDLE_WAIT if due is None else min(IDLE_WAIT, max(0.0, due - time.time()))
                self.signal.wait(seen, wait)

    def _episode(self, instance_id: str) -> None:
        try:
            self.run_one(instance_id)
        except Exception:
            logs.LOGGER.exception("episode for %s failed in the host", instance_id)
            time.sleep(0.5)
        finally:
            with self._lock:
                self._busy.discard(instance_id)
            self.signal.notify()

    def run_one(self, instance_id: str) -> None:
        inst = self.store.get_instance(instance_id)
        messages = self.store.due_messages(instance_id)
        if inst is None:
            self.store.drop_messages([m.id for m in messages if m.id])
            return
        batch, stale = self.runner.select(inst, messages)
        if stale:
            self.store.drop_messages([i for i in stale if i])
        if not batch:
            return
        started = time.monotonic()
        past = self.store.get_events(instance_id) if inst.status != "Pending" else []
        mismatch = None if batch[0].control else self.runner.version_mismatch(past, batch)
        if mismatch and self.runner.versions.failure == "Reject":
            logs.LOGGER.warning("not running %s now: %s", instance_id, mismatch)
            self.store.defer_messages([m.id for m in batch if m.id], time.time() + REJECT_DELAY)
            return
        try:
            commit = self.runner.run(inst, past, batch)
        except Exception as exc:
            errors = self._host_errors[instance_id] = self._host_errors.get(instance_id, 0) + 1
            if errors < HOST_ERROR_LIMIT:
                raise
            logs.LOGGER.exception("episode for %s failed %d times; failing it", instance_id,
                                  errors)
            commit = self.runner.abandon(inst, past, batch, f"{type(exc).__name__}: {exc}")
        self._host_errors.pop(instance_id, None)
        self.store.commit_episode(commit)
        logs.execution(inst.name, instance_id, time.monotonic() - started,
                       f"{commit.instance.status} ({len(batch)} messages)")


class Activities:
    """`count` threads that claim activity work items and record their outcome."""

    def __init__(self, store: Store, index: AppIndex, invoker: Invoker, signal: Signal,
                 count: int, client_json: str | None = None) -> None:
        self.store, self.index, self.invoker, self.signal = store, index, invoker, signal
        self.client_json = client_json  # for activities that also take a durable client
        self._running = False
        self._threads = [threading.Thread(target=self._loop, name=f"devhost-activity-{i}",
                                          daemon=True) for i in range(count)]

    def start(self) -> None:
        self._running = True
        for thread in self._threads:
            thread.start()

    def stop(self, grace: float = 10.0) -> None:
        """Let running activities finish within `grace`; the rest re-run after a restart."""
        self._running = False
        self.signal.notify()
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def _loop(self) -> None:
        while self._running:
            seen = self.signal.generation()
            item = self.store.claim_activity()
            if item is None:
                self.signal.wait(seen, IDLE_WAIT)
                continue
            started = time.monotonic()
            message, outcome = self.execute(item)
            try:
                self.store.complete_activity(item, message)
            except sqlite3.ProgrammingError:
                if self._running:
                    raise
                return  # the host stopped while this ran: the work item stays for next time
            # logged after the commit: a "Succeeded" line means the result is recorded
            logs.execution(item.name, item.instance_id, time.monotonic() - started, outcome)

    def execute(self, item: ActivityItem) -> tuple[Message, str]:
        """Run one activity; its completion message and the outcome for the log."""
        fn = self.index.activities.get(item.name.lower())
        try:
            if item.name == http_activity.BUILTIN_NAME:
                result = http_activity.call(item.input)
            elif fn is None:
                raise LookupError(f"The function '{item.name}' doesn't exist")
            else:
                value = _decode_input(item.input)
                result = self.invoker.call(fn, self.invoker.arguments(fn, value,
                                                                      self.client_json))
            event = h.task_completed(item.task_id, df_dumps(result))
            outcome = "Succeeded"
        except Exception as exc:
            event = _failure_event(item, exc)
            outcome = f"Failed ({type(exc).__name__}: {exc})"
        return Message(item.instance_id, event, item.execution_id), outcome


def _decode_input(text: str | None) -> object:
    """As the worker's ActivityTriggerConverter: df_loads, falling back to the raw string."""
    if text is None:
        return None
    try:
        return df_loads(text)
    except json.JSONDecodeError:
        return text


def _failure_event(item: ActivityItem, exc: BaseException) -> dict:
    """TaskFailed with the extension's reason text and the worker's exception as details."""
    friendly = f"{type(exc).__name__}: {exc}"
    stack = "".join(traceback.format_exception(exc))
    reason = f"Activity function '{item.name}' failed:  {friendly}"
    details = json.dumps({"ClassName": "Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException",
                          "Message": f"Result: Failure\nException: {friendly}\nStack: {stack}"})
    return h.task_failed(item.task_id, reason, details)
