"""Timer `purge_history`: drop durable history of calls finished long ago whose record is stored.

The task hub keeps every instance's history until it is purged; the record store keeps the
call. Once an instance ended more than `HISTORY_RETENTION_DAYS` ago (0 turns the purge off) and
its record is stored, its history is purged. The record is checked for each instance right
before purging it: without one the history is the only trace of the call, so it stays. After a
purge the starter still refuses a second run of the same recording, because it consults the
record store when the task hub has no instance (`api.blob_trigger.should_start`).

Re-extractions (`{call_id}-x{n}`) are purged the same way once the record's extraction history
holds them or a later one (`extractions.settled_reextractions`): the lookup of a call's live
runs starts after those (`api.call_runs`), so it never misses one. A re-extraction after the
last stored one (one that failed) keeps its history: it is the only trace of that failure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import azure.durable_functions as df
import azure.functions as func
from dateutil import parser as dateparser

from api.call_runs import base_call_id
from api.instances import all_instances
from callinsights.call_ids import reextraction_number
from callinsights.extractions import settled_reextractions
from callinsights.repository.base import CallRepository
from callinsights.settings import Settings
from callinsights.status import FINISHED_RUNTIMES
from orchestrators import ORCHESTRATOR
from orchestrators.reextract_call import REEXTRACT_ORCHESTRATOR

bp = df.Blueprint()

SCHEDULE = "0 30 3 * * *"  # every day at 03:30 UTC
MAX_PURGES_PER_RUN = 2000  # bounded work per run; the next run continues


@dataclass
class PurgeReport:
    purged: int = 0
    kept_recent: int = 0  # created before the cutoff but finished after it
    kept_unrecorded: int = 0  # no stored record: the history is the call's only trace
    kept_unsettled: int = 0  # a re-extraction after the record's last stored one


def finished_before(instance: dict, cutoff: datetime) -> bool:
    updated = instance.get("lastUpdatedTime")
    if not updated:
        return False
    moment = dateparser.parse(updated)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) <= cutoff


async def purge_finished(client: df.DurableOrchestrationClient, repository: CallRepository,
                         cutoff: datetime, limit: int = MAX_PURGES_PER_RUN) -> PurgeReport:
    """Purge the calls' instances that ended before `cutoff` and whose record is stored."""
    report = PurgeReport()
    async for instance in all_instances(client, FINISHED_RUNTIMES, created_to=cutoff):
        if report.purged >= limit:
            break
        if instance.get("name") not in (None, ORCHESTRATOR, REEXTRACT_ORCHESTRATOR):
            continue
        if not finished_before(instance, cutoff):
            report.kept_recent += 1
            continue
        instance_id = instance["instanceId"]
        stored = repository.get(base_call_id(instance_id))
        if stored is None:
            report.kept_unrecorded += 1
            continue
        if reextraction_number(instance_id) > settled_reextractions(stored.record):
            report.kept_unsettled += 1
            continue
        await client.purge_instance_history(instance_id)
        report.purged += 1
    return report


@bp.timer_trigger(schedule=SCHEDULE, arg_name="timer", run_on_startup=False)
@bp.durable_client_input(client_name="client")
async def purge_history(timer: func.TimerRequest, client: df.DurableOrchestrationClient
                        ) -> None:
    from callinsights.repository import repository_for

    settings = Settings.from_env()
    if settings.history_retention_days <= 0:
        logging.info("purge_history: HISTORY_RETENTION_DAYS is 0, nothing purged")
        return
    cutoff = datetime.now(UTC) - timedelta(days=settings.history_retention_days)
    report = await purge_finished(client, repository_for(settings), cutoff)
    logging.info("purge_history: purged %d instances finished before %s; kept %d finished "
                 "later, %d without a stored record and %d re-extractions after the stored one",
                 report.purged, cutoff.isoformat(), report.kept_recent, report.kept_unrecorded,
                 report.kept_unsettled)
