"""`reextract_call` through the real SDK replay, and the record's `extractions` history."""

from __future__ import annotations

from callinsights import extractions, records
from callinsights.call_ids import is_call_id, reextraction_id
from orchestrators.reextract_call import reextract_call, reextraction_input
from orchestrators.versions import ORCHESTRATION_VERSION
from tests.durable_history import OrchestrationRun
from tests.test_orchestrator import CALL_ID, HOST_VERSIONS, POLICY, extraction

HANDLE = reextract_call._function.get_user_function()
INSTANCE = reextraction_id(CALL_ID, 1)
RECORD = {"id": CALL_ID, "call_id": CALL_ID, "call_date": "2026-01-05", "status": "Completed",
          "metadata": {"blob_name": "a.wav", "container": "calls", "content_hash": "ab" * 32,
                       "size_bytes": 1234, "uploaded_at": "2026-01-05T08:00:00Z",
                       "duration": 600.0, "sample_rate": 16000, "channels": 1, "chunks": 1,
                       "processed_at": "2026-01-05T08:05:00Z", "stage_seconds": {"merging": 1},
                       "models": {"chat": {"model": "gpt-4o"},
                                  "extraction": {"schema_version": 2, "prompt_version": "p1"}}},
          "transcript": {"blob": f"{CALL_ID}/transcript.json", "text": "…", "duration": 600.0,
                         "language": "en", "words": 250},
          "extraction": {"customer_name": {"value": "Dana"}}, "review": {"outcome": "approved"}}


def run_of(record: dict = RECORD) -> OrchestrationRun:
    return OrchestrationRun(HANDLE, reextraction_input(record, POLICY, INSTANCE),
                            version=ORCHESTRATION_VERSION, versions=HOST_VERSIONS,
                            instance_id=INSTANCE)


def test_instance_ids_never_look_like_call_ids():
    assert reextraction_id(CALL_ID, 1).endswith("-x1") and not is_call_id(INSTANCE)


def test_extracts_the_stored_transcript_and_reviews_like_a_new_call():
    run = run_of()
    extract = run.only("extract")
    assert extract.input == {"call_id": CALL_ID, "transcript_blob": f"{CALL_ID}/transcript.json"}
    run.complete(extract, extraction(name_confidence=0.4))
    assert run.custom_status["stage"] == "awaiting_approval"
    run.raise_event("Approval", {"decision": "approve", "reviewer": "kim"})
    enrich = run.only("enrich")
    assert enrich.input["call"]["reextraction"]["instance_id"] == INSTANCE
    assert enrich.input["call"]["call_id"] == CALL_ID
    assert enrich.input["transcript"]["blob"] == f"{CALL_ID}/transcript.json"
    run.complete(enrich, {"record_blob": f"{CALL_ID}/record.json", "id": CALL_ID,
                          "status": "Completed"})
    run.complete(run.only("store"), {"id": CALL_ID, "etag": "e"})
    assert run.is_done and run.output["outcome"] == "approved"


def test_a_failure_stores_no_failed_record():
    run = run_of()
    run.fail_for_good(run.only("extract"), "model down")
    assert run.error and "model down" in run.error and "extracting" in run.error
    assert not run.pending()  # no record_failure: the stored record stays as it was
    assert run.custom_status == {"stage": "failed", "failed_stage": "extracting",
                                 "error": "model down"}


def test_history_moves_the_previous_extraction_down_with_its_fields():
    current = extractions.entry(instance_id=INSTANCE, at="2026-02-01T00:00:00Z",
                                extraction={"model": "m2", "schema_version": 2,
                                            "prompt_version": "p2"},
                                review={"outcome": "auto_accepted"}, status="Completed")
    listed = extractions.history(current, RECORD)  # a record stored before the history
    assert listed[0] == current
    assert listed[1]["instance_id"] == CALL_ID and listed[1]["model"] == "gpt-4o"
    assert listed[1]["prompt_version"] == "p1" and listed[1]["fields"] == RECORD["extraction"]
    assert listed[1]["review"] == {"outcome": "approved"}
    replaced = {**RECORD, "extractions": listed}
    assert extractions.history(current, replaced) == listed  # a retried enrich: same history
    third = {**current, "instance_id": reextraction_id(CALL_ID, 2)}
    assert [e["instance_id"] for e in extractions.history(third, replaced)] == [
        third["instance_id"], INSTANCE, CALL_ID]
    assert extractions.history(current, None) == [current]


def test_a_stereo_calls_layout_and_agent_channel_survive_a_reextraction():
    stereo = {**RECORD, "metadata": {**RECORD["metadata"], "channels": 2,
                                     "channel_layout": "stereo", "agent_channel": "left"}}
    again = reextraction_input(stereo, POLICY, INSTANCE)["reextraction"]
    meta = records.metadata(call=stereo["metadata"], audio=again["audio"],
                            transcript=again["transcript"], processed_at="2026-01-06T00:00:00Z",
                            stage_seconds={}, models={}, usage=None)
    assert (meta["channels"], meta["channel_layout"], meta["agent_channel"]) == (
        2, "stereo", "left")
