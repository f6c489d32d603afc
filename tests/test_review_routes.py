"""The review page's routes on the local host, over the scripted `process_call` (tests/apps/calls).

Real Azurite holds the recording and the transcript; the routes are the app's own: the page
and its assets, the recording with HTTP Range, the transcript, the fields, and what the
approval route answers a page (400 naming the field, 410 past the deadline).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from api.call_media import MAX_RANGE_BYTES
from api.review_page import ASSETS
from callinsights.blobs import BlobStore
from callinsights.stages.merge_transcript import transcript_name
from tests import test_calls_on_devhost
from tests.test_calls_on_devhost import AWAITING, KEY, finish, fresh_id, record, wait_until

host = test_calls_on_devhost.host  # the same scripted app's host fixture, for this module
RECORDINGS = "review-recordings"  # not `calls/`: the blob trigger must not start these
TRANSCRIPTS = "transcripts"


def fetch(running, path: str, *, key: bool = True, headers: dict | None = None,
          body: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers in lower case, body); the key as `x-functions-key` unless told not."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(running.origin + path, data=data, headers={
        **({"x-functions-key": KEY} if key else {}), **(headers or {}),
        **({"content-type": "application/json"} if data else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


def _lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}


@pytest.fixture(scope="module")
def store(azurite: str) -> BlobStore:
    blobs = BlobStore(azurite)
    blobs.ensure_containers([RECORDINGS, TRANSCRIPTS])
    return blobs


@pytest.fixture(scope="module")
def recording(store: BlobStore) -> bytes:
    """A recording larger than one partial response, with every byte value in it."""
    data = os.urandom(MAX_RANGE_BYTES + 12345)
    store.write_bytes(RECORDINGS, "waiting call.wav", data)
    return data


def waiting_call(running, tag: str, custom: dict | None = None) -> str:
    job_input = {"container": RECORDINGS, "blob_name": "waiting call.wav",
                 "uploaded_at": "2026-03-04T10:00:00+00:00"}
    call_id = fresh_id(tag)
    running.run_client(lambda client: client.start_new(
        "process_call", call_id, {"call_id": call_id, **job_input, "custom": custom or AWAITING}))
    wait_until(running, call_id, lambda inst: inst.custom_status)
    return call_id


# -- the recording ------------------------------------------------------------------------------

def test_the_recording_needs_the_key(host, recording):
    call_id = waiting_call(host, "audio-key")
    assert fetch(host, f"/api/calls/{call_id}/audio", key=False)[0] == 401
    finish(host, call_id)


def test_the_recording_is_served_whole_without_a_range(host, recording):
    call_id = waiting_call(host, "audio-whole")
    code, headers, body = fetch(host, f"/api/calls/{call_id}/audio")
    assert code == 200 and body == recording
    assert headers["accept-ranges"] == "bytes"
    assert headers["content-type"].startswith("audio/wav")
    finish(host, call_id)


@pytest.mark.parametrize("asked,first,last", [
    ("bytes=10-19", 10, 19),
    ("bytes=-5", None, None),
    ("bytes=0-", 0, MAX_RANGE_BYTES - 1),  # cut to one partial response
    ("bytes=1048576-", 1048576, None),
])
def test_a_range_is_answered_206_with_those_bytes(host, recording, asked, first, last):
    size = len(recording)
    first = size - 5 if first is None else first
    last = size - 1 if last is None else last
    call_id = waiting_call(host, f"audio-{asked}")
    code, headers, body = fetch(host, f"/api/calls/{call_id}/audio", headers={"Range": asked})
    assert code == 206, body[:200]
    assert headers["content-range"] == f"bytes {first}-{last}/{size}"
    assert body == recording[first:last + 1]
    finish(host, call_id)


def test_a_range_past_the_end_is_416(host, recording):
    call_id = waiting_call(host, "audio-416")
    code, headers, _ = fetch(host, f"/api/calls/{call_id}/audio",
                             headers={"Range": f"bytes={len(recording)}-"})
    assert code == 416 and headers["content-range"] == f"bytes */{len(recording)}"
    finish(host, call_id)


def test_a_stored_call_plays_from_its_records_blob_name(host, recording):
    call_id = fresh_id("audio-stored")
    stored = record(call_id)
    stored["metadata"] = {"blob_name": "waiting call.wav", "container": RECORDINGS}
    host.records.upsert(stored)
    code, _, body = fetch(host, f"/api/calls/{call_id}/audio", headers={"Range": "bytes=0-3"})
    assert code == 206 and body == recording[:4]


def test_an_unknown_call_has_no_recording(host):
    code, _, body = fetch(host, f"/api/calls/{fresh_id('nothing')}/audio")
    assert code == 404 and json.loads(body)["error"]


# -- the transcript and the fields --------------------------------------------------------------

TRANSCRIPT = {"call_id": "", "language": "en", "duration": 9.5, "segments": [
    {"start": 0.0, "end": 2.123, "text": " Northwind, how can I help?", "avg_logprob": -0.2,
     "speaker": "agent", "words": [{"start": 0.0, "end": 0.9, "word": " Northwind,",
                                    "probability": 0.9, "speaker": "agent"}]},
    {"start": 2.5, "end": 4.0, "text": " I'm Dana.", "words": []}]}


def test_the_transcript_keeps_times_words_and_speakers_and_needs_the_key(host, store):
    call_id = fresh_id("transcript")
    store.write_json(TRANSCRIPTS, transcript_name(call_id), {**TRANSCRIPT, "call_id": call_id})
    assert fetch(host, f"/api/calls/{call_id}/transcript", key=False)[0] == 401
    code, _, body = fetch(host, f"/api/calls/{call_id}/transcript")
    assert code == 200
    shown = json.loads(body)
    first, second = shown["segments"]
    assert first == {"start": 0.0, "end": 2.12, "text": "Northwind, how can I help?",
                     "speaker": "agent", "words": [{"start": 0.0, "end": 0.9,
                                                    "word": " Northwind,", "speaker": "agent"}]}
    assert second["speaker"] is None and second["words"] == []
    assert shown["roles"] is None  # merged before roles were stated
    roles = {"source": "channels-auto", "certainty": 0.5, "sure": False, "rule": "auto",
             "margin": 0}
    store.write_json(TRANSCRIPTS, transcript_name(call_id), {**TRANSCRIPT, "roles": roles})
    assert json.loads(fetch(host, f"/api/calls/{call_id}/transcript")[2])["roles"] == roles
    assert "avg_logprob" not in body.decode()
    assert fetch(host, f"/api/calls/{fresh_id('no-transcript')}/transcript")[0] == 404


def test_fields_of_a_stored_call_come_from_its_record(host):
    call_id = fresh_id("fields-stored")
    stored = record(call_id)
    stored["extraction"] = {"city": {"value": "Boise", "confidence": 0.7, "evidence": None,
                                     "checks": [{"check": "x", "effect": "doubted",
                                                 "reason": "why"}]}}
    host.records.upsert(stored)
    code, _, body = fetch(host, f"/api/calls/{call_id}/fields")
    assert code == 200
    assert json.loads(body) == {"call_id": call_id, "source": "record",
                                "fields": stored["extraction"]}


def test_a_live_call_before_extraction_has_no_fields_yet(host):
    call_id = waiting_call(host, "fields-live", {"stage": "transcribing"})
    code, _, body = fetch(host, f"/api/calls/{call_id}/fields")
    assert code == 404 and "yet" in json.loads(body)["error"]
    assert fetch(host, f"/api/calls/{call_id}/fields", key=False)[0] == 401
    finish(host, call_id)
    assert fetch(host, f"/api/calls/{fresh_id('fields-none')}/fields")[0] == 404


# -- what the listing and the call status show the page -----------------------------------------

def test_live_calls_are_listed_with_their_file_name_and_date(host, recording):
    call_id = waiting_call(host, "listed")
    code, _, body = fetch(host, "/api/calls?status=AwaitingApproval&limit=1000")
    assert code == 200
    listed = next(c for c in json.loads(body)["calls"] if c["call_id"] == call_id)
    assert listed["file"] == "waiting call.wav" and listed["call_date"] == "2026-03-04"
    code, _, body = fetch(host, f"/api/calls/{call_id}")
    assert json.loads(body)["file"] == "waiting call.wav"
    finish(host, call_id)


# -- decisions the page sends -------------------------------------------------------------------

def test_an_invalid_correction_is_a_400_naming_its_field(host):
    call_id = waiting_call(host, "bad-correction")
    code, _, body = fetch(host, f"/api/calls/{call_id}/approval", body={
        "decision": "approve", "reviewer": "dana",
        "corrections": {"budget": {"amount": -5, "currency": "USD"}, "city": "Boise"}})
    assert code == 400
    answer = json.loads(body)
    assert answer["error"] and set(answer["fields"]) == {"budget"}
    assert "amount" in answer["fields"]["budget"]
    finish(host, call_id)


def test_a_decision_past_the_deadline_is_410(host):
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    call_id = waiting_call(host, "late", {**AWAITING, "deadline": past})
    code, _, body = fetch(host, f"/api/calls/{call_id}/approval",
                          body={"decision": "approve", "reviewer": "dana"})
    assert code == 410, body
    assert json.loads(body)["deadline"] == past
    finish(host, call_id)


def test_a_call_stored_unreviewed_is_410_and_a_decided_one_409(host):
    unreviewed, approved = fresh_id("unreviewed"), fresh_id("approved")
    for call_id, outcome in ((unreviewed, "unreviewed"), (approved, "approved")):
        stored = record(call_id)
        stored["review"] = {"outcome": outcome, "changes": [], "flagged": ["city"]}
        host.records.upsert(stored)
    decision = {"decision": "reject", "reviewer": "dana"}
    assert fetch(host, f"/api/calls/{unreviewed}/approval", body=decision)[0] == 410
    code, _, body = fetch(host, f"/api/calls/{approved}/approval", body=decision)
    assert code == 409 and json.loads(body)["status"] == "Completed"


# -- the page and its assets --------------------------------------------------------------------

def test_the_page_shell_asks_for_the_key_and_holds_no_code_or_data(host):
    code, headers, body = fetch(host, "/api/review", key=False)
    assert code == 200 and headers["content-type"].startswith("text/html")
    page = body.decode()
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy and "'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in page and "{{" not in page
    config = json.loads(page.split('id="page-config">')[1].split("</script>")[0])
    assert config["auth"] == "functionkey" and config["assets"] == list(ASSETS)
    assert "USD" in config["currencies"] and "budget" in config["budget_fields"]
    assert "function key" in page.lower()


def test_the_pages_code_needs_the_key(host):
    for name, mimetype in ASSETS.items():
        assert fetch(host, f"/api/review/assets/{name}", key=False)[0] == 401
        code, headers, body = fetch(host, f"/api/review/assets/{name}")
        assert code == 200 and headers["content-type"].startswith(mimetype) and body
    assert fetch(host, "/api/review/assets/index.html")[0] == 404
    assert fetch(host, "/api/review/assets/..%2Fcall_media.py")[0] == 404
