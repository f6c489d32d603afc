"""HTTP routes: a call's public status, its full data, the list of calls, and approvals.

- `GET /api/calls/{call_id}/status` (anonymous): status, stage and progress only; no customer
  data (no names, quotes, transcript, record, flagged values, error text).
- `GET /api/calls/{call_id}`, `GET /api/calls`, `POST /api/calls/{call_id}/approval`: customer
  data, behind `api.auth.DATA` (the function key, or an Easy Auth sign-in).
Call ids are exactly 32 lowercase hex digits (`callinsights.call_ids.is_call_id`); anything
else is a 400. The approval body is validated here, before it enters the orchestration's
history (a 400 names the corrections that do not fit their field), and the call must be awaiting
approval (409 otherwise; 410 once its review deadline has passed). Two approvals sent at the
same moment can both pass that check; the orchestration consumes only the first (docs/app.md).
While a re-extraction is live it speaks for the call: its status is shown and its instance
(`{call_id}-x{n}`) gets the approval.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import azure.durable_functions as df
import azure.functions as func
from pydantic import ValidationError

from api.auth import DATA
from api.call_runs import live, runs_of, runtime_of, speaking_run
from api.listing import Cursor, Dates, Filters, first_cursor, list_page
from callinsights import status
from callinsights.call_ids import is_call_id
from callinsights.review import correction_errors, deadline_passed, validation_reason
from callinsights.schema import ApprovalDecision, CallStatus
from callinsights.search import RecordSearch
from callinsights.settings import Settings
from orchestrators.approval import APPROVAL_EVENT

bp = df.Blueprint()

DEFAULT_LIMIT = 100
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_LIMIT = 1000


def respond(code: int, body: dict | list, headers: dict | None = None) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(body, default=str), status_code=code,
                             mimetype="application/json", headers=headers)


def problem(code: int, message: str, **extra: object) -> func.HttpResponse:
    return respond(code, {"error": message, **extra})


def bad_call_id(req: func.HttpRequest) -> func.HttpResponse | None:
    """A 400 unless the route's call id is a call id."""
    if is_call_id(req.route_params.get("call_id")):
        return None
    return problem(400, "a call id is 32 lowercase hex digits (the start of the recording's "
                        "SHA-256)")


FINISHING_RETRY_SECONDS = 2


def busy(call_id: str, runs: list[tuple[str, dict]], hint: str = "") -> func.HttpResponse | None:
    """The 409 for a call with a live run (`running: [ids]`, `reason`), or None when none is.
    A run that has failed and is only storing its failure ends in a moment: its refusal says so
    and carries `Retry-After`."""
    running = live(runs)
    if not running:
        return None
    states = dict(runs)
    if all(status.finishing_failure(states[i]) for i in running):
        body = {"error": f"call {call_id} failed and is storing its failure record; try again in "
                         "a moment", "reason": "storing its failure", "running": running}
        return respond(409, body, headers={"Retry-After": str(FINISHING_RETRY_SECONDS)})
    return problem(409, f"call {call_id} is still running or awaiting approval{hint}",
                   reason="still running", running=running)


async def idle_call(req: func.HttpRequest, client: df.DurableOrchestrationClient
                    ) -> tuple[func.HttpResponse | None, list[tuple[str, dict]], dict | None]:
    """(the refusal, None when the request may go on; the call's runs; its stored record) for a
    route that starts a new run: keyed, a valid id, nothing of the call running or awaiting
    approval."""
    if (refused := DATA.refusal(req) or bad_call_id(req)) is not None:
        return refused, [], None
    call_id = req.route_params["call_id"]
    record = stored_record(call_id)
    runs = await runs_of(client, call_id, record)
    return busy(call_id, runs), runs, record


def call_url(req: func.HttpRequest, call_id: str) -> str:
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


async def current_run_status(client: df.DurableOrchestrationClient, call_id: str
                             ) -> tuple[str, dict | None]:
    """(instance id speaking for the call, the call status JSON); the record answers once the
    run has ended. A live re-extraction speaks for its call (`api.call_runs.speaking_run`)."""
    instance_id, durable, record = await speaking_run(  # with file, upload time
        client, call_id, lambda: stored_record(call_id))
    running = runtime_of(durable) in status.LIVE_RUNTIMES
    body = status.call_status(durable, None if running else record)
    if body is not None:
        body["call_id"] = call_id
        if instance_id != call_id:
            body["extraction_id"] = instance_id
    return instance_id, body


async def current_status(client: df.DurableOrchestrationClient, call_id: str) -> dict | None:
    """The call status JSON (callinsights.status)."""
    return (await current_run_status(client, call_id))[1]


@bp.route(route="calls/{call_id}/status", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@bp.durable_client_input(client_name="client")
async def get_call_status(req: func.HttpRequest, client: df.DurableOrchestrationClient
                          ) -> func.HttpResponse:
    if (refused := bad_call_id(req)) is not None:
        return refused
    call_id = req.route_params["call_id"]
    body = await current_status(client, call_id)
    if body is None:
        return problem(404, f"no call {call_id}")
    return respond(200, status.public_view(body))


@bp.route(route="calls/{call_id}", methods=["GET"], auth_level=DATA.auth_level)
@bp.durable_client_input(client_name="client")
async def get_call(req: func.HttpRequest, client: df.DurableOrchestrationClient
                   ) -> func.HttpResponse:
    if (refused := DATA.refusal(req) or bad_call_id(req)) is not None:
        return refused
    call_id = req.route_params["call_id"]
    body = await current_status(client, call_id)
    if body is None:
        return problem(404, f"no call {call_id}")
    return respond(200, body)


def date_parameter(req: func.HttpRequest, name: str) -> str | None:
    """A `YYYY-MM-DD` query parameter, or None; ValueError (a 400) for anything else."""
    return parse_date(name, req.params.get(name))


def parse_date(name: str, value: object) -> str | None:
    """`YYYY-MM-DD` (or nothing: None); ValueError naming `name` for anything else."""
    raw = value.strip() if isinstance(value, str) else value
    if raw is None or raw == "":
        return None
    try:
        if not isinstance(raw, str):
            raise ValueError(raw)
        if not ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw).isoformat()
    except ValueError as exc:
        raise ValueError(f"{name} must be a date, YYYY-MM-DD") from exc


def list_dates(req: func.HttpRequest) -> Dates:
    dates = Dates(date_parameter(req, "from"), date_parameter(req, "to"))
    if dates.date_from and dates.date_to and dates.date_from > dates.date_to:
        raise ValueError("from must not be after to")
    return dates


def list_parameters(req: func.HttpRequest) -> tuple[Filters, int, Cursor]:
    """(what to keep, page size, where to start); ValueError carries the reason for a 400."""
    wanted = status.status_filter(req.params.get("status"))
    filters = Filters(wanted, list_dates(req), RecordSearch.from_params(req.params))
    try:
        limit = int(req.params.get("limit") or DEFAULT_LIMIT)
    except ValueError as exc:
        raise ValueError("limit must be a whole number") from exc
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    token = req.params.get("continuation")
    return filters, limit, Cursor.decode(token) if token else first_cursor(wanted)


# ?status=&from=&to=&customer=&city=&product=&flagged=&limit=&continuation=
@bp.route(route="calls", methods=["GET"], auth_level=DATA.auth_level)
@bp.durable_client_input(client_name="client")
async def list_calls(req: func.HttpRequest, client: df.DurableOrchestrationClient
                     ) -> func.HttpResponse:
    if (refused := DATA.refusal(req)) is not None:
        return refused
    try:
        filters, limit, cursor = list_parameters(req)
    except ValueError as exc:
        return problem(400, str(exc))
    page = await list_page(client, _repository(), filters, limit, cursor)
    return respond(200, {"calls": page.calls, "count": len(page.calls),
                         "continuation": page.continuation})


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


def _corrections_of(req: func.HttpRequest) -> object:
    try:
        body = req.get_json()
    except ValueError:
        return None
    return body.get("corrections") if isinstance(body, dict) else None


@bp.route(route="calls/{call_id}/approval", methods=["POST"], auth_level=DATA.auth_level)
@bp.durable_client_input(client_name="client")
async def approve_call(req: func.HttpRequest, client: df.DurableOrchestrationClient
                       ) -> func.HttpResponse:
    if (refused := DATA.refusal(req) or bad_call_id(req)) is not None:
        return refused
    call_id = req.route_params["call_id"]
    try:
        decision = parse_approval(req)
    except ValueError as exc:
        return problem(400, str(exc), fields=correction_errors(_corrections_of(req)))
    instance_id, current = await current_run_status(client, call_id)
    if current is None:
        return problem(404, f"no call {call_id}")
    if deadline_passed(current, datetime.now(UTC)):
        return problem(410, f"the review deadline of call {call_id} has passed: it is stored "
                            "unreviewed and takes no decision", status=current["status"],
                       deadline=current.get("deadline"))
    if current["status"] != CallStatus.AWAITING_APPROVAL:
        return problem(409, f"call {call_id} is not awaiting approval", status=current["status"])
    payload = {**decision.model_dump(mode="json"), "decided_at": datetime.now(UTC).isoformat()}
    try:
        await client.raise_event(instance_id, APPROVAL_EVENT, payload)
    except Exception as exc:  # the instance finished between the check and the event
        return problem(409, f"call {call_id} is not awaiting approval: {exc}")
    url = call_url(req, call_id)
    return respond(202, {"call_id": call_id, "decision": decision.decision, "status_url": url},
                   headers={"Location": url})
