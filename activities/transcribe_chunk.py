"""Activity `transcribe_chunk`: one chunk -> its transcript JSON in the `transcripts` container."""

import azure.durable_functions as df

from activities._common import answer, blob_store, settings

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
def transcribe_chunk(payload: dict) -> dict:
    from callinsights.ai import openai_client
    from callinsights.stages import transcribe_chunk as stage

    config = settings()
    return answer(stage, blob_store(config), openai_client(config), config, payload)
