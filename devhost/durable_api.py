"""The Durable extension's HTTP API: what `DurableOrchestrationClient` calls (at `rpcBaseUrl`,
the loopback RPC listener) and the public `/runtime/webhooks/durabletask/...` links, which need
the system key or the master key as on Azure; one handler serves both (spec §4.2-4.5).

Every response is either empty or JSON, because the SDK client parses every body as JSON.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devhost import history as h
from devhost.binding import RPC_PATH, WEBHOOK_PATH, Endpoints, authority
from devhost.episode import FunctionLookup, new_instance
from devhost.keys import HostKeys, given_key
from devhost.rewind import RewindError, rewind_instance
from devhost.status import RUNNING_STATES, public_history, status_json
from devhost.store import TERMINAL, Instance, Message, Store

_ROUTES = [
    ("start", re.compile(r"^orchestrators/(?P<name>[^/]+)(?:/(?P<id>[^/]+))?$")),
    ("event", re.compile(r"^instances/(?P<id>[^/]+)/raiseEvent/(?P<event>[^/]+)$")),
    ("operation", re.compile(r"^instances/(?P<id>[^/]+)/(?P<op>[^/]+)$")),
    ("instance", re.compile(r"^instances/(?P<id>[^/]+)$")),
    ("instances", re.compile(r"^instances$")),
]
_BAD_ID = re.compile(r"[/\\?#\x00-\x1f\x7f]")
PAGE_SIZE = 100
BAD_ARGUMENTS = "One or more of the arguments submitted is incorrect"
SERVER_ERROR = "Something went wrong while processing your request"
ALREADY_EXISTS = "DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException"


class ApiError(Exception):
    """An error answer: status code and, optionally, the extension's error body
    (`CreateErrorResponse`: `Message`, `ExceptionMessage`, `ExceptionType`)."""

    def __init__(self, status: int, detail: str | None = None, *, message: str | None = None,
                 exception_type: str = "System.ArgumentException") -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.message, self.exception_type = message, exception_type

    def response(self) -> Response:
        if self.detail is None:
            return Response(status_code=self.status)
        return JSONResponse({"Message": self.message or self.detail,
                             "ExceptionMessage": self.detail,
                             "ExceptionType": self.exception_type}, status_code=self.status)


def already_exists(status: str) -> ApiError:
    """DTFx's dedupe refusal (`OrchestrationAlreadyExistsException`), which the extension's
    HTTP handler answers with 500; SDK 1.7.0's `start_new` raises `Exception(<this body>)`."""
    return ApiError(500, f"An Orchestration instance with the status {status} already exists.",
                    message=SERVER_ERROR, exception_type=ALREADY_EXISTS)


def _flag(query: dict[str, str], name: str, default: bool) -> bool:
    value = query.get(name.lower())
    return default if value is None else value.strip().lower() == "true"


def _time(query: dict[str, str], name: str) -> float | None:
    value = query.get(name.lower())
    if not value:
        return None
    try:
        return h.parse_timestamp(value).timestamp()
    except ValueError as exc:
        raise ApiError(400, f"{name} is not a valid date: {value}") from exc


def _json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}") from exc


class DurableApi:
    """Starlette endpoints: `handle_webhook` (public, keyed) and `handle_rpc` (loopback only).

    `replace_active` follows host.json `overridableExistingInstanceStates` (AnyState replaces a
    running instance on start; NonRunningStates, the default, refuses); `default_version` is
    host.json `defaultVersion`, given to instances started without `?version=`.
    """

    def __init__(self, store: Store, functions: FunctionLookup, endpoints: Endpoints,
                 keys: HostKeys, *, replace_active: bool = False,
                 default_version: str = "") -> None:
        self.store, self.functions, self.endpoints, self.keys = store, functions, endpoints, keys
        self.replace_active, self.default_version = replace_active, default_version

    async def handle_webhook(self, request: Request) -> Response:
        """Every webhook route, status included, needs the system key or the master key."""
        if not self.keys.allows("system", given_key(request.query_params, request.headers)):
            return Response(status_code=401)
        return await self._handle(request, WEBHOOK_PATH)

    async def handle_rpc(self, request: Request) -> Response:
        return await self._handle(request, RPC_PATH.rstrip("/"))

    async def _handle(self, request: Request, base: str) -> Response:
        relative = request.url.path[len(base):].strip("/")
        query = {k.lower(): v for k, v in request.query_params.items()}
        try:
            for kind, pattern in _ROUTES:
                match = pattern.match(relative)
                if match:
                    return await getattr(self, f"_{kind}")(request, query, **match.groupdict())
            raise ApiError(404)
        except ApiError as error:
            return error.response()
        except ValueError as error:  # malformed query values (top, timeout, continuation token)
            return ApiError(400, str(error), message=BAD_ARGUMENTS).response()

    # -- start -----------------------------------------------------------------------------------

    async def _start(self, request: Request, query: dict[str, str], name: str,
                     id: str | None) -> Response:
        if request.method != "POST":
            raise ApiError(404)
        raw = await request.body()
        input_text = json.dumps(_json_body(raw)) if raw.strip() else None
        found = self.functions.orchestrator(name)
        if found is None:
            raise ApiError(400, f"The function '{name}' doesn't exist, is disabled, or is not "
                                "an orchestrator function.", message=BAD_ARGUMENTS)
        instance_id = id or _new_id()
        if instance_id.startswith("@") or _BAD_ID.search(instance_id) or len(instance_id) > 256:
            raise ApiError(400, f"Invalid instance id: {instance_id!r}", message=BAD_ARGUMENTS)
        self._create(instance_id, found[0], input_text,
                     query.get("version") or self.default_version)
        if "timeout" in query and "pollinginterval" in query:
            done = await self._wait(instance_id, float(query["timeout"]),
                                    float(query["pollinginterval"]))
            if done is not None:
                return JSONResponse(status_json(done).get("output"), status_code=200)
        return self._check_status(request, instance_id)

    def _create(self, instance_id: str, name: str, input_text: str | None,
                version: str) -> None:
        inst, start = new_instance(instance_id, name, input_text, version=version)
        existing = self.store.create_instance(inst, start, replace_active=self.replace_active)
        if existing is not None:
            raise already_exists(existing)

    def _check_status(self, request: Request, instance_id: str) -> Response:
        """`CreateCheckStatusResponse`: links on the request's origin, `Location`, `Retry-After`."""
        payload = self.endpoints.check_status_payload(instance_id, authority(str(request.url)))
        return JSONResponse(payload, status_code=202, headers={
            "Location": payload["statusQueryGetUri"], "Retry-After": "10"})

    async def _wait(self, instance_id: str, timeout: float, interval: float) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            inst = self.store.get_instance(instance_id)
            if inst and inst.status in TERMINAL:
                return inst
            await asyncio.sleep(max(0.05, min(interval, deadline - time.monotonic())))
        return None

    # -- status ----------------------------------------------------------------------------------

    def _existing(self, instance_id: str) -> Any:
        inst = self.store.get_instance(instance_id)
        if inst is None:
            raise ApiError(404)
        return inst

    async def _instance(self, request: Request, query: dict[str, str], id: str
                        ) -> Response:
        if request.method == "DELETE":
            self._existing(id)
            return JSONResponse({"instancesDeleted": self.store.purge([id])})
        if request.method != "GET":
            raise ApiError(404)
        inst = self.store.get_instance(id)
        if inst is None:
            return Response(status_code=404)
        show_input = _flag(query, "showInput", True)
        history = None
        if _flag(query, "showHistory", False):
            history = public_history(self.store.get_events(id), show_input=show_input,
                                     show_output=_flag(query, "showHistoryOutput", False))
        body = status_json(inst, show_input=show_input, history=history)
        if inst.status in RUNNING_STATES:  # Location is the request's own URL, as in the extension
            return JSONResponse(body, status_code=202,
                                headers={"Location": str(request.url), "Retry-After": "5"})
        failed_as_500 = _flag(query, "returnInternalServerErrorOnFailure", False)
        return JSONResponse(body, status_code=500 if inst.status == "Failed" and failed_as_500
                            else 200)

    def _filtered(self, query: dict[str, str], **page: int) -> list:
        statuses = [s.strip() for s in query.get("runtimestatus", "").split(",") if s.strip()]
        return self.store.query(created_from=_time(query, "createdTimeFrom"),
                                created_to=_time(query, "createdTimeTo"), statuses=statuses,
                                prefix=query.get("instanceidprefix"), **page)

    async def _instances(self, request: Request, query: dict[str, str]) -> Response:
        if request.method == "DELETE":
            if "createdtimefrom" not in query:
                raise ApiError(400, "createdTimeFrom is required")
            query.setdefault("createdtimeto", h.timestamp())
            victims = [i.instance_id for i in self._filtered(query)]
            if not victims:
                return Response(status_code=404)
            return JSONResponse({"instancesDeleted": self.store.purge(victims)})
        if request.method != "GET":
            raise ApiError(404)
        top = int(query.get("top") or PAGE_SIZE)
        token = request.headers.get("x-ms-continuation-token")
        offset = int(base64.b64decode(token).decode()) if token else 0
        page = self._filtered(query, offset=offset, limit=top + 1)
        show_input = _flag(query, "showInput", True)
        headers = {}
        if len(page) > top:
            page = page[:top]
            headers["x-ms-continuation-token"] = base64.b64encode(
                str(offset + top).encode()).decode()
        return JSONResponse([status_json(i, show_input=show_input) for i in page],
                            headers=headers)

    # -- operations ------------------------------------------------------------------------------

    async def _event(self, request: Request, query: dict[str, str], id: str,
                     event: str) -> Response:
        if request.method != "POST":
            raise ApiError(404)
        inst = self._existing(id)
        if inst.status in TERMINAL:
            raise ApiError(410, f"Instance {id} is {inst.status}: it accepts no more events.")
        if "application/json" not in request.headers.get("content-type", ""):
            raise ApiError(400, "raiseEvent requires Content-Type: application/json")
        raw = await request.body()
        value = _json_body(raw) if raw.strip() else None
        self.store.enqueue(Message(id, h.event_raised(event, json.dumps(value))))
        return Response(status_code=202)

    async def _operation(self, request: Request, query: dict[str, str], id: str,
                         op: str) -> Response:
        if request.method != "POST":
            raise ApiError(404)
        inst = self._existing(id)
        reason = query.get("reason")
        if op == "restart":
            return self._restart(request, inst, _flag(query, "restartWithNewInstanceId", True))
        if op == "rewind":
            if inst.status != "Failed":
                raise ApiError(410, f"Instance {id} is {inst.status}; only Failed can rewind.")
            try:
                rewind_instance(self.store, inst, reason)
            except RewindError as exc:
                raise ApiError(400, str(exc)) from exc
            return Response(status_code=202)
        factories = {"terminate": h.execution_terminated, "suspend": h.execution_suspended,
                     "resume": h.execution_resumed}
        if op not in factories:
            raise ApiError(404)
        if inst.status in TERMINAL:
            raise ApiError(410, f"Instance {id} is {inst.status}.")
        self.store.enqueue(Message(id, factories[op](reason)))
        return Response(status_code=202)

    def _restart(self, request: Request, inst: Instance, new_id: bool) -> Response:
        """`RestartAsync` is `StartNewAsync` with the old name and input (same dedupe rule)."""
        instance_id = _new_id() if new_id else inst.instance_id
        self._create(instance_id, inst.name, inst.input, self.default_version)
        return self._check_status(request, instance_id)


def _new_id() -> str:
    return uuid.uuid4().hex
