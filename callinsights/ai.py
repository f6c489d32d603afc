"""The `openai` client the pipeline talks to, and the named file object Whisper needs.

One code path serves Azure OpenAI (a deployment behind `AZURE_OPENAI_ENDPOINT`, reached with a
key or, without one, with the managed identity) and any OpenAI-compatible server (the local model
server by default). The SDK's own retries are off: the orchestrator retries activities with
back-off, and retrying in two places multiplies the wait and the rate-limit pressure.
"""

from __future__ import annotations

import functools
import io
from urllib.parse import urlsplit

from openai import AzureOpenAI, OpenAI

from callinsights.settings import Settings

_COGNITIVE_SCOPE = "https://cognitiveservices.azure.com/.default"


class NamedBytesIO(io.BytesIO):
    """Bytes with a file name: the transcription endpoint picks the decoder from the extension."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def _azure_client(settings: Settings) -> AzureOpenAI:
    common = {"azure_endpoint": settings.azure_openai_endpoint,
              "api_version": settings.azure_openai_api_version,
              "timeout": settings.model_timeout_seconds, "max_retries": 0}
    if settings.azure_openai_api_key:
        return AzureOpenAI(api_key=settings.azure_openai_api_key, **common)
    # No key on Azure: the Function App's managed identity (or a developer's az login).
    from azure.identity import DefaultAzureCredential, get_bearer_token_provider

    provider = get_bearer_token_provider(DefaultAzureCredential(), _COGNITIVE_SCOPE)
    return AzureOpenAI(azure_ad_token_provider=provider, **common)


def provider(settings: Settings) -> dict:
    """Who serves the models, for the record: Azure OpenAI or an OpenAI-compatible server, and
    whether that server is this machine (the local model server)."""
    if settings.uses_azure_openai:
        return {"provider": "azure_openai", "endpoint": urlsplit(
            settings.azure_openai_endpoint).hostname, "local": False}
    host = urlsplit(settings.openai_base_url).hostname or ""
    return {"provider": "openai_compatible", "endpoint": host,
            "local": host in {"127.0.0.1", "localhost", "::1"}}


@functools.lru_cache(maxsize=4)
def openai_client(settings: Settings) -> OpenAI:
    """The client for these settings, built once per process (it holds a connection pool)."""
    if settings.uses_azure_openai:
        return _azure_client(settings)
    return OpenAI(base_url=settings.openai_base_url, api_key=settings.openai_api_key or "none",
                  timeout=settings.model_timeout_seconds, max_retries=0)
