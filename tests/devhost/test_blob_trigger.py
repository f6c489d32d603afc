"""Blob triggers against a real Azurite: one execution per blob version, across restarts,
and poison after the runtime's five attempts."""

from __future__ import annotations

import hashlib
import json
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient, ContainerClient

from devhost import Host, services
from devhost.blobs import MAX_ATTEMPTS

from .conftest import make_host


@pytest.fixture(scope="module")
def own_azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private Azurite, so the session host's watcher does not see these uploads."""
    data = tmp_path_factory.mktemp("blob-azurite")
    with services.start_azurite(data, services.free_port()) as proc:
        yield services.blob_connection_string(proc.port)


@pytest.fixture()
def uploads(own_azurite: str) -> Iterator[ContainerClient]:
    """The watched container, created empty for each test and deleted after it."""
    with BlobServiceClient.from_connection_string(own_azurite) as account:
        container = account.get_container_client("uploads")
        container.create_container()
        yield container
        container.delete_container()


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def wait_until(condition, host: Host, polls: int = 200) -> None:
    for _ in range(polls):
        host.blobs.poll_all()
        if condition():
            return
    raise AssertionError("condition not reached")


def chain_starts(host: Host) -> int:
    """Orchestrations the trigger started (the test app starts one `chain` per blob)."""
    return len(host.store.query())


def test_upload_fires_once_including_after_restart(tmp_path: Path, own_azurite: str,
                                                   uploads: ContainerClient) -> None:
    log = tmp_path / "uploads.log"
    data = tmp_path / "data"
    with make_host(data, own_azurite, log) as host:
        uploads.upload_blob("a.wav", b"hello")
        wait_until(lambda: len(lines(log)) >= 1, host)
        host.blobs.poll_all()
        assert lines(log) == ["uploads/a.wav 5"]
        assert chain_starts(host) == 1
    with make_host(data, own_azurite, log) as host:
        host.blobs.poll_all()
        host.blobs.poll_all()
        assert lines(log) == ["uploads/a.wav 5"]
        uploads.upload_blob("a.wav", b"hello again", overwrite=True)
        wait_until(lambda: len(lines(log)) >= 2, host)
        host.blobs.poll_all()
        assert lines(log) == ["uploads/a.wav 5", "uploads/a.wav 11"]
        assert chain_starts(host) == 2


def test_failing_trigger_is_retried_then_poisoned(tmp_path: Path, own_azurite: str,
                                                  uploads: ContainerClient) -> None:
    log = tmp_path / "uploads.log"
    with make_host(tmp_path / "data", own_azurite, log) as host:
        uploads.upload_blob("bad.wav", b"fail please")
        wait_until(lambda: len(lines(log)) >= MAX_ATTEMPTS, host)
        receipt = host.store.receipt("on_upload:uploads/bad.wav")
        assert receipt is not None and receipt.status == "poison"
        host.blobs.poll_all()
        assert len(lines(log)) == MAX_ATTEMPTS


def test_the_input_stream_reads_a_large_blob_in_chunks(tmp_path: Path, own_azurite: str) -> None:
    """A 32 MiB blob read 1 MiB at a time: right bytes and properties, and the host never holds
    the whole blob (the traced peak stays well below its size)."""
    data = os.urandom(32 * 1024 * 1024)
    log = tmp_path / "uploads.log"
    with BlobServiceClient.from_connection_string(own_azurite) as account:
        large = account.get_container_client("large")
        large.create_container()
        try:
            large.upload_blob("big.bin", data)
            with make_host(tmp_path / "data", own_azurite, log) as host:
                tracemalloc.start()
                try:
                    wait_until(lambda: log.exists(), host)
                    peak = tracemalloc.get_traced_memory()[1]
                finally:
                    tracemalloc.stop()
        finally:
            large.delete_container()
    seen = json.loads(log.read_text().splitlines()[0])
    assert seen["sha256"] == hashlib.sha256(data).hexdigest()
    assert seen["total"] == seen["length"] == len(data) == seen["properties"]["Length"]
    assert seen["largest"] <= 1024 * 1024
    assert seen["name"] == "large/big.bin" and seen["uri"].endswith("/large/big.bin")
    assert peak < len(data) // 2, f"peak {peak} bytes while reading a {len(data)}-byte blob"
