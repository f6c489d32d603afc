"""The call-insights Function App: a table of contents, nothing else.

One `df.DFApp`; each module registers its own `df.Blueprint` (durable blueprints must be
`df.Blueprint`, not `func.Blueprint`, for the durable decorators):
- `api.blob_trigger`: a recording lands in `calls/` -> start `process_call` (once per content);
- `orchestrators`: `process_call`, split -> transcribe -> merge -> extract -> approve -> store;
- `activities.*`: one thin activity per stage over the framework-free `callinsights/` core;
- `api.calls`: `GET /api/calls/{id}/status` (public), `GET /api/calls/{id}`, `GET /api/calls`,
  `POST /api/calls/{id}/approval` (customer data, behind `api.auth`);
- `api.purge`: a daily timer purging durable history of calls stored long ago;
- `api.backfill`: a daily timer giving records stored before search keys existed their keys;
- `api.call_media`, `api.call_fields`, `api.review_page`: the review page (`GET /api/review`)
  and the keyed routes it plays and reads a call from (recording, transcript, all fields);
- `api.call_delete`: `DELETE /api/calls/{id}`, a call removed everywhere (blobs, record,
  durable history), with an audit entry;
- `orchestrators.reextract_call`, `api.call_reextract`: `POST /api/calls/{id}/reextract`, a
  stored call extracted again from its merged transcript (`{id}-x{n}`), reviewed like a new one;
- `api.call_reprocess`: `POST /api/calls/{id}/reprocess`, the whole pipeline again from the
  recording, the previous extraction kept in the record's history;
- `api.reextract_batch`: `POST /api/reextractions`, every stored call of a date range
  extracted again, a page per request, with progress.
"""

import azure.durable_functions as df
import azure.functions as func

import orchestrators
from activities import (
    enrich,
    extract,
    merge_transcript,
    record_failure,
    split_audio,
    store,
    transcribe_chunk,
)
from api import (
    backfill,
    blob_trigger,
    call_delete,
    call_fields,
    call_media,
    call_reextract,
    call_reprocess,
    calls,
    purge,
    reextract_batch,
    review_page,
)
from orchestrators import reextract_call

app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)

app.register_functions(blob_trigger.bp)
app.register_functions(orchestrators.bp)
app.register_functions(reextract_call.bp)
app.register_functions(split_audio.bp)
app.register_functions(transcribe_chunk.bp)
app.register_functions(merge_transcript.bp)
app.register_functions(extract.bp)
app.register_functions(enrich.bp)
app.register_functions(store.bp)
app.register_functions(record_failure.bp)
app.register_functions(calls.bp)
app.register_functions(purge.bp)
app.register_functions(backfill.bp)
app.register_functions(call_media.bp)
app.register_functions(call_fields.bp)
app.register_functions(review_page.bp)
app.register_functions(call_delete.bp)
app.register_functions(call_reextract.bp)
app.register_functions(call_reprocess.bp)
app.register_functions(reextract_batch.bp)
