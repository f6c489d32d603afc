"""Activity `merge_transcript`: chunk transcripts -> one call transcript with call-wide times."""

import azure.durable_functions as df

from activities._common import answer, blob_store, settings

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
def merge_transcript(payload: dict) -> dict:
    from callinsights.stages import merge_transcript as stage

    config = settings()
    return answer(stage, blob_store(config), config, payload)
