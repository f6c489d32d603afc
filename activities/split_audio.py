"""Activity `split_audio`: the uploaded recording -> compact chunks in the `chunks` container."""

import azure.durable_functions as df

from activities._common import answer, blob_store, settings

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
def split_audio(payload: dict) -> dict:
    from callinsights.stages import split_audio as stage

    config = settings()
    return answer(stage, blob_store(config), config, payload)
