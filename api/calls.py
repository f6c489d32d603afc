"""HTTP routes: a call's status, the list of calls, and a reviewer's approval decision.

`GET /api/calls/{call_id}` is anonymous (the id is an unguessable content hash); listing and
approving need the function key. The approval body is validated here, before it enters the
orchestration's history, and the call must be awaiting approval (409 otherwise). Two approvals
sent at the same moment can both pass that check; the orchestration consumes only the first and
ignores the second (see docs/app.md), and the stored record names the reviewer who decided.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

import azure.durable_functions as df
import azure.functions as func
from azure.durable_functions.models.OrchestrationRuntimeStatus import (
    OrchestrationRuntimeStatus as Runtime,
)
from pydantic import ValidationError

from callinsights import status
from callinsights.review import validation_reason
from callinsights.schema import ApprovalDecision, CallStatus
from callinsights.settings import Settings

bp = df.Blueprint()

APPROVAL_EVENT = "Approval"
ORCHESTRATOR = "process_call"
MAX_LIMIT = 1000
MAX_ID = 256  # the Durable extension's instance id limit
_LIVE = [Runtime.Pending, Runtime.Running, Runtime.Suspended, Runtime.ContinuedAsNew,
         Runtime.Failed, Runtime.Terminated, Runtime.Canceled]
_FROM_RECORDS = {CallStatus.COMPLETED, CallStatus.REJECTED, CallStatus.FAILED}


def respond(code: int, body: dict | list, headers: dict | None = None) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(body, default=str), status_code=code,
                             mimetype="application/json", headers=headers)


def problem(code: int, message: str, **extra: object) -> func.HttpResponse:
    return respond(code, {"error": message, **extra})


def call_id_of(req: func.HttpRequest) -> str | None:
    """The route's call id, or None when it cannot be an instance id (it names no call)."""
    call_id = req.route_params.get("call_id", "")
    bad = (not call_id or len(call_id) > MAX_ID or call_id.startswith("@")
           or any(c in call_id for c in "/\\?#"))
    return None if bad or not call_id.isprintable() else call_id


def status_url(req: func.HttpRequest, call_id: str) -> str:
    parts = urlsplit(req.url)
    return f"{parts.scheme}://{parts.netloc}/api/calls/{call_id}"


def _repository():
    from callinsights.repository import repository_for

    return repository_for(Settings.from_env())


def stored_record(call_id: str) -> dict | None:
    """The call's record, or None; a store outage degrades the answer instead of failing it."""
    try:
        stored = _repository().get(call_id)
    except Exception:
        logging.exception("could not read the record of call %s", call_id)
        return None
    return stored.record if stored else None


async def durable_status(client: df.DurableOrchestrationClient, call_id: str) -> dict | None:
    found = await client.get_status(call_id)
    return found.to_json() if found else None


def needs_record(durable: dict | None) -> bool:
    runtime = (durable or {}).get("runtimeStatus")
    return runtime not in ("Pending", "Running", "Suspended", "ContinuedAsNew")


@bp.route(route="calls/{call_id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@bp.durable_client_input(client_name="client")
async def get_call(req: func.HttpRequest, client: df.DurableOrchestrationClient
                   ) -> func.HttpResponse:
    call_id = call_id_of(req)
    body = None
    if call_id:
        durable = await durable_status(client, call_id)
        body = status.call_status(durable, stored_record(call_id) if needs_record(durable)
                                  else None)
    if body is None:
        return problem(404, f"no call {call_id or ''}".strip())
    return respond(200, body)


@bp.route(route="calls", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
@bp.durable_client_input(client_name="client")
async def list_calls(req: func.HttpRequest, client: df.DurableOrchestrationClient
                     ) -> func.HttpResponse:
    try:
        wanted = status.status_filter(req.params.get("status"))
        limit = int(req.params.get("limit") or 100)
    except ValueError as exc:
        return problem(400, str(exc))
    if not 1 <= limit <= MAX_LIMIT:
        return problem(400, f"limit must be between 1 and {MAX_LIMIT}")
    instances = await client.get_status_by(runtime_status=_LIVE)
    durables = [i.to_json() for i in instances if i.name in (None, ORCHESTRATOR)]
    records = []
    if wanted is None or wanted in _FROM_RECORDS:
        records = _repository().query(status=wanted.value if wanted else None, limit=limit)
    calls = status.list_calls(durables, records, wanted)[:limit]
    return respond(200, {"calls": calls, "count": len(calls)})


def parse_approval(req: func.HttpRequest) -> ApprovalDecision:
    """The request body as a decision; ValueError carries the reason for a 400."""
    try:
        body = req.get_json()
    except ValueError as exc:
        raise ValueError("the body must be a JSON object") from exc
    try:
        return ApprovalDecision.model_validate(body)
    except ValidationError as exc:
        raise ValueError(validation_reason(exc)) from exc


@bp.route(route="calls/{call_id}/approval", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
@bp.durable_client_input(client_name="client")
async def approve_call(req: func.HttpRequest, client: df.DurableOrchestrationClient
                       ) -> func.HttpResponse:
    call_id = call_id_of(req)
    try:
        decision = parse_approval(req)
    except ValueError as exc:
        return problem(400, str(exc))
    current = None
    if call_id:
        durable = await durable_status(client, call_id)
        current = status.call_status(durable, stored_record(call_id) if not durable else None)
    if current is None:
        return problem(404, f"no call {call_id or ''}".strip())
    if current["status"] != CallStatus.AWAITING_APPROVAL:
        return problem(409, f"call {call_id} is not awaiting approval", status=current["status"])
    payload = {**decision.model_dump(mode="json"), "decided_at": datetime.now(UTC).isoformat()}
    try:
        await client.raise_event(call_id, APPROVAL_EVENT, payload)
    except Exception as exc:  # the instance finished between the check and the event
        return problem(409, f"call {call_id} is not awaiting approval: {exc}")
    url = status_url(req, call_id)
    return respond(202, {"call_id": call_id, "decision": decision.decision, "status_url": url},
                   headers={"Location": url})
