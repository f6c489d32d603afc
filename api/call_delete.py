"""`DELETE /api/calls/{call_id}[?force=true]`: remove a call everywhere (behind `api.auth`).

Removes the recording (only where its content still hashes to the id), its chunks, chunk and
merged transcripts and record blob, the stored record, and the durable history of the call's
runs (`process_call` and re-extractions), in that order, so a failure half way leaves what the
next attempt needs to find the rest. A run still live (Pending, Running, AwaitingApproval) is a
409 unless `force=true`, which terminates it first and waits for it to end. Answers 200 with the
counts removed; 404 when nothing of the call was there (so a second delete is a 404: the state
is the same either way). Every deletion leaves an audit entry (`callinsights.deletion`): ids,
who, when and counts, no customer data. Afterwards the same upload is a new call: the starter
finds no instance and no record.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import azure.durable_functions as df
import azure.functions as func

from api.auth import DATA
from api.call_runs import live, runs_of, terminate_and_wait
from api.calls import _repository, bad_call_id, busy, problem, respond
from callinsights import deletion
from callinsights.settings import Settings
from callinsights.status import run_input

bp = df.Blueprint()

TERMINATE_REASON = "deleted"


def forced(req: func.HttpRequest) -> bool:
    return (req.params.get("force") or "").strip().lower() in {"1", "true", "yes"}


@bp.route(route="calls/{call_id}", methods=["DELETE"], auth_level=DATA.auth_level)
@bp.durable_client_input(client_name="client")
async def delete_call(req: func.HttpRequest, client: df.DurableOrchestrationClient
                      ) -> func.HttpResponse:
    if (refused := DATA.refusal(req) or bad_call_id(req)) is not None:
        return refused
    call_id, force = req.route_params["call_id"], forced(req)
    found = _repository().get(call_id)
    runs = await runs_of(client, call_id, found.record if found else None, every=True)
    running = live(runs)
    if not force and (refused := busy(call_id, runs, "; pass force=true to terminate and "
                                                    "delete it")) is not None:
        return refused
    still = await terminate_and_wait(client, running, TERMINATE_REASON) if running else []
    if still:
        return problem(503, f"call {call_id} did not stop in time; try again", running=still)

    from callinsights.blobs import BlobStore

    settings = Settings.from_env()
    store, repository = BlobStore(settings.storage_connection), _repository()
    stored = repository.get(call_id) if running else found  # a stopped run may have stored
    first_input = run_input(runs[0][1]) if runs and runs[0][0] == call_id else {}
    recordings = deletion.recording_blobs(settings, first_input,
                                          stored.record if stored else None)
    removed = deletion.remove_blobs(store, settings, call_id, recordings, deletion.Removed())
    removed.records += repository.delete(call_id)
    for instance_id, _ in runs:
        result = await client.purge_instance_history(instance_id)
        removed.histories += getattr(result, "instances_deleted", 1)
    if not removed.anything:
        return problem(404, f"no call {call_id}")
    entry = deletion.audit_entry(call_id, DATA.actor(req), datetime.now(UTC).isoformat(),
                                 removed, forced=force, terminated=running)
    name = deletion.write_audit(store, settings, entry)
    logging.info("deleted call %s: %s (audit %s)", call_id, entry["removed"], name)
    return respond(200, {"call_id": call_id, "removed": entry["removed"],
                         "terminated": running, "audit": name})
