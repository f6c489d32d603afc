"""`process_call` through the real SDK replay, histories written as the Durable extension does."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from devhost.versions import VersionPolicy
from orchestrators.process_call import process_call
from orchestrators.versions import ORCHESTRATION_VERSION, VERSIONS_REPLAYED
from tests.durable_history import OrchestrationRun

HANDLE = process_call._function.get_user_function()
CALL_ID = "0123456789abcdef0123456789abcdef"
POLICY = {"max_parallel_transcriptions": 3, "transcription_max_attempts": 4,
          "transcription_first_retry_seconds": 5.0, "confidence_threshold": 0.75,
          "approval_deadline_seconds": 3600.0}


HOST_VERSIONS = VersionPolicy(default=ORCHESTRATION_VERSION)  # as host.json configures it


def new_run(job_input: dict) -> OrchestrationRun:
    """An instance the current extension starts: stamped with host.json's defaultVersion."""
    return OrchestrationRun(HANDLE, job_input, version=ORCHESTRATION_VERSION,
                            versions=HOST_VERSIONS)


def legacy_run(job_input: dict) -> OrchestrationRun:
    """An instance started before orchestration versioning (no version stamped)."""
    return OrchestrationRun(HANDLE, job_input, version="", versions=HOST_VERSIONS)


def chunk_result(index: int) -> dict:
    return {"index": index, "blob": f"t/{index}.json", "segments": 1, "language": "en"}


def job(**policy) -> dict:
    return {"call_id": CALL_ID, "container": "calls", "blob_name": "a.wav",
            "content_hash": "ab" * 32, "size_bytes": 1234, "uploaded_at": None,
            "policy": {**POLICY, **policy}}


def split_result(n: int) -> dict:
    chunks = [{"index": i, "blob": f"{CALL_ID}/{i:04d}.flac", "start": i * 600.0,
               "end": (i + 1) * 600.0 + 1} for i in range(n)]
    return {"chunks": chunks, "audio": {"duration": n * 600.0, "sample_rate": 44100,
                                        "channels": 2, "format": "wav", "codec": "pcm_s16le"}}


def field(value, confidence: float) -> dict:
    return {"value": value, "confidence": confidence,
            "evidence": {"quote": f"it is {value}", "start": 1.0, "end": 2.0} if value else None}


def extraction(name_confidence: float = 0.95) -> dict:
    fields = {"customer_name": field("Dana Smith", name_confidence),
              "company": field("Acme", 0.9), "city": field(None, 0.9),
              "region": field(None, 0.9), "country": field(None, 0.95),
              "products_of_interest": field(["solar panels"], 0.88), "budget": field(None, 0.85),
              "timeline": field("next spring", 0.8), "next_steps": field("send a quote", 0.9),
              "summary": field("A call about solar panels.", 0.2)}
    return {"fields": fields, "usage": {"prompt_tokens": 900, "completion_tokens": 120},
            "model": "gpt-4o"}


def through_transcription(run: OrchestrationRun, chunks: int = 1) -> OrchestrationRun:
    run.complete(run.only("split_audio"), split_result(chunks))
    while run.pending("transcribe_chunk"):
        task = run.pending("transcribe_chunk")[0]
        index = task.input["index"]
        run.complete(task, {"index": index, "blob": f"{CALL_ID}/chunk-{index:04d}.json",
                            "segments": 3, "language": "en"})
    run.complete(run.only("merge_transcript"), {"blob": f"{CALL_ID}/transcript.json",
                                                "duration": 600.0, "language": "en",
                                                "words": 250})
    return run


def to_enrich(run: OrchestrationRun, name_confidence: float = 0.95) -> OrchestrationRun:
    through_transcription(run)
    return run.complete(run.only("extract"), extraction(name_confidence))


def finish(run: OrchestrationRun) -> OrchestrationRun:
    enrich = run.only("enrich")
    status = "Rejected" if enrich.input["review"]["outcome"] == "rejected" else "Completed"
    run.complete(enrich, {"record_blob": f"{CALL_ID}/record.json", "id": CALL_ID,
                          "status": status})
    return run.complete(run.only("store"), {"id": CALL_ID, "etag": "e1"})


def test_split_first_with_the_call_and_exponential_retry_options():
    """The first action is split_audio with the call's input and back-off retry options."""
    run = new_run(job())
    (split,) = run.pending()
    assert split.name == "split_audio"
    assert split.input["call_id"] == CALL_ID and split.input["blob_name"] == "a.wav"
    assert "policy" not in split.input
    assert run.custom_status == {"stage": "splitting"}
    retry = run.state["actions"][0][0]["compoundActions"][0]["retryOptions"]
    assert retry["firstRetryIntervalInMilliseconds"] == 5000
    assert retry["backoffCoefficient"] == 2.0 and retry["maxNumberOfAttempts"] == 3


def test_fan_out_runs_waves_of_at_most_the_cap():
    """Seven chunks, cap 3: waves 0-2, 3-5, 6; the next wave starts once the last has finished."""
    run = new_run(job(max_parallel_transcriptions=3))
    run.complete(run.only("split_audio"), split_result(7))
    assert run.custom_status == {"stage": "transcribing", "chunks_total": 7, "chunks_done": 0}
    retry = run.state["actions"][0][1]["compoundActions"][0]["compoundActions"][0]
    assert retry["retryOptions"]["maxNumberOfAttempts"] == 4
    waves = []
    while run.pending("transcribe_chunk"):
        wave = {t.input["index"]: t for t in run.pending("transcribe_chunk")}
        waves.append(sorted(wave))
        for index in sorted(wave, reverse=True):  # out of order within the wave
            assert run.pending("transcribe_chunk") == [wave[i] for i in sorted(wave)
                                                       if not wave[i].done]
            run.complete(wave[index], chunk_result(index))
        if run.pending("transcribe_chunk"):
            done = sum(len(w) for w in waves)
            assert run.custom_status == {"stage": "transcribing", "chunks_total": 7,
                                         "chunks_done": done}
    assert waves == [[0, 1, 2], [3, 4, 5], [6]]
    merge = run.only("merge_transcript")
    assert [c["index"] for c in merge.input["chunks"]] == list(range(7))
    first = merge.input["chunks"][0]
    assert first["blob"] == "t/0.json" and first["start"] == 0.0
    assert first["audio_blob"] == f"{CALL_ID}/0000.flac"
    assert run.custom_status == {"stage": "merging"}


def test_fan_out_with_results_batched_in_one_episode():
    """Azure delivers several completions per episode; the waves still follow in order."""
    run = new_run(job(max_parallel_transcriptions=2))
    run.complete(run.only("split_audio"), split_result(5))
    while run.pending("transcribe_chunk"):
        in_flight = run.pending("transcribe_chunk")
        assert len(in_flight) <= 2
        run.complete_together([(t, chunk_result(t.input["index"])) for t in in_flight])
    merge = run.only("merge_transcript")
    assert [c["index"] for c in merge.input["chunks"]] == [0, 1, 2, 3, 4]


def test_throttled_chunk_retries_inside_its_wave():
    """A 429 fails one attempt: it is retried, the wave waits for it, then the next wave runs."""
    run = new_run(job(max_parallel_transcriptions=2))
    run.complete(run.only("split_audio"), split_result(3))
    first, second = run.pending("transcribe_chunk")
    run.fail(first, "Activity function 'transcribe_chunk' failed: RateLimited: 429")
    run.complete(second, chunk_result(1))
    assert not run.pending("transcribe_chunk"), "chunk 2 waits for the retry of chunk 0"
    run.fire_timer(next(t for t in run.tasks.values() if t.kind == "retry_timer"))
    (again,) = run.pending("transcribe_chunk")
    assert again.input["index"] == 0
    run.complete(again, chunk_result(0))
    (last,) = run.pending("transcribe_chunk")
    assert last.input["index"] == 2
    run.complete(last, chunk_result(2))
    assert [c["index"] for c in run.only("merge_transcript").input["chunks"]] == [0, 1, 2]


def test_a_failed_chunk_lets_its_wave_finish_before_the_call_fails():
    """Chunk 0 fails for good while chunk 1 runs: nothing more is scheduled until it is done."""
    run = new_run(job(max_parallel_transcriptions=3, transcription_max_attempts=2))
    run.complete(run.only("split_audio"), split_result(2))
    first, second = run.pending("transcribe_chunk")
    run.fail_for_good(first, "Activity function 'transcribe_chunk' failed: RateLimited: 429")
    assert not run.pending("record_failure") and run.custom_status["stage"] == "transcribing"
    run.complete(second, chunk_result(1))
    assert_failed(run, "transcribing", "chunk 0: Activity function 'transcribe_chunk' failed")


def test_legacy_instance_keeps_its_sliding_window():
    """An instance started before versioning replays its original steps: one more chunk as soon
    as one finishes. On the extension that window collapses: the third chunk's task_any lists
    only itself, so the fourth chunk waits for the third specifically."""
    run = legacy_run(job(max_parallel_transcriptions=2))
    run.complete(run.only("split_audio"), split_result(4))
    first, second = run.pending("transcribe_chunk")
    run.complete(second, chunk_result(1))
    assert [t.input["index"] for t in run.pending("transcribe_chunk")] == [0, 2]
    run.complete(first, chunk_result(0))
    assert [t.input["index"] for t in run.pending("transcribe_chunk")] == [2], \
        "the SDK has chunks 2 and 3 in flight; the extension only chunk 2"
    while run.pending("transcribe_chunk"):
        task = run.pending("transcribe_chunk")[0]
        run.complete(task, chunk_result(task.input["index"]))
    assert [c["index"] for c in run.only("merge_transcript").input["chunks"]] == [0, 1, 2, 3]


def test_host_json_default_version_is_the_orchestrators():
    """New instances are stamped with host.json's defaultVersion; the code must know it."""
    host = json.loads((Path(__file__).resolve().parents[1] / "host.json").read_text())
    durable = host["extensions"]["durableTask"]
    assert durable["defaultVersion"] == ORCHESTRATION_VERSION
    assert durable["versionMatchStrategy"] == "CurrentOrOlder"
    assert durable["versionFailureStrategy"] == "Reject"


def stereo_split_result() -> dict:
    """A two-channel call: one chunk per channel, the right channel numbered after the left."""
    chunks = [{"index": i, "blob": f"{CALL_ID}/{side}-{i:04d}.flac", "start": 0.0, "end": 90.0,
               "speech_seconds": 30.0, "channel": side}
              for i, side in enumerate(("left", "right"))]
    return {"chunks": chunks, "audio": {"duration": 90.0, "sample_rate": 8000, "channels": 2,
                                        "format": "wav", "codec": "pcm_s16le",
                                        "layout": "stereo"}}


def test_stereo_chunks_fan_out_in_one_wave_with_their_channel():
    """Each channel's chunks go out as chunks do (waves under the cap), naming their channel;
    the merge gets every chunk with its channel."""
    run = new_run(job(max_parallel_transcriptions=3))
    run.complete(run.only("split_audio"), stereo_split_result())
    assert run.custom_status == {"stage": "transcribing", "chunks_total": 2, "chunks_done": 0}
    tasks = run.pending("transcribe_chunk")
    assert [(t.input["index"], t.input["channel"]) for t in tasks] == [(0, "left"),
                                                                       (1, "right")]
    for task in tasks:
        index, side = task.input["index"], task.input["channel"]
        run.complete(task, {"index": index, "blob": f"{CALL_ID}/chunk-{side}-{index:04d}.json",
                            "segments": 4, "language": "en", "channel": side})
    merge = run.only("merge_transcript")
    assert [(c["index"], c["channel"]) for c in merge.input["chunks"]] == [(0, "left"),
                                                                           (1, "right")]
    assert merge.input["chunks"][1]["audio_blob"] == f"{CALL_ID}/right-0001.flac"


@pytest.mark.parametrize("version", VERSIONS_REPLAYED)
def test_earlier_versions_replay_the_same_steps_with_the_same_payloads(version):
    """A 2.0 instance (mono chunks in its history) runs on this code as it ran on 2.0: the
    transcription payloads carry no channel and the steps end in a stored record."""
    run = OrchestrationRun(HANDLE, job(), version=version, versions=HOST_VERSIONS)
    run.complete(run.only("split_audio"), split_result(2))
    payloads = [t.input for t in run.pending("transcribe_chunk")]
    assert payloads == [{"call_id": CALL_ID, "index": i, "blob": f"{CALL_ID}/{i:04d}.flac",
                         "start": i * 600.0, "end": (i + 1) * 600.0 + 1} for i in range(2)]
    for task in run.pending("transcribe_chunk"):
        run.complete(task, chunk_result(task.input["index"]))
    run.complete(run.only("merge_transcript"), {"blob": f"{CALL_ID}/transcript.json",
                                                "duration": 1200.0, "language": "en",
                                                "words": 250})
    run.complete(run.only("extract"), extraction())
    finish(run)
    assert run.is_done and run.error is None and run.output["outcome"] == "auto_accepted"


def test_a_worker_on_version_2_0_refuses_stereo_era_instances():
    """The rollout guard: a 2.0 host does not run a 2.1 instance (it would merge the channels
    as consecutive chunks); this host runs both."""
    assert ORCHESTRATION_VERSION == "2.1"
    assert VersionPolicy(default="2.0").mismatch(ORCHESTRATION_VERSION)
    assert all(HOST_VERSIONS.mismatch(v) is None for v in VERSIONS_REPLAYED)


def test_confident_fields_skip_review_and_store():
    """No flagged field: enrich gets auto_accepted, store gets the record blob, output says so."""
    run = to_enrich(new_run(job()))
    enrich = run.only("enrich")
    assert enrich.input["review"] == {"outcome": "auto_accepted", "flagged": [],
                                      "decision": None}
    assert enrich.input["call"]["started_at"].startswith("2026-01-05T09:00:00")
    assert set(enrich.input["stage_seconds"]) >= {"splitting", "transcribing", "extracting"}
    assert len(json.dumps(enrich.input)) < 45_000
    finish(run)
    assert run.is_done and run.error is None
    assert run.output == {"call_id": CALL_ID, "status": "Completed",
                          "outcome": "auto_accepted", "record_id": CALL_ID}
    assert run.custom_status == {"stage": "done"}


def awaiting_any(run: OrchestrationRun) -> OrchestrationRun:
    to_enrich(run, name_confidence=0.4)
    assert run.custom_status["stage"] == "awaiting_approval"
    return run


def awaiting(run: OrchestrationRun) -> OrchestrationRun:
    awaiting_any(run)
    status = run.custom_status
    assert status["stage"] == "awaiting_approval"
    assert set(status["flagged"]) == {"customer_name"}
    assert status["flagged"]["customer_name"]["confidence"] == 0.4
    assert status["deadline"].startswith("2026-01-05T10:00")
    assert not run.pending()
    assert len(run.timers()) == 1
    return run


def test_approval_applies_decision_and_cancels_the_timer():
    """An approve decision (double-encoded, as the Python client sends it) wins the race."""
    run = awaiting(new_run(job()))
    decision = {"decision": "approve", "corrections": {"customer_name": "Dana Smyth"},
                "reviewer": "kim", "decided_at": "2026-01-05T09:30:00+00:00"}
    run.raise_event("Approval", json.dumps(decision))
    assert not run.timers(), "the deadline timer must be cancelled"
    review = run.only("enrich").input["review"]
    assert review["outcome"] == "approved" and review["flagged"] == ["customer_name"]
    assert review["decision"]["corrections"] == {"customer_name": "Dana Smyth"}
    assert review["decision"]["reviewer"] == "kim"
    assert run.custom_status == {"stage": "enriching"}
    finish(run)
    assert run.is_done and run.output["outcome"] == "approved"


def test_rejection_stores_rejected():
    run = awaiting(new_run(job()))
    run.raise_event("Approval", {"decision": "reject", "reviewer": "kim"})
    assert run.only("enrich").input["review"]["outcome"] == "rejected"
    finish(run)
    assert run.output["status"] == "Rejected" and run.output["outcome"] == "rejected"


def test_timeout_stores_unreviewed():
    """The deadline passes first: stored as unreviewed, nothing dropped."""
    run = awaiting(new_run(job()))
    run.fire_timer(run.timers()[0])
    review = run.only("enrich").input["review"]
    assert review == {"outcome": "unreviewed", "flagged": ["customer_name"], "decision": None}
    finish(run)
    assert run.output["outcome"] == "unreviewed" and run.output["status"] == "Completed"


def test_invalid_decision_is_ignored_and_waiting_goes_on():
    """A bad payload (raised around the API) changes nothing; a later valid one still counts."""
    run = awaiting(new_run(job()))
    run.raise_event("Approval", {"decision": "maybe", "reviewer": "kim"})
    assert run.custom_status["stage"] == "awaiting_approval"
    assert not run.pending() and len(run.timers()) == 1
    run.raise_event("Approval", {"decision": "approve", "reviewer": "lee"})
    assert run.only("enrich").input["review"]["decision"]["reviewer"] == "lee"
    assert not run.timers()


def test_each_wait_for_a_decision_is_fresh_with_the_same_deadline():
    """After an ignored payload the old timer is cancelled and a new one waits for the same
    deadline; when it fires the call is stored unreviewed (the extension sees every step)."""
    run = awaiting(new_run(job()))
    (first,) = run.timers()
    run.raise_event("Approval", {"decision": "maybe", "reviewer": "kim"})
    (second,) = run.timers()
    assert second.id != first.id and run.tasks[first.id].cancelled
    assert second.fire_at == first.fire_at
    run.fire_timer(second)
    assert run.only("enrich").input["review"]["outcome"] == "unreviewed"


def test_legacy_approval_loop_keeps_reusing_its_timer():
    """The pre-versioning loop re-yields one timer: on the extension the deadline then never
    ends the wait (the second task_any lists only the new event), so nothing is stored."""
    run = awaiting(legacy_run(job()))
    run.raise_event("Approval", {"decision": "maybe", "reviewer": "kim"})
    (timer,) = run.timers()
    run.fire_timer(timer)
    assert not run.pending("enrich"), "the extension still awaits the second event"
    assert run.status == "Running"


def test_deadline_stays_under_the_longest_short_timer():
    """A 7-day policy: a new instance waits just under 6 days with one plain timer, so the
    decision's cancel reaches the extension (no LongTimerTask, SDK #573); a legacy instance
    replays the 7-day deadline it was started with."""
    run = awaiting_any(new_run(job(approval_deadline_seconds=7 * 24 * 3600.0)))
    (timer,) = run.timers()
    assert timer.fire_at.startswith(run.custom_status["deadline"].removesuffix("Z")[:19])
    deadline = datetime.fromisoformat(run.custom_status["deadline"].replace("Z", "+00:00"))
    assert deadline - run.clock < timedelta(days=6)
    run.raise_event("Approval", {"decision": "approve", "reviewer": "kim"})
    assert run.only("enrich") and not run.timers()
    legacy = awaiting_any(legacy_run(job(approval_deadline_seconds=7 * 24 * 3600.0)))
    legacy_deadline = datetime.fromisoformat(
        legacy.custom_status["deadline"].replace("Z", "+00:00"))
    assert legacy_deadline - legacy.clock > timedelta(days=6)


def test_second_approval_is_ignored():
    """Only the first decision is consumed; a second one raised meanwhile changes nothing."""
    run = awaiting(new_run(job()))
    run.raise_event("Approval", {"decision": "approve", "reviewer": "kim"})
    run.raise_event("Approval", {"decision": "reject", "reviewer": "lee"})
    enrich = run.only("enrich")
    assert enrich.input["review"]["decision"]["reviewer"] == "kim"
    finish(run)
    assert run.output["outcome"] == "approved"


def test_silence_skips_extraction_and_review():
    run = new_run(job())
    run.complete(run.only("split_audio"), split_result(1))
    run.complete(run.only("transcribe_chunk"), {"index": 0, "blob": "t", "segments": 0,
                                                "language": None})
    run.complete(run.only("merge_transcript"), {"blob": "m", "duration": 9.0, "language": None,
                                                "words": 0})
    enrich = run.only("enrich")
    assert enrich.input["review"]["outcome"] == "auto_accepted"
    assert enrich.input["extraction"]["fields"]["customer_name"]["value"] is None


def assert_failed(run: OrchestrationRun, stage: str, reason: str) -> None:
    """The failure is recorded, published, and ends the orchestration as failed."""
    record = run.only("record_failure")
    assert record.input["stage"] == stage and reason in record.input["reason"]
    assert record.input["call"]["call_id"] == CALL_ID
    assert run.custom_status["stage"] == "failed"
    run.complete(record, {"id": CALL_ID, "etag": "e"})
    assert run.error and reason in run.error and stage in run.error
    assert run.custom_status == {"stage": "failed", "failed_stage": stage,
                                 "error": record.input["reason"]}


def test_permanent_input_error_fails_without_retry():
    """split_audio answers {"error"} for a file that is not audio: no retry, Failed with reason."""
    run = new_run(job())
    run.complete(run.only("split_audio"), {"error": "the file is not audio", "code": "audio.not"})
    assert_failed(run, "splitting", "the file is not audio")


def test_transcription_retries_exhausted_fails_with_reason():
    """A chunk failing every attempt: retried up to the policy's attempts, then Failed."""
    run = new_run(job(transcription_max_attempts=3))
    run.complete(run.only("split_audio"), split_result(2))
    first = run.pending("transcribe_chunk")[0]
    reason = "Activity function 'transcribe_chunk' failed: RateLimited: 429 from the server"
    attempts_before = len([t for t in run.tasks.values() if t.name == "transcribe_chunk"])
    run.fail_for_good(first, reason)
    attempts = len([t for t in run.tasks.values() if t.name == "transcribe_chunk"])
    assert attempts - attempts_before == 2  # two more attempts for chunk 0: three in all
    run.complete(run.only("transcribe_chunk"), chunk_result(1))  # its wave finishes first
    assert_failed(run, "transcribing", "429 from the server")
    assert "chunk 0" in run.custom_status["error"]


def test_retry_that_succeeds_continues():
    run = new_run(job())
    run.complete(run.only("split_audio"), split_result(1))
    run.fail(run.only("transcribe_chunk"), "Activity function 'transcribe_chunk' failed: boom")
    timer = next(t for t in run.tasks.values() if t.kind == "retry_timer")
    run.fire_timer(timer)
    run.complete(run.only("transcribe_chunk"), {"index": 0, "blob": "t", "segments": 1,
                                                "language": "en"})
    assert run.only("merge_transcript")


def test_permanent_chunk_error_names_the_chunk():
    run = new_run(job())
    run.complete(run.only("split_audio"), split_result(2))
    first, second = run.pending("transcribe_chunk")
    run.complete(second, {"error": "the model rejected the audio", "code": "x"})
    run.complete(first, chunk_result(0))
    assert_failed(run, "transcribing", "chunk 1: the model rejected the audio")


def test_unexpected_answer_is_recorded_as_a_failure():
    """A bug (here: enrich answering without record_blob) still ends as a Failed record."""
    run = to_enrich(new_run(job()))
    run.complete(run.only("enrich"), {"id": CALL_ID})
    assert_failed(run, "storing", "KeyError")


def test_bad_input_fails_at_start():
    run = new_run({"policy": POLICY})
    assert_failed(run, "starting", "blob_name")


@pytest.mark.parametrize("stage_activity,stage", [("merge_transcript", "merging"),
                                                   ("extract", "extracting")])
def test_later_stage_failure_names_the_stage(stage_activity, stage):
    run = new_run(job())
    if stage_activity == "extract":
        through_transcription(run)
    else:
        run.complete(run.only("split_audio"), split_result(1))
        run.complete(run.only("transcribe_chunk"), {"index": 0, "blob": "t", "segments": 1,
                                                    "language": "en"})
    run.fail_for_good(run.only(stage_activity), f"Activity function '{stage_activity}' failed: x")
    assert_failed(run, stage, "failed: x")
