"""`Host`: wires settings, the app index, the task hub, the workers and the HTTP server together.

Used in-process by tests (`with Host(app_dir, port=free_port()) as host: ...`) and by the CLI.
It starts the companions the app needs (Azurite for development storage, the local model server
when the app points at one on 127.0.0.1) and stops what it started.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from devhost import logs, services
from devhost.admin import AdminApi
from devhost.binding import Endpoints
from devhost.blobs import BlobWatcher, service_client
from devhost.durable_api import DurableApi
from devhost.episode import EpisodeRunner
from devhost.http_triggers import HttpTriggers
from devhost.indexing import AppIndex, load_app
from devhost.invoke import Invoker
from devhost.keys import HostKeys, load_keys
from devhost.ncrontab import ScheduleError
from devhost.schedules import TimerTriggers
from devhost.server import HttpServer, build_app, build_rpc_app
from devhost.settings import (
    DEV_BLOB_PORT,
    DEV_STORAGE,
    STORAGE_SETTING,
    apply_settings,
    read_host_json,
    resolve_connection,
    restore_settings,
)
from devhost.store import TERMINAL, Instance, Store
from devhost.workers import Activities, Orchestrations, Signal

DEFAULT_ACTIVITY_WORKERS = 4
DEFAULT_RPC_PORT = 17071  # the extension's LocalHttpListener default
T = TypeVar("T")


class HostError(RuntimeError):
    """The host cannot start: bad app folder, port taken, storage unreachable."""


class Host:
    """The local Functions + Durable host for one app folder."""

    def __init__(self, app_dir: Path | str = ".", port: int = 7071,
                 data_dir: Path | str = ".data", *, activity_workers: int | None = None,
                 orchestrator_threads: int = 2, start_azurite: bool = True,
                 start_model_server: bool = True, settings: dict[str, str] | None = None,
                 blob_poll_interval: float = 2.0, log_level: int = logging.INFO,
                 rpc_port: int | None = None) -> None:
        self.app_dir = Path(app_dir).resolve()
        self.port = port
        self.rpc_port = rpc_port
        self.data_dir = Path(data_dir).resolve()
        self.activity_workers = activity_workers
        self.orchestrator_threads = orchestrator_threads
        self.start_azurite, self.start_model_server = start_azurite, start_model_server
        self.settings = settings or {}
        self.blob_poll_interval = blob_poll_interval
        self.log_level = log_level
        self.index: AppIndex | None = None
        self.store: Store | None = None
        self.keys: HostKeys | None = None
        self._companions: list[services.ServiceProcess] = []
        self._parts: list = []
        self._saved_env: dict[str, str | None] = {}

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rpc_origin(self) -> str:
        """The loopback listener the SDK client talks to (the binding's `rpcBaseUrl`)."""
        return f"http://127.0.0.1:{self.rpc_port}"

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> Host:
        if not (self.app_dir / "function_app.py").exists():
            raise HostError(f"no function_app.py in {self.app_dir} (use --app-dir)")
        self._saved_env = apply_settings(self.app_dir, self.settings)
        logs.configure(self.data_dir / "devhost.log", self.log_level)
        if services.port_open(self.port):
            raise HostError(f"port 127.0.0.1:{self.port} is already in use (use --port)")
        if self.rpc_port is not None and services.port_open(self.rpc_port):
            raise HostError(f"port 127.0.0.1:{self.rpc_port} is already in use (use --rpc-port)")
        try:
            self._start_companions()
            self._check_storage()
            self._start_parts()
        except BaseException:
            self.stop()
            raise
        logs.LOGGER.info("devhost listening on %s (app %s, hub %s)", self.origin, self.app_dir,
                         self.hub)
        return self

    def _start_parts(self) -> None:
        host_json = read_host_json(self.app_dir)
        self.hub = host_json.hub_name
        self.index = load_app(self.app_dir)
        signal = Signal()
        self.store = Store(self.data_dir / f"taskhub-{self.hub}.sqlite", signal.notify)
        self.store.release_claims()
        self.keys = keys = load_keys(self.data_dir)
        if self.rpc_port is None:
            self.rpc_port = (DEFAULT_RPC_PORT if not services.port_open(DEFAULT_RPC_PORT)
                             else services.free_port())
        endpoints = Endpoints(self.origin, self.hub, self.rpc_origin, keys.system)
        self.client_json = endpoints.client_binding()
        invoker = self._invoker = Invoker(self.app_dir)
        self._parts = [invoker]  # from here on, stop() releases what was started
        workers = self.activity_workers or host_json.max_activities or DEFAULT_ACTIVITY_WORKERS
        durable = DurableApi(self.store, self.index, endpoints, keys,
                             replace_active=host_json.overridable_states == "AnyState",
                             default_version=host_json.versions.default)
        http = HttpTriggers(self.index.http, invoker, self.client_json, keys,
                            host_json.route_prefix)
        self.blobs = BlobWatcher(self.store, self.index.blobs, invoker, self.client_json,
                                 self.blob_poll_interval)
        try:
            self.timers = TimerTriggers(self.store, self.index.timers, invoker, self.client_json)
        except ScheduleError as exc:
            raise HostError(str(exc)) from exc
        admin = AdminApi(self.index, keys, self.timers, self.blobs)
        runner = EpisodeRunner(self.index, provider=host_json.provider,
                               versions=host_json.versions)
        self._parts += [Orchestrations(self.store, runner, signal, self.orchestrator_threads),
                       Activities(self.store, self.index, invoker, signal, workers,
                                  self.client_json),
                       HttpServer(build_rpc_app(durable), self.rpc_port),
                       HttpServer(build_app(durable, http, admin), self.port), self.blobs,
                       self.timers]
        for part in self._parts[1:]:
            part.start()

    def stop(self) -> None:
        """Stop blob polling and HTTP first, then workers, the app loop, the store, companions."""
        for part in reversed(self._parts):
            try:
                part.stop()
            except Exception:
                logs.LOGGER.exception("stopping %s failed", type(part).__name__)
        self._parts = []
        if self.store is not None:
            self.store.close()
            self.store = None
        for companion in reversed(self._companions):
            companion.stop()
        self._companions = []
        restore_settings(self._saved_env)
        self._saved_env = {}

    def __enter__(self) -> Host:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- companions ------------------------------------------------------------------------------

    def _start_companions(self) -> None:
        storage = os.environ.get(STORAGE_SETTING, "")
        dev = storage.strip().rstrip(";").lower() == DEV_STORAGE.lower()
        if dev and self.start_azurite and not services.port_open(DEV_BLOB_PORT):
            logs.LOGGER.info("starting Azurite on 127.0.0.1:%d (data %s)", DEV_BLOB_PORT,
                             self.data_dir / "azurite")
            self._companions.append(services.start_azurite(self.data_dir / "azurite"))
        if self.start_model_server:
            self._maybe_start_model_server()

    def _maybe_start_model_server(self) -> None:
        base = urlparse(os.environ.get("OPENAI_BASE_URL", ""))
        if os.environ.get("AZURE_OPENAI_ENDPOINT") or base.hostname not in ("127.0.0.1",
                                                                            "localhost"):
            return
        port = base.port or 80
        if services.port_open(port):
            return
        if importlib.util.find_spec("modelserver") is None:
            logs.LOGGER.warning("OPENAI_BASE_URL points at %s but the modelserver package is "
                                "not installed; model calls will fail", base.geturl())
            return
        try:
            logs.LOGGER.info("starting the model server on 127.0.0.1:%d", port)
            self._companions.append(services.start_model_server(port, self.data_dir / "logs"))
        except services.ServiceError as exc:
            logs.LOGGER.warning("model server not started (%s); model calls will fail",
                                str(exc).splitlines()[0])

    def _check_storage(self) -> None:
        storage = os.environ.get(STORAGE_SETTING, "")
        if not storage:
            return
        try:
            with service_client(resolve_connection(storage)) as client:
                next(iter(client.list_containers(results_per_page=1)), None)
        except Exception as exc:
            raise HostError(f"storage account in AzureWebJobsStorage is unreachable: "
                            f"{str(exc).splitlines()[0]}") from exc

    # -- helpers for tests and tools -------------------------------------------------------------

    def run_client(self, use: Callable[[Any], Awaitable[T]], timeout: float = 120.0) -> T:
        """Run `use(DurableOrchestrationClient)` on the app's event loop.

        The SDK keeps one aiohttp session per process, bound to the loop of the first call; in
        this process that is the loop functions run on, so test code must use it too.
        """
        import azure.durable_functions as df

        async def call() -> T:
            return await use(df.DurableOrchestrationClient(self.client_json))

        return asyncio.run_coroutine_threadsafe(call(), self._invoker.loop).result(timeout)

    def wait_for(self, instance_id: str, timeout: float = 60.0) -> Instance:
        """Block until the instance reaches a terminal status (raises TimeoutError otherwise)."""
        assert self.store is not None, "host not started"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            inst = self.store.get_instance(instance_id)
            if inst is not None and inst.status in TERMINAL:
                return inst
            time.sleep(0.05)
        raise TimeoutError(f"instance {instance_id} did not finish within {timeout}s")
