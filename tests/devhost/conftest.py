"""Fixtures for the dev host tests: one in-process host over the test app, on a free port.

The host is real (SQLite task hub, uvicorn, activity threads, blob polling against the session's
Azurite); only its data folder is temporary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devhost import Host, services

APP_DIR = Path(__file__).parent / "apps" / "durable"
FIDELITY_APP = Path(__file__).parent / "apps" / "fidelity"
FUNCTION_KEY = "test-function-key"


def host_settings(azurite: str, upload_log: Path) -> dict[str, str]:
    return {"AzureWebJobsStorage": azurite, "DEVHOST_FUNCTION_KEY": FUNCTION_KEY,
            "UPLOAD_LOG": str(upload_log)}


def make_host(data_dir: Path, azurite: str, upload_log: Path, port: int | None = None) -> Host:
    return Host(APP_DIR, port or services.free_port(), data_dir, start_azurite=False,
                start_model_server=False, settings=host_settings(azurite, upload_log),
                blob_poll_interval=0.2)


@pytest.fixture(scope="session")
def durable_host(tmp_path_factory: pytest.TempPathFactory, azurite: str) -> Iterator[Host]:
    data = tmp_path_factory.mktemp("devhost")
    with make_host(data, azurite, data / "uploads.log") as host:
        yield host


@pytest.fixture(scope="session")
def fidelity_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    """The fidelity app (host.json: defaultVersion 2.0, NonRunningStates), keys generated."""
    data = tmp_path_factory.mktemp("fidelity")
    with Host(FIDELITY_APP, services.free_port(), data, activity_workers=6, start_azurite=False,
              start_model_server=False, settings=fidelity_settings(data)) as host:
        yield host


def fidelity_settings(data: Path, schedule: str = "0 0 3 * * *") -> dict[str, str]:
    """The fidelity app's settings: its timer function's schedule and log file."""
    return {"PURGE_LOG": str(data / "purge.log"), "NIGHTLY_SCHEDULE": schedule}


def start(host: Host, name: str, value: Any = None, instance_id: str | None = None) -> str:
    """Start an orchestration through the SDK client, as an app's starter function would."""
    return host.run_client(lambda client: client.start_new(name, instance_id, value))


def run(host: Host, name: str, value: Any = None, timeout: float = 60.0):
    """Start and wait; returns the finished instance record."""
    return host.wait_for(start(host, name, value), timeout)


def wait_until(condition: Callable[[], Any], timeout: float = 60.0, what: str = "condition"
               ) -> Any:
    """Poll until `condition()` is truthy and return it (a wait for a fact, not a timing check)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"{what} not reached within {timeout}s")
