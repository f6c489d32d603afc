"""Every orchestrator action type, run end to end on the host (SDK replay, SQLite, workers)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from devhost import Host
from devhost.history import EventType, parse_timestamp

from .conftest import run, start


def output(inst) -> object:
    return json.loads(inst.output)


def scheduling_ids(host: Host, instance_id: str) -> list[tuple[str, int]]:
    kinds = {EventType.TASK_SCHEDULED: "task", EventType.TIMER_CREATED: "timer",
             EventType.SUB_ORCHESTRATION_CREATED: "sub", EventType.EXECUTION_COMPLETED: "end"}
    return [(kinds[EventType(e["EventType"])], e["EventId"])
            for e in host.store.get_events(instance_id) if e["EventType"] in kinds]


def test_chaining_runs_activities_in_order(durable_host: Host) -> None:
    inst = run(durable_host, "chain", ["Tokyo", "Seattle", "London"])
    assert inst.status == "Completed"
    assert output(inst) == ["Hello Tokyo", "Hello Seattle", "Hello London"]
    assert scheduling_ids(durable_host, inst.instance_id) == [
        ("task", 0), ("task", 1), ("task", 2), ("end", 3)]


def test_fan_out_of_100_async_activities(durable_host: Host) -> None:
    inst = run(durable_host, "fan_out", 100)
    assert inst.status == "Completed"
    assert output(inst) == 2 * sum(range(100))


def test_timer_fires(durable_host: Host) -> None:
    inst = run(durable_host, "timer", 1)
    assert output(inst) == "fired"
    events = durable_host.store.get_events(inst.instance_id)
    fired = [e for e in events if e["EventType"] == EventType.TIMER_FIRED]
    created = [e for e in events if e["EventType"] == EventType.TIMER_CREATED]
    assert len(fired) == 1 and fired[0]["TimerId"] == created[0]["EventId"] == 0
    # delivered no earlier than due: the episode that saw it started after FireAt
    started_after = next(e for e in reversed(events[:events.index(fired[0])])
                         if e["EventType"] == EventType.ORCHESTRATOR_STARTED)
    assert parse_timestamp(started_after["Timestamp"]) >= parse_timestamp(fired[0]["FireAt"])


def test_external_event_beats_timer(durable_host: Host) -> None:
    instance_id = start(durable_host, "approval", 60)
    durable_host.run_client(lambda c: c.raise_event(instance_id, "Approval", {"ok": True}))
    inst = durable_host.wait_for(instance_id)
    # The Python client double-encodes event data, as on Azure (SDK issue #295).
    assert output(inst) == {"approved": '{"ok": true}'}
    assert json.loads(inst.custom_status) == {"stage": "approved"}
    kinds = [e["EventType"] for e in durable_host.store.get_events(instance_id)]
    assert EventType.TIMER_CREATED in kinds and EventType.TIMER_FIRED not in kinds
    with sqlite3.connect(durable_host.store.path) as db:  # the cancelled timer is gone too
        queued = db.execute("SELECT COUNT(*) FROM messages WHERE instance_id=?",
                            (instance_id,)).fetchone()[0]
    assert queued == 0


def test_timer_beats_external_event(durable_host: Host) -> None:
    inst = run(durable_host, "approval", 1)
    assert output(inst) == "timeout"
    assert json.loads(inst.custom_status) == {"stage": "timed_out"}


def test_retry_succeeds_with_sdk_aligned_ids(durable_host: Host, tmp_path: Path) -> None:
    spec = {"file": str(tmp_path / "calls"), "fail_times": 2, "attempts": 3, "interval_ms": 50}
    inst = run(durable_host, "retrying", spec)
    assert output(inst) == "ok after 3"
    assert scheduling_ids(durable_host, inst.instance_id) == [
        ("task", 0), ("timer", 1), ("task", 2), ("timer", 3), ("task", 4), ("end", 5)]


def test_retry_gives_up_after_max_attempts(durable_host: Host, tmp_path: Path) -> None:
    spec = {"file": str(tmp_path / "calls"), "fail_times": 9, "attempts": 2, "interval_ms": 50}
    inst = run(durable_host, "retrying", spec)
    assert inst.status == "Failed"
    assert "flaky failure 2" in inst.output
    assert (tmp_path / "calls").read_text() == "2"
    # attempt, retry timer, attempt, the extension's final "dummy" timer, then the failure
    assert scheduling_ids(durable_host, inst.instance_id) == [
        ("task", 0), ("timer", 1), ("task", 2), ("timer", 3), ("end", 4)]


def test_parallel_retry_loops_keep_ids_aligned(durable_host: Host, tmp_path: Path) -> None:
    specs = [{"file": str(tmp_path / f"calls-{i}"), "fail_times": i % 3} for i in range(6)]
    inst = run(durable_host, "parallel_retries", specs)
    assert inst.status == "Completed", inst.output
    result = output(inst)
    assert result["all"] == [f"ok after {i % 3 + 1}" for i in range(6)]
    assert result["first"] in result["all"]


def test_sub_orchestration_with_retry(durable_host: Host, tmp_path: Path) -> None:
    spec = {"file": str(tmp_path / "calls"), "fail_times": 1}
    inst = run(durable_host, "parent_with_retry", spec)
    assert output(inst) == ["Hello before", "ok after 2"]
    assert scheduling_ids(durable_host, inst.instance_id) == [
        ("sub", 0), ("timer", 1), ("sub", 2), ("end", 3)]
    first_child = durable_host.store.get_instance(f"{inst.execution_id}:0")
    assert first_child.status == "Failed"


def test_sub_orchestrations_complete_and_fail(durable_host: Host) -> None:
    inst = run(durable_host, "parent", ["Oslo"])
    result = output(inst)
    assert result["child"] == ["Hello Oslo"]
    assert result["failed"].startswith("Orchestrator function 'broken' failed: orchestrator broke")
    child = durable_host.store.get_instance(f"{inst.execution_id}:0")
    assert child is not None and child.parent["instance_id"] == inst.instance_id


def test_continue_as_new_restarts_with_new_input(durable_host: Host) -> None:
    inst = run(durable_host, "counter", 0)
    assert output(inst) == 3
    events = durable_host.store.get_events(inst.instance_id)
    assert events[1]["EventType"] == EventType.EXECUTION_STARTED
    assert json.loads(events[1]["Input"]) == "3"


def test_custom_status_follows_the_orchestrator(durable_host: Host) -> None:
    inst = run(durable_host, "staged")
    assert output(inst) == "done"
    assert json.loads(inst.custom_status) == {"stage": "two", "n": 2}


def test_activity_exception_reaches_the_orchestrator(durable_host: Host) -> None:
    inst = run(durable_host, "catches")
    caught = output(inst)["caught"]
    assert caught.startswith("Activity function 'explode' failed:  ValueError: activity exploded")


def test_orchestrator_exception_fails_the_instance(durable_host: Host) -> None:
    inst = run(durable_host, "broken")
    assert inst.status == "Failed"
    assert inst.output == "Orchestrator function 'broken' failed: orchestrator broke"


def test_unknown_activity_fails_like_the_extension(durable_host: Host) -> None:
    inst = run(durable_host, "unknown_activity")
    assert inst.status == "Failed"
    assert "The function 'no_such_activity' doesn't exist" in inst.output


def test_call_http_makes_one_request(durable_host: Host) -> None:
    inst = run(durable_host, "http_call", f"{durable_host.origin}/api/echo/3?via=durable")
    assert inst.status == "Completed", inst.output
    result = output(inst)
    assert result["status"] == 200
    assert result["content"]["params"] == {"via": "durable"}


def test_activity_with_a_durable_client_binding(durable_host: Host) -> None:
    assert output(run(durable_host, "introspect")) == "Running"
