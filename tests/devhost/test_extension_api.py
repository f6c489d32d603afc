"""The durable HTTP API as the extension answers it: keys on every webhook route, the loopback
RPC listener, starting an id that is already running, the 202 links and headers, versions."""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from devhost import Host, services
from devhost.keys import KEY_FILE

from .conftest import FIDELITY_APP, start, wait_until
from .test_http import http

WEBHOOK = "/runtime/webhooks/durabletask"
JSON = {"Content-Type": "application/json"}


def webhook(host: Host, path: str, key: str | None = None, origin: str | None = None) -> str:
    query = f"{'&' if '?' in path else '?'}code={key}" if key else ""
    return f"{origin or host.origin}{WEBHOOK}/{path}{query}"


def test_every_webhook_route_needs_the_system_or_master_key(fidelity_host: Host) -> None:
    host = fidelity_host
    keys = host.keys
    instance_id = start(host, "sleeper", 3600)
    routes = [("GET", f"instances/{instance_id}"), ("GET", "instances/"),
              ("POST", "orchestrators/sleeper"),
              ("POST", f"instances/{instance_id}/raiseEvent/Go"),
              ("POST", f"instances/{instance_id}/terminate?reason=x"),
              ("POST", f"instances/{instance_id}/suspend?reason=x"),
              ("POST", f"instances/{instance_id}/resume?reason=x"),
              ("POST", f"instances/{instance_id}/rewind?reason=x"),
              ("POST", f"instances/{instance_id}/restart"),
              ("DELETE", f"instances/{instance_id}"),
              ("DELETE", "instances/?createdTimeFrom=2020-01-01T00:00:00Z")]
    for method, path in routes:
        for key in (None, "wrong", keys.function):
            status, _, body = http(method, webhook(host, path, key), b"1", JSON)
            assert (status, body) == (401, b""), (method, path, key)
    assert host.store.get_instance(instance_id).status in ("Pending", "Running")
    for key in (keys.system, keys.master):
        assert http("GET", webhook(host, f"instances/{instance_id}", key))[0] == 202
    status, _, _ = http("POST", webhook(host, f"instances/{instance_id}/terminate?reason=done",
                                        keys.system))
    assert status == 202
    assert host.wait_for(instance_id).status == "Terminated"


def test_the_sdk_client_uses_the_loopback_rpc_listener(fidelity_host: Host) -> None:
    host = fidelity_host
    binding = json.loads(host.client_json)
    assert binding["rpcBaseUrl"] == f"{host.rpc_origin}/durabletask/"
    assert binding["rpcBaseUrl"].startswith("http://127.0.0.1:")
    assert host.rpc_port != host.port
    assert http("GET", f"{host.origin}/durabletask/instances/")[0] == 404  # not on the public one
    assert http("GET", f"{host.rpc_origin}/durabletask/instances/")[0] == 200
    assert http("GET", f"{host.rpc_origin}/api/start/sleeper")[0] == 404  # nothing else there
    done = host.wait_for(start(host, "sleeper", 0))
    assert json.loads(done.output) == "woke"
    links = binding["managementUrls"]
    assert links["statusQueryGetUri"].endswith(f"&code={host.keys.system}")


def test_generated_keys_are_private_and_survive_a_restart(tmp_path: Path) -> None:
    def keys_of_a_host() -> tuple:
        with Host(FIDELITY_APP, services.free_port(), tmp_path, start_azurite=False,
                  start_model_server=False) as host:
            return host.keys

    first, second = keys_of_a_host(), keys_of_a_host()
    assert first == second and len({first.master, first.function, first.system}) == 3
    mode = stat.S_IMODE(os.stat(tmp_path / KEY_FILE).st_mode)
    assert mode == 0o600


def test_starting_a_running_id_fails_as_on_azure(fidelity_host: Host) -> None:
    """NonRunningStates (the extension's default, set explicitly in this app's host.json):
    DTFx refuses with OrchestrationAlreadyExistsException, the HTTP API answers 500, and SDK
    1.7.0's `start_new` raises a plain Exception carrying that body."""
    host = fidelity_host
    instance_id = start(host, "sleeper", 3600, instance_id="dedupe-1")

    async def again(client) -> str:
        try:
            await client.start_new("sleeper", instance_id, 1)
        except Exception as error:  # the SDK raises a bare Exception
            return str(error)
        return "started"

    refused = host.run_client(again)
    assert "An Orchestration instance with the status" in refused
    assert "already exists." in refused and "OrchestrationAlreadyExistsException" in refused
    status, _, body = http("POST", webhook(host, f"orchestrators/sleeper/{instance_id}",
                                           host.keys.system), b"1", JSON)
    assert status == 500
    assert json.loads(body)["ExceptionType"] == \
        "DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException"
    host.run_client(lambda c: c.terminate(instance_id, "test over"))
    host.wait_for(instance_id)
    assert start(host, "sleeper", 0, instance_id=instance_id) == instance_id  # finished: fine
    assert json.loads(host.wait_for(instance_id).output) == "woke"


@pytest.fixture()
def any_state_app(tmp_path: Path) -> Path:
    """The fidelity app with `overridableExistingInstanceStates: AnyState`."""
    app = tmp_path / "app"
    shutil.copytree(FIDELITY_APP, app)
    host_json = json.loads((app / "host.json").read_text())
    host_json["extensions"]["durableTask"]["overridableExistingInstanceStates"] = "AnyState"
    host_json["extensions"]["durableTask"]["hubName"] = "AnyStateHub"
    (app / "host.json").write_text(json.dumps(host_json))
    return app


def test_any_state_replaces_a_running_instance(any_state_app: Path, tmp_path: Path) -> None:
    with Host(any_state_app, services.free_port(), tmp_path / "data", start_azurite=False,
              start_model_server=False) as host:
        first = start(host, "sleeper", 3600, instance_id="replace-me")
        wait_until(lambda: host.store.get_instance(first).status == "Running")
        old_execution = host.store.get_instance(first).execution_id
        assert start(host, "sleeper", 0, instance_id=first) == first
        inst = host.wait_for(first)
        assert json.loads(inst.output) == "woke" and inst.execution_id != old_execution


def test_start_answers_202_with_links_on_the_request_origin(fidelity_host: Host) -> None:
    """The extension builds the links from the request's own origin, puts `Location` =
    statusQueryGetUri and `Retry-After: 10`; status answers 202 with `Location` = the URL that
    was asked for while running, 200 (or 500 on request) when it failed."""
    host = fidelity_host
    local = host.origin.replace("127.0.0.1", "localhost")
    # a JSON *string* body, as the SDK sends input (a bare number would reach the Python
    # orchestrator as an int, which `get_input` cannot decode: so on Azure too, spec §1.2)
    status, headers, body = http("POST", webhook(host, "orchestrators/sleeper", host.keys.system,
                                                 origin=local), b'"3600"', JSON)
    assert status == 202 and headers["Retry-After"] == "10"
    links = json.loads(body)
    assert headers["Location"] == links["statusQueryGetUri"]
    assert links["statusQueryGetUri"].startswith(f"{local}{WEBHOOK}/instances/{links['id']}?")
    assert "rewindPostUri" not in links and links["statusQueryGetUri"].endswith(
        f"code={host.keys.system}")
    asked = links["statusQueryGetUri"] + "&showInput=false"
    status, headers, _ = http("GET", asked)
    assert status == 202 and headers["Location"] == asked and headers["Retry-After"] == "5"
    http("POST", links["terminatePostUri"].replace("{text}", "over"))

    status, headers, body = http("POST", f"{host.origin}/api/start/sleeper", b"3600", JSON)
    assert status == 202, body
    links = json.loads(body)  # the SDK's create_check_status_response, from the app
    assert status == 202 and headers["Location"] == links["statusQueryGetUri"]
    assert links["statusQueryGetUri"].startswith(f"{host.origin}{WEBHOOK}/instances/")
    http("POST", links["terminatePostUri"].replace("{text}", "over"))


def test_status_of_a_failed_instance_is_200_or_500_on_request(fidelity_host: Host) -> None:
    host = fidelity_host
    failed = host.wait_for(start(host, "long_retry", None))
    assert failed.status == "Failed"
    url = webhook(host, f"instances/{failed.instance_id}", host.keys.system)
    assert http("GET", url)[0] == 200
    assert http("GET", url + "&returnInternalServerErrorOnFailure=true")[0] == 500


def test_new_instances_get_the_default_version_or_the_one_asked_for(fidelity_host: Host
                                                                    ) -> None:
    """host.json `defaultVersion` 2.0 goes into ExecutionStarted.Version (the SDK's
    `context.version`), for sub-orchestrations too; `start_new(version=)` and the HTTP API's
    `?version=` override it for the instance they start."""
    host = fidelity_host
    default = host.wait_for(start(host, "versioned"))
    assert json.loads(default.output) == {"version": "2.0", "child": "2.0"}
    chosen = host.run_client(lambda c: c.start_new("versioned", None, None, version="1.5"))
    assert json.loads(host.wait_for(chosen).output) == {"version": "1.5", "child": "2.0"}
    status, _, body = http("POST", webhook(host, "orchestrators/versioned?version=1.9",
                                           host.keys.system))
    assert status == 202
    assert json.loads(host.wait_for(json.loads(body)["id"]).output)["version"] == "1.9"


def test_a_newer_version_than_the_host_waits(fidelity_host: Host) -> None:
    """versionMatchStrategy CurrentOrOlder with versionFailureStrategy Reject (the defaults):
    this host does not run a 3.0 instance; its work item is put back for later."""
    host = fidelity_host
    newer = host.run_client(lambda c: c.start_new("versioned", None, None, version="3.0"))

    def deferred() -> bool:
        return bool(host.store.query(prefix=newer)) and all(
            m.visible_at > time.time() + 5 for m in host.store.due_messages(newer, ahead=60))

    wait_until(deferred, what="the start message put back")
    assert host.store.get_instance(newer).status == "Pending"
