"""The split, transcribe and merge stages against real Azurite (and the local model server).

Tests marked `models` send audio to the project's model server (`whisper-tiny.en`); the others
need no model: they check what must happen without one (silence, finished chunks, bad input,
an unreachable server).
"""

from __future__ import annotations

import itertools
import json
import uuid
from pathlib import Path

import numpy as np
import pytest

from callinsights import audio
from callinsights.ai import openai_client
from callinsights.blobs import BlobStore
from callinsights.errors import TransientError
from callinsights.settings import Settings
from callinsights.stages import merge_transcript, split_audio, transcribe_chunk
from callinsights.transcript import Transcript
from tests.matching import heard
from tests.speech import speak, write_audio
from tests.test_audio import SHORT_CALL, long_call_path

MAX_PAYLOAD = 45 * 1024
API_LIMIT = 25 * 1024 * 1024


@pytest.fixture(scope="module")
def short_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    samples = speak(SHORT_CALL * 2)
    return write_audio(samples, tmp_path_factory.mktemp("short") / "call.wav").read_bytes()


def _upload(store: BlobStore, settings: Settings, data: bytes, name: str) -> dict:
    call_id = uuid.uuid4().hex[:32]
    store.write_bytes(settings.calls_container, name, data)
    return {"call_id": call_id, "container": settings.calls_container, "blob_name": name}


def _small(payload: dict) -> dict:
    assert len(json.dumps(payload)) < MAX_PAYLOAD
    return payload


def _transcribe_and_merge(store: BlobStore, client, settings: Settings, split: dict,
                          call_id: str) -> tuple[list[dict], dict]:
    results = [_small(transcribe_chunk(store, client, settings, {"call_id": call_id, **chunk}))
               for chunk in split["chunks"]]
    merged = _small(merge_transcript(store, settings, {
        "call_id": call_id, "chunks": results, "duration": split["audio"]["duration"]}))
    return results, merged


def _merged(store: BlobStore, settings: Settings, merged: dict) -> Transcript:
    raw = store.read_bytes(settings.transcripts_container, merged["blob"])
    return Transcript.model_validate_json(raw)


def test_short_call_is_one_chunk_and_reruns_are_identical(store: BlobStore, settings: Settings,
                                                          short_wav: bytes) -> None:
    job = _upload(store, settings, short_wav, "short.wav")
    split = _small(split_audio(store, settings, job))
    [chunk] = split["chunks"]
    assert chunk["blob"] == f"{job['call_id']}/0000.flac"
    assert chunk["start"] == 0.0 and chunk["end"] == split["audio"]["duration"]
    assert split["audio"]["format"] == "wav" and split["audio"]["speech_seconds"] > 5
    first = store.read_bytes(settings.chunks_container, chunk["blob"])
    assert split_audio(store, settings, job) == split  # from the manifest
    store.write_bytes(settings.chunks_container, f"{job['call_id']}/manifest.json", b"{}")
    assert split_audio(store, settings, job) == split  # decoded again: same names and bytes
    assert store.read_bytes(settings.chunks_container, chunk["blob"]) == first


def test_long_call_chunks_are_small_and_in_order(store: BlobStore, settings: Settings,
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    job = _upload(store, settings, long_call_path(tmp_path_factory).read_bytes(), "long.wav")
    split = _small(split_audio(store, settings, job))
    chunks = split["chunks"]
    assert split["audio"]["duration"] >= 15 * 60 and len(chunks) >= 3
    assert [c["index"] for c in chunks] == list(range(len(chunks)))
    for before, after in itertools.pairwise(chunks):
        assert after["start"] < before["end"]  # overlap
    for chunk in chunks:
        assert store.properties(settings.chunks_container, chunk["blob"])["size"] < API_LIMIT / 2


def test_silence_transcribes_to_nothing_without_the_model(store: BlobStore, settings: Settings,
                                                         tmp_path: Path) -> None:
    silence = write_audio(np.zeros(16000 * 20, dtype=np.float32), tmp_path / "s.wav",
                          rate=16000, source_rate=16000).read_bytes()
    job = _upload(store, settings, silence, "silence.wav")
    split = split_audio(store, settings, job)
    assert split["audio"]["speech_seconds"] == 0
    client = openai_client(settings)  # unreachable: must not be called
    _, merged = _transcribe_and_merge(store, client, settings, split, job["call_id"])
    assert merged["words"] == 0 and merged["duration"] == 20.0
    assert _merged(store, settings, merged).segments == []


def test_finished_chunk_is_not_transcribed_again(store: BlobStore, settings: Settings,
                                                 short_wav: bytes) -> None:
    job = _upload(store, settings, short_wav, "done.wav")
    [chunk] = split_audio(store, settings, job)["chunks"]
    name = f"{job['call_id']}/chunk-0000.json"
    doc = {"call_id": job["call_id"], "index": 0, "start": 0.0, "end": chunk["end"],
           "transcript": {"language": "en", "segments": [{"start": 0, "end": 1, "text": "Hi."}]}}
    store.write_json(settings.transcripts_container, name, doc)
    result = transcribe_chunk(store, openai_client(settings), settings,
                              {"call_id": job["call_id"], **chunk})
    assert result == {"index": 0, "blob": name, "segments": 1, "language": "en"}


def test_unreachable_model_is_transient(store: BlobStore, settings: Settings,
                                        short_wav: bytes) -> None:
    job = _upload(store, settings, short_wav, "unreachable.wav")
    [chunk] = split_audio(store, settings, job)["chunks"]
    with pytest.raises(TransientError):
        transcribe_chunk(store, openai_client(settings), settings,
                         {"call_id": job["call_id"], **chunk})


@pytest.mark.parametrize(("data", "error"), [(b"", audio.EmptyAudio),
                                             (b"not audio at all\n" * 50, audio.NotAudio)])
def test_bad_uploads_fail_split_for_good(store: BlobStore, settings: Settings, data: bytes,
                                         error: type) -> None:
    job = _upload(store, settings, data, "bad.wav")
    with pytest.raises(error, match=r"^PermanentError: \[audio\."):
        split_audio(store, settings, job)


# ----------------------------------------------------------------------------- with the model


@pytest.fixture(scope="module")
def model_settings(settings: Settings, model_server: str) -> Settings:
    return Settings(**{**settings.__dict__, "openai_base_url": model_server,
                       "model_timeout_seconds": 600.0})


@pytest.mark.models
def test_short_call_transcribed_and_merged(store: BlobStore, model_settings: Settings,
                                           short_wav: bytes) -> None:
    job = _upload(store, model_settings, short_wav, "spoken.wav")
    split = split_audio(store, model_settings, job)
    client = openai_client(model_settings)
    [result], merged = _transcribe_and_merge(store, client, model_settings, split,
                                             job["call_id"])
    assert result["segments"] >= 1 and result["language"] == "en"
    transcript = _merged(store, model_settings, merged)
    assert heard("calling roof", transcript.text), transcript.text
    assert any(s.words for s in transcript.segments)  # the local server gives word times
    assert merged["words"] == len(transcript.text.split())


@pytest.mark.models
@pytest.mark.slow
def test_long_call_merged_transcript_covers_the_call(
        store: BlobStore, model_settings: Settings,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    job = _upload(store, model_settings, long_call_path(tmp_path_factory).read_bytes(),
                  "long-spoken.wav")
    split = split_audio(store, model_settings, job)
    duration = split["audio"]["duration"]
    _, merged = _transcribe_and_merge(store, openai_client(model_settings), model_settings,
                                      split, job["call_id"])
    transcript = _merged(store, model_settings, merged)
    times = [t for s in transcript.segments for t in (s.start, s.end)]
    assert times == sorted(times)  # monotonic
    assert transcript.segments[0].start < 5 and transcript.segments[-1].end > duration - 15
    gaps = np.diff([s.start for s in transcript.segments])
    assert gaps.max() < 30  # no stretch of the call lost at a cut
    assert heard("Evergreen Portland kitchen", transcript.text)  # beginning, middle, end
    words = [w for s in transcript.segments for w in s.words]
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
