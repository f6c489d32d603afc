"""The Functions host's admin endpoint for running a non-HTTP function now:
`POST /admin/functions/{name}` with the master key and a body `{"input": ...}`, answered 202
while the function runs in the background (as the host's `FunctionsController.Invoke` does).

devhost runs timer-triggered functions (the input is ignored; `past_due` is false) and
blob-triggered ones (the input is the blob path, `container/name`); durable triggers and HTTP
functions are refused with 400, since they are started through their own APIs.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devhost import logs
from devhost.blobs import BlobWatcher
from devhost.indexing import AppIndex
from devhost.keys import HostKeys, given_key
from devhost.schedules import TimerTriggers


class AdminApi:
    def __init__(self, index: AppIndex, keys: HostKeys, timers: TimerTriggers,
                 blobs: BlobWatcher) -> None:
        self.index, self.keys, self.timers, self.blobs = index, keys, timers, blobs

    async def invoke(self, request: Request) -> Response:
        if not self.keys.allows("admin", given_key(request.query_params, request.headers)):
            return Response(status_code=401)
        fn = self.index.function(request.path_params["name"])
        if fn is None:
            return Response(status_code=404)
        try:
            body = json.loads(await request.body() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            return _refuse('the body must be a JSON object like {"input": "..."}')
        job: Callable[..., object]
        if fn.kind == "timerTrigger":
            job, args = self.timers.run_now, (fn.name,)
        elif fn.kind == "blobTrigger" and isinstance(body.get("input"), str):
            job, args = self._blob, (fn.name, body["input"])
        elif fn.kind == "blobTrigger":
            return _refuse('a blob trigger needs {"input": "<container>/<blob name>"}')
        else:
            return _refuse(f"devhost runs only timer and blob functions on demand; "
                           f"{fn.name} is triggered by {fn.kind}")
        threading.Thread(target=job, args=args, name=f"devhost-admin-{fn.name}",
                         daemon=True).start()
        return Response(status_code=202)

    def _blob(self, name: str, path: str) -> None:
        started = time.monotonic()
        try:
            self.blobs.run_now(name, path)
        except Exception as exc:  # the invocation itself is logged by the watcher
            logs.execution(name, str(uuid.uuid4()), time.monotonic() - started,
                           f"Failed ({type(exc).__name__}: {exc})")


def _refuse(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)
