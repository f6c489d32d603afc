"""Shared fixtures: the real services the tests talk to, started on 127.0.0.1 and stopped after.

Azurite and the Cosmos DB server come from the project's node_modules (`make setup`); the model
server is the project's own `python -m modelserver`. Each is started once per test session, on a
free port, with its data in a temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from callinsights.blobs import BlobStore
from callinsights.settings import Settings
from devhost import services

FIXTURES = Path(__file__).resolve().parent / "data" / "fixtures"
COSMOS_EMULATOR_KEY = (
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
)


def fixtures_path() -> Path:
    """The committed fixture calls (`tests/data/fixtures`), or `CALLINSIGHTS_FIXTURES`."""
    override = os.environ.get("CALLINSIGHTS_FIXTURES")
    return Path(override) if override else FIXTURES


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    path = fixtures_path()
    if not path.exists():
        pytest.fail(f"fixtures not found at {path} (set CALLINSIGHTS_FIXTURES)")
    return path


@pytest.fixture(scope="session")
def service_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-logs")


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh Azurite blob service; yields its connection string."""
    data = tmp_path_factory.mktemp("azurite")
    with services.start_azurite(data, services.free_port()) as proc:
        yield services.blob_connection_string(proc.port)


@pytest.fixture(scope="module")
def store(azurite: str) -> BlobStore:
    """Blob storage on the session's Azurite (a module may define its own `store`)."""
    return BlobStore(azurite)


@pytest.fixture(scope="module")
def settings(azurite: str) -> Settings:
    """Settings for the stages on Azurite. Nothing listens on port 9: a stage that calls the
    model with these fails loudly (a module may define its own `settings`)."""
    return Settings(storage_connection=azurite, chunk_seconds=300.0, chunk_overlap_seconds=1.0,
                    openai_base_url="http://127.0.0.1:9/v1", model_timeout_seconds=5.0)


@pytest.fixture(scope="session")
def cosmos_server(service_logs: Path) -> Iterator[dict[str, str]]:
    """@vercel/cosmosdb-server; yields endpoint and key (TLS is self-signed: verify off)."""
    with services.start_cosmos_server(services.free_port(), service_logs) as proc:
        yield {"endpoint": f"https://127.0.0.1:{proc.port}", "key": COSMOS_EMULATOR_KEY}


@pytest.fixture(scope="session")
def model_server(service_logs: Path) -> Iterator[str]:
    """The local OpenAI-compatible model server with the bundled models; yields its /v1 base URL.

    Rate limits are off here; tests of throttling start their own server with limits set.
    """
    with services.start_model_server(services.free_port(), service_logs) as proc:
        yield f"http://127.0.0.1:{proc.port}/v1"
