"""Activity `record_failure`: store a `Failed` record with the stage and reason."""

import azure.durable_functions as df

from activities._common import settings

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
def record_failure(payload: dict) -> dict:
    from callinsights import records
    from callinsights.repository import repository_for

    config = settings()
    stored = repository_for(config).upsert(records.failure(config, payload))
    return {"id": stored.record["id"], "etag": stored.etag}
