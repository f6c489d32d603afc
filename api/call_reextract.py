"""`POST /api/calls/{call_id}/reextract`: extract a stored call again from its merged transcript.

Behind `api.auth.DATA`. 404 for an unknown call; 409 while any run of the call is live (its
first run or a re-extraction), and 409 with the reason when there is nothing to extract from (no
stored record with a merged transcript, e.g. a call that failed before merging; or a transcript
without speech). Otherwise starts `reextract_call` as instance `{call_id}-x{n}` (n = one more
than the call's re-extractions so far, `api.call_runs.next_reextraction`) and answers 202 with
the instance id and the call's status URL. Two requests racing for the same n: the extension
refuses the second start (409).
"""

from __future__ import annotations

from dataclasses import dataclass

import azure.durable_functions as df
import azure.functions as func

from api.auth import DATA
from api.call_runs import next_reextraction
from api.calls import call_url, idle_call, problem, respond
from callinsights.settings import Settings
from orchestrators.reextract_call import REEXTRACT_ORCHESTRATOR, reextraction_input

bp = df.Blueprint()


def _transcript_missing(record: dict, settings: Settings) -> str | None:
    """Why this record cannot be extracted again, or None when it can."""
    from callinsights.blobs import BlobStore

    transcript = record.get("transcript") or {}
    if not transcript.get("blob"):
        failed = (record.get("error") or {}).get("stage")
        return ("the call has no stored merged transcript"
                + (f" (it failed while {failed})" if failed else ""))
    if not transcript.get("words"):
        return "the call's transcript has no speech"
    if not BlobStore(settings.storage_connection).exists(settings.transcripts_container,
                                                         transcript["blob"]):
        return "the call's merged transcript blob is gone"
    return None


@dataclass(frozen=True)
class Attempt:
    """What trying to start one re-extraction came to: 202 and its body, or 409 and the reason."""

    code: int
    body: dict

    @property
    def started(self) -> bool:
        return self.code == 202


async def start_reextraction(client: df.DurableOrchestrationClient, record: dict,
                             runs: list[tuple[str, dict]], settings: Settings) -> Attempt:
    """Start `reextract_call` for an idle call's stored record (`runs`: the call's instances)."""
    call_id = record["call_id"]
    if (reason := _transcript_missing(record, settings)) is not None:
        return Attempt(409, {"error": f"call {call_id} cannot be extracted again: {reason}",
                             "reason": reason, "status": record.get("status")})
    instance_id = next_reextraction(call_id, runs, record)
    try:
        await client.start_new(REEXTRACT_ORCHESTRATOR, instance_id,
                               reextraction_input(record, settings.policy(), instance_id))
    except Exception as exc:  # another request started this re-extraction first
        return Attempt(409, {"error": f"call {call_id} is being extracted again already: {exc}",
                             "reason": "already started"})
    return Attempt(202, {"call_id": call_id, "extraction_id": instance_id})


@bp.route(route="calls/{call_id}/reextract", methods=["POST"], auth_level=DATA.auth_level)
@bp.durable_client_input(client_name="client")
async def reextract_call_route(req: func.HttpRequest, client: df.DurableOrchestrationClient
                               ) -> func.HttpResponse:
    refused, runs, record = await idle_call(req, client)
    if refused is not None:
        return refused
    call_id = req.route_params["call_id"]
    if record is None:
        if runs:
            return problem(409, f"call {call_id} has no stored record to extract again",
                           reason="no stored record")
        return problem(404, f"no call {call_id}")
    attempt = await start_reextraction(client, record, runs, Settings.from_env())
    if not attempt.started:
        return respond(attempt.code, attempt.body)
    url = call_url(req, call_id)
    return respond(202, {**attempt.body, "status_url": url}, headers={"Location": url})
