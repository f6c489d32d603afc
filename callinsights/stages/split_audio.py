"""Stage 1: the uploaded recording becomes compact 16 kHz chunks in the `chunks` container.

The blob is streamed to a temporary file and decoded twice, which keeps memory flat for long
calls: the first pass measures frame loudness (to find the pauses to cut at) and how the channels
relate (`channels.ChannelMeter`), the second encodes the chunks as it goes. A two-channel call
whose channels carry the two sides apart is cut channel by channel: each channel's chunks are
named and tagged with it (`{call_id}/left-0000.flac`, `"channel": "left"`), get their own indices
and are transcribed on their own; `merge_transcript` interleaves them. A manifest written last makes
a re-run (a retried or restarted activity) return the same chunks without decoding again; a
re-run that finds no manifest overwrites the chunks with identical bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from callinsights import audio, channels, chunking
from callinsights.blobs import BlobStore
from callinsights.settings import Settings

_CONTENT_TYPES = {"flac": "audio/flac", "mp3": "audio/mpeg"}
# Part of the manifest's parameters: a manifest of the code before channels were told apart is
# not reused (its re-split writes mono chunks under the same names and bytes as before).
LAYOUT_RULES = "channels-1"


def _manifest_name(call_id: str) -> str:
    return f"{call_id}/manifest.json"


def chunk_blob_name(call_id: str, index: int, ext: str, channel: str | None = None) -> str:
    """`{call_id}/0003.flac`, or `{call_id}/right-0003.flac` for one channel of a stereo call."""
    return f"{call_id}/{channel + '-' if channel else ''}{index:04d}.{ext}"


def _chunk_entry(call_id: str, index: int, span: chunking.Span, ext: str, levels: np.ndarray,
                 channel: str | None) -> dict:
    frames = levels[int(span.start / chunking.FRAME_SECONDS):int(span.end / chunking.FRAME_SECONDS)]
    entry = {"index": index, "blob": chunk_blob_name(call_id, index, ext, channel),
             "start": span.start, "end": span.end,
             "speech_seconds": round(chunking.speech_seconds(frames), 2)}
    return {**entry, "channel": channel} if channel else entry


def split_audio(store: BlobStore, settings: Settings, input: dict) -> dict:
    """`{"call_id", "container"?, "blob_name"}` -> `{"chunks": [...], "audio": {...}}`.

    Raises an `audio.AudioError` (permanent) when the blob is not usable audio. A recording of
    pure silence is not an error: its chunks report `speech_seconds` 0 and transcribe to nothing.
    """
    call_id = input["call_id"]
    container = input.get("container") or settings.calls_container
    blob_name = input["blob_name"]
    params = {"source": f"{container}/{blob_name}", "chunk_seconds": settings.chunk_seconds,
              "overlap_seconds": settings.chunk_overlap_seconds, "layout_rules": LAYOUT_RULES}
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
    meter = channels.ChannelMeter(audio.SAMPLE_RATE)
    info = audio.scan(source, blob_name, meter.feed, channels_apart=True)
    layout = meter.layout()
    sides = ([(c, name) for c, name in enumerate(channels.CHANNEL_NAMES)] if layout.apart
             else [(layout.channel, None)])
    chunks: list[dict] = []
    for channel, name in sides:
        levels = meter.levels(channel)
        spans = chunking.plan_chunks(levels, info.duration, settings.chunk_seconds,
                                     settings.chunk_overlap_seconds)
        first = len(chunks)  # a stereo call's right channel numbers on after its left
        ranges = [(s.start, s.end) for s in spans]
        for position, payload, ext in audio.encode_ranges(source, ranges, blob_name, channel):
            entry = _chunk_entry(call_id, first + position, spans[position], ext, levels, name)
            store.write_bytes(settings.chunks_container, entry["blob"], payload,
                              content_type=_CONTENT_TYPES[ext],
                              metadata={"channel": name} if name else None)
            chunks.append(entry)
    chunks.sort(key=lambda c: c["index"])
    speech = round(chunking.speech_seconds(meter.levels(layout.channel)), 2)
    return {"chunks": chunks, "audio": {**info.to_dict(), "speech_seconds": speech,
                                        **layout.to_dict()}}
