"""Stage 2 (fan-out): one chunk to a filtered chunk transcript in the `transcripts` container.

A finished chunk transcript is never redone: if its blob exists, the stage returns its summary
without calling the model, so a restarted orchestration (or a retried activity whose first try
wrote the blob but lost the reply) costs no extra requests. A chunk with no speech at all is not
sent to the model; Whisper would only invent text for it. With `REDACT_PII` on, PII is masked
(`callinsights.redaction`) before the blob is written.
"""

from __future__ import annotations

import posixpath

import openai

from callinsights import audio, chunking, transcription
from callinsights.blobs import BlobStore
from callinsights.redaction import redact_notes, redact_transcript
from callinsights.settings import Settings
from callinsights.transcript import Transcript

MIN_SPEECH_SECONDS = 0.3  # less than this in a chunk is noise, not something to transcribe


def chunk_transcript_name(call_id: str, index: int, channel: str | None = None) -> str:
    """`{call_id}/chunk-0003.json`, or `{call_id}/chunk-right-0003.json` for one channel."""
    return f"{call_id}/chunk-{channel + '-' if channel else ''}{index:04d}.json"


def _summary(name: str, doc: dict) -> dict:
    transcript = doc["transcript"]
    summary = {"index": doc["index"], "blob": name, "segments": len(transcript["segments"]),
               "language": transcript.get("language")}
    return {**summary, "channel": doc["channel"]} if doc.get("channel") else summary


def _transcribe(client: openai.OpenAI, settings: Settings, data: bytes,
                blob: str) -> tuple[Transcript, list[dict]]:
    samples = audio.decode_audio(data, blob)
    levels = chunking.measure([samples], audio.SAMPLE_RATE)
    duration = round(samples.size / audio.SAMPLE_RATE, 3)
    if chunking.speech_seconds(levels) < MIN_SPEECH_SECONDS:
        return Transcript(language=settings.language or None, duration=duration), []
    payload = transcription.request(client, settings.transcription_model, data,
                                    posixpath.basename(blob), language=settings.language or None)
    return transcription.drop_hallucinations(transcription.parse(payload, duration=duration),
                                             levels)


def transcribe_chunk(store: BlobStore, client: openai.OpenAI, settings: Settings,
                     input: dict) -> dict:
    """`{"call_id", "index", "blob", "start", "end", "channel"?}` -> `{"index", "blob", ...}`.

    A chunk of one channel of a stereo call carries `channel` ("left"/"right"): its transcript
    is named and tagged with it, and the summary says it again.

    Raises `errors.TransientError` for failures worth retrying and `errors.PermanentError`
    (message starting with `PermanentError:`) for ones that are not.
    """
    call_id, index, channel = input["call_id"], int(input["index"]), input.get("channel")
    name = chunk_transcript_name(call_id, index, channel)
    if store.exists(settings.transcripts_container, name):
        return _summary(name, store.read_json(settings.transcripts_container, name))
    data = store.read_bytes(settings.chunks_container, input["blob"])
    transcript, dropped = _transcribe(client, settings, data, input["blob"])
    if settings.redact_pii:  # before anything reaches the transcripts container
        transcript, dropped = redact_transcript(transcript), redact_notes(dropped)
    doc = {"call_id": call_id, "index": index, "chunk_blob": input["blob"],
           "start": float(input["start"]), "end": float(input["end"]),
           "model": settings.transcription_model,
           "transcript": transcript.model_dump(mode="json"), "dropped": dropped}
    if channel:
        doc["channel"] = channel
    store.write_json(settings.transcripts_container, name, doc)
    return _summary(name, doc)
