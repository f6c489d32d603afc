"""The `process_call` orchestration: one uploaded recording to one stored, reviewed record.

split_audio -> transcribe_chunk per chunk (waves of at most `max_parallel_transcriptions`, each
with exponential retries; `fan_out`) -> merge_transcript -> extract -> human approval when a
field is not confident (the `Approval` event raced against a durable timer; `approval`) ->
enrich -> store.

Deterministic: no I/O, time only from `context.current_utc_datetime`, every setting from the
input's `policy`. The custom status publishes the stage (shape in docs/architecture.md). A stage
that fails for good (retries exhausted, or an activity answering `{"error": ...}` for input that
can never work) is stored as a `Failed` record, published as stage `failed` with the reason, and
raised, so the instance ends `Failed` and a new upload of the same recording may restart it.
Instances without an orchestration version replay their original steps (`legacy`).
"""

from __future__ import annotations

from datetime import timedelta

import azure.durable_functions as df

from callinsights import review
from callinsights.records import empty_fields
from callinsights.settings import MAX_APPROVAL_DEADLINE_SECONDS
from orchestrators import approval, fan_out, legacy
from orchestrators.run import MAX_REASON, Run, StageFailed, Steps, activity_reason, iso

bp = df.Blueprint()

ORCHESTRATOR = "process_call"  # the function's name below: what starters and listings use
DEFAULT_DEADLINE_SECONDS = 72 * 3600.0


@bp.orchestration_trigger(context_name="context")
def process_call(context: df.DurableOrchestrationContext) -> Steps:
    job = context.get_input()
    run = Run(context, job if isinstance(job, dict) else {})
    try:
        return (yield from _pipeline(run))
    except Exception as exc:  # StageFailed, or a bug: either way the call is recorded Failed
        failure = exc if isinstance(exc, StageFailed) else StageFailed(
            run.stage or "starting", f"{type(exc).__name__}: {exc}"[:MAX_REASON])
        yield from _record_failure(run, failure)
        raise failure from None


def _pipeline(run: Run) -> Steps:
    call_id = run.call.get("call_id")
    if not run.call.get("blob_name"):
        raise StageFailed("starting", "the orchestration input has no blob_name")
    run.enter("splitting")
    split = yield from run.call_activity("split_audio", run.call)
    chunks = split.get("chunks") or []
    if not chunks:
        raise StageFailed("splitting", "the recording contains no audio")
    run.enter("transcribing", chunks_total=len(chunks), chunks_done=0)
    transcribe = legacy.sliding_window if run.legacy else fan_out.transcribe_in_waves
    transcribed = yield from transcribe(run, chunks)
    run.enter("merging")
    merged = yield from run.call_activity("merge_transcript", {
        "call_id": call_id, "chunks": transcribed,
        "duration": (split.get("audio") or {}).get("duration")})
    run.enter("extracting")
    if merged.get("words") == 0:  # silence: nothing to extract, nothing to review
        run.log("no speech in the recording")
        extraction = {"fields": empty_fields(), "usage": {}, "model": None}
        decided = review.review_input(review.Outcome.AUTO_ACCEPTED, {})
    else:
        extraction = yield from run.call_activity(
            "extract", {"call_id": call_id, "transcript_blob": merged["blob"]})
        decided = yield from _review(run, extraction["fields"])
    run.enter("enriching")
    enriched = yield from run.call_activity("enrich", {
        "call": run.call, "audio": {**(split.get("audio") or {}), "chunks": len(chunks)},
        "transcript": merged, "extraction": extraction, "review": decided,
        "stage_seconds": run.stage_seconds, "processed_at": iso(run.now)})
    run.enter("storing")
    stored = yield from run.call_activity("store", {"call_id": call_id,
                                                    "record_blob": enriched["record_blob"]})
    run.enter("done")
    return {"call_id": call_id, "status": enriched["status"], "outcome": decided["outcome"],
            "record_id": stored["id"]}


def deadline_seconds(run: Run) -> float:
    """The policy's deadline; new instances keep it under the extension's longest short timer."""
    seconds = float(run.policy.get("approval_deadline_seconds", DEFAULT_DEADLINE_SECONDS))
    return seconds if run.legacy else min(seconds, MAX_APPROVAL_DEADLINE_SECONDS - 1)


def _review(run: Run, fields: dict) -> Steps:
    """Ask a person when a field is not confident; the deadline stores the call unreviewed."""
    flagged = review.flag_fields(fields, float(run.policy.get(
        "confidence_threshold", review.DEFAULT_CONFIDENCE_THRESHOLD)))
    if not flagged:
        return review.review_input(review.Outcome.AUTO_ACCEPTED, {})
    deadline = run.now + timedelta(seconds=deadline_seconds(run))
    run.enter("awaiting_approval", flagged=review.status_view(flagged), deadline=iso(deadline))
    wait = legacy.await_decision if run.legacy else approval.await_decision
    return (yield from wait(run, flagged, deadline))


def _record_failure(run: Run, failure: StageFailed) -> Steps:
    """Store the Failed record and publish the reason; the caller re-raises."""
    run.log("%s", failure)
    run.close_stage()
    run.publish("failed", failed_stage=failure.stage, error=failure.reason)
    try:
        yield run.context.call_activity_with_retry("record_failure", run.stage_retry, {
            "call": run.call, "stage": failure.stage, "reason": failure.reason,
            "stage_seconds": run.stage_seconds, "processed_at": iso(run.now)})
    except Exception as exc:  # the status still shows the reason; the instance still fails
        run.log("could not store the failure record: %s", activity_reason(exc))
