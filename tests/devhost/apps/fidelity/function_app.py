"""Test app for the faithful-replay behaviour: patterns that pass on a naive host and break on
the real Durable extension, their replacements, and the host.json features around them.

Activities that take part in a fan-out record every start and end in a SQLite file named in
their input (`flight.py`), so tests read in-flight counts and the order of events instead of
timing anything. A "gated" activity runs until the test writes its outcome into a gate file.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path

import azure.durable_functions as df
import azure.functions as func

from tests.devhost.flight import Flight

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)

GATE_POLL = 0.01
GATE_TIMEOUT = 120.0
APPROVAL = "Approval"
PURGE_LOG_SETTING = "PURGE_LOG"


def job(spec: dict, index: int) -> dict:
    return {"db": spec["db"], "gates": spec.get("gates"), "index": index}


def retry_options(spec: dict) -> df.RetryOptions:
    return df.RetryOptions(spec.get("interval_ms", 50), spec.get("attempts", 3))


# -- activities ---------------------------------------------------------------------------------

def outcome_of(gate: Path, attempt: int) -> str:
    """Wait until the test has written an outcome for this attempt into the gate file."""
    deadline = time.monotonic() + GATE_TIMEOUT
    while True:
        outcomes = json.loads(gate.read_text()) if gate.exists() else []
        if len(outcomes) >= attempt:
            return outcomes[attempt - 1]
        if time.monotonic() > deadline:
            raise TimeoutError(f"gate {gate} never opened for attempt {attempt}")
        time.sleep(GATE_POLL)


@app.activity_trigger(input_name="job")
def gated(job: dict) -> int:
    """Runs until the test has written an outcome ("ok" or "fail") for this attempt."""
    flight = Flight(job["db"])
    with flight.running(job["index"]) as attempt:
        if outcome_of(Path(job["gates"]) / str(job["index"]), attempt) == "fail":
            raise RuntimeError(f"item {job['index']} failed on attempt {attempt}")
        return job["index"] * 10


@app.activity_trigger(input_name="job")
def tracked(job: dict) -> int:
    """A first attempt waits until its whole wave has started; odd items fail once."""
    flight = Flight(job["db"])
    with flight.running(job["index"]) as attempt:
        if attempt == 1:
            flight.wait_for_starts(len(job["wave"]), job["wave"], GATE_TIMEOUT)
        if attempt == 1 and job["index"] % 2:
            raise RuntimeError(f"item {job['index']} fails once")
        return job["index"] * 10


@app.activity_trigger(input_name="payload")
def noop(payload: object) -> object:
    return payload


@app.activity_trigger(input_name="payload")
def explode(payload: object) -> None:
    raise ValueError("activity exploded")


# -- (a) the old sliding window and (b) its replacement ------------------------------------------

@app.orchestration_trigger(context_name="context")
def sliding_window(context: df.DurableOrchestrationContext):
    """At most `cap` in flight, refilled one at a time: `task_any` over tasks an earlier yield
    already scheduled (the shape the real extension cannot follow)."""
    spec = context.get_input()
    options = retry_options(spec)
    waiting = list(range(spec["count"]))
    in_flight: dict = {}
    done: dict[int, object] = {}
    while waiting or in_flight:
        while waiting and len(in_flight) < spec["cap"]:
            index = waiting.pop(0)
            task = context.call_activity_with_retry("gated", options, job(spec, index))
            in_flight[task] = index
        finished = yield context.task_any(list(in_flight))
        done[in_flight.pop(finished)] = finished.result
    return [done[index] for index in sorted(done)]


@app.orchestration_trigger(context_name="context")
def waves(context: df.DurableOrchestrationContext):
    """Waves of `task_all` over at most `cap` fresh retry tasks: every yield is all new tasks."""
    spec = context.get_input()
    options = retry_options(spec)
    results: list = []
    for first in range(0, spec["count"], spec["cap"]):
        indices = range(first, min(first + spec["cap"], spec["count"]))
        tasks = [context.call_activity_with_retry(
            "tracked", options, {**job(spec, i), "wave": list(indices)}) for i in indices]
        results.extend((yield context.task_all(tasks)))
        context.set_custom_status({"done": len(results)})
    return results


# -- (c) approval loops --------------------------------------------------------------------------

def _valid(decision: object) -> bool:
    return isinstance(decision, dict) and decision.get("decision") in ("approve", "reject")


@app.orchestration_trigger(context_name="context")
def approval_same_timer(context: df.DurableOrchestrationContext):
    """Re-yields one deadline timer with a fresh event wait after an invalid event.

    A gated activity runs first, so a test can have an event waiting before the loop starts.
    """
    spec = context.get_input()
    yield context.call_activity("gated", job(spec, 0))
    deadline = context.current_utc_datetime + timedelta(seconds=spec["seconds"])
    timer = context.create_timer(deadline)
    while True:
        event = context.wait_for_external_event(APPROVAL)
        winner = yield context.task_any([event, timer])
        if winner is timer:
            return "timeout"
        if not _valid(event.result):
            continue
        timer.cancel()
        return event.result["decision"]


@app.orchestration_trigger(context_name="context")
def approval_fresh_timer(context: df.DurableOrchestrationContext):
    """A fresh timer for each wait (up to the same deadline); the losing one is cancelled."""
    spec = context.get_input()
    yield context.call_activity("gated", job(spec, 0))
    deadline = context.current_utc_datetime + timedelta(seconds=spec["seconds"])
    while True:
        timer = context.create_timer(deadline)
        event = context.wait_for_external_event(APPROVAL)
        winner = yield context.task_any([event, timer])
        if winner is timer:
            return "timeout"
        timer.cancel()
        if _valid(event.result):
            return event.result["decision"]


@app.orchestration_trigger(context_name="context")
def two_waits(context: df.DurableOrchestrationContext):
    """Two waits for the same event name, one after the other, after a gated first step."""
    yield context.call_activity("gated", job(context.get_input(), 0))
    first = yield context.wait_for_external_event(APPROVAL)
    second = yield context.wait_for_external_event(APPROVAL)
    return [first, second]


# -- (d) endings with open tasks -----------------------------------------------------------------

@app.orchestration_trigger(context_name="context")
def raise_with_open_activity(context: df.DurableOrchestrationContext):
    """Raises as soon as `explode` fails, while the gated activity is still running."""
    spec = context.get_input()
    slow = context.call_activity("gated", job(spec, 0))
    boom = context.call_activity("explode", None)
    yield context.task_any([slow, boom])
    raise RuntimeError("gave up while a task was open")


@app.orchestration_trigger(context_name="context")
def return_with_open_timer(context: df.DurableOrchestrationContext):
    """Returns when the activity wins the race, without cancelling the timer."""
    deadline = context.current_utc_datetime + timedelta(seconds=context.get_input())
    timer = context.create_timer(deadline)
    work = context.call_activity("noop", "work")
    winner = yield context.task_any([work, timer])
    return "work" if winner is work else "timer"


# -- long timers (6) and versions (7) ------------------------------------------------------------

@app.orchestration_trigger(context_name="context")
def sleeper(context: df.DurableOrchestrationContext):
    yield context.create_timer(context.current_utc_datetime +
                               timedelta(seconds=context.get_input()))
    return "woke"


@app.orchestration_trigger(context_name="context")
def long_retry(context: df.DurableOrchestrationContext):
    """A retry interval of 7 days: past Azure Storage's 6-day limit for delays."""
    options = df.RetryOptions(7 * 24 * 3600 * 1000, 2)
    return (yield context.call_activity_with_retry("noop", options, 1))


@app.orchestration_trigger(context_name="context")
def versioned(context: df.DurableOrchestrationContext):
    child = yield context.call_sub_orchestrator("version_child", None)
    return {"version": context.version, "child": child}


@app.orchestration_trigger(context_name="context")
def version_child(context: df.DurableOrchestrationContext):
    return context.version


# -- (9) a timer trigger -------------------------------------------------------------------------

@app.timer_trigger(schedule="%NIGHTLY_SCHEDULE%", arg_name="timer", run_on_startup=False,
                   use_monitor=True)
@app.durable_client_input(client_name="client")
async def nightly(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    """Appends one line per run (past_due, how many instances the client sees) to PURGE_LOG."""
    seen = await client.get_status_all()
    log = os.environ.get(PURGE_LOG_SETTING)
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"past_due": timer.past_due, "instances": len(seen),
                                  "next": timer.schedule_status.get("Next")}) + "\n")


@app.route(route="start/{name}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    body = req.get_body()
    instance_id = await client.start_new(req.route_params["name"], req.params.get("id"),
                                         json.loads(body) if body else None)
    return client.create_check_status_response(req, instance_id)
