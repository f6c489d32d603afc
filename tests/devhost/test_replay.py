"""Determinism: replaying a finished instance's stored history through the SDK and the
extension's shim yields no new decisions, and hand-built histories (same factories as the host)
give the SDK's expected actions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from devhost import Host, shim
from devhost import history as h
from devhost.indexing import AppIndex
from devhost.replay import context_json, run_orchestrator

from .conftest import run

FINISHED_CASES = [
    ("chain", ["a", "b"]),
    ("fan_out", 20),
    ("timer", 0),
    ("approval", 0),
    ("parent", ["c"]),
    ("counter", 2),
    ("staged", None),
    ("catches", None),
    ("broken", None),
]


def _handle(host: Host, name: str):
    index = host.index
    assert isinstance(index, AppIndex)
    found = index.orchestrator(name)
    assert found is not None
    return found[1]


def replay(host: Host, instance_id: str):
    inst = host.store.get_instance(instance_id)
    events = host.store.get_events(instance_id)
    result = run_orchestrator(_handle(host, inst.name), context_json(
        instance_id, events, (inst.parent or {}).get("instance_id")))
    return inst, result


def assert_replays_without_new_actions(host: Host, instance_id: str) -> None:
    inst, result = replay(host, instance_id)
    index = host.index
    assert isinstance(index, AppIndex)
    events = host.store.get_events(instance_id)
    outcome = shim.replay(shim.Context(
        instance_id, inst.execution_id, (inst.parent or {}).get("instance_id"),
        activity_exists=lambda n: index.activity(n) is not None,
        orchestrator_exists=lambda n: index.orchestrator(n) is not None,
        known_activities=index.activity_names), events, result.actions)
    assert outcome.decisions == [] and outcome.nondeterminism is None
    assert outcome.open_tasks == 0 and outcome.finished(result.error, result.is_done)
    if inst.status == "Completed":
        assert result.is_done and result.error is None
        assert json.dumps(result.output) == inst.output
    else:
        assert inst.output.endswith(result.error)


@pytest.mark.parametrize(("name", "value"), FINISHED_CASES)
def test_replaying_a_finished_history_adds_no_actions(durable_host: Host, name: str,
                                                      value: object) -> None:
    assert_replays_without_new_actions(durable_host, run(durable_host, name, value).instance_id)


@pytest.mark.parametrize("name", ["retrying", "parallel_retries", "parent_with_retry"])
def test_retry_histories_replay_deterministically(durable_host: Host, tmp_path: Path,
                                                  name: str) -> None:
    specs = [{"file": str(tmp_path / f"calls-{i}"), "fail_times": 1, "attempts": 3,
              "interval_ms": 10} for i in range(3)]
    value = specs if name == "parallel_retries" else specs[0]
    inst = run(durable_host, name, value)
    assert inst.status == "Completed", inst.output
    assert_replays_without_new_actions(durable_host, inst.instance_id)


T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _seconds(n: int) -> datetime:
    return T0 + timedelta(seconds=n)


def test_hand_built_chain_history_matches_sdk_actions(durable_host: Host) -> None:
    """Episode 2 of `chain`: the first activity's result is in; the SDK asks for the second."""
    history = [
        h.orchestrator_started(_seconds(0)),
        h.execution_started("chain", "i1", "e1", json.dumps(json.dumps(["x", "y"])),
                            at=_seconds(0)),
        h.task_scheduled(0, "hello", json.dumps("x"), _seconds(0)),
        h.orchestrator_completed(_seconds(0)),
    ]
    history = [*h.played(history), h.orchestrator_started(_seconds(1)),
               h.task_completed(0, json.dumps("Hello x"), _seconds(1))]
    result = run_orchestrator(_handle(durable_host, "chain"),
                              context_json("i1", history, None))
    assert not result.is_done
    assert [(a["actionType"], a["functionName"], a["input"]) for a in result.actions] == [
        (0, "hello", '"x"'), (0, "hello", '"y"')]


def test_hand_built_retry_history_needs_the_final_timer(durable_host: Host) -> None:
    """SDK semantics the host relies on: after the last failed attempt, the failure surfaces
    only once the extra (dummy) retry timer has fired."""
    spec = json.dumps(json.dumps({"file": "unused", "fail_times": 9, "attempts": 2}))
    base = [h.orchestrator_started(_seconds(0)),
            h.execution_started("retrying", "i2", "e2", spec, at=_seconds(0)),
            h.task_failed(0, "Activity function 'flaky' failed: boom", "d", _seconds(1)),
            h.timer_fired(1, _seconds(2)),
            h.task_failed(2, "Activity function 'flaky' failed: boom", "d", _seconds(3))]
    handle = _handle(durable_host, "retrying")
    waiting = run_orchestrator(handle, context_json("i2", base, None))
    assert waiting.error is None and not waiting.is_done
    failed = run_orchestrator(handle, context_json("i2", [*base, h.timer_fired(3, _seconds(4))],
                                                   None))
    assert failed.error is not None and "boom" in failed.error
