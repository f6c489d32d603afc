"""The `reextract_call` orchestration: a stored call extracted again from its merged transcript.

Started by `POST /api/calls/{call_id}/reextract` as instance `{call_id}-x{n}`
(`callinsights.call_ids.reextraction_id`), never the call id itself, so the blob trigger's
de-duplication (which asks for the call id's instance) and the first run's history are
untouched. It runs the same steps a new call ends with (`steps`: extract -> review, with the
same approval wait -> enrich -> store); enrich moves the record's previous extraction into its
`extractions` history. Input: the call's facts from its record (`reextraction_input`).

A failure does not store a `Failed` record, which would replace the good one: the stage and
reason are published and raised, the instance ends `Failed`, and the stored record is as it was.
"""

from __future__ import annotations

import azure.durable_functions as df

from callinsights.records import stored_call_input
from orchestrators import steps
from orchestrators.run import MAX_REASON, Run, StageFailed, Steps

bp = df.Blueprint()

REEXTRACT_ORCHESTRATOR = "reextract_call"


def reextraction_input(record: dict, policy: dict, instance_id: str) -> dict:
    """The orchestration input from a stored record: the call's facts, no customer data beyond
    what the first run's input held (file name), the transcript by blob name."""
    meta = record.get("metadata") or {}
    transcript = record.get("transcript") or {}
    return {
        **stored_call_input(record, policy),
        "reextraction": {
            "instance_id": instance_id,
            "audio": {**{k: meta.get(k) for k in ("duration", "sample_rate", "channels",
                                                  "format", "codec", "chunks")},
                      "layout": meta.get("channel_layout")},
            "transcript": {**{k: transcript.get(k) for k in ("blob", "duration", "language",
                                                             "words")},
                           "agent_channel": meta.get("agent_channel")}},
    }


@bp.orchestration_trigger(context_name="context")
def reextract_call(context: df.DurableOrchestrationContext) -> Steps:
    job = context.get_input()
    run = Run(context, job if isinstance(job, dict) else {})
    try:
        again = run.call.get("reextraction") or {}
        merged = again.get("transcript") or {}
        if not merged.get("blob"):
            raise StageFailed("starting", "the input names no merged transcript")
        extraction, decided = yield from steps.extract_and_review(run, merged)
        return (yield from steps.enrich_and_store(run, again.get("audio") or {}, merged,
                                                  extraction, decided))
    except Exception as exc:  # the stored record stays as it was
        failure = exc if isinstance(exc, StageFailed) else StageFailed(
            run.stage or "starting", f"{type(exc).__name__}: {exc}"[:MAX_REASON])
        run.log("re-extraction %s", failure)
        run.close_stage()
        run.publish("failed", failed_stage=failure.stage, error=failure.reason)
        raise failure from None
