"""Call the app's functions as the Python worker does: keyword arguments named after bindings,
async functions on one shared event loop, sync ones in threads.

One loop matters: the durable client keeps a process-wide aiohttp session that belongs to the loop
it was created on, so every durable-client function must run on the same loop (the worker's main
loop in production).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devhost.indexing import AppFunction


@dataclass
class InvocationContext:
    """The `context` argument the worker passes when a function asks for one."""

    function_name: str
    function_directory: str
    invocation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    trace_context: Any = None
    retry_context: Any = None
    thread_local_storage: Any = field(default_factory=threading.local)


class OutValue:
    """A settable output binding (`func.Out` is only an interface)."""

    def __init__(self) -> None:
        self.value: Any = None

    def set(self, value: Any) -> None:
        self.value = value

    def get(self) -> Any:
        return self.value


async def _close_client_session() -> None:
    """Close the durable client's process-wide aiohttp session before its loop goes away."""
    from azure.durable_functions.models.utils import http_utils

    session = getattr(http_utils, "_client_session", None)
    if session is not None and not session.closed:
        await session.close()
    http_utils._client_session = None


class Invoker:
    """Owns the app's event loop thread and the thread pool for sync HTTP/blob functions."""

    def __init__(self, app_dir: Path, threads: int = 8) -> None:
        self.app_dir = app_dir
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="devhost-app-loop",
                                        daemon=True)
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="devhost-fn")
        self._thread.start()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_close_client_session(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def arguments(self, fn: AppFunction, trigger_value: Any, client_json: str | None
                  ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {fn.trigger.name: trigger_value}
        if fn.client_arg:
            kwargs[fn.client_arg] = client_json
        for name in fn.out_args:
            kwargs[name] = OutValue()
        if fn.wants_context:
            kwargs["context"] = InvocationContext(fn.name, str(self.app_dir))
        return kwargs

    def call(self, fn: AppFunction, kwargs: dict[str, Any]) -> Any:
        """Blocking call from a host thread (activity workers, blob poller)."""
        if fn.is_async:
            return asyncio.run_coroutine_threadsafe(fn.user_function(**kwargs), self.loop).result()
        return fn.user_function(**kwargs)

    async def acall(self, fn: AppFunction, kwargs: dict[str, Any]) -> Any:
        """Call from another event loop (the HTTP server) without blocking it."""
        if fn.is_async:
            future = asyncio.run_coroutine_threadsafe(fn.user_function(**kwargs), self.loop)
            return await asyncio.wrap_future(future)
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, lambda: fn.user_function(**kwargs))
