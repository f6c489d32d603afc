"""`POST /api/reextractions`: extract every stored call of a date range again, a page at a time.

For a change of model, prompt, schema or threshold that should reach the calls already stored.
Behind `api.auth.DATA`. The body is JSON: `from` / `to` (`YYYY-MM-DD`, inclusive, either open),
`status` (`Completed` or `Rejected`; both when left out), `limit` (records per page, 1-100,
default 20), or `continuation` (the token the previous page answered; it carries the range and
the counts, so the other fields are then left out). Each page starts `reextract_call` for each
of its idle calls (`api.call_reextract.start_reextraction`, the single route's rule) and answers
200 with what it started, what it skipped and why (still running, no transcript), and the
progress over the whole range. The client posts the continuation until it is null
(`python -m stack reextract --from ... --to ...` does). A page is bounded work for one request;
the re-extractions themselves run as usual, each reviewed like a new call when a field is
doubtful, and show in `GET /api/calls` as live calls.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass

import azure.durable_functions as df
import azure.functions as func

from api.auth import DATA
from api.call_reextract import start_reextraction
from api.call_runs import live, runs_of
from api.calls import parse_date, problem, respond
from callinsights import status as call_status
from callinsights.schema import CallStatus
from callinsights.settings import Settings

bp = df.Blueprint()

DEFAULT_BATCH_PAGE = 20
MAX_BATCH_PAGE = 100
BATCH_STATUSES = (CallStatus.COMPLETED, CallStatus.REJECTED)  # stored with a transcript


@dataclass(frozen=True)
class Batch:
    """The range a batch walks and how far it got: what the continuation token carries."""

    date_from: str | None = None
    date_to: str | None = None
    status: str | None = None
    after: tuple[str, str] | None = None
    total: int = 0
    seen: int = 0
    started: int = 0
    skipped: int = 0

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps(asdict(self)).encode()).decode()

    @classmethod
    def decode(cls, token: object) -> Batch:
        """ValueError (a 400) for anything this route did not hand out."""
        try:
            raw = json.loads(base64.urlsafe_b64decode(str(token).encode()))
            batch = cls(**{**raw, "after": tuple(raw["after"]) if raw.get("after") else None})
        except (binascii.Error, ValueError, KeyError, TypeError) as exc:
            raise ValueError("continuation is not a token this route handed out") from exc
        if batch.after is None or len(batch.after) != 2:
            raise ValueError("continuation is not a token this route handed out")
        return batch

    def progress(self, done: bool) -> dict:
        return {"total": self.total, "seen": self.seen, "started": self.started,
                "skipped": self.skipped, "done": done}


def parse_batch(body: object) -> tuple[Batch, int]:
    """(where the batch is, page size) from the request body; ValueError carries a 400's reason."""
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    unknown = set(body) - {"from", "to", "status", "limit", "continuation"}
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    limit = body.get("limit", DEFAULT_BATCH_PAGE)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_BATCH_PAGE:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_BATCH_PAGE}")
    if body.get("continuation") is not None:
        if set(body) - {"continuation", "limit"}:
            raise ValueError("with a continuation, send only it (and limit): it holds the range")
        return Batch.decode(body["continuation"]), limit
    date_from, date_to = parse_date("from", body.get("from")), parse_date("to", body.get("to"))
    if date_from and date_to and date_from > date_to:
        raise ValueError("from must not be after to")
    wanted = call_status.status_filter(body.get("status"))
    if wanted is not None and wanted not in BATCH_STATUSES:
        raise ValueError("status must be Completed or Rejected: only stored calls with a "
                         "transcript can be extracted again")
    return Batch(date_from, date_to, wanted.value if wanted else None), limit


async def run_page(client: df.DurableOrchestrationClient, batch: Batch, limit: int,
                   settings: Settings) -> dict:
    """Start the re-extractions of one page of records; the response body."""
    from callinsights.repository import repository_for

    repository = repository_for(settings)
    filters = {"status": batch.status, "date_from": batch.date_from, "date_to": batch.date_to}
    total = batch.total if batch.after else repository.count(**filters)
    records, last = repository.page(limit=limit, after=batch.after, **filters)
    started, skipped = [], []
    for record in records:
        call_id = record["call_id"]
        runs = await runs_of(client, call_id, record)
        if live(runs):
            skipped.append({"call_id": call_id, "reason": "running or awaiting approval"})
            continue
        attempt = await start_reextraction(client, record, runs, settings)
        if attempt.started:
            started.append(attempt.body)
        else:
            skipped.append({"call_id": call_id, "reason": attempt.body["reason"]})
    after = Batch(batch.date_from, batch.date_to, batch.status, last, total,
                  batch.seen + len(records), batch.started + len(started),
                  batch.skipped + len(skipped))
    return {"started": started, "skipped": skipped,
            "continuation": after.encode() if last else None,
            "progress": after.progress(done=last is None)}


@bp.route(route="reextractions", methods=["POST"], auth_level=DATA.auth_level)
@bp.durable_client_input(client_name="client")
async def reextract_batch(req: func.HttpRequest, client: df.DurableOrchestrationClient
                          ) -> func.HttpResponse:
    if (refused := DATA.refusal(req)) is not None:
        return refused
    try:
        body = req.get_json()
    except ValueError:
        return problem(400, "the body must be a JSON object")
    try:
        batch, limit = parse_batch(body)
    except ValueError as exc:
        return problem(400, str(exc))
    return respond(200, await run_page(client, batch, limit, Settings.from_env()))
