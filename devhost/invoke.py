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


class _AppLoop:
    """The process's one function event loop, shared by every in-process host.

    Shared because the SDK's client session is process-wide: two hosts in one process (tests)
    with a loop each would hand one loop's session to the other. Reference-counted: the last
    host to stop closes the session and stops the loop.
    """

    _lock = threading.Lock()
    _users = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None

    @classmethod
    def acquire(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None:
                cls._loop = asyncio.new_event_loop()
                cls._thread = threading.Thread(target=cls._loop.run_forever,
                                               name="devhost-app-loop", daemon=True)
                cls._thread.start()
            cls._users += 1
            return cls._loop

    @classmethod
    def release(cls) -> None:
        with cls._lock:
            cls._users -= 1
            if cls._users > 0 or cls._loop is None:
                return
            loop, thread = cls._loop, cls._thread
            cls._loop = cls._thread = None
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_close_client_session(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)


class Invoker:
    """Calls functions: async ones on the shared app loop, sync HTTP/blob ones in a pool."""

    def __init__(self, app_dir: Path, threads: int = 8) -> None:
        self.app_dir = app_dir
        self.loop = _AppLoop.acquire()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="devhost-fn")

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        _AppLoop.release()

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
