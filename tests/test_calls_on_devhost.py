"""The app's routes, starter and purge on the local host, with the real SDK client and task hub.

A scripted `process_call` (tests/apps/calls) holds calls in the states a test needs; everything
else is the app's code: the routes with their auth levels, the listing that follows the task
hub's continuation tokens, the starter's de-duplication, the purge.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api import blob_trigger, call_runs, purge
from callinsights.call_ids import call_id_from_digest, digest_of_bytes, reextraction_id
from callinsights.repository.sqlite import SqliteRepository
from devhost import Host, services

APP_DIR = Path(__file__).parent / "apps" / "calls"
KEY = "calls-test-key"
MASTER_KEY = "calls-test-master-key"
AWAITING = {"stage": "awaiting_approval", "deadline": "2026-01-08T09:00:00Z",
            "flagged": {"customer_name": {"value": "Dana Smith", "confidence": 0.4,
                                          "evidence": {"quote": "I'm Dana", "start": 1,
                                                       "end": 2}}}}


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory, azurite: str) -> Iterator[Host]:
    data = tmp_path_factory.mktemp("calls-host")
    settings = {"AzureWebJobsStorage": azurite, "DEVHOST_FUNCTION_KEY": KEY,
                "DEVHOST_MASTER_KEY": MASTER_KEY, "HISTORY_RETENTION_DAYS": "0.00001",
                "RECORDS_SQLITE_PATH": str(data / "records.sqlite")}
    with Host(APP_DIR, services.free_port(), data, start_azurite=False,
              start_model_server=False, settings=settings, blob_poll_interval=60) as running:
        running.records = SqliteRepository(data / "records.sqlite")
        yield running


def fresh_id(tag: str) -> str:
    return call_id_from_digest(digest_of_bytes(f"{tag}-{datetime.now(UTC).isoformat()}".encode()))


def start(host: Host, call_id: str, custom: dict | None = None) -> str:
    job = {"call_id": call_id, "custom": custom or {"stage": "transcribing", "chunks_total": 4,
                                                   "chunks_done": 1}}
    host.run_client(lambda client: client.start_new("process_call", call_id, job))
    wait_until(host, call_id, lambda inst: inst.custom_status)
    return call_id


def finish(host: Host, call_id: str, outcome: dict | None = None) -> None:
    host.run_client(lambda client: client.raise_event(call_id, "Finish", outcome or {}))
    host.wait_for(call_id)


def wait_until(host: Host, call_id: str, ready, timeout: float = 30.0):
    deadline = datetime.now(UTC) + timedelta(seconds=timeout)
    while datetime.now(UTC) < deadline:
        inst = host.store.get_instance(call_id)
        if inst and ready(inst):
            return inst
        time.sleep(0.05)  # not asyncio.run: a browser test's Playwright holds a running loop
    raise AssertionError(f"{call_id} never got there")


def record(call_id: str, status: str = "Completed", call_date: str = "2026-01-05") -> dict:
    return {"id": call_id, "call_id": call_id, "call_date": call_date, "status": status,
            "review": None, "extraction": {}, "transcript": {"text": "secret words"},
            "metadata": {}, "error": None}


def get(host: Host, path: str, *, key: bool = False, headers: dict | None = None,
        method: str = "GET"):
    """(status code, decoded body) of a request to the host (a GET unless `method` says)."""
    request = urllib.request.Request(host.origin + path, method=method, headers={
        **({"x-functions-key": KEY} if key else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, decoded(response.read())
    except urllib.error.HTTPError as error:
        return error.code, decoded(error.read())


def decoded(body: bytes):
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body.decode("utf-8", "replace")


# -- routes: ids, keys, the public status ----------------------------------------------------

@pytest.mark.parametrize("bad", ["A" * 32, "a" * 31, "a" * 33, "g" * 32, "@" + "a" * 31])
def test_call_ids_other_than_32_lowercase_hex_are_400(host, bad):
    assert get(host, f"/api/calls/{bad}/status")[0] == 400
    assert get(host, f"/api/calls/{bad}", key=True)[0] == 400


def test_data_routes_need_the_key_and_the_status_route_shows_no_data(host):
    call_id = start(host, fresh_id("awaiting"), AWAITING)
    assert get(host, f"/api/calls/{call_id}")[0] == 401
    assert get(host, "/api/calls")[0] == 401
    code, public = get(host, f"/api/calls/{call_id}/status")
    assert code == 200 and public == {"call_id": call_id, "status": "AwaitingApproval",
                                      "stage": "awaiting_approval", "progress": None}
    code, full = get(host, f"/api/calls/{call_id}", key=True)
    assert code == 200 and full["flagged"] == AWAITING["flagged"]
    finish(host, call_id)


def test_status_route_of_a_stored_call_names_no_customer_data(host):
    call_id = fresh_id("stored")
    host.records.upsert(record(call_id))
    code, public = get(host, f"/api/calls/{call_id}/status")
    assert code == 200 and public["status"] == "Completed"
    assert "secret" not in json.dumps(public)
    assert get(host, f"/api/calls/{fresh_id('unknown')}/status")[0] == 404


# -- listing ------------------------------------------------------------------------------------

def list_all(host: Host, query: str) -> tuple[list[dict], int]:
    calls, pages, token = [], 0, None
    while True:
        suffix = f"&continuation={token}" if token else ""
        code, body = get(host, f"/api/calls?{query}{suffix}", key=True)
        assert code == 200, body
        assert body["count"] == len(body["calls"])
        calls.extend(body["calls"])
        pages += 1
        token = body["continuation"]
        if token is None:
            return calls, pages


def test_listing_pages_past_the_task_hubs_page_of_100(host):
    """105 waiting calls: the default page stops at 100 and says where to go on."""
    ids = {start(host, fresh_id(f"many-{i}"), AWAITING) for i in range(105)}
    code, first = get(host, "/api/calls?status=AwaitingApproval", key=True)
    assert code == 200 and first["count"] <= 100 and first["continuation"]
    listed, pages = list_all(host, "status=AwaitingApproval")
    assert ids <= {c["call_id"] for c in listed} and pages >= 2
    for call_id in ids:
        finish(host, call_id)


def test_listing_everything_runs_through_instances_then_records(host):
    live = start(host, fresh_id("live"))
    stored = [fresh_id(f"stored-{i}") for i in range(5)]
    for i, call_id in enumerate(stored):
        host.records.upsert(record(call_id, "Rejected", f"2027-01-0{1 + i % 2}"))
    listed, pages = list_all(host, "limit=2")
    ids = [c["call_id"] for c in listed]
    assert len(ids) == len(set(ids)), "a call listed twice"
    assert live in ids and set(stored) <= set(ids) and pages >= 4
    assert ids.index(live) < min(ids.index(s) for s in stored), "live calls come first"
    rejected = [c for c in listed if c["call_id"] in stored]
    assert rejected == sorted(rejected, key=lambda c: (c["record"]["call_date"], c["call_id"]),
                              reverse=True)
    finish(host, live)


def test_listing_filters_by_call_date(host):
    live = start(host, fresh_id("live-today"))  # dated today (its start): outside the range
    stored = {day: fresh_id(f"dated-{day}") for day in range(1, 5)}
    for day, call_id in stored.items():
        host.records.upsert(record(call_id, "Completed", f"2031-05-0{day}"))
    listed, _ = list_all(host, "from=2031-05-02&to=2031-05-03&limit=1")
    assert [c["call_id"] for c in listed] == [stored[3], stored[2]]
    only, _ = list_all(host, "status=Completed&from=2031-05-04")
    assert [c["call_id"] for c in only] == [stored[4]]
    for bad in ("from=2031-5-1", "to=tomorrow", "from=2031-05-03&to=2031-05-01"):
        code, body = get(host, f"/api/calls?{bad}", key=True)
        assert code == 400 and bad.split("=")[0] in body["error"], (bad, body)
    finish(host, live)


def test_listing_rejects_a_continuation_it_did_not_hand_out(host):
    code, body = get(host, "/api/calls?continuation=bm90IGEgdG9rZW4", key=True)
    assert code == 400 and "continuation" in body["error"]


# -- starter -----------------------------------------------------------------------------------

class ChunkedBlob(io.RawIOBase):
    """A blob stream that records how much each read asked for."""

    def __init__(self, data: bytes, name: str) -> None:
        self._data, self.name, self.reads = io.BytesIO(data), name, []
        self.blob_properties = {"LastModified": "2026-01-05T08:59:00+00:00"}

    def read(self, size: int = -1) -> bytes:
        self.reads.append(size)
        return self._data.read(size)


def test_starter_hashes_the_blob_in_chunks():
    data = b"x" * (3 * (1 << 20) + 5)
    blob = ChunkedBlob(data, "calls/long.wav")
    job = blob_trigger.orchestration_input(blob, blob_trigger.Settings.from_env({}))
    assert job["call_id"] == call_id_from_digest(digest_of_bytes(data))
    assert job["size_bytes"] == len(data)
    assert all(0 < size <= 1 << 20 for size in blob.reads)


def test_a_second_start_for_a_running_call_counts_as_already_running(host):
    call_id = fresh_id("race")
    job = {"call_id": call_id, "custom": {"stage": "splitting"}}
    assert host.run_client(lambda client: blob_trigger.start_once(client, job))
    assert not host.run_client(lambda client: blob_trigger.start_once(client, job))
    finish(host, call_id)


@pytest.mark.parametrize("stored,starts", [("Completed", False), ("Rejected", False),
                                           ("Failed", True), (None, True)])
def test_without_an_instance_the_record_decides(stored, starts):
    assert blob_trigger.should_start(None, stored) is starts


# -- purge -------------------------------------------------------------------------------------

def test_purge_drops_only_finished_histories_with_a_stored_record(host):
    recorded, unrecorded, running = fresh_id("p1"), fresh_id("p2"), fresh_id("p3")
    for call_id in (recorded, unrecorded, running):
        start(host, call_id)
    finish(host, recorded, {"status": "Completed"})
    finish(host, unrecorded, {"status": "Completed"})
    host.records.upsert(record(recorded))
    host.records.upsert(record(running))
    cutoff = datetime.now(UTC) + timedelta(seconds=5)
    report = host.run_client(lambda client: purge.purge_finished(client, host.records, cutoff))
    assert report.purged >= 1 and report.kept_unrecorded >= 1
    assert host.store.get_instance(recorded) is None
    assert host.store.get_instance(unrecorded) is not None
    assert host.store.get_instance(running).status == "Running"
    # the purged call's recording uploaded again: the record says it is done
    assert not blob_trigger.should_start(
        host.run_client(lambda client: blob_trigger.runtime_of(client, recorded)),
        host.records.get(recorded).record["status"])
    finish(host, running)


def start_reextraction(host: Host, call_id: str, n: int) -> str:
    instance_id = reextraction_id(call_id, n)
    job = {"call_id": call_id, "custom": {"stage": "extracting"}}
    host.run_client(lambda client: client.start_new("reextract_call", instance_id, job))
    wait_until(host, instance_id, lambda inst: inst.custom_status)
    return instance_id


def test_purge_drops_the_reextractions_the_record_holds_and_keeps_a_later_failure(host):
    call_id = start(host, fresh_id("rx"))
    finish(host, call_id, {"status": "Completed"})
    first = start_reextraction(host, call_id, 1)
    finish(host, first, {"status": "Completed"})
    failed = start_reextraction(host, call_id, 2)
    finish(host, failed, {"fail": "the model server is down"})
    stored = {**record(call_id), "extractions": [{"instance_id": first},
                                                 {"instance_id": call_id}]}
    host.records.upsert(stored)
    cutoff = datetime.now(UTC) + timedelta(seconds=5)
    report = host.run_client(lambda client: purge.purge_finished(client, host.records, cutoff))
    assert report.kept_unsettled >= 1
    assert host.store.get_instance(call_id) is None and host.store.get_instance(first) is None
    assert host.store.get_instance(failed).status == "Failed"

    # the lookups start after the stored re-extraction, so the purged one leaves no gap
    runs = host.run_client(lambda client: call_runs.runs_of(client, call_id, stored))
    assert [instance_id for instance_id, _ in runs] == [failed]
    assert call_runs.next_reextraction(call_id, runs, stored) == reextraction_id(call_id, 3)
    every = host.run_client(lambda client: call_runs.runs_of(client, call_id, stored,
                                                             every=True))
    assert [instance_id for instance_id, _ in every] == [failed]
    assert call_runs.next_reextraction(call_id, [], stored) == reextraction_id(call_id, 2)
    assert get(host, f"/api/calls/{call_id}", key=True)[1]["status"] == "Completed"


def test_purge_keeps_what_finished_after_the_cutoff(host):
    call_id = start(host, fresh_id("recent"))
    finish(host, call_id, {"status": "Completed"})
    host.records.upsert(record(call_id))
    cutoff = datetime.now(UTC) - timedelta(days=1)
    host.run_client(lambda client: purge.purge_finished(client, host.records, cutoff))
    assert host.store.get_instance(call_id) is not None


def run_timer(host: Host, name: str) -> None:
    """Azure's way to run a timer function now: POST /admin/functions/{name}, master key."""
    request = urllib.request.Request(f"{host.origin}/admin/functions/{name}",
                                     data=b'{"input": ""}', method="POST", headers={
                                         "x-functions-key": MASTER_KEY,
                                         "content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202


def test_the_purge_timer_runs_through_the_admin_api(host):
    """Azure's way to run a timer function now: POST /admin/functions/{name} with the master key."""
    call_id = start(host, fresh_id("timer"))
    finish(host, call_id, {"status": "Completed"})
    host.records.upsert(record(call_id))
    asyncio.run(asyncio.sleep(1.5))  # HISTORY_RETENTION_DAYS is about a second here
    run_timer(host, "purge_history")
    wait_until_gone = datetime.now(UTC) + timedelta(seconds=30)
    while host.store.get_instance(call_id) is not None:
        assert datetime.now(UTC) < wait_until_gone, "the timer never purged the call"
        asyncio.run(asyncio.sleep(0.2))


def listed(host: Host, **search: str) -> list[str]:
    """The ids `GET /api/calls` lists for that search (every status)."""
    return [call["call_id"] for call in list_all(host, urllib.parse.urlencode(search))[0]]


def test_the_backfill_timer_gives_old_records_their_search_keys(host):
    """A record stored before records carried `search` keys is found by a search after the
    daily backfill ran (here run now through the admin API, as on Azure)."""
    call_id = fresh_id("backfill")
    old = {**record(call_id), "extraction": {"customer_name": {"value": "Dana Whitfield"},
                                             "city": {"value": "Duluth"}}}
    host.records.upsert(old)
    assert call_id not in listed(host, customer="whitfield")
    run_timer(host, "backfill_search")
    deadline = datetime.now(UTC) + timedelta(seconds=30)
    while "search" not in host.records.get(call_id).record:
        assert datetime.now(UTC) < deadline, "the timer never wrote the keys"
        asyncio.run(asyncio.sleep(0.2))
    assert host.records.get(call_id).record["search"]["city"] == "duluth"
    assert call_id in listed(host, customer="whitfield")
    assert call_id in listed(host, city="Duluth")


def test_easy_auth_principal_header_decodes(host):
    """The principal Easy Auth injects is base64 JSON; its roles come from the role claims."""
    from api.auth import Guard, client_principal, roles_of

    principal = {"auth_typ": "aad", "claims": [{"typ": "roles", "val": "Reviewer"},
                                               {"typ": "name", "val": "Kim"}]}
    header = base64.b64encode(json.dumps(principal).encode()).decode()
    import azure.functions as func

    def req(headers: dict) -> func.HttpRequest:
        return func.HttpRequest("GET", "http://x/api/calls", body=b"", headers=headers)

    assert roles_of(client_principal(req({"X-MS-CLIENT-PRINCIPAL": header}))) == {"Reviewer"}
    guard = Guard(easy_auth=True, required_role="Reviewer")
    assert guard.refusal(req({"X-MS-CLIENT-PRINCIPAL": header})) is None
    assert guard.refusal(req({})).status_code == 401
    assert guard.refusal(req({"X-MS-CLIENT-PRINCIPAL": "not base64!"})).status_code == 401
    other = base64.b64encode(json.dumps({"claims": []}).encode()).decode()
    assert Guard(easy_auth=True, required_role="Reviewer").refusal(
        req({"X-MS-CLIENT-PRINCIPAL": other})).status_code == 403
    assert Guard().refusal(req({})) is None  # function keys: the host checked already


def principal_header(*roles: str) -> dict:
    principal = {"auth_typ": "aad", "name_typ": "name", "role_typ": "roles",
                 "claims": [{"typ": "name", "val": "Kim"},
                            *({"typ": "roles", "val": role} for role in roles)]}
    return {"X-MS-CLIENT-PRINCIPAL": base64.b64encode(json.dumps(principal).encode()).decode()}


def test_easy_auth_mode_opens_data_routes_to_signed_in_reviewers_only(tmp_path, azurite):
    """AUTH_MODE=easyauth, read at import: the data routes become anonymous to the host and the
    app itself demands Easy Auth's principal with the role (a host in its own process)."""
    from devhost import HostProcess

    env = {"AzureWebJobsStorage": azurite, "DEVHOST_FUNCTION_KEY": KEY, "AUTH_MODE": "easyauth",
           "WEBSITE_AUTH_ENABLED": "true", "AUTH_REQUIRED_ROLE": "Reviewer",
           "RECORDS_SQLITE_PATH": str(tmp_path / "records.sqlite")}
    with HostProcess(APP_DIR, tmp_path / "host", env=env,
                     extra_args=["--no-azurite", "--no-model-server"]) as process:
        call = f"/api/calls/{fresh_id('easy')}"
        assert get(process, "/api/calls", key=True)[0] == 401, "a key no longer opens data"
        assert get(process, "/api/calls", headers=principal_header())[0] == 403
        assert get(process, "/api/calls", headers=principal_header("Reviewer"))[0] == 200
        assert get(process, call, headers=principal_header("Reviewer"))[0] == 404
        assert get(process, f"{call}/status")[0] == 404  # public, and still answers
