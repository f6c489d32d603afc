"""`context.call_http(...)`: the extension's built-in HTTP activity, done as one plain request.

The SDK models a durable HTTP call as one task with one sequence id, so (as the spec advises)
the host makes exactly one request and does not follow the 202 polling pattern. Managed-identity
token sources have no local equivalent and fail the call.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

BUILTIN_NAME = "BuiltIn::HttpActivity"
TIMEOUT_SECONDS = 100.0


def call(request_json: str | None) -> dict[str, Any]:
    """Perform the request described by the action's `httpRequest`; the orchestrator gets this."""
    spec = json.loads(request_json or "{}")
    if spec.get("tokenSource"):
        raise RuntimeError("call_http with a managed-identity token source is not supported "
                           "by devhost")
    content = spec.get("content")
    data = content.encode() if isinstance(content, str) else None
    request = urllib.request.Request(spec["uri"], data=data, method=spec.get("method", "GET"),
                                     headers=spec.get("headers") or {})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:
            return _response(reply.status, reply.headers, reply.read())
    except urllib.error.HTTPError as error:
        return _response(error.code, error.headers, error.read())


def _response(status: int, headers: Any, body: bytes) -> dict[str, Any]:
    return {"statusCode": status, "headers": dict(headers.items()),
            "content": body.decode("utf-8", errors="replace")}
