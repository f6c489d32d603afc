"""Stage 1: the uploaded recording becomes compact 16 kHz chunks in the `chunks` container.

The blob is streamed to a temporary file and decoded twice, which keeps memory flat for long
calls: the first pass measures frame loudness (to find the pauses to cut at), the second encodes
the chunks as it goes. A manifest written last makes
a re-run (a retried or restarted activity) return the same chunks without decoding again; a
re-run that finds no manifest overwrites the chunks with identical bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from callinsights import audio, chunking
from callinsights.blobs import BlobStore
from callinsights.settings import Settings

_CONTENT_TYPES = {"flac": "audio/flac", "mp3": "audio/mpeg"}


def _manifest_name(call_id: str) -> str:
    return f"{call_id}/manifest.json"


def _chunk_entry(call_id: str, span: chunking.Span, ext: str, levels: np.ndarray) -> dict:
    frames = levels[int(span.start / chunking.FRAME_SECONDS):int(span.end / chunking.FRAME_SECONDS)]
    return {"index": span.index, "blob": f"{call_id}/{span.index:04d}.{ext}",
            "start": span.start, "end": span.end,
            "speech_seconds": round(chunking.speech_seconds(frames), 2)}


def split_audio(store: BlobStore, settings: Settings, input: dict) -> dict:
    """`{"call_id", "container"?, "blob_name"}` -> `{"chunks": [...], "audio": {...}}`.

    Raises an `audio.AudioError` (permanent) when the blob is not usable audio. A recording of
    pure silence is not an error: its chunks report `speech_seconds` 0 and transcribe to nothing.
    """
    call_id = input["call_id"]
    container = input.get("container") or settings.calls_container
    blob_name = input["blob_name"]
    params = {"source": f"{container}/{blob_name}", "chunk_seconds": settings.chunk_seconds,
              "overlap_seconds": settings.chunk_overlap_seconds}
    manifest = _manifest_name(call_id)
    if store.exists(settings.chunks_container, manifest):
        saved = store.read_json(settings.chunks_container, manifest)
        if saved.get("params") == params:
            return saved["result"]

    with tempfile.TemporaryDirectory(prefix="split-") as folder:
        source = Path(folder) / "recording"
        store.download_to_file(container, blob_name, source)
        result = _split(store, settings, call_id, source, blob_name)
    store.write_json(settings.chunks_container, manifest, {"params": params, "result": result})
    return result


def _split(store: BlobStore, settings: Settings, call_id: str, source: Path,
           blob_name: str) -> dict:
    meter = chunking.FrameMeter(audio.SAMPLE_RATE)
    info = audio.scan(source, blob_name, meter.feed)
    levels = meter.levels()
    spans = chunking.plan_chunks(levels, info.duration, settings.chunk_seconds,
                                 settings.chunk_overlap_seconds)
    chunks = []
    for position, payload, ext in audio.encode_ranges(source, [(s.start, s.end) for s in spans],
                                                      blob_name):
        entry = _chunk_entry(call_id, spans[position], ext, levels)
        store.write_bytes(settings.chunks_container, entry["blob"], payload,
                          content_type=_CONTENT_TYPES[ext])
        chunks.append(entry)
    chunks.sort(key=lambda c: c["index"])
    speech = round(chunking.speech_seconds(levels), 2)
    return {"chunks": chunks, "audio": {**info.to_dict(), "speech_seconds": speech}}
