"""The `process_call` orchestration: one uploaded recording to one stored, reviewed record.

split_audio -> transcribe_chunk per chunk (a sliding window of at most
`max_parallel_transcriptions` in flight, each with exponential retries) -> merge_transcript ->
extract -> human approval when a field is not confident (the `Approval` event raced against a
durable timer) -> enrich -> store.

Deterministic: no I/O, time only from `context.current_utc_datetime`, every setting from the
input's `policy`. The custom status publishes the stage (shape in docs/architecture.md). A stage
that fails for good (retries exhausted, or an activity answering `{"error": ...}` for input that
can never work) is stored as a `Failed` record, published as stage `failed` with the reason, and
raised, so the instance ends `Failed` and a new upload of the same recording may restart it.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from datetime import datetime, timedelta
from typing import Any

import azure.durable_functions as df

from callinsights import review
from callinsights.records import empty_fields
from orchestrators.retry import retry_options

bp = df.Blueprint()

APPROVAL_EVENT = "Approval"
STAGE_ATTEMPTS = 3  # the non-transcription stages: transient storage or model hiccups only
MAX_REASON = 1000

Steps = Generator[Any, Any, Any]


class StageFailed(Exception):
    """A stage failed for good; `reason` is what the call's status and record show."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage} failed: {reason}")
        self.stage = stage
        self.reason = reason


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def activity_reason(exc: Exception) -> str:
    """The useful line of a failed task: SDK text is `"<Reason> \\n <Details>"`."""
    reason = str(exc).split(" \n ", 1)[0].strip() or type(exc).__name__
    return reason[:MAX_REASON]


class _Run:
    """One run's context, input and stage bookkeeping (timings, custom status, retries)."""

    def __init__(self, context: df.DurableOrchestrationContext, job: dict) -> None:
        self.context = context
        self.policy: dict = job.get("policy") or {}
        self.call = {k: v for k, v in job.items() if k != "policy"}
        self.call.setdefault("call_id", context.instance_id)  # the instance id is the call id
        self.call["started_at"] = iso(context.current_utc_datetime)
        self.stage: str | None = None
        self.stage_seconds: dict[str, float] = {}
        self._since = context.current_utc_datetime
        first = float(self.policy.get("transcription_first_retry_seconds", 5.0))
        attempts = int(self.policy.get("transcription_max_attempts", 6))
        self.transcribe_retry = retry_options(first, attempts)
        self.stage_retry = retry_options(first, min(STAGE_ATTEMPTS, attempts))

    @property
    def now(self) -> datetime:
        return self.context.current_utc_datetime

    def close_stage(self) -> None:
        if self.stage:
            self.stage_seconds[self.stage] = round((self.now - self._since).total_seconds(), 3)

    def enter(self, stage: str, **status: Any) -> None:
        """Close the current stage's timing, start `stage`, publish it."""
        self.close_stage()
        self.stage, self._since = stage, self.now
        self.publish(stage, **status)

    def publish(self, stage: str, **status: Any) -> None:
        self.context.set_custom_status({"stage": stage, **status})

    def call_activity(self, name: str, payload: dict, retry: df.RetryOptions | None = None
                      ) -> Steps:
        """Run one activity with retries; any failure for good becomes StageFailed."""
        try:
            result = yield self.context.call_activity_with_retry(
                name, retry or self.stage_retry, payload)
        except Exception as exc:  # retries exhausted: the SDK raises the last failure
            raise StageFailed(self.stage or "starting", activity_reason(exc)) from None
        return self.checked(result)

    def checked(self, result: Any) -> Any:
        """An activity answers `{"error": reason}` for input that can never work."""
        if isinstance(result, dict) and result.get("error"):
            raise StageFailed(self.stage or "starting", str(result["error"])[:MAX_REASON])
        return result

    def log(self, message: str, *args: Any) -> None:
        if not self.context.is_replaying:
            logging.info("process_call %s: " + message, self.call.get("call_id"), *args)


@bp.orchestration_trigger(context_name="context")
def process_call(context: df.DurableOrchestrationContext) -> Steps:
    job = context.get_input()
    run = _Run(context, job if isinstance(job, dict) else {})
    try:
        return (yield from _pipeline(run))
    except Exception as exc:  # StageFailed, or a bug: either way the call is recorded Failed
        failure = exc if isinstance(exc, StageFailed) else StageFailed(
            run.stage or "starting", f"{type(exc).__name__}: {exc}"[:MAX_REASON])
        yield from _record_failure(run, failure)
        raise failure from None


def _pipeline(run: _Run) -> Steps:
    call_id = run.call.get("call_id")
    if not run.call.get("blob_name"):
        raise StageFailed("starting", "the orchestration input has no blob_name")
    run.enter("splitting")
    split = yield from run.call_activity("split_audio", run.call)
    chunks = split.get("chunks") or []
    if not chunks:
        raise StageFailed("splitting", "the recording contains no audio")
    run.enter("transcribing", chunks_total=len(chunks), chunks_done=0)
    transcribed = yield from _transcribe_all(run, chunks)
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


def _transcribe_all(run: _Run, chunks: list[dict]) -> Steps:
    """Fan out over the chunks keeping at most `max_parallel_transcriptions` in flight.

    A sliding window (refill as each finishes) keeps the rate-limited endpoint busy without
    bursting; results come back in chunk order, each with its offsets for the merge.
    """
    cap = max(1, int(run.policy.get("max_parallel_transcriptions", 3)))
    waiting = list(chunks)
    in_flight: dict[Any, dict] = {}
    done: dict[int, dict] = {}
    while waiting or in_flight:
        while waiting and len(in_flight) < cap:
            chunk = waiting.pop(0)
            payload = {"call_id": run.call["call_id"], "index": chunk["index"],
                       "blob": chunk["blob"], "start": chunk["start"], "end": chunk["end"]}
            task = run.context.call_activity_with_retry("transcribe_chunk", run.transcribe_retry,
                                                        payload)
            in_flight[task] = chunk
        finished = yield run.context.task_any(list(in_flight))
        chunk, result = in_flight.pop(finished), finished.result
        reason = (activity_reason(result) if isinstance(result, Exception)
                  else isinstance(result, dict) and result.get("error"))
        if reason:
            raise StageFailed("transcribing", f"chunk {chunk['index']}: {reason}"[:MAX_REASON])
        done[chunk["index"]] = {**chunk, **result, "audio_blob": chunk["blob"]}
        run.publish("transcribing", chunks_total=len(chunks), chunks_done=len(done))
    return [done[index] for index in sorted(done)]


def _review(run: _Run, fields: dict) -> Steps:
    """Ask a person when a field is not confident; the deadline stores the call unreviewed.

    A malformed `Approval` payload (only possible when raised around the API, which validates
    first) is logged and ignored: the orchestration keeps waiting for a valid one until the
    deadline. The first valid decision wins; the timer is cancelled so the instance can finish.
    """
    flagged = review.flag_fields(fields, float(run.policy.get("confidence_threshold", 0.75)))
    if not flagged:
        return review.review_input(review.Outcome.AUTO_ACCEPTED, {})
    deadline = run.now + timedelta(seconds=float(run.policy.get("approval_deadline_seconds",
                                                                 72 * 3600)))
    run.enter("awaiting_approval", flagged=review.status_view(flagged), deadline=iso(deadline))
    timer = run.context.create_timer(deadline)
    while True:
        event = run.context.wait_for_external_event(APPROVAL_EVENT)
        winner = yield run.context.task_any([event, timer])
        if winner is timer:
            run.log("approval deadline passed; storing unreviewed")
            return review.review_input(review.Outcome.UNREVIEWED, flagged)
        try:
            decision = review.parse_decision(event.result)
        except ValueError as exc:
            run.log("ignoring an invalid approval: %s", exc)
            continue
        timer.cancel()
        decision["decided_at"] = decision.get("decided_at") or iso(run.now)
        outcome = (review.Outcome.APPROVED if decision["decision"] == "approve"
                   else review.Outcome.REJECTED)
        return review.review_input(outcome, flagged, decision)


def _record_failure(run: _Run, failure: StageFailed) -> Steps:
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
