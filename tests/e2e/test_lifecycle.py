"""A call's lifecycle on the local stack: deleted everywhere, 409 while it waits, forced, and
the same upload processed again as a new call afterwards; extracted again from its stored
transcript, reviewed through the same approval route, with the extraction history.

Every call goes to review here (threshold 0.99), so one short rendered call covers each state:
awaiting approval (delete refused, then forced) and stored (deleted after approval). The records
are on the Cosmos DB test server (the stack's other modules use SQLite), so deletion, search
and the batch re-extraction run against Cosmos queries; blobs are on Azurite.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest
from azure.storage.blob import BlobServiceClient

from callinsights.repository import repository_for
from callinsights.settings import Settings
from stack.api import TERMINAL
from stack.calls import Submitted
from stack.session import LocalStack
from tests.e2e.helpers import noname_turns
from tests.speech import rendered

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CITY, REGION, PRODUCT = "Tulsa", "Oklahoma", "walk-in cooler"
AGAIN = ("Omaha", "Nebraska", "ice machine")  # the re-extracted call
ANEW = ("Boise", "Idaho", "pizza oven")  # the reprocessed call


@pytest.fixture(scope="module")
def records_env(cosmos_server) -> dict[str, str]:
    """The records on the Cosmos DB test server: what is deleted is gone from Cosmos too."""
    return {"COSMOS_ENDPOINT": cosmos_server["endpoint"], "COSMOS_KEY": cosmos_server["key"],
            "COSMOS_VERIFY_TLS": "false", "COSMOS_DATABASE": "lifecycle" + uuid.uuid4().hex[:8]}


@pytest.fixture(scope="module")
def stack(make_stack, records_env) -> LocalStack:
    return make_stack({"CONFIDENCE_THRESHOLD": "0.99", **records_env})


@pytest.fixture(scope="module")
def recording(audio_dir):
    return rendered(noname_turns(CITY, REGION, PRODUCT), audio_dir, "lifecycle_delete")


def blobs(stack: LocalStack) -> dict[str, list[str]]:
    """Every blob in every container of the stack's Azurite, by container."""
    with BlobServiceClient.from_connection_string(stack.cfg.storage_connection) as service:
        return {c.name: [b.name for b in service.get_container_client(c.name).list_blobs()]
                for c in service.list_containers()}


def assert_gone(stack: LocalStack, sub: Submitted) -> None:
    left = {container: [n for n in names if sub.call_id in n or n == sub.blob]
            for container, names in blobs(stack).items() if container != "audit"}
    assert not any(left.values()), left
    assert repository_for(Settings.from_env(stack.cfg.app_env)).get(sub.call_id) is None
    assert not (stack.cfg.data_dir / "records.sqlite").exists()  # the records are in Cosmos
    assert stack.api.status(sub.call_id) is None  # GET /api/calls/{id}: 404
    history = stack.api.request(
        "GET", f"/runtime/webhooks/durabletask/instances/{sub.call_id}"
               f"?code={stack.cfg.system_key}")
    assert history.status == 404, history
    again = stack.api.delete(sub.call_id)
    assert again.status == 404, again.body  # a second delete finds nothing


def audit_entries(stack: LocalStack, call_id: str) -> list[dict]:
    with BlobServiceClient.from_connection_string(stack.cfg.storage_connection) as service:
        audit = service.get_container_client("audit")
        return [json.loads(audit.download_blob(b.name).readall()) for b in audit.list_blobs()
                if call_id in b.name]


def waiting(stack: LocalStack, recording) -> Submitted:
    sub, state = stack.run(recording)
    assert state["status"] == "AwaitingApproval", state
    return sub


def test_bad_requests(stack):
    for query in ("from=2026-02-30", "to=yesterday", "from=2026-02-02&to=2026-02-01",
                  "flagged=maybe", "city=%21%21"):
        listed = stack.api.request("GET", f"/api/calls?{query}", keyed=True)
        assert listed.status == 400 and listed.body["error"], (query, listed.body)
    assert stack.api.request("GET", "/api/calls?city=Tulsa").status == 401
    assert stack.api.request("DELETE", "/api/calls/not-a-call", keyed=True).status == 400
    assert stack.api.request("DELETE", "/api/calls/" + "0" * 32).status == 401
    assert stack.api.delete("0" * 32).status == 404


def test_a_stored_call_is_deleted_everywhere(stack, recording):
    sub = waiting(stack, recording)
    refused = stack.api.delete(sub.call_id)
    assert refused.status == 409, refused.body
    assert refused.body["running"] == [sub.call_id]
    assert stack.api.status(sub.call_id)["status"] == "AwaitingApproval"

    assert stack.api.decide(sub.call_id, "approve", reviewer="e2e").status == 202
    assert stack.follow([sub], settled=TERMINAL)[sub.call_id]["status"] == "Completed"
    assert repository_for(Settings.from_env(stack.cfg.app_env)).get(sub.call_id) is not None
    before = blobs(stack)
    assert any(sub.call_id in n for n in before["transcripts"])

    resp = stack.api.delete(sub.call_id)
    assert resp.status == 200, resp.body
    removed = resp.body["removed"]
    assert removed["recordings"] == 1 and removed["records"] == 1 and removed["histories"] == 1
    assert removed["chunks"] >= 2  # the chunk(s) and the manifest
    assert removed["transcripts"] >= 3  # chunk transcript(s), merged transcript, record blob
    assert resp.body["terminated"] == []
    assert_gone(stack, sub)

    [entry] = audit_entries(stack, sub.call_id)
    assert entry["by"] == "function key" and entry["removed"] == removed
    text = json.dumps(entry)
    assert CITY not in text and sub.blob not in text  # no customer data, not even the file


def test_after_deletion_the_same_upload_is_a_new_call_and_force_deletes_it(stack, recording):
    sub = waiting(stack, recording)  # processed again from the start: a new call
    resp = stack.api.delete(sub.call_id, force=True)
    assert resp.status == 200, resp.body
    assert resp.body["terminated"] == [sub.call_id]
    assert resp.body["removed"]["recordings"] == 1 and resp.body["removed"]["records"] == 0
    assert_gone(stack, sub)
    assert [e["forced"] for e in audit_entries(stack, sub.call_id)] == [False, True]


def reextract(stack: LocalStack, call_id: str):
    return stack.api.request("POST", f"/api/calls/{call_id}/reextract", keyed=True)


def test_reextraction_is_reviewed_like_a_new_call_and_keeps_the_history(stack, audio_dir):
    sub = waiting(stack, rendered(noname_turns(*AGAIN), audio_dir, "lifecycle_reextract"))
    assert reextract(stack, sub.call_id).status == 409  # still awaiting approval
    assert stack.api.decide(sub.call_id, "approve", reviewer="first").status == 202
    first = stack.follow([sub], settled=TERMINAL)[sub.call_id]["record"]
    assert [e["instance_id"] for e in first["extractions"]] == [sub.call_id]

    started = reextract(stack, sub.call_id)
    assert started.status == 202, started.body
    assert started.body["extraction_id"] == f"{sub.call_id}-x1"
    assert reextract(stack, sub.call_id).status == 409  # one at a time
    state = stack.follow([sub])[sub.call_id]
    assert state["status"] == "AwaitingApproval", state  # below the threshold: a person decides
    assert state["call_id"] == sub.call_id and state["extraction_id"] == f"{sub.call_id}-x1"
    listed = [c for c in stack.api.list(None) if c["call_id"] == sub.call_id]
    assert [c["status"] for c in listed] == ["AwaitingApproval"]  # once, live
    assert not any("-x" in c["call_id"] for c in stack.api.list(None))

    assert stack.api.decide(sub.call_id, "approve", reviewer="second").status == 202
    record = stack.follow([sub], settled=TERMINAL)[sub.call_id]["record"]
    assert record["review"]["reviewer"] == "second"
    top, previous = record["extractions"]
    assert top["instance_id"] == f"{sub.call_id}-x1" and top["outcome"] == "approved"
    assert previous["instance_id"] == sub.call_id and previous["review"]["reviewer"] == "first"
    assert previous["fields"] == first["extraction"]
    assert {"schema_version", "prompt_version", "model", "at"} <= top.keys()
    assert record["transcript"]["text"] == first["transcript"]["text"]

    gone = stack.api.delete(sub.call_id)  # deletion finds and purges both runs
    assert gone.status == 200 and gone.body["removed"]["histories"] == 2, gone.body
    assert_gone(stack, sub)


def test_reextraction_of_an_unknown_or_failed_call(stack, tmp_path):
    assert reextract(stack, "0" * 32).status == 404
    assert stack.api.request("POST", "/api/calls/bad/reextract", keyed=True).status == 400
    assert stack.api.request("POST", "/api/calls/" + "0" * 32 + "/reextract").status == 401
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"this is not audio at all " * 400)
    sub, state = stack.run(broken)
    assert state["status"] == "Failed", state
    refused = reextract(stack, sub.call_id)
    for _ in range(30):  # Failed is shown while the run still stores its failure record
        if refused.body.get("reason") != "storing its failure":
            break
        assert refused.status == 409 and int(refused.headers["Retry-After"]) > 0, refused
        time.sleep(int(refused.headers["Retry-After"]))
        refused = reextract(stack, sub.call_id)
    assert refused.status == 409 and "transcript" in refused.body["reason"], refused.body


def searched(stack: LocalStack, **search: str) -> list[str]:
    return [c["call_id"] for c in stack.api.list(None, **search)]


def assert_found_by_its_values(stack: LocalStack, record: dict) -> None:
    """`GET /api/calls` finds a stored call by what was extracted (whatever the recogniser
    spelled), by its flag, and not by a value it does not hold."""
    keys = record["search"]
    terms = {"customer": keys["customer"], "city": keys["city"],
             "product": (keys["products"] or [None])[0]}
    assert any(terms.values()), keys
    for name, term in terms.items():
        if term:
            assert record["id"] in searched(stack, **{name: term.upper()}), (name, term)
    assert record["id"] in searched(stack, flagged="true", **{"from": record["call_date"]})
    assert record["id"] not in searched(stack, city="atlantis")
    assert record["id"] not in searched(stack, to="2000-01-01")


def test_reprocessing_runs_the_pipeline_again_and_keeps_the_history(stack, audio_dir):
    sub = waiting(stack, rendered(noname_turns(*ANEW), audio_dir, "lifecycle_reprocess"))
    assert stack.api.reprocess(sub.call_id).status == 409  # still awaiting approval
    assert sub.call_id in searched(stack, flagged="true")  # live, awaiting approval
    assert stack.api.decide(sub.call_id, "reject", reviewer="first").status == 202
    first = stack.follow([sub], settled=TERMINAL)[sub.call_id]["record"]
    assert first["status"] == "Rejected"
    assert_found_by_its_values(stack, first)

    started = stack.api.reprocess(sub.call_id)
    assert started.status == 202, started.body
    listed = [c for c in stack.api.list(None) if c["call_id"] == sub.call_id]
    assert len(listed) == 1  # live, not also from its record
    state = stack.follow([sub])[sub.call_id]
    assert state["status"] == "AwaitingApproval", state  # a new run: split, transcribe, ...
    assert stack.api.decide(sub.call_id, "approve", reviewer="second").status == 202
    record = stack.follow([sub], settled=TERMINAL)[sub.call_id]["record"]
    assert record["status"] == "Completed" and record["review"]["reviewer"] == "second"
    top, previous = record["extractions"]
    assert top["instance_id"] == previous["instance_id"] == sub.call_id
    assert top["at"] > previous["at"] and previous["status"] == "Rejected"
    assert previous["review"]["reviewer"] == "first"
    assert record["metadata"]["started_at"] > first["metadata"]["started_at"]
    assert stack.api.reprocess("0" * 32).status == 404


def test_a_date_range_is_extracted_again_page_by_page(stack):
    """After the tests above: one stored Failed call (no transcript) and one stored Completed
    call (reprocessed). The batch walks both a page at a time and starts the one it can."""
    api = stack.api
    assert api.request("POST", "/api/reextractions", {"from": "2026-12-01"}).status == 401
    for body in ({"from": "yesterday"}, {"status": "Failed"}, {"continuation": "bm9wZQ"}):
        refused = api.request("POST", "/api/reextractions", body, keyed=True)
        assert refused.status == 400 and refused.body["error"], (body, refused.body)
    stored = {c["call_id"]: c for c in api.list(None) if c["status"] in ("Completed", "Failed")}
    assert sorted(c["status"] for c in stored.values()) == ["Completed", "Failed"]
    day = next(iter(stored.values()))["call_date"]

    pages = list(api.reextract_range(**{"from": day, "to": day, "limit": 1}))
    assert [p["progress"]["seen"] for p in pages] == [1, 2]
    assert pages[-1]["progress"] == {"total": 2, "seen": 2, "started": 1, "skipped": 1,
                                     "done": True}
    [started] = [s for p in pages for s in p["started"]]
    [skipped] = [s for p in pages for s in p["skipped"]]
    assert stored[started["call_id"]]["status"] == "Completed"
    assert started["extraction_id"].startswith(started["call_id"] + "-x")
    assert stored[skipped["call_id"]]["status"] == "Failed" and "transcript" in skipped["reason"]

    sub = Submitted(started["call_id"], started["call_id"], started["call_id"])
    state = stack.follow([sub])[sub.call_id]
    assert state["status"] == "AwaitingApproval" and state["extraction_id"] == started[
        "extraction_id"], state
    again = list(api.reextract_range(**{"from": day, "to": day}))  # one live: skipped
    assert again[0]["progress"]["started"] == 0 and any(
        s["call_id"] == sub.call_id and "running" in s["reason"] for s in again[0]["skipped"])
