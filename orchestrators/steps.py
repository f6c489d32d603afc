"""Steps both orchestrations take: extract -> review -> enrich -> store.

`process_call` runs them after the transcript is merged; `reextract_call` runs them on the call's
stored merged transcript. One copy, so a re-extraction is reviewed and stored exactly like a
new call (same flagging rule, same approval wait, same record document).
"""

from __future__ import annotations

from datetime import timedelta

from callinsights import review
from callinsights.records import empty_fields
from callinsights.settings import MAX_APPROVAL_DEADLINE_SECONDS
from orchestrators import approval, legacy
from orchestrators.run import Run, Steps, iso

DEFAULT_DEADLINE_SECONDS = 72 * 3600.0


def extract_and_review(run: Run, merged: dict) -> Steps:
    """(extraction, review input) for the merged transcript; silence skips both."""
    run.enter("extracting")
    if merged.get("words") == 0:  # silence: nothing to extract, nothing to review
        run.log("no speech in the recording")
        extraction = {"fields": empty_fields(), "usage": {}, "model": None}
        return extraction, review.review_input(review.Outcome.AUTO_ACCEPTED, {})
    extraction = yield from run.call_activity(
        "extract", {"call_id": run.call["call_id"], "transcript_blob": merged["blob"]})
    decided = yield from review_fields(run, extraction["fields"])
    return extraction, decided


def enrich_and_store(run: Run, audio: dict, merged: dict, extraction: dict,
                     decided: dict) -> Steps:
    """Build the record (review applied) and store it; the orchestration's output."""
    run.enter("enriching")
    enriched = yield from run.call_activity("enrich", {
        "call": run.call, "audio": audio, "transcript": merged, "extraction": extraction,
        "review": decided, "stage_seconds": run.stage_seconds, "processed_at": iso(run.now)})
    run.enter("storing")
    stored = yield from run.call_activity("store", {"call_id": run.call["call_id"],
                                                    "record_blob": enriched["record_blob"]})
    run.enter("done")
    return {"call_id": run.call["call_id"], "status": enriched["status"],
            "outcome": decided["outcome"], "record_id": stored["id"]}


def deadline_seconds(run: Run) -> float:
    """The policy's deadline; new instances keep it under the extension's longest short timer."""
    seconds = float(run.policy.get("approval_deadline_seconds", DEFAULT_DEADLINE_SECONDS))
    return seconds if run.legacy else min(seconds, MAX_APPROVAL_DEADLINE_SECONDS - 1)


def review_fields(run: Run, fields: dict) -> Steps:
    """Ask a person when a field is not confident; the deadline stores the call unreviewed."""
    flagged = review.flag_fields(fields, float(run.policy.get(
        "confidence_threshold", review.DEFAULT_CONFIDENCE_THRESHOLD)))
    if not flagged:
        return review.review_input(review.Outcome.AUTO_ACCEPTED, {})
    deadline = run.now + timedelta(seconds=deadline_seconds(run))
    run.enter("awaiting_approval", flagged=review.status_view(flagged), deadline=iso(deadline))
    wait = legacy.await_decision if run.legacy else approval.await_decision
    return (yield from wait(run, flagged, deadline))
