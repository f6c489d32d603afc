"""The HTTP surface: SDK client calls, public status URLs, function routes, keys, bad input."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import azure.durable_functions as df

from devhost import Host

from .conftest import FUNCTION_KEY, start


def http(method: str, url: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """One request; returns status, headers (case-insensitive) and body, errors included."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_starter_function_returns_check_status_links(durable_host: Host) -> None:
    status, headers, body = http("POST", f"{durable_host.origin}/api/start/chain", b'["A"]')
    assert status == 202
    links = json.loads(body)
    assert headers["Location"] == links["statusQueryGetUri"]
    assert links["statusQueryGetUri"].startswith(
        f"{durable_host.origin}/runtime/webhooks/durabletask/instances/{links['id']}?")
    durable_host.wait_for(links["id"])
    status, _, body = http("GET", links["statusQueryGetUri"])
    assert status == 200
    assert json.loads(body)["output"] == ["Hello A"]


def test_public_status_url_is_202_while_running_and_404_when_unknown(durable_host: Host) -> None:
    instance_id = start(durable_host, "approval", 60)
    url = f"{durable_host.origin}/runtime/webhooks/durabletask/instances/{instance_id}"
    asked = f"{url}?taskHub=TestHubName&connection=Storage&code={durable_host.keys.system}"
    status, headers, body = http("GET", asked)
    assert status == 202
    assert headers["Location"] == asked  # the extension answers with the request's own URL
    assert headers["Retry-After"] == "5"
    assert json.loads(body)["runtimeStatus"] in ("Pending", "Running")
    assert http("GET", f"{url}-nope?code={durable_host.keys.system}")[0] == 404
    durable_host.run_client(lambda c: c.terminate(instance_id, "test over"))
    inst = durable_host.wait_for(instance_id)
    assert inst.status == "Terminated" and inst.output == "test over"


def test_sdk_client_round_trip(durable_host: Host) -> None:
    async def scenario(client: df.DurableOrchestrationClient) -> dict[str, Any]:
        since = datetime.now(UTC) - timedelta(seconds=1)
        instance_id = await client.start_new("approval", None, 60)
        await client.suspend(instance_id, "hold")
        suspended = await _wait_status(client, instance_id, "Suspended")
        await client.raise_event(instance_id, "Approval", "yes")
        await client.resume(instance_id, "go")
        done = await _wait_status(client, instance_id, "Completed")
        detailed = await client.get_status(instance_id, show_history=True,
                                           show_history_output=True, show_input=True)
        running = await client.get_status_by(since, None, [df.OrchestrationRuntimeStatus.Running])
        mine = await client.get_status_by(since, None, [df.OrchestrationRuntimeStatus.Completed])
        purged = await client.purge_instance_history(instance_id)
        gone = await client.get_status(instance_id)
        return {"suspended": suspended, "done": done, "detailed": detailed, "running": running,
                "mine": [s.instance_id for s in mine], "id": instance_id,
                "purged": purged.instances_deleted, "gone": gone}

    result = durable_host.run_client(scenario)
    assert result["suspended"].runtime_status == df.OrchestrationRuntimeStatus.Suspended
    assert result["done"].output == {"approved": '"yes"'}
    assert result["detailed"].input_ == "60"
    kinds = [e["EventType"] for e in result["detailed"].historyEvents]
    assert kinds[0] == "ExecutionStarted" and "EventRaised" in kinds
    assert result["id"] in result["mine"]
    assert all(s.runtime_status == df.OrchestrationRuntimeStatus.Running
               for s in result["running"])
    assert result["purged"] == 1 and not result["gone"]


async def _wait_status(client: df.DurableOrchestrationClient, instance_id: str, wanted: str):
    import asyncio

    for _ in range(300):
        status = await client.get_status(instance_id)
        if status.runtime_status and status.runtime_status.value == wanted:
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"{instance_id} never reached {wanted}")


def test_list_pages_with_continuation_token(durable_host: Host) -> None:
    for _ in range(3):
        durable_host.wait_for(start(durable_host, "chain", ["P"]))
    base = f"{durable_host.rpc_origin}/durabletask/instances/?top=2"
    status, headers, body = http("GET", base)
    assert status == 200 and len(json.loads(body)) == 2
    token = headers["x-ms-continuation-token"]
    status, _, body = http("GET", base, headers={"x-ms-continuation-token": token})
    assert status == 200 and len(json.loads(body)) >= 1


def test_function_keys_and_routes(durable_host: Host) -> None:
    instance_id = start(durable_host, "chain", ["K"])
    durable_host.wait_for(instance_id)
    url = f"{durable_host.origin}/api/status/{instance_id}"
    assert http("GET", url)[0] == 401
    assert http("GET", f"{url}?code=wrong")[0] == 401
    status, _, body = http("GET", f"{url}?code={FUNCTION_KEY}")
    assert status == 200 and json.loads(body)["output"] == ["Hello K"]
    assert http("GET", url, headers={"x-functions-key": FUNCTION_KEY})[0] == 200
    status, headers, body = http("POST", f"{durable_host.origin}/api/echo/7?q=1", b"hi")
    assert status == 200 and headers["x-echo"] == "1"
    assert json.loads(body) == {"route": {"item": "7"}, "params": {"q": "1"}, "method": "POST",
                                "body": "hi"}
    assert http("GET", f"{durable_host.origin}/api/echo/notanint")[0] == 404
    assert http("DELETE", f"{durable_host.origin}/api/echo/7")[0] == 404
    assert http("GET", f"{durable_host.origin}/api/no/such/route")[0] == 404
    status, _, body = http("GET", f"{durable_host.origin}/api/via-out")
    assert (status, body) == (201, b"sent through Out")


def test_bad_input_gets_the_right_status_and_the_host_lives_on(durable_host: Host) -> None:
    rpc = f"{durable_host.rpc_origin}/durabletask"
    json_type = {"Content-Type": "application/json"}
    assert http("POST", f"{rpc}/orchestrators/chain", b"{not json", json_type)[0] == 400
    assert http("POST", f"{rpc}/orchestrators/no_such_orchestrator", b"1", json_type)[0] == 400
    assert http("GET", f"{rpc}/instances/unknown-id")[0] == 404
    assert http("GET", f"{rpc}/instances/?top=many")[0] == 400
    assert http("GET", f"{rpc}/instances/?createdTimeFrom=yesterday")[0] == 400
    assert http("POST", f"{rpc}/instances/unknown-id/raiseEvent/E", b"1", json_type)[0] == 404
    assert http("POST", f"{rpc}/instances/unknown-id/terminate?reason=x")[0] == 404
    assert http("DELETE", f"{rpc}/instances/unknown-id")[0] == 404
    finished = start(durable_host, "chain", ["F"])
    durable_host.wait_for(finished)
    assert http("POST", f"{rpc}/instances/{finished}/raiseEvent/E", b"1", json_type)[0] == 410
    assert http("POST", f"{rpc}/instances/{finished}/terminate?reason=x")[0] == 410
    running = start(durable_host, "approval", 60)
    assert http("POST", f"{rpc}/instances/{running}/raiseEvent/E", b"{bad", json_type)[0] == 400
    assert http("POST", f"{rpc}/instances/{running}/raiseEvent/E", b"1")[0] == 400
    durable_host.run_client(lambda c: c.terminate(running, "cleanup"))
    assert http("GET", f"{durable_host.origin}/nothing/here")[0] == 404
    assert http("GET", f"{durable_host.origin}/admin/host/status")[0] == 200
    assert durable_host.wait_for(start(durable_host, "chain", ["still alive"])).status == \
        "Completed"


def test_webhook_raise_event_takes_single_encoded_json(durable_host: Host) -> None:
    instance_id = start(durable_host, "approval", 60)
    url = (f"{durable_host.origin}/runtime/webhooks/durabletask/instances/{instance_id}"
           f"/raiseEvent/Approval?taskHub=TestHubName&connection=Storage"
           f"&code={durable_host.keys.system}")
    status, _, _ = http("POST", url, b'{"ok": true}', {"Content-Type": "application/json"})
    assert status == 202
    assert json.loads(durable_host.wait_for(instance_id).output) == {"approved": {"ok": True}}
