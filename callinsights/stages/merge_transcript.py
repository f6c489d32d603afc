"""Stage 3 (fan-in): the chunk transcripts become one call transcript blob.

The merged blob is `Transcript.model_dump_json()` at `{call_id}/transcript.json` in the
`transcripts` container; extraction reads it from there. Re-running overwrites it with the same
content, so the stage is idempotent. With `REDACT_PII` on, PII is masked in it
(`callinsights.redaction`) before it is written, also where a number crosses a chunk's cut.
"""

from __future__ import annotations

from callinsights.blobs import BlobStore
from callinsights.merge import ChunkTranscript, merge_chunks
from callinsights.redaction import redact_transcript
from callinsights.settings import Settings
from callinsights.stages.transcribe_chunk import chunk_transcript_name
from callinsights.transcript import Transcript


def transcript_name(call_id: str) -> str:
    return f"{call_id}/transcript.json"


def merge_transcript(store: BlobStore, settings: Settings, input: dict) -> dict:
    """`{"call_id", "chunks": [{"index", ...}], "duration"?}` -> `{"blob", "duration", ...}`.

    `chunks` may be split_audio's chunk list or transcribe_chunk's outputs: only `index` is
    read; each chunk's position in the call comes from its stored chunk transcript.
    """
    call_id = input["call_id"]
    container = settings.transcripts_container
    pieces = []
    for index in sorted({int(c["index"]) for c in input["chunks"]}):
        doc = store.read_json(container, chunk_transcript_name(call_id, index))
        pieces.append(ChunkTranscript(start=doc["start"], end=doc["end"],
                                      transcript=Transcript.model_validate(doc["transcript"])))
    merged = merge_chunks(pieces, call_id=call_id, duration=input.get("duration"))
    if settings.redact_pii:  # again on the whole timeline: a number may cross a chunk's cut
        merged = redact_transcript(merged)
    name = transcript_name(call_id)
    store.write_bytes(container, name, merged.model_dump_json().encode("utf-8"),
                      content_type="application/json")
    return {"blob": name, "duration": merged.duration, "language": merged.language,
            "words": len(merged.text.split()), "segments": len(merged.segments)}
