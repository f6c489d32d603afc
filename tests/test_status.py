"""Call status from (durable status, custom status, record): the mapping in docs/app.md."""

from __future__ import annotations

import pytest

from callinsights import status
from callinsights.schema import CallStatus

CALL_ID = "a" * 32


def durable(runtime: str, custom: dict | None = None, output=None) -> dict:
    return {"name": "process_call", "instanceId": CALL_ID, "runtimeStatus": runtime,
            "customStatus": custom, "output": output, "createdTime": "2026-01-05T09:00:00Z",
            "lastUpdatedTime": "2026-01-05T09:05:00Z"}


RECORD = {"id": CALL_ID, "call_id": CALL_ID, "call_date": "2026-01-05", "status": "Completed",
          "metadata": {"started_at": "2026-01-05T09:00:00Z",
                       "processed_at": "2026-01-05T09:06:00Z"}, "error": None}


def test_unknown_call_is_none():
    assert status.call_status(None) is None
    assert status.call_status({}) is None


def test_pending():
    body = status.call_status(durable("Pending"))
    assert body["status"] == "Pending" and body["stage"] == "queued"
    assert body["created_at"] == "2026-01-05T09:00:00Z"


def test_running_with_progress():
    body = status.call_status(durable("Running", {"stage": "transcribing", "chunks_total": 4,
                                                  "chunks_done": 2}))
    assert body["status"] == "Running" and body["stage"] == "transcribing"
    assert body["progress"] == {"chunks_done": 2, "chunks_total": 4}
    assert "record" not in body and "error" not in body


def test_awaiting_approval_shows_flagged_fields_and_deadline():
    flagged = {"customer_name": {"value": "Dana", "confidence": 0.4,
                                 "evidence": {"quote": "I'm Dana", "start": 1, "end": 2}}}
    body = status.call_status(durable("Running", {"stage": "awaiting_approval",
                                                  "flagged": flagged,
                                                  "deadline": "2026-01-08T09:00:00Z"}))
    assert body["status"] == "AwaitingApproval"
    assert body["flagged"] == flagged and body["deadline"] == "2026-01-08T09:00:00Z"


def test_completed_shows_the_stored_record():
    body = status.call_status(durable("Completed", {"stage": "done"},
                                      {"status": "Completed"}), RECORD)
    assert body["status"] == "Completed" and body["record"] == RECORD


def test_rejected_comes_from_the_record_or_the_output():
    rejected = {**RECORD, "status": "Rejected"}
    assert status.call_status(durable("Completed"), rejected)["status"] == "Rejected"
    assert status.call_status(durable("Completed", None, {"status": "Rejected"}))["status"] \
        == "Rejected"


def test_failed_shows_the_reason_from_the_custom_status():
    custom = {"stage": "failed", "failed_stage": "splitting", "error": "a.wav is not audio"}
    body = status.call_status(durable("Failed", custom,
                                      "Orchestrator function 'process_call' failed: x"))
    assert body["status"] == "Failed" and body["error"] == "a.wav is not audio"


def test_failing_while_still_running_is_failed():
    custom = {"stage": "failed", "failed_stage": "transcribing", "error": "chunk 1: 429"}
    assert status.call_status(durable("Running", custom))["status"] == "Failed"


def test_failed_without_custom_status_uses_the_record_then_the_output():
    record = {**RECORD, "status": "Failed", "error": {"stage": "x", "reason": "from record"}}
    assert status.call_status(durable("Failed"), record)["error"] == "from record"
    assert "boom" in status.call_status(durable("Failed", None, "boom"))["error"]


def test_terminated_is_failed_with_the_reason():
    body = status.call_status(durable("Terminated", {"stage": "transcribing"}, "by admin"))
    assert body["status"] == "Failed" and "terminated" in body["error"]
    assert "by admin" in body["error"]


def test_purged_instance_falls_back_to_the_record():
    body = status.call_status(None, RECORD)
    assert body["status"] == "Completed" and body["record"] == RECORD and body["stage"] == "done"


@pytest.mark.parametrize("raw,expected", [("awaitingapproval", CallStatus.AWAITING_APPROVAL),
                                          ("Completed", CallStatus.COMPLETED), ("", None),
                                          (None, None)])
def test_status_filter(raw, expected):
    assert status.status_filter(raw) is expected


def test_status_filter_names_the_valid_values():
    with pytest.raises(ValueError, match="AwaitingApproval"):
        status.status_filter("done")


def test_list_merges_instances_and_records_and_filters():
    waiting = {**durable("Running", {"stage": "awaiting_approval", "flagged": {}}),
               "instanceId": "b" * 32}
    finished = durable("Completed", {"stage": "done"}, {"status": "Completed"})
    calls = status.list_calls([waiting, finished], [RECORD])
    assert {c["call_id"]: c["status"] for c in calls} == {"b" * 32: "AwaitingApproval",
                                                         CALL_ID: "Completed"}
    assert next(c for c in calls if c["call_id"] == CALL_ID)["record"] == RECORD
    only = status.list_calls([waiting, finished], [RECORD], CallStatus.AWAITING_APPROVAL)
    assert [c["call_id"] for c in only] == ["b" * 32]


def test_public_view_has_status_stage_and_progress_only():
    awaiting = status.call_status(durable("Running", {
        "stage": "awaiting_approval", "deadline": "2026-01-08T09:00:00Z",
        "flagged": {"customer_name": {"value": "Dana"}}}))
    assert status.public_view(awaiting) == {"call_id": CALL_ID, "status": "AwaitingApproval",
                                            "stage": "awaiting_approval", "progress": None}
    done = status.public_view(status.call_status(None, {**RECORD, "transcript": {"text": "x"}}))
    assert set(done) == set(status.PUBLIC_FIELDS) and done["status"] == "Completed"
