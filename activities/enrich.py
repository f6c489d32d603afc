"""Activity `enrich`: review applied, metadata added; the record document parked in a blob."""

import azure.durable_functions as df

from activities._common import answer, blob_store, settings

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
def enrich(payload: dict) -> dict:
    from callinsights import records

    config = settings()
    previous = None
    if records.replaces_record(payload["call"]):  # the record it replaces: into the history
        from callinsights.repository import repository_for

        stored = repository_for(config).get(payload["call"]["call_id"])
        previous = stored.record if stored else None
    return answer(records.enrich, blob_store(config), config, payload, previous)
