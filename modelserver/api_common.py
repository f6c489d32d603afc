"""Request plumbing shared by the endpoints: body size limit, JSON bodies, auth, lookups."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from modelserver.errors import APIError, bad_request, too_large
from modelserver.registry import Kind, ServedModel
from modelserver.services import Services


def services(request: Request) -> Services:
    return request.app.state.services


def check_key(request: Request) -> None:
    """401 unless the configured key arrives as `api-key` (Azure) or a Bearer token (OpenAI)."""
    expected = services(request).settings.api_key
    if not expected:
        return
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if expected not in (bearer, request.headers.get("api-key", "")):
        raise APIError(401, "Incorrect API key provided.", code="invalid_api_key")


def admit(request: Request, name: str | None, kind: Kind) -> ServedModel:
    """Resolve the deployment (Azure path) or model name, then apply its rate limit."""
    check_key(request)
    deployment = request.path_params.get("deployment")
    svc = services(request)
    model = svc.registry.resolve(deployment or name, kind, deployment=deployment is not None)
    svc.limiter.check(model.name, deployment or name or model.name)
    return model


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing more than `limit` bytes (OpenAI's 413) without buffering it all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit, int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit, size)
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette's own cache: later form()/json() parse these bytes
    return body


async def json_body(request: Request, limit: int) -> dict[str, Any]:
    """The JSON object a request carries, or OpenAI's 400 for anything else."""
    raw = await read_body(request, limit)
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(f"We could not parse the JSON body of your request. ({exc})") from exc
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body
