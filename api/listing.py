"""`GET /api/calls`: every call, page by page, from the task hub and the records store.

Order: first the calls that are still live in the task hub (Pending, Running, AwaitingApproval,
and instances that ended Failed/Terminated without a stored record), in the order the task hub
lists them; then the stored records (Completed, Rejected, Failed), newest `call_date` first,
then by call id. A page holds at most `limit` calls and may hold fewer (even none) while more
follow: a client keeps passing the response's `continuation` back until it is null. The token
is opaque (base64 JSON of the phase and the task hub's token or the last record's key).
`from` / `to` (`YYYY-MM-DD`, inclusive) keep the calls whose `call_date` (upload date) falls in
that range, in both phases. `customer`, `city`, `product` and `flagged` (callinsights.search)
are the stores' queries in the records phase; in the live phase they match what a live call
shows: the flagged values of a call awaiting approval (a call still being transcribed or
extracted has no values yet, so a search by value lists it only once it has them).
A live re-extraction (`reextract_call`, instance `{call_id}-x{n}`) is listed as its call, live,
with `extraction_id`; its record is then skipped in the records phase. Ended re-extractions are
not listed: their call is its record.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

import azure.durable_functions as df

from api.call_runs import base_call_id
from api.instances import all_instances, instances_page
from callinsights import status as call_status
from callinsights.repository.base import CallRepository
from callinsights.schema import CallStatus
from callinsights.search import RecordSearch, search_keys
from callinsights.status import ACTIVE_RUNTIMES, ENDED_BADLY_RUNTIMES, LIVE_RUNTIMES
from orchestrators import ORCHESTRATOR
from orchestrators.reextract_call import REEXTRACT_ORCHESTRATOR

LIVE_STATUSES = {CallStatus.PENDING, CallStatus.RUNNING, CallStatus.AWAITING_APPROVAL,
                 CallStatus.FAILED}
STORED_STATUSES = {CallStatus.COMPLETED, CallStatus.REJECTED, CallStatus.FAILED}


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: in the task hub (its token) or in the records (a key)."""

    phase: str = "live"  # "live" | "records"
    token: str | None = None
    after: tuple[str, str] | None = None

    def encode(self) -> str:
        raw = json.dumps({"phase": self.phase, "token": self.token,
                          "after": list(self.after) if self.after else None})
        return base64.urlsafe_b64encode(raw.encode()).decode()

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """ValueError (a 400) for anything this module did not hand out."""
        try:
            raw = json.loads(base64.urlsafe_b64decode(text.encode()))
            after = tuple(raw["after"]) if raw.get("after") else None
            cursor = cls(raw["phase"], raw.get("token"), after)
        except (binascii.Error, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError("continuation is not a token this API handed out") from exc
        if cursor.phase not in ("live", "records") or (after and len(after) != 2):
            raise ValueError("continuation is not a token this API handed out")
        return cursor


@dataclass(frozen=True)
class Page:
    calls: list[dict]
    continuation: str | None


def first_cursor(wanted: CallStatus | None) -> Cursor | None:
    if wanted is None or wanted in LIVE_STATUSES:
        return Cursor("live")
    return Cursor("records")


@dataclass(frozen=True)
class Dates:
    """`call_date` from .. to (`YYYY-MM-DD`, inclusive; either may be open)."""

    date_from: str | None = None
    date_to: str | None = None

    def holds(self, call_date: str | None) -> bool:
        if not (self.date_from or self.date_to):
            return True
        return bool(call_date) and (self.date_from or "") <= call_date <= (
            self.date_to or "9999-12-31")


@dataclass(frozen=True)
class Filters:
    """Everything a list request keeps calls by, beside the page itself."""

    wanted: CallStatus | None = None
    dates: Dates = field(default_factory=Dates)
    search: RecordSearch = field(default_factory=RecordSearch)


def live_search_keys(body: dict) -> dict:
    """A live call's search keys, from what its status shows (its flagged values, if any)."""
    flagged = body.get("flagged") or {}
    return search_keys(flagged, flagged)


def _listed(body: dict | None, filters: Filters) -> bool:
    return bool(body and body["call_id"]
                and (filters.wanted is None or body["status"] == filters.wanted)
                and filters.dates.holds(body.get("call_date"))
                and (filters.search.empty or filters.search.matches(live_search_keys(body))))


async def list_page(client: df.DurableOrchestrationClient, repository: CallRepository,
                    filters: Filters, limit: int, cursor: Cursor) -> Page:
    if cursor.phase == "live":
        return await _live_page(client, repository, filters, limit, cursor.token)
    return await _records_page(client, repository, filters, limit, cursor.after)


def _statuses(wanted: CallStatus | None) -> list[str]:
    if wanted in (CallStatus.PENDING,):
        return ["Pending"]
    if wanted in (CallStatus.RUNNING, CallStatus.AWAITING_APPROVAL):
        return list(ACTIVE_RUNTIMES)
    return [*LIVE_RUNTIMES, *ENDED_BADLY_RUNTIMES]  # and failures that may lack a record


async def _live_page(client: df.DurableOrchestrationClient, repository: CallRepository,
                     filters: Filters, limit: int, token: str | None) -> Page:
    wanted = filters.wanted
    instances, following = await instances_page(client, _statuses(wanted), limit, token)
    calls = []
    for durable in instances:
        if durable.get("name") == REEXTRACT_ORCHESTRATOR:
            if durable.get("runtimeStatus") in LIVE_RUNTIMES and _listed(
                    body := _as_call(durable), filters):
                calls.append(body)  # an ended re-extraction's call is listed from its record
            continue
        if durable.get("name") not in (None, ORCHESTRATOR):
            continue
        ended = durable.get("runtimeStatus") in ENDED_BADLY_RUNTIMES
        if ended and repository.get(durable["instanceId"]):
            continue  # its stored record is listed with the records
        body = call_status.call_status(durable)
        if _listed(body, filters):
            calls.append(body)
    if following:
        return Page(calls, Cursor("live", token=following).encode())
    more = wanted is None or wanted in STORED_STATUSES
    return Page(calls, Cursor("records").encode() if more else None)


async def _records_page(client: df.DurableOrchestrationClient, repository: CallRepository,
                        filters: Filters, limit: int, after: tuple[str, str] | None) -> Page:
    wanted, dates = filters.wanted, filters.dates
    records, last = repository.page(status=wanted.value if wanted else None, limit=limit,
                                    after=after, date_from=dates.date_from,
                                    date_to=dates.date_to, search=filters.search)
    calls = []
    live = await _live_calls(client) if records else set()
    for record in records:
        if record["id"] in live:
            continue  # listed live, with its new run: a failed call uploaded again, a call
            # being reprocessed or extracted again
        calls.append(call_status.from_record(record))
    return Page(calls, Cursor("records", after=last).encode() if last else None)


def _as_call(durable: dict) -> dict | None:
    """A live re-extraction as its call's row: the call id, and the instance as `extraction_id`."""
    body = call_status.call_status(durable)
    if body:
        body["call_id"] = base_call_id(durable["instanceId"])
        body["extraction_id"] = durable["instanceId"]
    return body


async def _live_calls(client: df.DurableOrchestrationClient) -> set[str]:
    """The calls with a live run (their record is shown live, not twice): one walk of the task
    hub's live instances per page of records."""
    return {base_call_id(instance["instanceId"])
            async for instance in all_instances(client, LIVE_RUNTIMES)
            if instance.get("name") in (None, ORCHESTRATOR, REEXTRACT_ORCHESTRATOR)}
