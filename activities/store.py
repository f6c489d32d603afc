"""Activity `store`: upsert the finished record (Cosmos DB or SQLite); idempotent."""

import azure.durable_functions as df

from activities._common import blob_store, settings

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
def store(payload: dict) -> dict:
    from callinsights.repository import repository_for

    config = settings()
    record = blob_store(config).read_json(config.transcripts_container, payload["record_blob"])
    stored = repository_for(config).upsert(record)
    return {"id": stored.record["id"], "etag": stored.etag}
