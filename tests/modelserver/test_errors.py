"""Errors come back in the OpenAI/Azure shape with the statuses docs/modelserver.md lists."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import openai
import pytest
from openai import AzureOpenAI, OpenAI

from tests.modelserver.conftest import CHAT, WHISPER

pytestmark = pytest.mark.models

LIMIT = 25 * 1024 * 1024


def http(url: str, body: bytes | None = None) -> tuple[int, dict]:
    """Status and JSON body of a raw request (for what the SDK would never send)."""
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_corrupt_audio_is_400(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.audio.transcriptions.create(model="whisper",
                                           file=("call.wav", b"RIFF\x00\x00not audio" * 500))
    assert caught.value.status_code == 400
    assert caught.value.code == "invalid_value" and caught.value.param == "file"


def test_oversize_audio_is_413(azure: AzureOpenAI) -> None:
    with pytest.raises(openai.APIStatusError) as caught:
        azure.audio.transcriptions.create(model="whisper", file=("big.mp3", b"\0" * (LIMIT + 1)))
    assert caught.value.status_code == 413
    assert "Maximum content size limit (26214400) exceeded" in caught.value.message
    assert caught.value.type == "server_error"


def test_unknown_deployment_is_404(azure: AzureOpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        azure.chat.completions.create(model="no-such-deployment",
                                      messages=[{"role": "user", "content": "hi"}])
    assert caught.value.code == "DeploymentNotFound"
    with pytest.raises(openai.NotFoundError):
        azure.audio.transcriptions.create(model=CHAT, file=("a.wav", b"x"))


def test_unknown_model_is_404(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-5-turbo",
                                       messages=[{"role": "user", "content": "hi"}])
    assert caught.value.code == "model_not_found"


@pytest.mark.parametrize("bad", [
    {"messages": []},
    {"messages": [{"role": "robot", "content": "hi"}]},
    {"messages": [{"role": "user", "content": "hi"}], "temperature": 5},
    {"messages": [{"role": "user", "content": "hi"}], "top_logprobs": 3},
    {"messages": [{"role": "user", "content": "hi"}], "response_format": {"type": "xml"}},
])
def test_bad_chat_body_is_400(client: OpenAI, bad: dict) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=CHAT, **bad)
    assert caught.value.body["message"]


def test_unparsable_json_is_400_in_openai_shape(model_server: str) -> None:
    status, body = http(f"{model_server}/chat/completions", b"{not json")
    assert status == 400
    assert set(body["error"]) == {"message", "type", "param", "code"}
    status, body = http(model_server.removesuffix("/v1") + "/no/such/route")
    assert status == 404 and set(body["error"]) == {"message", "type", "param", "code"}


def test_health_and_models(model_server: str, client: OpenAI) -> None:
    root = model_server.removesuffix("/v1")
    assert http(root + "/health")[1]["status"] == "ok"
    assert http(root + "/healthz")[0] == 200
    models = {m.id: m.model_extra["aliases"] for m in client.models.list()}
    assert set(models[WHISPER]) >= {"whisper", "whisper-1"}
    assert models[CHAT] == []  # a local model never answers as GPT-4o


def test_a_model_the_server_does_not_run_is_404(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-4o", max_tokens=1,
                                       messages=[{"role": "user", "content": "hi"}])
