"""Activity `extract`: the merged transcript -> lead fields with confidence and evidence."""

import azure.durable_functions as df

from activities._common import answer, blob_store, settings

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
def extract(payload: dict) -> dict:
    from callinsights.ai import openai_client
    from callinsights.extraction import extract_fields
    from callinsights.transcript import Transcript

    config = settings()
    transcript = Transcript.model_validate(
        blob_store(config).read_json(config.transcripts_container, payload["transcript_blob"]))
    return answer(extract_fields, openai_client(config), config.chat_model, transcript)
