"""Management operations through the SDK client: rewind, restart, purge by query."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import azure.durable_functions as df

from devhost import Host

from .conftest import run


def test_rewind_reruns_the_failed_activity(durable_host: Host, tmp_path: Path) -> None:
    spec = {"file": str(tmp_path / "calls"), "fail_times": 1}
    failed = run(durable_host, "fragile", spec)
    assert failed.status == "Failed" and "flaky failure 1" in failed.output
    durable_host.run_client(lambda c: c.rewind(failed.instance_id, "try again"))
    done = durable_host.wait_for(failed.instance_id)
    assert done.status == "Completed"
    assert json.loads(done.output) == ["Hello before", "ok after 2"]


def test_rewind_of_a_completed_instance_is_refused(durable_host: Host) -> None:
    done = run(durable_host, "chain", ["r"])

    async def rewind(client: df.DurableOrchestrationClient) -> str:
        try:
            await client.rewind(done.instance_id, "no")
        except Exception as error:  # the SDK raises a bare Exception for 410
            return str(error)
        return "accepted"

    assert durable_host.run_client(rewind) != "accepted"


def test_restart_starts_a_new_instance_with_the_same_input(durable_host: Host) -> None:
    first = run(durable_host, "chain", ["again"])
    payload = durable_host.run_client(lambda c: c.restart(first.instance_id))
    new_id = payload["id"] if isinstance(payload, dict) else payload
    assert new_id != first.instance_id
    second = durable_host.wait_for(new_id)
    assert second.output == first.output


def test_purge_by_query(durable_host: Host) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    finished = [run(durable_host, "chain", ["p"]).instance_id for _ in range(2)]

    async def purge(client: df.DurableOrchestrationClient) -> int:
        result = await client.purge_instance_history_by(
            since, None, [df.OrchestrationRuntimeStatus.Completed])
        return result.instances_deleted

    assert durable_host.run_client(purge) >= 2
    assert all(durable_host.store.get_instance(i) is None for i in finished)
