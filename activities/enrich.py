"""Activity `enrich`: review applied, metadata added; the record document parked in a blob."""

import azure.durable_functions as df

from activities._common import answer, blob_store, settings

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
def enrich(payload: dict) -> dict:
    from callinsights import records

    config = settings()
    return answer(records.enrich, blob_store(config), config, payload)
