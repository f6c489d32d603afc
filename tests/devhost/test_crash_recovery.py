"""kill -9 the host mid fan-out, start it again: the orchestration completes, and every activity
whose completion had been recorded ran exactly once (in-flight ones at least once)."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from collections import Counter
from pathlib import Path

from devhost import HostProcess
from devhost.history import EventType

from .conftest import APP_DIR, host_settings

COUNT = 60
WORKERS = 4


def start_fan_out(rpc_origin: str, side_effects: Path) -> str:
    body = json.dumps(json.dumps({"file": str(side_effects), "count": COUNT, "sleep": 0.1}))
    request = urllib.request.Request(f"{rpc_origin}/durabletask/orchestrators/side_effects",
                                     data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())["id"]


def recorded_completions(hub: Path, instance_id: str) -> set[int]:
    """Task ids whose completion is durable: in the history or waiting in the message queue."""
    with sqlite3.connect(hub) as db:
        rows = db.execute("SELECT event FROM events WHERE instance_id=? UNION ALL "
                          "SELECT event FROM messages WHERE instance_id=?",
                          (instance_id, instance_id)).fetchall()
    events = [json.loads(row[0]) for row in rows]
    return {e["TaskScheduledId"] for e in events if e["EventType"] == EventType.TASK_COMPLETED}


def wait_status(rpc_origin: str, instance_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{rpc_origin}/durabletask/instances/{instance_id}") as reply:
            body = json.loads(reply.read())
            if reply.status == 200:
                return body
        time.sleep(0.2)
    raise AssertionError(f"{instance_id} did not finish")


def test_kill_9_mid_fan_out_then_resume(tmp_path: Path, azurite: str) -> None:
    side_effects = tmp_path / "side-effects.txt"
    data = tmp_path / "data"
    env = host_settings(azurite, tmp_path / "uploads.log")
    args = ["--no-azurite", "--no-model-server", "--activity-workers", str(WORKERS)]
    first = HostProcess(APP_DIR, data, env=env, extra_args=args).start()
    try:
        instance_id = start_fan_out(first.rpc_origin, side_effects)
        while len(side_effects.read_text().splitlines() if side_effects.exists() else []) < 15:
            time.sleep(0.05)
    finally:
        first.kill()
    before = Counter(side_effects.read_text().split())
    assert len(before) < COUNT, "the fan-out finished before the kill"
    recorded = recorded_completions(data / "taskhub-TestHubName.sqlite", instance_id)
    with HostProcess(APP_DIR, data, env=env, extra_args=args) as second:
        status = wait_status(second.rpc_origin, instance_id)
    assert status["runtimeStatus"] == "Completed" and status["output"] == COUNT
    runs = Counter(int(i) for i in side_effects.read_text().split())
    assert set(runs) == set(range(COUNT))
    assert recorded, "no completion was recorded before the kill"
    assert all(runs[i] == 1 for i in recorded)
    assert sum(runs.values()) - COUNT <= WORKERS
