"""Throttling as Azure OpenAI does it (429 + Retry-After), and concurrent requests."""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path

import openai
import pytest
from openai import OpenAI

from tests.matching import heard
from tests.modelserver.conftest import CHAT, RATE_LIMIT, RATE_WINDOW, azure_client, openai_client

pytestmark = pytest.mark.models


def test_429_with_retry_after_then_sdk_retry_succeeds(limited_server: str,
                                                      clips: dict[str, Path]) -> None:
    data = clips["wav"].read_bytes()
    impatient = azure_client(limited_server, max_retries=0)
    for _ in range(RATE_LIMIT):
        impatient.audio.transcriptions.create(model="whisper", file=("a.wav", data))
    with pytest.raises(openai.RateLimitError) as caught:
        impatient.audio.transcriptions.create(model="whisper", file=("a.wav", data))
    retry_after = int(caught.value.response.headers["retry-after"])
    assert 1 <= retry_after <= RATE_WINDOW
    assert caught.value.status_code == 429 and caught.value.code == "429"

    patient = openai_client(limited_server, max_retries=3)
    started = time.monotonic()
    result = patient.audio.transcriptions.create(model="whisper-1", file=("a.wav", data))
    assert heard("Nashville", result.text), result.text
    assert time.monotonic() - started >= 0.5  # it waited for the window to move


def test_chat_is_not_limited_by_the_whisper_limit(limited_server: str) -> None:
    chat = openai_client(limited_server, max_retries=0)
    for _ in range(RATE_LIMIT + 1):
        chat.chat.completions.create(model=CHAT, max_tokens=2,
                                     messages=[{"role": "user", "content": "Hello"}])


def test_concurrent_requests_all_succeed(client: OpenAI, clips: dict[str, Path]) -> None:
    data = clips["wav"].read_bytes()

    def transcribe(_: int) -> str:
        return client.audio.transcriptions.create(model="whisper", file=("a.wav", data)).text

    def chat(_: int) -> str:
        return client.chat.completions.create(
            model=CHAT, max_tokens=8, messages=[{"role": "user", "content": "Count: 1, 2,"}]
        ).choices[0].message.content or ""

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        texts = [pool.submit(transcribe, i) for i in range(4)]
        replies = [pool.submit(chat, i) for i in range(2)]
        assert all(heard("Nashville", t.result()) for t in texts)
        assert all(isinstance(r.result(), str) for r in replies)
