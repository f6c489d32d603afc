"""Blob triggers: poll the watched containers and invoke the function once per blob version.

Receipts (function + container/name → etag, outcome, attempts) live in the task hub, so a restart
does not fire again for blobs already handled, as the Functions runtime's blob receipts work.
A failing invocation is retried on the next polls, up to `max_attempts` (5, the runtime default),
then the blob is recorded as poison and logged.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from dataclasses import dataclass

from azure.core import MatchConditions
from azure.core.exceptions import AzureError, ResourceNotFoundError
from azure.storage.blob import BlobProperties, BlobServiceClient, ContainerClient

from devhost import logs
from devhost.blob_stream import BlobInputStream
from devhost.indexing import AppFunction
from devhost.invoke import Invoker
from devhost.settings import SettingsError, storage_connection
from devhost.store import Receipt, Store

MAX_ATTEMPTS = 5
CHUNK_BYTES = 1024 * 1024  # what a blob trigger's stream downloads per request (the storage
# SDK's transport briefly needs several times this while reading one response)


@dataclass
class Watch:
    """One blob-triggered function: its container and the pattern blob names must match."""

    function: AppFunction
    container: str
    prefix: str
    pattern: re.Pattern[str]
    connection: str | None  # resolved at start-up: settings may change later in-process
    problem: str | None = None

    @classmethod
    def of(cls, fn: AppFunction) -> Watch:
        container, _, rest = fn.trigger.path.strip("/").partition("/")
        prefix = rest.split("{", 1)[0]
        regex = ""
        for literal, name in re.findall(r"([^{]*)(?:\{([^}]*)\})?", rest):
            regex += re.escape(literal) + (f"(?P<{name}>.+)" if name else "")
        try:
            connection, problem = storage_connection(fn.trigger.connection), None
        except SettingsError as exc:
            connection, problem = None, str(exc)
        return cls(fn, container, prefix, re.compile(f"^{regex}$"), connection, problem)


def service_client(connection: str) -> BlobServiceClient:
    return BlobServiceClient.from_connection_string(
        connection, retry_total=0, connection_timeout=5, read_timeout=30,
        max_single_get_size=CHUNK_BYTES, max_chunk_get_size=CHUNK_BYTES)


def input_stream(container: ContainerClient, blob: BlobProperties) -> BlobInputStream:
    """The trigger argument: blob path with its container, URI, length, properties."""
    settings = blob.content_settings
    properties = {"Length": blob.size, "ETag": blob.etag,
                  "ContentType": settings.content_type if settings else None,
                  "LastModified": blob.last_modified.isoformat() if blob.last_modified else None}
    return BlobInputStream(container.download_blob(blob.name, etag=blob.etag,
                                                   match_condition=_IF_MATCH),
                           name=f"{container.container_name}/{blob.name}",
                           uri=f"{container.url}/{blob.name}", length=blob.size,
                           blob_properties=properties, metadata=dict(blob.metadata or {}))


_IF_MATCH = MatchConditions.IfNotModified


class BlobWatcher:
    """A polling thread over every blob trigger of the app."""

    def __init__(self, store: Store, functions: list[AppFunction], invoker: Invoker,
                 client_json: str, interval: float = 2.0, max_attempts: int = MAX_ATTEMPTS
                 ) -> None:
        self.store, self.invoker, self.client_json = store, invoker, client_json
        self.watches = [Watch.of(fn) for fn in functions]
        self.interval, self.max_attempts = interval, max_attempts
        self._stop = threading.Event()
        self._polling = threading.Lock()
        self._last_error: dict[str, str] = {}
        self._clients: dict[str, BlobServiceClient] = {}
        self._thread = threading.Thread(target=self._loop, name="devhost-blobs", daemon=True)

    def start(self) -> None:
        if self.watches:
            self._thread.start()

    def stop(self) -> None:
        """Stop polling and close connections (Azurite waits for open ones when it stops)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_all()
            except Exception:  # keep watching whatever one pass hit
                logs.LOGGER.exception("blob trigger polling failed")
            self._stop.wait(self.interval)

    def poll_all(self) -> None:
        """One pass over every watched container (serialised: tests may call it too)."""
        with self._polling:
            for watch in self.watches:
                try:
                    self.poll(watch)
                    self._last_error.pop(watch.function.name, None)
                except (AzureError, SettingsError) as exc:
                    self._report(watch, str(exc).splitlines()[0])

    def _report(self, watch: Watch, error: str) -> None:
        """Log a polling error once, not on every pass, until it changes or clears."""
        if self._last_error.get(watch.function.name) != error:
            self._last_error[watch.function.name] = error
            logs.LOGGER.warning("blob trigger %s: cannot list container %s: %s",
                                watch.function.name, watch.container, error)

    def _container(self, watch: Watch) -> ContainerClient:
        connection = watch.connection
        if connection is None:
            raise SettingsError(watch.problem or "no storage connection")
        if connection not in self._clients:
            self._clients[connection] = service_client(connection)
        return self._clients[connection].get_container_client(watch.container)

    def poll(self, watch: Watch) -> None:
        container = self._container(watch)
        with contextlib.suppress(ResourceNotFoundError):
            for blob in container.list_blobs(name_starts_with=watch.prefix or None):
                if self._stop.is_set():
                    return
                if watch.pattern.match(blob.name):
                    self._consider(watch, container, blob)

    def _consider(self, watch: Watch, container: ContainerClient, blob) -> None:
        key = f"{watch.function.name}:{watch.container}/{blob.name}"
        etag = str(blob.etag)
        receipt = self.store.receipt(key)
        if receipt and receipt.etag == etag and receipt.status in ("done", "poison"):
            return
        attempts = receipt.attempts if receipt and receipt.etag == etag else 0
        ok = self._invoke(watch, container, blob)
        attempts += 1
        status = "done" if ok else ("poison" if attempts >= self.max_attempts else "retry")
        if status == "poison":
            logs.LOGGER.error("blob trigger %s gave up on %s/%s after %d attempts (poison)",
                              watch.function.name, watch.container, blob.name, attempts)
        self.store.put_receipt(key, Receipt(etag, status, attempts))

    def _invoke(self, watch: Watch, container: ContainerClient, blob) -> bool:
        fn = watch.function
        started = time.monotonic()
        name = f"{watch.container}/{blob.name}"
        try:
            self.invoker.call(fn, self.invoker.arguments(fn, input_stream(container, blob),
                                                         self.client_json))
            outcome, ok = "Succeeded", True
        except Exception as exc:
            outcome, ok = f"Failed ({type(exc).__name__}: {exc})", False
        logs.execution(fn.name, name, time.monotonic() - started, outcome)
        return ok

    def run_now(self, function_name: str, path: str) -> bool:
        """Invoke a blob-triggered function for `container/name` at once, receipts aside
        (the admin endpoint's manual run)."""
        watch = next(w for w in self.watches if w.function.name.lower() == function_name.lower())
        container_name, _, blob_name = path.strip("/").partition("/")
        if container_name != watch.container:
            raise ValueError(f"{path} is not in container {watch.container}")
        container = self._container(watch)
        blob = container.get_blob_client(blob_name).get_blob_properties()
        return self._invoke(watch, container, blob)
