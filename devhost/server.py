"""The host's HTTP listeners, each served by uvicorn on a background thread.

The public origin: `/api/...` functions (or host.json's `extensions.http.routePrefix`), the
durable webhooks under `/runtime/webhooks/durabletask/` (system or master key) and
`/admin/host/status` for readiness checks, `/admin/functions/{name}` to run a timer or blob
function now (master key). The RPC listener, on 127.0.0.1 only, serves the
durable API at `/durabletask/` for the SDK client, like the extension's `LocalHttpListener`.
"""

from __future__ import annotations

import asyncio
import threading
import time

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from devhost.admin import AdminApi
from devhost.durable_api import DurableApi
from devhost.http_triggers import HttpTriggers

ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


async def _host_status(request: Request) -> Response:
    return JSONResponse({"state": "Running"})


async def _not_found(request: Request) -> Response:
    return Response(status_code=404)


def build_app(durable: DurableApi, http: HttpTriggers, admin: AdminApi) -> Starlette:
    """The public origin; fixed host paths first, so an empty `routePrefix` cannot shadow them."""
    prefix = f"/{http.prefix}" if http.prefix else ""
    return Starlette(routes=[
        Route("/runtime/webhooks/durabletask/{path:path}", durable.handle_webhook,
              methods=ALL_METHODS),
        Route("/admin/host/status", _host_status, methods=["GET"]),
        Route("/admin/functions/{name}", admin.invoke, methods=["POST"]),
        Route(prefix + "/{path:path}", http.handle, methods=ALL_METHODS),
        Route(prefix or "/", http.handle, methods=ALL_METHODS),
        Route("/{path:path}", _not_found, methods=ALL_METHODS),
    ])


def build_rpc_app(durable: DurableApi) -> Starlette:
    """The loopback RPC listener: the durable API and nothing else."""
    return Starlette(routes=[
        Route("/durabletask/{path:path}", durable.handle_rpc, methods=ALL_METHODS),
        Route("/{path:path}", _not_found, methods=ALL_METHODS),
    ])


class HttpServer:
    """uvicorn in a thread, started and stopped with the host."""

    def __init__(self, app: Starlette, port: int, host: str = "127.0.0.1") -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                                access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=lambda: asyncio.run(self._server.serve()),
                                        name="devhost-http", daemon=True)

    def start(self, timeout: float = 15.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
