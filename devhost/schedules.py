"""Timer triggers: run `@app.timer_trigger` functions on their schedule, as the Functions host's
timer listener does.

Each function gets a `func.TimerRequest` (the concrete `azure.functions.timer.TimerRequest`):
`past_due`, `schedule_status` with `Last`, `Next`, `LastUpdated`, and `schedule` with
`AdjustForDST`. Schedules are evaluated in UTC (the host's default without `WEBSITE_TIME_ZONE`).
With `use_monitor` (default: on when occurrences are at least a minute apart) the last and next
occurrence are kept in the task hub, so a host that was down at a due time runs the function once
at start-up with `past_due` set; `run_on_startup` runs it once at start-up too. Runs of one
function never overlap: the next one waits for the current one, as the host's listener awaits
each invocation. Every run is logged like any other function execution.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from azure.functions.timer import TimerRequest  # the concrete class (func.TimerRequest is the ABC)

from devhost import logs
from devhost.indexing import AppFunction
from devhost.invoke import Invoker
from devhost.ncrontab import Cron, Interval, ScheduleError, parse_schedule
from devhost.store import Store

_SETTING = re.compile(r"^%([^%]+)%$")
MONITOR_THRESHOLD = timedelta(minutes=1)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def resolve_schedule(expression: str) -> str:
    """`%Name%` names an app setting holding the schedule, as in function.json."""
    match = _SETTING.match(expression.strip())
    if not match:
        return expression
    value = os.environ.get(match.group(1))
    if not value:
        raise ValueError(f"the schedule setting '{match.group(1)}' is not set")
    return value


@dataclass
class TimerFunction:
    """One timer-triggered function and its parsed schedule."""

    function: AppFunction
    schedule: Cron | Interval
    use_monitor: bool
    run_on_startup: bool

    @classmethod
    def of(cls, fn: AppFunction) -> TimerFunction:
        try:
            schedule = parse_schedule(resolve_schedule(fn.trigger.schedule))
        except ValueError as exc:
            raise ScheduleError(f"timer trigger {fn.name}: {exc}") from exc
        monitor = fn.trigger.use_monitor
        if monitor is None:  # the host's default: monitor schedules of a minute or longer
            now = datetime.now(UTC)
            first = schedule.next_after(now)
            second = schedule.next_after(first) if first else None
            monitor = bool(first and second and second - first >= MONITOR_THRESHOLD)
        return cls(fn, schedule, bool(monitor), bool(fn.trigger.run_on_startup))


class TimerTriggers:
    """One thread per timer function; `run_now` invokes one at once (the admin endpoint)."""

    def __init__(self, store: Store, functions: list[AppFunction], invoker: Invoker,
                 client_json: str | None = None) -> None:
        self.store, self.invoker, self.client_json = store, invoker, client_json
        self.timers = {fn.name.lower(): TimerFunction.of(fn) for fn in functions}
        self._stop = threading.Event()
        self._locks = {name: threading.Lock() for name in self.timers}
        self._threads = [threading.Thread(target=self._loop, args=(timer,), daemon=True,
                                          name=f"devhost-timer-{timer.function.name}")
                         for timer in self.timers.values()]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _loop(self, timer: TimerFunction) -> None:
        try:
            self._schedule(timer)
        except Exception:  # a broken schedule loop must say so, not vanish
            logs.LOGGER.exception("timer trigger %s stopped", timer.function.name)

    def _schedule(self, timer: TimerFunction) -> None:
        name = timer.function.name
        now = datetime.now(UTC)
        status = self.store.timer_status(name) if timer.use_monitor else None
        past_due = bool(status and status.get("next") and
                        datetime.fromisoformat(status["next"]) <= now)
        if past_due or timer.run_on_startup:
            self.run_now(name, past_due=past_due)
        while not self._stop.is_set():
            last = datetime.now(UTC)
            due = timer.schedule.next_after(last)
            if due is None:
                return
            if timer.use_monitor:
                self._record(timer, last=None, upcoming=due)
            if self._stop.wait(max(0.0, (due - datetime.now(UTC)).total_seconds())):
                return
            self.run_now(name, past_due=False)

    def _record(self, timer: TimerFunction, last: datetime | None,
                upcoming: datetime | None) -> None:
        name = timer.function.name
        previous = self.store.timer_status(name) or {}
        self.store.put_timer_status(name, {
            "last": _iso(last) or previous.get("last"), "next": _iso(upcoming),
            "last_updated": _iso(datetime.now(UTC))})

    def run_now(self, name: str, *, past_due: bool = False) -> None:
        """Invoke the function once (waiting if a run of it is under way) and log it."""
        timer = self.timers[name.lower()]
        fn = timer.function
        with self._locks[name.lower()]:
            now = datetime.now(UTC)
            status = self.store.timer_status(fn.name) or {}
            upcoming = timer.schedule.next_after(now)
            request = TimerRequest(past_due=past_due, schedule_status={
                "Last": status.get("last"), "Next": _iso(upcoming),
                "LastUpdated": status.get("last_updated")}, schedule={"AdjustForDST": True})
            started = time.monotonic()
            try:
                self.invoker.call(fn, self.invoker.arguments(fn, request, self.client_json))
                outcome = "Succeeded"
            except Exception as exc:
                logs.LOGGER.exception("timer function %s raised", fn.name)
                outcome = f"Failed ({type(exc).__name__}: {exc})"
            if timer.use_monitor:
                self._record(timer, last=now, upcoming=upcoming)
            logs.execution(fn.name, str(uuid.uuid4()), time.monotonic() - started,
                           outcome + (" past due" if past_due else ""))
