"""Blob trigger on `calls/{name}`: start `process_call` once per recording.

The instance id is the call id (derived from the content, hashed in 1 MiB reads so a long
recording is never copied whole into memory), so a trigger firing twice or the same recording
uploaded twice finds the existing call and starts nothing:
- a live instance (Pending/Running/Suspended), or one that Completed, is left alone;
- with no instance (its history purged, see `api.purge`), a stored `Completed`/`Rejected`
  record means the call is done: nothing starts;
- only a `Failed`/`Terminated` run (or a `Failed` record) is started again.
The check and the start are two calls. host.json sets `overridableExistingInstanceStates` to
`NonRunningStates`, so when two triggers race, the extension refuses the second `start_new` for
the running id (the SDK raises); that is treated as "already running", never as a failure.
"""

from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func
from dateutil import parser as dateparser

from callinsights.call_ids import call_id_from_digest, digest_of_stream
from callinsights.schema import CallStatus
from callinsights.settings import Settings
from orchestrators import ORCHESTRATOR

bp = df.Blueprint()

RESTARTABLE = {"Failed", "Terminated"}
FINISHED_RECORDS = {CallStatus.COMPLETED.value, CallStatus.REJECTED.value}


def uploaded_at(properties: dict | None) -> str | None:
    """The blob's creation (else last-modified) time as ISO-8601 UTC, when the host gives it."""
    for key in ("CreatedOn", "Created", "LastModified", "created_at", "last_modified"):
        raw = (properties or {}).get(key)
        if raw:
            try:
                return dateparser.parse(str(raw)).isoformat()
            except (ValueError, OverflowError):
                continue
    return None


def stored_properties(settings: Settings, container: str, name: str) -> dict | None:
    """The blob's properties from storage, for hosts whose trigger does not pass its times."""
    from callinsights.blobs import BlobStore

    try:
        return BlobStore(settings.storage_connection).properties(container, name)
    except Exception:  # the upload time is nice to have; never block the start for it
        logging.warning("could not read the properties of %s/%s", container, name, exc_info=True)
        return None


def orchestration_input(blob: func.InputStream, settings: Settings) -> dict:
    """The `process_call` input (docs/architecture.md) for the triggering blob."""
    container, _, name = (blob.name or "").partition("/")
    digest, size = digest_of_stream(blob)
    return {"call_id": call_id_from_digest(digest), "container": container or
            settings.calls_container, "blob_name": name, "content_hash": digest,
            "size_bytes": size, "uploaded_at": uploaded_at(blob.blob_properties),
            "policy": settings.policy()}


def should_start(runtime_status: str | None, record_status: str | None = None) -> bool:
    """No instance and no finished record, or the previous run failed or was terminated."""
    if runtime_status is None:
        return record_status not in FINISHED_RECORDS
    return runtime_status in RESTARTABLE


def record_status(settings: Settings, call_id: str) -> str | None:
    """The stored record's status; an unreachable store is an error (the trigger retries)."""
    from callinsights.repository import repository_for

    stored = repository_for(settings).get(call_id)
    return stored.record.get("status") if stored else None


async def runtime_of(client: df.DurableOrchestrationClient, call_id: str) -> str | None:
    existing = await client.get_status(call_id)
    return existing.runtime_status.name if existing and existing.runtime_status else None


async def start_once(client: df.DurableOrchestrationClient, job: dict) -> bool:
    """Start the call's run; False when another trigger's start got there first."""
    try:
        await client.start_new(ORCHESTRATOR, job["call_id"], job)
    except Exception:
        if await runtime_of(client, job["call_id"]) in (None, *RESTARTABLE):
            raise  # not a duplicate start: a real failure to surface (the trigger retries)
        return False
    return True


# Event Grid source: Flex Consumption runs blob triggers only from Event Grid (infra/ subscribes
# the storage account); the local host polls the container either way.
@bp.blob_trigger(arg_name="blob", path="calls/{name}", connection="AzureWebJobsStorage",
                 source=func.BlobSource.EVENT_GRID)
@bp.durable_client_input(client_name="client")
async def start_process_call(blob: func.InputStream, client: df.DurableOrchestrationClient
                             ) -> None:
    settings = Settings.from_env()
    job = orchestration_input(blob, settings)
    call_id = job["call_id"]
    runtime = await runtime_of(client, call_id)
    stored = record_status(settings, call_id) if runtime is None else None
    if not should_start(runtime, stored):
        logging.info("call %s (%s) already %s; not starting again", call_id, job["blob_name"],
                     runtime or f"stored as {stored}")
        return
    if job["uploaded_at"] is None:
        job["uploaded_at"] = uploaded_at(
            stored_properties(settings, job["container"], job["blob_name"]))
    if await start_once(client, job):
        logging.info("started %s for %s as call %s", ORCHESTRATOR, job["blob_name"], call_id)
    else:
        logging.info("call %s (%s) was started by another trigger meanwhile", call_id,
                     job["blob_name"])
