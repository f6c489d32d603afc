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

import azure.durable_functions as df

from orchestrators import fan_out, legacy, steps
from orchestrators.run import MAX_REASON, Run, StageFailed, Steps, activity_reason, iso

bp = df.Blueprint()

ORCHESTRATOR = "process_call"  # the function's name below: what starters and listings use


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
    extraction, decided = yield from steps.extract_and_review(run, merged)
    audio = {**(split.get("audio") or {}), "chunks": len(chunks)}
    return (yield from steps.enrich_and_store(run, audio, merged, extraction, decided))


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
