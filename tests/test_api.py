"""HTTP routes and the blob starter, called as the worker calls them, with the real durable client.

The SDK's `DurableOrchestrationClient` talks HTTP to a small stand-in for the Durable extension's
RPC endpoint (the requests and answers of durable-local-host-spec.md section 4.3), so status
codes, event encoding and start requests are the real client's.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import azure.functions as func
import pytest
from azure.functions.blob import InputStream

from api import blob_trigger, calls
from callinsights.records import call_id_for
from callinsights.repository import repository_for
from callinsights.review import parse_decision
from callinsights.search import search_keys
from callinsights.settings import Settings

CALL_ID = "a" * 32
ACTIVE = {"Pending", "Running", "Suspended"}


class Backend:
    """Instances and what the client sent, shared with the request handler."""

    def __init__(self) -> None:
        self.instances: dict[str, dict] = {}
        self.events: list[tuple[str, str, object]] = []
        self.starts: list[tuple[str, str, object]] = []
        self.gone: set[str] = set()  # raiseEvent answers 410 (finished meanwhile)

    def add(self, instance_id: str, runtime: str, custom=None, output=None) -> None:
        self.instances[instance_id] = {
            "name": "process_call", "instanceId": instance_id, "runtimeStatus": runtime,
            "customStatus": custom, "output": output, "input": None,
            "createdTime": "2026-01-05T09:00:00Z", "lastUpdatedTime": "2026-01-05T09:01:00Z"}


def handler_for(backend: Backend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, code: int, body=None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            parts = url.path.strip("/").split("/")  # durabletask/instances[/id]
            if len(parts) == 2 or parts[2] == "":
                wanted = parse_qs(url.query).get("runtimeStatus", [""])[0].split(",")
                found = [i for i in backend.instances.values()
                         if not wanted[0] or i["runtimeStatus"] in wanted]
                return self._send(200, found)
            instance = backend.instances.get(parts[2])
            if instance is None:
                return self._send(404)
            return self._send(202 if instance["runtimeStatus"] in ACTIVE else 200, instance)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = urlsplit(self.path).path.strip("/").split("/")
            if parts[1] == "orchestrators":
                backend.starts.append((parts[2], parts[3], json.loads(json.loads(body))))
                backend.add(parts[3], "Pending")
                return self._send(202, {"id": parts[3]})
            instance = backend.instances.get(parts[2])
            if instance is None:
                return self._send(404)
            if parts[2] in backend.gone or instance["runtimeStatus"] not in ACTIVE:
                return self._send(410)
            backend.events.append((parts[2], parts[4], json.loads(body)))
            return self._send(202)

    return Handler


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One loop for every client call: the SDK keeps one aiohttp session per process.

    A dev host started by another test module may still hold that session on its own loop, so
    this module sets it aside and puts it back afterwards.
    """
    from azure.durable_functions.models.utils import http_utils

    borrowed = http_utils._client_session
    http_utils._client_session = None
    loop = asyncio.new_event_loop()
    yield loop
    if http_utils._client_session is not None:
        loop.run_until_complete(http_utils._client_session.close())
    http_utils._client_session = borrowed
    loop.close()


@pytest.fixture
def backend(monkeypatch, tmp_path) -> Iterator[Backend]:
    monkeypatch.setenv("RECORDS_SQLITE_PATH", str(tmp_path / "records.sqlite"))
    state = Backend()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.port = server.server_address[1]
    yield state
    server.shutdown()
    server.server_close()


def binding(backend: Backend) -> str:
    base = "http://127.0.0.1:7071/runtime/webhooks/durabletask"
    return json.dumps({
        "taskHubName": "TestHub",
        "creationUrls": {"createNewInstancePostUri": f"{base}/orchestrators/{{functionName}}",
                         "createAndWaitOnNewInstancePostUri": f"{base}/orchestrators/x"},
        "managementUrls": {"id": "INSTANCEID",
                           "statusQueryGetUri": f"{base}/instances/INSTANCEID",
                           "sendEventPostUri": f"{base}/instances/INSTANCEID/raiseEvent/{{e}}",
                           "terminatePostUri": f"{base}/instances/INSTANCEID/terminate",
                           "rewindPostUri": f"{base}/instances/INSTANCEID/rewind",
                           "purgeHistoryDeleteUri": f"{base}/instances/INSTANCEID",
                           "restartPostUri": f"{base}/instances/INSTANCEID/restart",
                           "suspendPostUri": f"{base}/instances/INSTANCEID/suspend",
                           "resumePostUri": f"{base}/instances/INSTANCEID/resume"},
        "rpcBaseUrl": f"http://127.0.0.1:{backend.port}/durabletask/"})


def call(loop, function, backend: Backend, **kwargs):
    user_function = function._function.get_user_function()
    return loop.run_until_complete(user_function(client=binding(backend), **kwargs))


def request(method: str, path: str, *, body: bytes = b"", params=None, route=None):
    return func.HttpRequest(method, f"http://localhost:7071/api/{path}", body=body,
                            params=params or {}, route_params=route or {},
                            headers={"Content-Type": "application/json"})


def get_call(loop, backend, call_id=CALL_ID) -> func.HttpResponse:
    return call(loop, calls.get_call, backend,
                req=request("GET", f"calls/{call_id}", route={"call_id": call_id}))


def approve(loop, backend, body, call_id=CALL_ID) -> func.HttpResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return call(loop, calls.approve_call, backend,
                req=request("POST", f"calls/{call_id}/approval", body=raw,
                            route={"call_id": call_id}))


def payload(response: func.HttpResponse) -> dict:
    return json.loads(response.get_body())


AWAITING = {"stage": "awaiting_approval", "deadline": "2099-01-08T09:00:00Z",
            "flagged": {"customer_name": {"value": "Dana", "confidence": 0.4,
                                          "evidence": {"quote": "I'm Dana", "start": 1,
                                                       "end": 2}}}}
RECORD = {"id": CALL_ID, "call_id": CALL_ID, "call_date": "2026-01-05", "status": "Completed",
          "review": {"outcome": "auto_accepted"}, "extraction": {}, "metadata": {}, "error": None}


# -- GET /api/calls/{call_id} --
def test_unknown_call_is_404(loop, backend):
    response = get_call(loop, backend)
    assert response.status_code == 404 and CALL_ID in payload(response)["error"]


@pytest.mark.parametrize("call_id", ["a/b", "x" * 300, "@entity", "a?b", "A" * 32, "a" * 31])
def test_ids_that_are_not_call_ids_are_400(loop, backend, call_id):
    assert get_call(loop, backend, call_id).status_code == 400
    body = {"decision": "approve", "reviewer": "kim"}
    assert approve(loop, backend, body, call_id).status_code == 400
    assert backend.events == []


def test_running_call_shows_stage_and_progress(loop, backend):
    backend.add(CALL_ID, "Running", {"stage": "transcribing", "chunks_total": 3,
                                     "chunks_done": 1})
    body = payload(get_call(loop, backend))
    assert body["status"] == "Running" and body["stage"] == "transcribing"
    assert body["progress"] == {"chunks_done": 1, "chunks_total": 3}
    assert body["created_at"].startswith("2026-01-05T09:00:00")


def test_awaiting_call_shows_flagged_fields(loop, backend):
    backend.add(CALL_ID, "Running", AWAITING)
    body = payload(get_call(loop, backend))
    assert body["status"] == "AwaitingApproval"
    assert body["flagged"] == AWAITING["flagged"] and body["deadline"] == AWAITING["deadline"]


def test_completed_call_shows_the_stored_record(loop, backend):
    repository_for(Settings.from_env()).upsert(RECORD)
    backend.add(CALL_ID, "Completed", {"stage": "done"}, {"status": "Completed"})
    body = payload(get_call(loop, backend))
    assert body["status"] == "Completed" and body["record"] == RECORD


def test_failed_call_shows_the_reason(loop, backend):
    backend.add(CALL_ID, "Failed", {"stage": "failed", "failed_stage": "splitting",
                                    "error": "a.wav is not audio"}, "Orchestrator failed")
    body = payload(get_call(loop, backend))
    assert body["status"] == "Failed" and body["error"] == "a.wav is not audio"


def test_purged_instance_is_answered_from_the_record(loop, backend):
    repository_for(Settings.from_env()).upsert(RECORD)
    body = payload(get_call(loop, backend))
    assert body["status"] == "Completed" and body["record"]["id"] == CALL_ID


# -- GET /api/calls --
def list_calls(loop, backend, **params) -> func.HttpResponse:
    return call(loop, calls.list_calls, backend, req=request("GET", "calls", params=params))


def test_list_awaiting_approval(loop, backend):
    backend.add(CALL_ID, "Running", AWAITING)
    backend.add("b" * 32, "Running", {"stage": "transcribing"})
    body = payload(list_calls(loop, backend, status="AwaitingApproval"))
    assert body["count"] == 1 and body["calls"][0]["call_id"] == CALL_ID
    assert body["calls"][0]["flagged"] == AWAITING["flagged"]


def test_list_everything_merges_records_and_instances(loop, backend):
    repository_for(Settings.from_env()).upsert(RECORD)
    backend.add("b" * 32, "Running", {"stage": "merging"})
    first = payload(list_calls(loop, backend))
    assert [c["call_id"] for c in first["calls"]] == ["b" * 32] and first["continuation"]
    second = payload(list_calls(loop, backend, continuation=first["continuation"]))
    assert [(c["call_id"], c["status"]) for c in second["calls"]] == [(CALL_ID, "Completed")]
    assert second["continuation"] is None


def test_a_failed_call_uploaded_again_is_listed_once(loop, backend):
    repository_for(Settings.from_env()).upsert({**RECORD, "status": "Failed",
                                                "error": {"stage": "splitting", "reason": "x"}})
    backend.add(CALL_ID, "Running", {"stage": "transcribing"})
    first = payload(list_calls(loop, backend))
    second = payload(list_calls(loop, backend, continuation=first["continuation"]))
    listed = [(c["call_id"], c["status"]) for c in first["calls"] + second["calls"]]
    assert listed == [(CALL_ID, "Running")]


def test_list_searches_live_values_and_stored_records(loop, backend):
    dana = {**RECORD, "id": "c" * 32, "call_id": "c" * 32, "review": {"flagged": []},
            "search": search_keys({"customer_name": {"value": "Dana Whitfield"},
                                   "city": {"value": "Plano"}}, [])}
    other = {**RECORD, "id": "d" * 32, "call_id": "d" * 32,
             "search": search_keys({"customer_name": {"value": "Lee"}}, ["city"])}
    for stored in (dana, other):
        repository_for(Settings.from_env()).upsert(stored)
    backend.add(CALL_ID, "Running", AWAITING)  # flagged customer_name "Dana"
    backend.add("b" * 32, "Running", {"stage": "transcribing"})

    def listed(**params) -> list[str]:
        first = payload(list_calls(loop, backend, **params))
        rest = payload(list_calls(loop, backend, continuation=first["continuation"], **params))
        return [c["call_id"] for c in first["calls"] + rest["calls"]]

    assert listed(customer="DANA") == [CALL_ID, "c" * 32]
    assert listed(customer="dana", city="plano") == ["c" * 32]
    assert listed(city="plan") == []
    assert listed(flagged="true") == [CALL_ID, "d" * 32]
    assert listed(flagged="false") == [CALL_ID, "b" * 32, "d" * 32, "c" * 32]


@pytest.mark.parametrize("params", [{"status": "Done"}, {"limit": "0"}, {"limit": "many"},
                                    {"continuation": "bm9wZQ"}, {"flagged": "maybe"},
                                    {"customer": "x" * 101}, {"product": "!!"},
                                    {"from": "2026-13-01"}, {"from": "2026-02-02",
                                                             "to": "2026-02-01"}])
def test_list_rejects_bad_parameters(loop, backend, params):
    response = list_calls(loop, backend, **params)
    assert response.status_code == 400 and payload(response)["error"]


# -- POST /api/calls/{call_id}/approval --
@pytest.mark.parametrize("body,needle", [
    (b"{not json", "JSON"),
    ({"decision": "maybe", "reviewer": "kim"}, "decision"),
    ({"decision": "approve"}, "reviewer"),
    ({"decision": "approve", "reviewer": "kim", "corrections": {"shoe_size": 9}}, "shoe_size"),
    ({"decision": "approve", "reviewer": "kim", "extra": 1}, "extra"),
])
def test_bad_approval_bodies_are_400_with_the_reason(loop, backend, body, needle):
    backend.add(CALL_ID, "Running", AWAITING)
    response = approve(loop, backend, body)
    assert response.status_code == 400 and needle in payload(response)["error"]
    assert backend.events == []


def test_approval_for_unknown_call_is_404(loop, backend):
    response = approve(loop, backend, {"decision": "approve", "reviewer": "kim"})
    assert response.status_code == 404


@pytest.mark.parametrize("runtime,custom", [("Running", {"stage": "transcribing"}),
                                            ("Completed", {"stage": "done"}),
                                            ("Failed", {"stage": "failed", "error": "x"})])
def test_approval_when_not_awaiting_is_409(loop, backend, runtime, custom):
    backend.add(CALL_ID, runtime, custom)
    response = approve(loop, backend, {"decision": "approve", "reviewer": "kim"})
    assert response.status_code == 409 and payload(response)["status"] != "AwaitingApproval"
    assert backend.events == []


def test_approval_raises_the_event_and_answers_202_with_the_status_url(loop, backend):
    backend.add(CALL_ID, "Running", AWAITING)
    response = approve(loop, backend, {"decision": "approve", "reviewer": "kim",
                                       "corrections": {"customer_name": "Dana Smyth"}})
    assert response.status_code == 202
    url = f"http://localhost:7071/api/calls/{CALL_ID}"
    assert payload(response) == {"call_id": CALL_ID, "decision": "approve", "status_url": url}
    assert response.headers["Location"] == url
    ((instance, name, sent),) = backend.events
    assert instance == CALL_ID and name == "Approval"
    decision = parse_decision(sent)  # what the orchestrator will do with it
    assert decision["corrections"] == {"customer_name": "Dana Smyth"}
    assert decision["reviewer"] == "kim" and decision["decided_at"]


def test_approval_racing_completion_is_409(loop, backend):
    """The status said awaiting, but the instance finished before the event got there."""
    backend.add(CALL_ID, "Running", AWAITING)
    backend.gone.add(CALL_ID)
    response = approve(loop, backend, {"decision": "reject", "reviewer": "kim"})
    assert response.status_code == 409


# -- blob trigger --
def upload(loop, backend, data: bytes, name: str = "calls/a.wav") -> None:
    blob = InputStream(data=data, name=name, length=len(data),
                       blob_properties={"LastModified": "2026-01-05T08:59:00+00:00"})
    call(loop, blob_trigger.start_process_call, backend, blob=blob)


def test_upload_starts_process_call_with_the_documented_input(loop, backend):
    upload(loop, backend, b"RIFF audio")
    call_id, digest = call_id_for(b"RIFF audio")
    ((name, instance, job),) = backend.starts
    assert name == "process_call" and instance == call_id
    assert job == {"call_id": call_id, "container": "calls", "blob_name": "a.wav",
                   "content_hash": digest, "size_bytes": 10,
                   "uploaded_at": "2026-01-05T08:59:00+00:00",
                   "policy": Settings.from_env().policy()}


@pytest.mark.parametrize("runtime,starts", [("Running", 0), ("Pending", 0), ("Completed", 0),
                                            ("Failed", 1), ("Terminated", 1)])
def test_same_content_starts_again_only_after_failure(loop, backend, runtime, starts):
    call_id, _ = call_id_for(b"same bytes")
    backend.add(call_id, runtime)
    upload(loop, backend, b"same bytes", "calls/copy-of-a.wav")
    assert len(backend.starts) == starts


@pytest.mark.parametrize("stored,starts", [("Completed", 0), ("Rejected", 0), ("Failed", 1)])
def test_a_purged_call_starts_again_only_if_its_record_failed(loop, backend, stored, starts):
    """No instance (history purged) but a record: Completed/Rejected means done."""
    call_id, _ = call_id_for(b"purged bytes")
    repository_for(Settings.from_env()).upsert({**RECORD, "id": call_id, "call_id": call_id,
                                                "status": stored})
    upload(loop, backend, b"purged bytes")
    assert len(backend.starts) == starts


# -- 409 while a run is live (reextract, reprocess, delete) --
FAILING = {"stage": "failed", "failed_stage": "splitting", "error": "not audio"}


def start_again(loop, backend, route: str) -> func.HttpResponse:
    from api import call_delete, call_reextract, call_reprocess

    function = {"reextract": call_reextract.reextract_call_route,
                "reprocess": call_reprocess.reprocess_call,
                "delete": call_delete.delete_call}[route]
    method, path = ("DELETE", f"calls/{CALL_ID}") if route == "delete" else \
        ("POST", f"calls/{CALL_ID}/{route}")
    return call(loop, function, backend, req=request(method, path, route={"call_id": CALL_ID}))


@pytest.mark.parametrize("route", ["reextract", "reprocess", "delete"])
def test_a_live_run_is_409_with_its_reason(loop, backend, route):
    backend.add(CALL_ID, "Running", {"stage": "transcribing"})
    response = start_again(loop, backend, route)
    body = payload(response)
    assert response.status_code == 409 and body["reason"] == "still running", body
    assert body["running"] == [CALL_ID] and "Retry-After" not in response.headers
    assert backend.starts == []


@pytest.mark.parametrize("route", ["reextract", "reprocess", "delete"])
def test_a_run_storing_its_failure_is_409_with_retry_after(loop, backend, route):
    """The status already says Failed (published before the failure record is stored), so a
    client that acts on it at once is told to retry in a moment, not that the call runs."""
    backend.add(CALL_ID, "Running", FAILING)
    assert payload(get_call(loop, backend))["status"] == "Failed"
    response = start_again(loop, backend, route)
    body = payload(response)
    assert response.status_code == 409 and body["reason"] == "storing its failure", body
    assert int(response.headers["Retry-After"]) > 0 and backend.starts == []


def test_a_live_first_run_is_answered_without_reading_the_record(loop, backend, monkeypatch):
    """Polls of a running call cost one instance status: nothing else of the call can be live."""
    def unread(call_id):
        raise AssertionError("the record was read for a live first run")

    monkeypatch.setattr(calls, "stored_record", unread)
    backend.add(CALL_ID, "Running", {"stage": "transcribing", "chunks_total": 3})
    body = payload(get_call(loop, backend))
    assert body["status"] == "Running" and body["stage"] == "transcribing"
