"""BlobStore against a real Azurite."""

from __future__ import annotations

import pytest

from callinsights.blobs import DEVELOPMENT_CONNECTION, BlobNotFound, BlobStore
from callinsights.blobs import resolve_connection_string as resolve


def test_development_storage_means_azurite_on_its_default_port() -> None:
    assert resolve("UseDevelopmentStorage=true") == DEVELOPMENT_CONNECTION
    assert resolve("UseDevelopmentStorage=true;") == DEVELOPMENT_CONNECTION
    assert "127.0.0.1:10000/devstoreaccount1" in DEVELOPMENT_CONNECTION
    explicit = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zm9v;"
    assert resolve(explicit) == explicit


def test_store_is_shared_per_connection(azurite: str) -> None:
    assert BlobStore(azurite)._service is BlobStore(azurite)._service


def test_bytes_json_exists_properties(azurite: str) -> None:
    store = BlobStore(azurite)
    store.ensure_containers(["blobs-test", "blobs-test"])  # twice is fine
    store.write_bytes("blobs-test", "a/b.bin", b"\x00\x01", content_type="audio/flac")
    store.write_bytes("blobs-test", "a/b.bin", b"\x00\x01\x02")  # overwrite by default
    assert store.read_bytes("blobs-test", "a/b.bin") == b"\x00\x01\x02"
    props = store.properties("blobs-test", "a/b.bin")
    assert props["size"] == 3 and props["etag"] and props["last_modified"]
    store.write_json("blobs-test", "doc.json", {"name": "Zoë", "n": [1, 2]})
    assert store.read_json("blobs-test", "doc.json") == {"name": "Zoë", "n": [1, 2]}
    assert store.properties("blobs-test", "doc.json")["content_type"] == "application/json"
    assert store.exists("blobs-test", "doc.json")
    assert not store.exists("blobs-test", "missing.json")
    assert sorted(store.list_names("blobs-test", "a/")) == ["a/b.bin"]


def test_missing_blob_and_new_container(azurite: str) -> None:
    store = BlobStore(azurite)
    with pytest.raises(BlobNotFound, match="nowhere/x"):
        store.read_bytes("nowhere", "x")
    with pytest.raises(BlobNotFound):
        store.properties("nowhere", "x")
    store.write_bytes("made-on-first-write", "x", b"1")  # the container is created
    assert store.read_bytes("made-on-first-write", "x") == b"1"
