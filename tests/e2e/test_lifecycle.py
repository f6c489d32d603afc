"""A call's lifecycle on the local stack: deleted everywhere, 409 while it waits, forced, and
the same upload processed again as a new call afterwards.

Every call goes to review here (threshold 0.99), so one short rendered call covers each state:
awaiting approval (delete refused, then forced) and stored (deleted after approval).
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from azure.storage.blob import BlobServiceClient

from stack.api import TERMINAL
from stack.calls import Submitted
from stack.session import LocalStack
from tests.e2e.helpers import noname_turns
from tests.speech import rendered

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CITY, REGION, PRODUCT = "Tulsa", "Oklahoma", "walk-in cooler"


@pytest.fixture(scope="module")
def stack(make_stack) -> LocalStack:
    return make_stack({"CONFIDENCE_THRESHOLD": "0.99"})


@pytest.fixture(scope="module")
def recording(audio_dir):
    return rendered(noname_turns(CITY, REGION, PRODUCT), audio_dir, "lifecycle_delete")


def blobs(stack: LocalStack) -> dict[str, list[str]]:
    """Every blob in every container of the stack's Azurite, by container."""
    with BlobServiceClient.from_connection_string(stack.cfg.storage_connection) as service:
        return {c.name: [b.name for b in service.get_container_client(c.name).list_blobs()]
                for c in service.list_containers()}


def stored_ids(stack: LocalStack) -> set[str]:
    path = stack.cfg.data_dir / "records.sqlite"
    if not path.exists():
        return set()
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT id FROM records")}


def assert_gone(stack: LocalStack, sub: Submitted) -> None:
    left = {container: [n for n in names if sub.call_id in n or n == sub.blob]
            for container, names in blobs(stack).items() if container != "audit"}
    assert not any(left.values()), left
    assert sub.call_id not in stored_ids(stack)
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
    assert sub.call_id in stored_ids(stack)
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
