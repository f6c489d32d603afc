"""Activity `record_failure`: store a `Failed` record with the stage and reason.

A failed reprocessing (`POST /api/calls/{id}/reprocess`) leaves a stored good record as it is:
the instance's status carries the failure.
"""

import azure.durable_functions as df

from activities._common import settings

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
def record_failure(payload: dict) -> dict:
    from callinsights import records
    from callinsights.repository import repository_for

    config = settings()
    repository = repository_for(config)
    if records.replaces_record(payload["call"]):  # a reprocessing: keep the good record
        kept = repository.get(payload["call"]["call_id"])
        if kept is not None and kept.record.get("status") != "Failed":
            return {"id": kept.record["id"], "etag": kept.etag, "kept": True}
    stored = repository.upsert(records.failure(config, payload))
    return {"id": stored.record["id"], "etag": stored.etag}
