"""Where a naive local host and the real Durable extension disagree, on the faithful host.

The fidelity app's gated activities run until the test writes their outcome, and record every
start and end (`flight.py`), so each step below waits for a fact (an item started, an episode
committed) and the assertions are about order and counts, never about time.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from devhost import Host
from devhost.history import EventType, parse_timestamp

from .conftest import start, wait_until
from .flight import Flight


class Gates:
    """The outcomes the test hands to gated activities, one per attempt."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def release(self, item: int, *outcomes: str) -> None:
        path = self.folder / str(item)
        before = json.loads(path.read_text()) if path.exists() else []
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(before + list(outcomes)))
        tmp.replace(path)


def fan_spec(tmp_path: Path, **extra: Any) -> tuple[dict, Gates, Flight]:
    spec = {"db": str(tmp_path / "flight.sqlite"), "gates": str(tmp_path / "gates"), **extra}
    return spec, Gates(Path(spec["gates"])), Flight(spec["db"])


def events(host: Host, instance_id: str) -> list[dict]:
    return host.store.get_events(instance_id)


def ids_of(host: Host, instance_id: str, kind: EventType, key: str = "EventId") -> list[int]:
    return [e[key] for e in events(host, instance_id) if e["EventType"] == kind]


def completed(host: Host, instance_id: str, task_id: int) -> bool:
    """The episode that consumed this task's result has committed."""
    return task_id in ids_of(host, instance_id, EventType.TASK_COMPLETED, "TaskScheduledId")


def status(host: Host, instance_id: str) -> str:
    inst = host.store.get_instance(instance_id)
    return inst.status if inst else "?"


def test_sliding_window_collapses_and_results_reach_the_wrong_tasks(fidelity_host: Host,
                                                                    tmp_path: Path) -> None:
    """The old fan-out (`task_any(list(in_flight))`, refilled one at a time, cap 3 of 8).

    After item 1 finishes the SDK yields a WhenAny listing only the new item 3, and the
    extension awaits that WhenAny alone: items 0 and 2 finishing schedules nothing (the SDK
    believes item 4 is running; DTFx has not invoked it). Then item 2 fails once: DTFx gives
    its retry timer the next free id, 4, which the SDK had given item 4, so that timer's firing
    completes the SDK's item 4 with None, and the sequence ids drift from then on. The instance
    completes, one item at a time, with results at the wrong positions, as on Azure.
    """
    host = fidelity_host
    spec, gates, flight = fan_spec(tmp_path, count=8, cap=3, interval_ms=50, attempts=3)
    instance_id = start(host, "sliding_window", spec)
    wait_until(lambda: sorted(flight.started()) == [0, 1, 2], what="the first three items")
    gates.release(1, "ok")
    wait_until(lambda: 3 in flight.started(), what="item 3 after item 1")
    gates.release(0, "ok")
    wait_until(lambda: completed(host, instance_id, 0), what="item 0's result consumed")
    assert sorted(flight.started()) == [0, 1, 2, 3], "item 4 must wait: the window collapsed"
    assert ids_of(host, instance_id, EventType.TASK_SCHEDULED) == [0, 1, 2, 3]

    gates.release(2, "fail", "ok")
    wait_until(lambda: completed(host, instance_id, 5), what="item 2's second attempt")
    assert ids_of(host, instance_id, EventType.TIMER_CREATED) == [4]  # the SDK's id for item 4
    assert ids_of(host, instance_id, EventType.TIMER_FIRED, "TimerId") == [4]
    assert sorted(flight.started()) == [0, 1, 2, 2, 3], "still nothing new while 3 runs"

    for item in range(3, 8):
        gates.release(item, "ok")
    inst = host.wait_for(instance_id, timeout=120)
    assert inst.status == "Completed"
    output = json.loads(inst.output)
    assert output != [i * 10 for i in range(8)]
    assert output[4] is None  # item 4 "finished" when item 2's retry timer fired
    assert output == [0, 10, 50, 30, None, 40, 60, 70]
    runs = flight.runs()
    order = [(r.item, r.event) for r in runs]
    assert order.index((4, "start")) > order.index((3, "end")), "item 4 waited for item 3"
    assert max(r.in_flight for r in runs[order.index((3, "end")):]) == 1, "one at a time"


def test_waves_of_fresh_tasks_finish_with_at_most_the_cap_in_flight(fidelity_host: Host,
                                                                    tmp_path: Path) -> None:
    """The replacement: `task_all` over at most 3 fresh retry tasks per wave (odd items fail
    once and are retried). Each first attempt waits until its whole wave has started, so the
    recorded peak shows the window used in full, and never exceeded."""
    spec, _, flight = fan_spec(tmp_path, count=7, cap=3, interval_ms=50, attempts=3)
    inst = fidelity_host.wait_for(start(fidelity_host, "waves", spec), timeout=120)
    assert inst.status == "Completed", inst.output
    assert json.loads(inst.output) == [i * 10 for i in range(7)]
    assert flight.peak() == 3
    assert sorted(flight.started()) == sorted([*range(7), 1, 3, 5])
    assert json.loads(inst.custom_status) == {"done": 7}


def test_approval_loop_with_a_fresh_timer_ends_at_the_deadline(fidelity_host: Host,
                                                               tmp_path: Path) -> None:
    """An invalid decision, then nothing: the loop's fresh timer ends it at the deadline (the
    same-timer loop stays Running there: tests/devhost/test_engine.py shows it step by step)."""
    host = fidelity_host
    spec, gates, _ = fan_spec(tmp_path, seconds=1)
    instance_id = start(host, "approval_fresh_timer", spec)
    gates.release(0, "ok")
    wait_until(lambda: completed(host, instance_id, 0), what="the loop waiting")
    host.run_client(lambda c: c.raise_event(instance_id, "Approval", {"decision": "maybe"}))
    inst = host.wait_for(instance_id)
    assert (inst.status, json.loads(inst.output)) == ("Completed", "timeout")


def test_raising_with_an_activity_open_fails_only_after_it_finishes(fidelity_host: Host,
                                                                   tmp_path: Path) -> None:
    host = fidelity_host
    spec, gates, flight = fan_spec(tmp_path)
    instance_id = start(host, "raise_with_open_activity", spec)
    wait_until(lambda: EventType.TASK_FAILED in [e["EventType"] for e in
                                                events(host, instance_id)],
               what="explode's failure consumed")
    assert status(host, instance_id) == "Running"  # DTFx: the gated activity is still open
    assert flight.started() == [0] and not [r for r in flight.runs() if r.event == "end"]
    gates.release(0, "ok")
    inst = host.wait_for(instance_id)
    assert inst.status == "Failed"
    assert inst.output == ("Orchestrator function 'raise_with_open_activity' failed: "
                           "gave up while a task was open")


def episodes(history: list[dict]) -> list[list[dict]]:
    """The history cut at each OrchestratorStarted."""
    cut: list[list[dict]] = []
    for event in history:
        if event["EventType"] == EventType.ORCHESTRATOR_STARTED:
            cut.append([])
        cut[-1].append(event)
    return cut


def test_returning_with_an_uncancelled_timer_completes_when_it_fires(fidelity_host: Host
                                                                     ) -> None:
    """Whichever task wins, the instance completes only in the episode of the loser's
    completion: the one the orchestrator returned in leaves it Running."""
    instance_id = start(fidelity_host, "return_with_open_timer", 2)
    inst = fidelity_host.wait_for(instance_id)
    assert inst.status == "Completed"
    winner = json.loads(inst.output)
    kinds = {"work": EventType.TASK_COMPLETED, "timer": EventType.TIMER_FIRED}
    loser = kinds["timer" if winner == "work" else "work"]
    blocks = [[e["EventType"] for e in block] for block in episodes(events(fidelity_host,
                                                                             instance_id))]
    won_in = next(b for b in blocks if kinds[winner] in b)
    assert EventType.EXECUTION_COMPLETED not in won_in, "returned, but a task was open"
    assert blocks[-1].count(loser) == 1 and EventType.EXECUTION_COMPLETED in blocks[-1]


def test_the_host_sends_the_azure_storage_timer_limits(fidelity_host: Host) -> None:
    """A 7-day timer on the live host: the first timer it schedules is the SDK's 3-day sub-timer
    (the context carried maximumShortTimerDuration 6 days, longRunningTimerIntervalDuration 3)."""
    host = fidelity_host
    instance_id = start(host, "sleeper", 7 * 86400)
    created = wait_until(lambda: [e for e in events(host, instance_id)
                                  if e["EventType"] == EventType.TIMER_CREATED],
                         what="the first sub-timer")
    began = next(e for e in events(host, instance_id)
                 if e["EventType"] == EventType.ORCHESTRATOR_STARTED)
    fire_at = parse_timestamp(created[0]["FireAt"])
    assert fire_at == parse_timestamp(began["Timestamp"]) + timedelta(days=3)
    host.run_client(lambda c: c.terminate(instance_id, "test over"))
    assert host.wait_for(instance_id).status == "Terminated"
