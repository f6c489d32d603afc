"""Blob trigger on `calls/{name}`: start `process_call` once per recording.

The instance id is the call id (derived from the content), so a trigger firing twice or the
same recording uploaded twice finds the existing instance and starts nothing; only a `Failed`
or `Terminated` previous run is restarted (`start_new` with an existing id would silently
replace a running one). The check and the start are two calls, so two triggers for the same
content in the same instant could both start; the second start then replaces the first run,
which redoes idempotent work but never duplicates a record.
"""

from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func
from dateutil import parser as dateparser

from callinsights.records import call_id_for
from callinsights.settings import Settings

bp = df.Blueprint()

ORCHESTRATOR = "process_call"
RESTARTABLE = {"Failed", "Terminated"}


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


def orchestration_input(blob_path: str, content: bytes, properties: dict | None,
                        settings: Settings) -> dict:
    """The `process_call` input (docs/architecture.md) for a blob at `container/name`."""
    container, _, name = blob_path.partition("/")
    container = container or settings.calls_container
    call_id, digest = call_id_for(content)
    return {"call_id": call_id, "container": container, "blob_name": name,
            "content_hash": digest, "size_bytes": len(content),
            "uploaded_at": uploaded_at(properties), "policy": settings.policy()}


def should_start(runtime_status: str | None) -> bool:
    """No instance yet, or the previous run failed or was terminated."""
    return runtime_status is None or runtime_status in RESTARTABLE


# Event Grid source: Flex Consumption runs blob triggers only from Event Grid (infra/ subscribes
# the storage account); the local host polls the container either way.
@bp.blob_trigger(arg_name="blob", path="calls/{name}", connection="AzureWebJobsStorage",
                 source=func.BlobSource.EVENT_GRID)
@bp.durable_client_input(client_name="client")
async def start_process_call(blob: func.InputStream, client: df.DurableOrchestrationClient
                             ) -> None:
    settings = Settings.from_env()
    job = orchestration_input(blob.name or "", blob.read(), blob.blob_properties, settings)
    existing = await client.get_status(job["call_id"])
    runtime = existing.runtime_status.name if existing and existing.runtime_status else None
    if not should_start(runtime):
        logging.info("call %s (%s) already %s; not starting again", job["call_id"],
                     job["blob_name"], runtime)
        return
    if job["uploaded_at"] is None:
        job["uploaded_at"] = uploaded_at(
            stored_properties(settings, job["container"], job["blob_name"]))
    await client.start_new(ORCHESTRATOR, job["call_id"], job)
    logging.info("started %s for %s as call %s", ORCHESTRATOR, job["blob_name"], job["call_id"])
