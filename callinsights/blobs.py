"""Blob storage as the pipeline uses it: named bytes and small JSON documents in containers.

Activities exchange blob names, never audio, so every stage reads and writes through this one
class. It holds one `BlobServiceClient` (one HTTP connection pool) and is cached per connection
string, so a Functions worker reuses it across invocations instead of reconnecting each time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContentSettings

# What `UseDevelopmentStorage=true` means: Azurite's well-known account on its default port.
_DEV_ACCOUNT = "devstoreaccount1"
_DEV_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
DEVELOPMENT_CONNECTION = (
    f"DefaultEndpointsProtocol=http;AccountName={_DEV_ACCOUNT};AccountKey={_DEV_KEY};"
    f"BlobEndpoint=http://127.0.0.1:10000/{_DEV_ACCOUNT};"
)


class BlobNotFound(LookupError):
    """The container or blob does not exist."""


def resolve_connection_string(connection_string: str) -> str:
    """Expand the `UseDevelopmentStorage=true` shorthand; pass real connection strings through."""
    compact = connection_string.replace(" ", "").rstrip(";").lower()
    return DEVELOPMENT_CONNECTION if compact == "usedevelopmentstorage=true" else connection_string


@functools.lru_cache(maxsize=8)
def _service(connection_string: str) -> BlobServiceClient:
    """A connection string, or a blob service URL reached with the app's identity (no key)."""
    if connection_string.startswith("https://") and "=" not in connection_string:
        from azure.identity import DefaultAzureCredential

        return BlobServiceClient(account_url=connection_string,
                                 credential=DefaultAzureCredential())
    return BlobServiceClient.from_connection_string(resolve_connection_string(connection_string))


class BlobStore:
    """Read and write blobs by (container, name); one client per process per connection."""

    def __init__(self, connection_string: str) -> None:
        self._service = _service(connection_string)

    def _blob(self, container: str, name: str):
        return self._service.get_blob_client(container, name)

    def read_bytes(self, container: str, name: str) -> bytes:
        try:
            return self._blob(container, name).download_blob().readall()
        except ResourceNotFoundError as exc:
            raise BlobNotFound(f"blob {container}/{name} not found") from exc

    def read_range(self, container: str, name: str, offset: int, length: int) -> bytes:
        """`length` bytes from `offset`: a piece of a recording for an HTTP Range request."""
        try:
            return self._blob(container, name).download_blob(offset=offset,
                                                             length=length).readall()
        except ResourceNotFoundError as exc:
            raise BlobNotFound(f"blob {container}/{name} not found") from exc

    def download_to_file(self, container: str, name: str, path: Path) -> int:
        """Stream a blob to `path` (a long recording never sits in memory); returns its size."""
        try:
            with open(path, "wb") as file:
                return self._blob(container, name).download_blob().readinto(file)
        except ResourceNotFoundError as exc:
            raise BlobNotFound(f"blob {container}/{name} not found") from exc

    def write_bytes(self, container: str, name: str, data: bytes, *, overwrite: bool = True,
                    content_type: str | None = None,
                    metadata: dict[str, str] | None = None) -> None:
        """Upload `data` (with blob metadata, if given), creating the container on first use."""
        settings = ContentSettings(content_type=content_type) if content_type else None
        blob = self._blob(container, name)
        try:
            blob.upload_blob(data, overwrite=overwrite, content_settings=settings,
                             metadata=metadata)
        except ResourceNotFoundError:  # the container does not exist yet
            self.ensure_containers([container])
            blob.upload_blob(data, overwrite=overwrite, content_settings=settings,
                             metadata=metadata)

    def read_json(self, container: str, name: str) -> Any:
        return json.loads(self.read_bytes(container, name))

    def write_json(self, container: str, name: str, value: Any, *, overwrite: bool = True) -> None:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.write_bytes(container, name, data, overwrite=overwrite,
                         content_type="application/json")

    def exists(self, container: str, name: str) -> bool:
        return self._blob(container, name).exists()

    def properties(self, container: str, name: str) -> dict:
        """Size, content type, ETag and times of a blob, as plain JSON-friendly values."""
        try:
            props = self._blob(container, name).get_blob_properties()
        except ResourceNotFoundError as exc:
            raise BlobNotFound(f"blob {container}/{name} not found") from exc
        return {
            "name": name,
            "container": container,
            "size": props.size,
            "content_type": props.content_settings.content_type,
            "etag": props.etag,
            "created_at": props.creation_time.isoformat() if props.creation_time else None,
            "last_modified": props.last_modified.isoformat() if props.last_modified else None,
            "metadata": dict(props.metadata or {}),
        }

    def ensure_containers(self, names: Iterable[str]) -> None:
        """Create the containers that do not exist yet (safe to call on every start)."""
        for name in names:
            with contextlib.suppress(ResourceExistsError):
                self._service.create_container(name)

    def list_names(self, container: str, prefix: str = "") -> list[str]:
        """Blob names under `prefix`; none when the container does not exist (yet)."""
        try:
            return [b.name for b in self._service.get_container_client(container)
                    .list_blobs(name_starts_with=prefix or None)]
        except ResourceNotFoundError:
            return []

    def delete(self, container: str, name: str) -> bool:
        """Remove one blob (with its snapshots); False when it was not there."""
        try:
            self._blob(container, name).delete_blob(delete_snapshots="include")
        except ResourceNotFoundError:
            return False
        return True

    def sha256(self, container: str, name: str) -> str | None:
        """Hex SHA-256 of a blob's content, streamed; None when it is not there."""
        digest = hashlib.sha256()
        try:
            for piece in self._blob(container, name).download_blob().chunks():
                digest.update(piece)
        except ResourceNotFoundError:
            return None
        return digest.hexdigest()
