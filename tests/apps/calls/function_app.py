"""Test app: the real routes, starter and purge of call insights over a scripted `process_call`.

The HTTP routes (the lifecycle ones too: delete, re-extract, reprocess, the batch
re-extraction), the blob trigger and the purge are the app's own blueprints. `process_call` and
`reextract_call` are replaced by an orchestration that publishes the custom status its input
names (else its first stage) and then waits for a `Finish` event (whose payload becomes its
output, or its failure with `{"fail": reason}`), so a test can put calls in any state without
audio or models.
"""

from __future__ import annotations

import json

import azure.durable_functions as df
import azure.functions as func

from api import (
    backfill,
    blob_trigger,
    call_delete,
    call_fields,
    call_media,
    call_reextract,
    call_reprocess,
    calls,
    purge,
    reextract_batch,
    review_page,
)

app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(blob_trigger.bp)
app.register_functions(calls.bp)
app.register_functions(purge.bp)
app.register_functions(backfill.bp)
app.register_functions(call_media.bp)
app.register_functions(call_fields.bp)
app.register_functions(review_page.bp)
app.register_functions(call_delete.bp)
app.register_functions(call_reextract.bp)
app.register_functions(call_reprocess.bp)
app.register_functions(reextract_batch.bp)

FINISH_EVENT = "Finish"


def scripted(context: df.DurableOrchestrationContext, first_stage: str):
    """Publish the input's custom status, wait for `Finish`, end as it says."""
    job = context.get_input() or {}
    context.set_custom_status(job.get("custom") or {"stage": first_stage})
    finish = yield context.wait_for_external_event(FINISH_EVENT)
    if isinstance(finish, str):  # the SDK may hand an event's payload over as its JSON text
        finish = json.loads(finish or "{}")
    outcome = finish if isinstance(finish, dict) else {}
    if outcome.get("fail"):
        raise RuntimeError(outcome["fail"])
    return outcome


@app.orchestration_trigger(context_name="context")
def process_call(context: df.DurableOrchestrationContext):
    return (yield from scripted(context, "splitting"))


@app.orchestration_trigger(context_name="context")
def reextract_call(context: df.DurableOrchestrationContext):
    """A call's re-extraction (`{call_id}-x{n}`), scripted the same way."""
    return (yield from scripted(context, "extracting"))
