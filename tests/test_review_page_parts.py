"""Pure parts of the review page's routes: byte ranges, the fields in a history, what a 400 or
a 410 says, the call facts the queue shows, the page's embedded config."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from api.call_fields import extracted_fields
from api.call_media import ByteRange, Unsatisfiable, audio_type, requested_range
from api.reextract_batch import MAX_BATCH_PAGE
from api.review_page import page_config, script_json
from callinsights import review, status
from callinsights.schema import CURRENCIES, FIELD_NAMES
from callinsights.search import MAX_TERM
from callinsights.settings import Settings


@pytest.mark.parametrize("header,expected", [
    (None, None), ("", None), ("items=0-5", None), ("bytes=5-2", None),
    ("bytes=0-1,5-6", None),  # several ranges: the whole file instead
    ("bytes=0-9", ByteRange(0, 9)), ("bytes = 90-", ByteRange(90, 99)),
    ("bytes=-10", ByteRange(90, 99)), ("bytes=-500", ByteRange(0, 99)),
    ("bytes=95-500", ByteRange(95, 99)), ("BYTES=0-", ByteRange(0, 99)),
])
def test_requested_range(header, expected):
    assert requested_range(header, 100) == expected


def test_a_range_is_cut_to_the_cap_and_past_the_end_is_unsatisfiable():
    assert requested_range("bytes=10-", 100, cap=8) == ByteRange(10, 17)
    assert ByteRange(10, 17).content_range(100) == "bytes 10-17/100"
    for header in ("bytes=100-", "bytes=-0"):
        with pytest.raises(Unsatisfiable):
            requested_range(header, 100)


def test_audio_type_prefers_the_blobs_own_audio_type():
    assert audio_type("a.m4a", "audio/x-m4a") == "audio/x-m4a"
    assert audio_type("a.M4A", "application/octet-stream") == "audio/mp4"
    assert audio_type("a.bin", None) == "application/octet-stream"


def completed(name: str, result) -> dict:
    return {"EventType": "TaskCompleted", "FunctionName": name, "Result": result}


def test_extracted_fields_are_the_latest_extract_output():
    first = {"fields": {"city": {"value": "Reno", "confidence": 0.4}}}
    second = {"fields": {"city": {"value": "Boise", "confidence": 0.6, "checks": []}}}
    history = [{"EventType": "ExecutionStarted", "FunctionName": "process_call"},
               completed("merge_transcript", {"blob": "x"}), completed("extract", first),
               completed("Extract", json.dumps(json.dumps(second)))]  # raw, double-encoded
    assert extracted_fields(history) == second["fields"]
    assert extracted_fields(history[:2]) is None
    assert extracted_fields([completed("extract", "not json")]) is None


def test_correction_errors_name_each_field_that_does_not_fit():
    errors = review.correction_errors({"budget": {"amount": -1}, "city": "Boise",
                                       "products_of_interest": "x", "shoe_size": 9})
    assert set(errors) == {"budget", "products_of_interest", "shoe_size"}
    assert "amount" in errors["budget"]
    assert review.correction_errors("not a dict") == {}


def test_deadline_passed():
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    waiting = {"status": "AwaitingApproval"}
    assert review.deadline_passed({**waiting, "deadline": "2026-03-01T11:59:00Z"}, now)
    assert review.deadline_passed({**waiting, "deadline": "2026-03-01T11:59:00"}, now)
    assert not review.deadline_passed({**waiting, "deadline": "2026-03-01T12:01:00Z"}, now)
    assert not review.deadline_passed(waiting, now)
    stored = {"status": "Completed", "record": {"review": {"outcome": "unreviewed"}}}
    assert review.deadline_passed(stored, now)
    stored["record"]["review"]["outcome"] = "approved"
    assert not review.deadline_passed(stored, now)


def test_call_status_names_the_file_and_the_date():
    durable = {"instanceId": "a" * 32, "runtimeStatus": "Running", "createdTime": "2026-03-02T"
               "08:00:00Z", "input": json.dumps({"blob_name": "a.wav", "uploaded_at": None})}
    body = status.call_status(durable)
    assert body["file"] == "a.wav" and body["call_date"] == "2026-03-02"
    record = {"call_id": "b" * 32, "status": "Completed", "call_date": "2026-01-01",
              "metadata": {"blob_name": "b.mp3"}}
    assert status.from_record(record)["file"] == "b.mp3"
    assert status.call_status({**durable, "input": "not json"})["file"] is None
    assert "file" not in status.public_view(body)


def test_the_page_config_comes_from_the_schema_and_is_safe_in_a_script():
    config = page_config(Settings(confidence_threshold=0.6), easy_auth=True)
    assert config["fields"] == FIELD_NAMES and config["currencies"] == list(CURRENCIES)
    assert config["auth"] == "easyauth" and config["threshold"] == 0.6
    assert config["search_max"] == MAX_TERM  # the search inputs' maxlength: the route's limit
    assert config["batch_statuses"] == ["Completed", "Rejected"]  # the batch route's statuses
    assert 1 <= config["batch_page"] <= MAX_BATCH_PAGE
    assert set(config["search_texts"]) == {"customer", "city", "product"}
    text = script_json({"x": "</script><!--&"})
    assert "<" not in text and ">" not in text and json.loads(text) == {"x": "</script><!--&"}
