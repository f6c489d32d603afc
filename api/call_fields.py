"""`GET /api/calls/{call_id}/fields`: every extracted field of a call, for the review page.

While a call awaits approval its custom status carries only the flagged fields (kept small);
a reviewer also needs the others, and the verifiers' reasons (`checks`). Those are the `extract`
activity's output, which the task hub keeps in the run's history: read it there while the run
is live (the Durable extension's own instance API, `showHistoryOutput`). Once the run has
ended, the stored record's `extraction` is the answer (the history may be purged by then).
Behind `api.auth.DATA`, like every data route.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import azure.durable_functions as df
import azure.functions as func

from api.auth import DATA
from api.call_runs import runtime_of, speaking_run
from api.calls import bad_call_id, problem, respond, stored_record
from api.instances import REQUEST_TIMEOUT, ListingError, rpc_base_url
from callinsights.status import LIVE_RUNTIMES

bp = df.Blueprint()

EXTRACT_ACTIVITY = "extract"


async def run_history(client: df.DurableOrchestrationClient, call_id: str
                      ) -> list[dict[str, Any]]:
    """The history events of the call's instance, with their results."""
    url = (f"{rpc_base_url(client)}instances/{call_id}"
           "?showHistory=true&showHistoryOutput=true&showInput=false")
    async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session, \
            session.get(url) as response:
        if response.status == 404:
            return []
        body = await response.json(content_type=None)
        if response.status not in (200, 202) or not isinstance(body, dict):
            raise ListingError(f"GET {url}: HTTP {response.status}: {body!r}"[:500])
    return body.get("historyEvents") or []


def extracted_fields(history: list[dict[str, Any]]) -> dict[str, dict] | None:
    """The fields of the latest completed `extract` in a history, or None before there is one.

    The extension shows each `TaskCompleted` with its activity's `FunctionName` and its
    `Result` (parsed when it is JSON; the raw text otherwise).
    """
    for event in reversed(history):
        if event.get("EventType") != "TaskCompleted" or \
                str(event.get("FunctionName") or "").lower() != EXTRACT_ACTIVITY:
            continue
        result = event.get("Result")
        while isinstance(result, str):
            try:
                result = json.loads(result)
            except ValueError:
                return None
        fields = result.get("fields") if isinstance(result, dict) else None
        return fields if isinstance(fields, dict) else None
    return None


@bp.route(route="calls/{call_id}/fields", methods=["GET"], auth_level=DATA.auth_level)
@bp.durable_client_input(client_name="client")
async def get_call_fields(req: func.HttpRequest, client: df.DurableOrchestrationClient
                          ) -> func.HttpResponse:
    if (refused := DATA.refusal(req) or bad_call_id(req)) is not None:
        return refused
    call_id = req.route_params["call_id"]
    instance_id, durable, record = await speaking_run(client, call_id,
                                                      lambda: stored_record(call_id))
    runtime = runtime_of(durable)
    if runtime in LIVE_RUNTIMES:
        fields = extracted_fields(await run_history(client, instance_id))
        if fields is None:
            return problem(404, f"call {call_id} has no extracted fields yet", status=runtime)
        return respond(200, {"call_id": call_id, "source": "run", "fields": fields})
    if record is None and runtime is None:
        return problem(404, f"no call {call_id}")
    fields = (record or {}).get("extraction")
    if not fields:
        return problem(404, f"call {call_id} has no extracted fields")
    return respond(200, {"call_id": call_id, "source": "record", "fields": fields})
