"""Clients of the session's model server, a throttled second server, and Piper-spoken clips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import AzureOpenAI, OpenAI

from devhost import services
from tests.speech import render_call

API_VERSION = "2024-10-21"
CHAT = "qwen2.5-coder-1.5b-instruct"  # the bundled chat model, by its real name
WHISPER = "whisper-base"  # the bundled transcription model
TURNS = [["A", "Thanks for calling Summit Roofing, this is Tyler speaking."],
         ["C", "Hi Tyler, my name is Angela Brooks and I live in Nashville, Tennessee."],
         ["C", "We want a metal roof and new gutters before October."]]
SPOKEN = ["summit", "roofing", "tyler", "angela", "brooks", "nashville", "tennessee", "metal",
          "gutters", "october"]
RATE_LIMIT = 2
RATE_WINDOW = 30  # long enough that two Whisper requests on a busy machine stay inside it


def openai_client(base_url: str, **options) -> OpenAI:
    return OpenAI(base_url=base_url, api_key="local", timeout=120, **options)


def azure_client(base_url: str, **options) -> AzureOpenAI:
    return AzureOpenAI(azure_endpoint=base_url.removesuffix("/v1"), api_key="local",
                       api_version=API_VERSION, timeout=120, **options)


@pytest.fixture(scope="session")
def client(model_server: str) -> OpenAI:
    return openai_client(model_server, max_retries=0)


@pytest.fixture(scope="session")
def azure(model_server: str) -> AzureOpenAI:
    return azure_client(model_server, max_retries=0)


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The scripted call as 8 kHz mono WAV, stereo 44.1 kHz MP3 and Opus in Ogg."""
    folder = tmp_path_factory.mktemp("clips")
    return {"wav": render_call(TURNS, folder / "call.wav"),
            "mp3": render_call(TURNS, folder / "call.mp3", rate=44100, channels=2),
            "ogg": render_call(TURNS, folder / "call.ogg")}


@pytest.fixture(scope="session")
def limited_server(service_logs: Path) -> Iterator[str]:
    """A second server allowing RATE_LIMIT Whisper requests per RATE_WINDOW seconds."""
    env = {"MODELSERVER_RATE_LIMITS": f"whisper={RATE_LIMIT}",
           "MODELSERVER_RATE_WINDOW_SECONDS": str(RATE_WINDOW)}
    with services.start_model_server(services.free_port(), service_logs / "limited",
                                     env=env) as proc:
        yield f"http://127.0.0.1:{proc.port}/v1"
