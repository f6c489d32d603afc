"""`POST /api/calls/{call_id}/reprocess`: run a call's whole pipeline again from its recording.

Behind `api.auth.DATA`. For a stored call (or an ended run whose record is missing) after a
change that needs new transcripts: another Whisper model, `REDACT_PII` turned on, new chunking.
404 unknown; 409 while any run of the call is live; 409 with the reason when the recording is
gone from `calls/` (or its content no longer hashes to the id). Otherwise the cached chunks and
transcripts (`{call_id}/` in `chunks` and `transcripts`, which the stages would reuse) are
deleted, and `process_call` starts again under the call id (host.json lets a start replace an
ended instance) with `reprocess: true` in its input: `enrich` moves the stored extraction into
`extractions`, and a failure leaves a good stored record as it was (`record_failure`).
"""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from api.auth import DATA
from api.calls import call_url, idle_call, problem, respond
from callinsights.call_ids import call_id_from_digest
from callinsights.deletion import sweep
from callinsights.records import stored_call_input
from callinsights.settings import Settings
from callinsights.status import run_input
from orchestrators import ORCHESTRATOR

bp = df.Blueprint()


@bp.route(route="calls/{call_id}/reprocess", methods=["POST"], auth_level=DATA.auth_level)
@bp.durable_client_input(client_name="client")
async def reprocess_call(req: func.HttpRequest, client: df.DurableOrchestrationClient
                         ) -> func.HttpResponse:
    refused, runs, record = await idle_call(req, client)
    if refused is not None:
        return refused
    call_id = req.route_params["call_id"]
    settings = Settings.from_env()
    first = next((durable for instance_id, durable in runs if instance_id == call_id), None)
    if record is not None:
        job = stored_call_input(record, settings.policy())
    elif first is not None:
        job = {**run_input(first), "policy": settings.policy()}
    else:
        return problem(404, f"no call {call_id}")

    from callinsights.blobs import BlobStore

    store = BlobStore(settings.storage_connection)
    container = job.get("container") or settings.calls_container
    digest = store.sha256(container, job["blob_name"]) if job.get("blob_name") else None
    if digest is None or call_id_from_digest(digest) != call_id:
        reason = "the recording is no longer in the calls container"
        return problem(409, f"call {call_id} cannot be processed again: {reason}",
                       reason=reason)
    sweep(store, settings.chunks_container, call_id)  # the stages would reuse them
    sweep(store, settings.transcripts_container, call_id)
    try:
        await client.start_new(ORCHESTRATOR, call_id, {**job, "container": container,
                                                       "reprocess": True})
    except Exception as exc:  # another request (or an upload) started it first
        return problem(409, f"call {call_id} is being processed already: {exc}")
    url = call_url(req, call_id)
    return respond(202, {"call_id": call_id, "status_url": url}, headers={"Location": url})
