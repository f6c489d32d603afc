"""A blob trigger's `func.InputStream` that reads from storage as the function reads it.

`azure.functions.blob.InputStream` holds the whole blob in memory (the worker gets the content
in one message on Azure). This subclass keeps its properties (`name`, `length`, `uri`,
`blob_properties`, `metadata`) but pulls the content chunk by chunk from the storage SDK's
downloader, so `read(size)` in a loop never holds more than a chunk or two.
"""

from __future__ import annotations

from typing import Any

from azure.functions.blob import InputStream
from azure.storage.blob import StorageStreamDownloader


class BlobInputStream(InputStream):
    """`read(size)` streams; `read()` with no size still returns the rest in one piece."""

    def __init__(self, downloader: StorageStreamDownloader, *, name: str, uri: str,
                 length: int, blob_properties: dict[str, Any] | None = None,
                 metadata: dict[str, str] | None = None) -> None:
        super().__init__(data=b"", name=name, uri=uri, length=length,
                         blob_properties=blob_properties, metadata=metadata)
        self._downloader = downloader

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self._downloader.readall()
        return self._downloader.read(size)

    read1 = read
