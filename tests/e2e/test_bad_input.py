"""Bad recordings through the whole local stack: each ends with a clear reason, nothing is lost.

A file that can never be transcribed ends `Failed` quickly (no endless retries) with a reason a
person understands, a `Failed` record is stored, and the uploaded blob stays exactly as uploaded.
Silence is not an error: the call completes with empty fields.
"""

from __future__ import annotations

import io
import wave

import pytest
from azure.storage.blob import BlobServiceClient

from stack.session import LocalStack
from tests.speech import render_call

pytestmark = [pytest.mark.e2e]


def _wav(seconds: float, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(seconds * rate))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def stack(make_stack) -> LocalStack:
    return make_stack({"TRANSCRIPTION_FIRST_RETRY_SECONDS": "1"})


def _stored_blob(stack: LocalStack, name: str) -> bytes:
    service = BlobServiceClient.from_connection_string(stack.cfg.storage_connection)
    return service.get_blob_client(stack.cfg.calls_container, name).download_blob().readall()


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("notes.wav", b"These are my meeting notes, not a recording.\n" * 20, "not"),
    ("empty.wav", b"", "empty"),
    ("truncated.wav", _wav(5)[:30], "trunc"),
    ("picture.mp3", bytes(range(256)) * 64, "not"),
])
def test_unusable_recording_fails_with_a_reason_and_keeps_the_blob(stack, tmp_path, name,
                                                                   content, reason):
    path = tmp_path / name
    path.write_bytes(content)

    sub, state = stack.run(path, timeout=300)

    assert state["status"] == "Failed", state
    assert reason in (state.get("error") or "").lower(), state
    assert state["record"] is None or state["record"]["status"] == "Failed"
    assert _stored_blob(stack, sub.blob) == content


def test_two_second_clip_fails_as_too_short(stack, tmp_path):
    clip = render_call([["C", "Hello there."]], tmp_path / "clip.wav")
    _, state = stack.run(clip, timeout=300)
    assert state["status"] == "Failed", state
    assert "at least 3 seconds" in (state.get("error") or ""), state


def test_silence_completes_with_empty_fields(stack, tmp_path):
    path = tmp_path / "silence.wav"
    path.write_bytes(_wav(20))

    _, state = stack.run(path, timeout=300)

    assert state["status"] == "Completed", state
    extraction = state["record"]["extraction"]
    assert all(field["value"] in (None, []) for field in extraction.values()), extraction
