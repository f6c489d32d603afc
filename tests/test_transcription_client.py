"""The openai client factory and the transcription request, checked on the SDK seam."""

from __future__ import annotations

from types import SimpleNamespace

import httpx2 as httpx
import openai
import pytest

from callinsights import ai, transcription
from callinsights.settings import Settings


def test_openai_compatible_server_by_default() -> None:
    client = ai.openai_client(Settings(openai_base_url="http://127.0.0.1:8008/v1",
                                       model_timeout_seconds=42.0))
    assert type(client) is openai.OpenAI
    assert str(client.base_url).startswith("http://127.0.0.1:8008/v1")
    assert client.max_retries == 0 and client.timeout == 42.0


def test_azure_with_a_key() -> None:
    client = ai.openai_client(Settings(azure_openai_endpoint="https://x.openai.azure.com",
                                       azure_openai_api_key="k"))
    assert isinstance(client, openai.AzureOpenAI)
    assert client.max_retries == 0 and client.api_key == "k"


def test_azure_without_a_key_uses_the_managed_identity() -> None:
    client = ai.openai_client(Settings(azure_openai_endpoint="https://y.openai.azure.com"))
    assert isinstance(client, openai.AzureOpenAI)
    assert client._azure_ad_token_provider is not None  # a token is fetched per request


def test_the_client_is_built_once_per_settings() -> None:
    settings = Settings(openai_base_url="http://127.0.0.1:1/v1")
    assert ai.openai_client(settings) is ai.openai_client(settings)


class _Transcriptions:
    """Stands in for `client.audio.transcriptions`, recording what the SDK would send."""

    def __init__(self, *failures: Exception) -> None:
        self.calls: list[dict] = []
        self.failures = list(failures)

    def create(self, **kwargs):
        self.calls.append({**kwargs, "filename": kwargs["file"].name,
                           "bytes": kwargs["file"].read()})
        if self.failures:
            raise self.failures.pop(0)
        return {"text": "Hi.", "language": "english", "duration": 1.0,
                "segments": [{"start": 0.0, "end": 1.0, "text": "Hi."}]}


def _client(fake: _Transcriptions):
    return SimpleNamespace(audio=SimpleNamespace(transcriptions=fake))


def test_request_sends_a_named_file_for_verbose_json_with_timestamps() -> None:
    fake = _Transcriptions()
    payload = transcription.request(_client(fake), "whisper", b"fLaC...", "0003.flac",
                                    language="en")
    [call] = fake.calls
    assert call["filename"] == "0003.flac" and call["bytes"] == b"fLaC..."
    assert call["model"] == "whisper" and call["response_format"] == "verbose_json"
    assert call["timestamp_granularities"] == ["segment", "word"]
    assert call["temperature"] == 0 and call["language"] == "en"
    assert transcription.parse(payload).language == "en"


def test_servers_without_word_timestamps_are_asked_again_without_them() -> None:
    request = httpx.Request("POST", "http://x")
    response = httpx.Response(400, request=request)
    refusal = openai.BadRequestError("Unrecognized parameter: timestamp_granularities",
                                     response=response, body=None)
    fake = _Transcriptions(refusal)
    transcription.request(_client(fake), "whisper-1", b"x", "0000.flac")
    assert len(fake.calls) == 2 and "timestamp_granularities" not in fake.calls[1]
    assert "language" not in fake.calls[1]


def test_a_rejected_file_raises_a_permanent_error() -> None:
    request = httpx.Request("POST", "http://x")
    refusal = openai.BadRequestError("Invalid file format.", response=httpx.Response(
        400, request=request), body=None)
    with pytest.raises(transcription.PermanentError, match=r"^PermanentError: "):
        transcription.request(_client(_Transcriptions(refusal)), "whisper", b"x", "0000.flac")
