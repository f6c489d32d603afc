"""HTTP-triggered functions under `/api/{route}`: route templates, methods, function keys.

Requests become `func.HttpRequest` (absolute URL, so `create_check_status_response` rewrites the
management links to this origin) and `func.HttpResponse`/`str` results become HTTP responses.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import azure.functions as func
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from devhost import logs
from devhost.indexing import AppFunction
from devhost.invoke import Invoker, OutValue
from devhost.keys import HostKeys, given_key

_CONSTRAINTS = {"int": r"-?\d+", "long": r"-?\d+", "alpha": r"[A-Za-z]+",
                "bool": r"(?i:true|false)",
                "guid": r"[0-9A-Fa-f]{8}-?(?:[0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}",
                "double": r"-?\d+(?:\.\d+)?", "float": r"-?\d+(?:\.\d+)?",
                "decimal": r"-?\d+(?:\.\d+)?"}
_PARAM = re.compile(r"\{(\*?)([A-Za-z_][A-Za-z0-9_]*)((?::[^{}?=]+)*)(\?|=[^{}]*)?\}")


@dataclass
class HttpRoute:
    """One compiled route template."""

    function: AppFunction
    template: str
    pattern: re.Pattern[str]
    methods: set[str] | None
    auth_level: str
    literal_weight: int


def _segment_regex(segment: str) -> tuple[str, bool]:
    """Regex for one path segment and whether the segment is an optional parameter."""
    whole = _PARAM.fullmatch(segment)
    optional = bool(whole and whole.group(4))
    parts, position = [], 0
    for match in _PARAM.finditer(segment):
        parts.append(re.escape(segment[position:match.start()]))
        catch_all, name, constraints, _ = match.groups()
        body = r".*" if catch_all else r"[^/]+"
        for constraint in filter(None, constraints.split(":")):
            body = _CONSTRAINTS.get(constraint.split("(")[0].lower(), body)
        parts.append(f"(?P<{name}>{body})")
        position = match.end()
    parts.append(re.escape(segment[position:]))
    return "".join(parts), optional


def compile_route(template: str) -> re.Pattern[str]:
    """`calls/{id:int}/{rest?}` → a regex over the path after `/api/`, case-insensitive."""
    regex = ""
    for index, segment in enumerate(template.strip("/").split("/")):
        body, optional = _segment_regex(segment)
        slash = "/" if index else ""
        regex += f"(?:{slash}{body})?" if optional else f"{slash}{body}"
    return re.compile(f"^{regex}/?$", re.IGNORECASE)


def build_routes(functions: list[AppFunction]) -> list[HttpRoute]:
    routes = []
    for fn in functions:
        template = (fn.trigger.route or fn.name).strip("/")
        methods = {str(getattr(m, "value", m)).upper() for m in fn.trigger.methods or []} or None
        level = str(getattr(fn.trigger.auth_level, "value", fn.trigger.auth_level) or "function")
        weight = sum(1 for s in template.split("/") if "{" not in s)
        routes.append(HttpRoute(fn, template, compile_route(template), methods, level.lower(),
                                weight))
    return sorted(routes, key=lambda r: (-r.literal_weight, r.template.count("{")))


def to_response(result: Any) -> Response:
    if result is None:
        return Response(status_code=204)
    if isinstance(result, str):
        return PlainTextResponse(result)
    if isinstance(result, func.HttpResponse):
        headers = dict(result.headers)
        if not any(k.lower() == "content-type" for k in headers):
            mimetype = result.mimetype or "text/plain"
            charset = f"; charset={result.charset}" if result.charset else ""
            headers["Content-Type"] = mimetype + (charset if mimetype.startswith("text/") else "")
        return Response(result.get_body(), status_code=result.status_code, headers=headers)
    raise TypeError(f"unsupported HTTP function result {type(result).__name__}")


class HttpTriggers:
    """Starlette endpoint for `/<routePrefix>/...` (default `api`)."""

    def __init__(self, functions: list[AppFunction], invoker: Invoker, client_json: str,
                 keys: HostKeys, prefix: str = "api") -> None:
        self.routes = build_routes(functions)
        self.prefix = prefix.strip("/")
        self.invoker, self.client_json, self.keys = invoker, client_json, keys

    def match(self, path: str, method: str) -> tuple[HttpRoute, dict[str, str]] | None:
        for route in self.routes:
            found = route.pattern.match(path)
            if found and (route.methods is None or method in route.methods):
                return route, {k: v for k, v in found.groupdict().items() if v is not None}
        return None

    async def handle(self, request: Request) -> Response:
        path = request.url.path.strip("/")[len(self.prefix):].strip("/")
        found = self.match(path, request.method.upper())
        if found is None:
            return Response(status_code=404)
        route, params = found
        if not self.keys.allows(route.auth_level, given_key(request.query_params,
                                                            request.headers)):
            return PlainTextResponse("Unauthorized: a function key is required (?code= or "
                                     "x-functions-key)", status_code=401)
        http_request = func.HttpRequest(
            request.method.upper(), str(request.url), headers=dict(request.headers),
            params=dict(request.query_params), route_params=params, body=await request.body())
        return await self._invoke(route.function, http_request,
                                  f"{request.method}:{request.url.path}")

    async def _invoke(self, fn: AppFunction, http_request: func.HttpRequest,
                      label: str) -> Response:
        kwargs = self.invoker.arguments(fn, http_request, self.client_json)
        started = time.monotonic()
        try:
            result = await self.invoker.acall(fn, kwargs)
            outs = [v.get() for v in kwargs.values() if isinstance(v, OutValue)]
            response = to_response(result if result is not None or not outs else outs[0])
            outcome = f"Succeeded ({response.status_code})"
        except Exception as exc:
            logs.LOGGER.exception("HTTP function %s raised", fn.name)
            response = Response(status_code=500)
            outcome = f"Failed ({type(exc).__name__}: {exc})"
        logs.execution(fn.name, label, time.monotonic() - started, outcome)
        return response
